/**
 * Validation messages next to the fields of a plugin form: the page's render tree with, right
 * after each field (`item` with `#name`) of the form `formId`, a `markup` element holding its
 * message. Messages for no field (or a field the form lacks) go first in the form. The tree is
 * copied, never changed in place: it is the page state the next render starts from.
 */
import type { FieldError } from '../site/protocol.js';

type Tree = Record<string, unknown>;

const isElement = (value: unknown): value is Tree => typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as Tree)['#type'] === 'string';

function message(text: string, weight: unknown): Tree {
  return { '#type': 'markup', '#tag': 'p', '#value': text, '#attributes': { class: 'field-error' }, ...(typeof weight === 'number' ? { '#weight': weight } : {}) };
}

/** The tree with the form `formId` (wherever it is) replaced by `change(form)`; a copy. */
function mapForm(tree: unknown, formId: string, change: (form: Tree) => Tree): unknown {
  if (!isElement(tree)) return tree;
  if (tree['#type'] === 'form' && tree['#form_id'] === formId) return change(tree);
  const out: Tree = {};
  for (const [key, child] of Object.entries(tree)) out[key] = !key.startsWith('#') && isElement(child) ? mapForm(child, formId, change) : child;
  return out;
}

/** Whether the tree holds a form that `matches`; a search, the tree is not copied. */
function holdsForm(tree: unknown, matches: (form: Tree) => boolean): boolean {
  if (!isElement(tree)) return false;
  if (tree['#type'] === 'form' && matches(tree)) return true;
  return Object.entries(tree).some(([key, child]) => !key.startsWith('#') && holdsForm(child, matches));
}

/**
 * Whether the page's tree holds the form `formId`: a posted form is handled only when the page
 * it was posted to shows it (a client names the form, the page decides whether it exists).
 */
export function hasForm(tree: unknown, formId: string): boolean {
  return holdsForm(tree, (form) => form['#form_id'] === formId);
}

/** Whether the tree holds a form anywhere (any form id). */
export function holdsAnyForm(tree: unknown): boolean {
  return holdsForm(tree, () => true);
}

/**
 * @example withFieldErrors(tree, 'ks_form', [{ field: 'name', message: 'Give a name.' }])
 */
export function withFieldErrors(tree: unknown, formId: string, errors: readonly FieldError[]): unknown {
  return mapForm(tree, formId, (form) => {
    const fields = new Set(Object.values(form).filter(isElement).map((child) => child['#name']));
    const loose = errors.filter((e) => !fields.has(e.field));
    const out: Tree = {};
    loose.forEach((e, i) => (out[`error_${i}`] = message(e.message, -1000)));
    for (const [key, child] of Object.entries(form)) {
      out[key] = child;
      if (!isElement(child) || typeof child['#name'] !== 'string') continue;
      errors.filter((e) => e.field === child['#name']).forEach((e, i) => (out[`${key}_error_${i}`] = message(e.message, child['#weight'])));
    }
    return out;
  });
}

/**
 * The form `formId` with the values a visitor entered in its fields (each `item` with a `#name`,
 * at any depth in the form), so a refused submission shows them again rather than the defaults.
 *
 * @example withEnteredValues(tree, 'ks_form', { name: 'Ada' })
 */
export function withEnteredValues(tree: unknown, formId: string, values: Readonly<Record<string, string>>): unknown {
  const fill = (element: Tree): Tree => {
    const out: Tree = {};
    for (const [key, child] of Object.entries(element)) out[key] = !key.startsWith('#') && isElement(child) ? fill(child) : child;
    const name = element['#name'];
    if (element['#type'] === 'item' && typeof name === 'string' && Object.hasOwn(values, name)) out['#value'] = values[name];
    return out;
  };
  return mapForm(tree, formId, fill);
}

/**
 * A content type as its generated form shows it after tap_form_alter (the worker's `itemForm`):
 * each field's label from its element's `#title` and fields ordered by `#weight`. Fields are
 * never left out: a field missing from the form would be saved empty, losing its value.
 *
 * @example typeAsAltered(blog, { '#type': 'form', body: { '#type': 'item', '#name': 'body', '#title': 'Text' } })
 */
export function typeAsAltered<T extends { fields: Array<{ field_name: string; label: string; required?: boolean }> }>(type: T, form: Record<string, unknown>): T {
  const elements = new Map<string, Tree>();
  for (const child of Object.values(form)) if (isElement(child) && typeof child['#name'] === 'string') elements.set(child['#name'], child);
  const weight = (name: string, index: number): number => {
    const w = elements.get(name)?.['#weight'];
    return typeof w === 'number' ? w : index;
  };
  const fields = type.fields
    .map((field, index) => ({ field, index }))
    .sort((a, b) => weight(a.field.field_name, a.index) - weight(b.field.field_name, b.index))
    .map(({ field }) => {
      const title = elements.get(field.field_name)?.['#title'];
      return typeof title === 'string' ? { ...field, label: title } : field;
    });
  return { ...type, fields };
}
