/**
 * The form taps on the site's forms. A form has a `form_id`: `item_<type>_form` for the
 * generated add/edit forms of a content type, and the `#form_id` of a plugin's `form`
 * RenderElement for plugin forms.
 *
 * - `tap_form_alter` `{form_id, form, ...}` -> the altered form (or null): plugin forms in the
 *   render pipeline (../render-pipeline.ts); item forms here, as a `form` RenderElement with one
 *   `item` per field (`#name`, `#title`, `#weight`): the UI shows the altered labels and order.
 * - `tap_form_validate` `{form_id, values}` -> `[{field, message}]` (or null): any message
 *   refuses the submission, and the UI shows it next to the field.
 * - `tap_form_submit` `{form_id, values}` (+ `item` on item forms) -> `{message}` or null, once
 *   the submission is valid (and, for an item form, the item saved). A plugin's own
 *   tap_form_submit is where its form's submission arrives.
 */
import type { ContentType, FieldError } from '../kernel/content/types.js';
import type { RequestSession } from '../kernel/request-session.js';
import type { FormSubmission } from './protocol.js';
import { alterChain } from '../kernel/render-pipeline.js';
import type { DispatchResult } from '../kernel/tap/dispatcher.js';

export type FormOutcome =
  | { ok: true; messages: string[]; errors: string[]; trace: DispatchResult[] }
  | { ok: false; fieldErrors: FieldError[]; errors: string[]; trace: DispatchResult[] };

export const itemFormId = (type: string): string => `item_${type}_form`;

/** Runs tap_form_validate; returns the field errors handlers reported and handler failures. */
export function validateForm(session: RequestSession, formId: string, values: unknown, trace: DispatchResult[]): { fieldErrors: FieldError[]; errors: string[] } {
  const result = session.dispatch('tap_form_validate', { form_id: formId, values });
  trace.push(result);
  const fieldErrors: FieldError[] = [];
  const errors: string[] = [];
  for (const answer of result.results) {
    if (answer.error !== undefined) {
      // A validator that crashed must not wave the submission through.
      fieldErrors.push({ field: '', message: `This form could not be checked: ${answer.error}` });
    } else if (answer.output === null) {
      continue;
    } else if (!Array.isArray(answer.output)) {
      errors.push(`${answer.plugin} tap_form_validate returned ${JSON.stringify(answer.output).slice(0, 80)}; return [{field, message}] or nothing.`);
    } else {
      for (const entry of answer.output as unknown[]) {
        const { field, message } = (entry ?? {}) as { field?: unknown; message?: unknown };
        if (typeof message === 'string') fieldErrors.push({ field: typeof field === 'string' ? field : '', message });
        else errors.push(`${answer.plugin} tap_form_validate returned an entry without a "message" string: ${JSON.stringify(entry).slice(0, 80)}.`);
      }
    }
  }
  return { fieldErrors, errors };
}

/** Runs tap_form_submit; returns the messages handlers answered and handler failures. */
export function submitForm(session: RequestSession, input: Record<string, unknown>, trace: DispatchResult[]): { messages: string[]; errors: string[] } {
  const result = session.dispatch('tap_form_submit', input);
  trace.push(result);
  const messages: string[] = [];
  const errors: string[] = [];
  for (const answer of result.results) {
    if (answer.error !== undefined) errors.push(answer.error);
    else if (answer.output !== null && typeof (answer.output as { message?: unknown }).message === 'string') messages.push((answer.output as { message: string }).message);
  }
  return { messages, errors };
}

/** A plugin form submitted from a page: validate, then submit. */
export function submitPluginForm(session: RequestSession, submission: FormSubmission): FormOutcome {
  const trace: DispatchResult[] = [];
  const values = { ...submission.values };
  const checked = validateForm(session, submission.form_id, values, trace);
  if (checked.fieldErrors.length > 0) return { ok: false, fieldErrors: checked.fieldErrors, errors: checked.errors, trace };
  const submitted = submitForm(session, { form_id: submission.form_id, values, path: submission.path, plugin: submission.plugin }, trace);
  return { ok: true, messages: submitted.messages, errors: [...checked.errors, ...submitted.errors], trace };
}

/**
 * The generated form of a content type as a `form` RenderElement, after tap_form_alter: what
 * the UI's item form shows (labels, descriptions, order, hidden fields).
 */
export function buildItemForm(session: RequestSession, type: ContentType): { form: Record<string, unknown>; errors: string[] } {
  const formId = itemFormId(type.machine_name);
  const form: Record<string, unknown> = {
    '#type': 'form',
    '#form_id': formId,
    title: { '#type': 'item', '#name': 'title', '#title': 'Title', '#weight': -100 },
  };
  type.fields.forEach((field, index) => {
    form[field.field_name] = { '#type': 'item', '#name': field.field_name, '#title': field.label, '#weight': index };
  });
  const isForm = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null && (value as Record<string, unknown>)['#type'] === 'form';
  const altered = alterChain(session, 'tap_form_alter', form, (current) => ({ form_id: formId, form: current, item_type: type.machine_name }), isForm);
  return { form: { ...altered.value, '#form_id': formId }, errors: altered.problems };
}
