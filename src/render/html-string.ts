/**
 * HTML as text, built safely: the `html` tag escapes every interpolated value unless it is
 * already `SafeHtml` (built by this tag, or sanitized), so text from plugins or users can only
 * ever be text. Used by the server's renderer (render-html.ts) and the served site's pages.
 */

/** HTML that is safe to send as is: made by `html`, or passed through a sanitizer. */
export class SafeHtml {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  toString(): string {
    return this.text;
  }
}

/** Renders nothing (an empty value in a template). */
export const EMPTY = new SafeHtml('');

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const ESCAPED = /[&<>"']/g;

/** Text as HTML text or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(ESCAPED, (c) => ESCAPES[c]!);
}

/**
 * A value in a template: SafeHtml as it is, arrays one after the other, null, undefined and
 * false as nothing, anything else as escaped text.
 */
function part(value: unknown): string {
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map(part).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/**
 * The tag: every value is escaped as text (see `part`). Attribute values must be quoted in the
 * template (`href="${url}"`): an unquoted one could end the attribute, so it throws.
 *
 * @example
 * html`<a href="${url}">${title}</a>` // title and url escaped
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) {
    if (strings[i]!.endsWith('=')) throw new Error(`html\`\`: the value after "${strings[i]!.slice(-40)}" is an unquoted attribute; quote it.`);
    out += part(values[i]) + strings[i + 1]!;
  }
  return new SafeHtml(out);
}

/** ` name="value"` for each attribute (values escaped; `''` is a present boolean attribute). */
export function attributeList(attrs: Readonly<Record<string, string>>): SafeHtml {
  let out = '';
  for (const [name, value] of Object.entries(attrs)) out += value === '' ? ` ${name}` : ` ${name}="${escapeHtml(value)}"`;
  return new SafeHtml(out);
}

/** ` name` when `on`, else nothing: a boolean attribute (`checked`, `selected`). */
export function flag(name: string, on: boolean): SafeHtml {
  return on ? new SafeHtml(` ${name}`) : EMPTY;
}
