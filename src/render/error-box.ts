import { html, type TemplateResult } from 'lit';

/**
 * The visible box that stands in for an element that could not be rendered. All parts are
 * text: a message may quote hostile input.
 */
export function errorBox(plugin: string, where: string, message: string): TemplateResult {
  return html`<div class="render-error" role="alert" data-plugin=${plugin}>
    <strong>Plugin “${plugin}” returned an element that cannot be shown</strong>
    (at <code>${where}</code>): ${message}
  </div>`;
}

/** A short description of a value for an error message, e.g. `a string ("abc")`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`;
    case 'number':
      return `a number (${value})`;
    case 'boolean':
      return `a boolean (${value})`;
    case 'undefined':
      return 'undefined';
    case 'object':
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}
