import { html, nothing } from 'lit';
import { attributes } from './attributes-directive.js';
import { describeValue } from './error-box.js';
import { FORM_ID_FIELD } from './form-id.js';
import { prop } from './props.js';
import type { Rendered, RenderScope } from './scope.js';
import type { RenderSubmitDetail } from './types.js';

/**
 * `form`: a `<form>` holding its children (`item`s with a `#name` are its text fields) and, when
 * `#submit` is set, a submit button with that label. Submitting is always prevented and becomes
 * a `render-submit` event (bubbles, composed) whose detail is a `RenderSubmitDetail`, for the UI
 * to hand to the plugin. Without scripts the same form posts to its page (`method="post"`, the
 * form id in a hidden field), as the server's HTML renderer writes it.
 */
export function renderForm(element: Record<string, unknown>, scope: RenderScope): Rendered {
  if (scope.inForm) {
    return scope.error('it is a "form" inside a "form", which HTML does not allow; use a "container".');
  }
  const submit = prop(element, '#submit');
  if (submit !== undefined && typeof submit !== 'string') {
    return scope.error(`its "#submit" (the button label) is ${describeValue(submit)}; give text.`);
  }
  const rawId = prop(element, '#form_id');
  const formId = typeof rawId === 'string' ? rawId : null;
  const plugin = scope.plugin;
  const onSubmit = (event: SubmitEvent): void => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    // fromEntries defines own properties, so a field named "__proto__" stays a field.
    const values: Record<string, string> = Object.fromEntries(
      [...new FormData(form)].filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[0] !== FORM_ID_FIELD),
    );
    const detail: RenderSubmitDetail = { plugin, formId, values };
    form.dispatchEvent(new CustomEvent('render-submit', { detail, bubbles: true, composed: true }));
  };
  return html`<form ${attributes(prop(element, '#attributes'))} method="post" @submit=${onSubmit}>
    ${formId === null ? nothing : html`<input type="hidden" name=${FORM_ID_FIELD} value=${formId}>`}${scope.children(element, true)}
    ${submit === undefined ? nothing : html`<button type="submit">${submit}</button>`}
  </form>`;
}
