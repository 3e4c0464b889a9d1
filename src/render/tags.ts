import { unsafeStatic, type StaticValue } from 'lit/static-html.js';

/**
 * The tags a plugin may ask for with `#tag`. Lit cannot bind a tag name, so each allowed name
 * becomes a static value once, here; nothing else in the renderer calls `unsafeStatic`.
 */
export const ALLOWED_TAGS = [
  'div', 'section', 'article', 'aside', 'header', 'footer', 'nav', 'main', 'span', 'p',
  'ul', 'ol', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'figure', 'figcaption', 'blockquote',
  'pre', 'code', 'em', 'strong', 'small', 'time', 'details', 'summary',
] as const;

// A Map, not an object: a plugin's `#tag: "__proto__"` must find nothing.
const STATIC_TAGS = new Map<string, StaticValue>(
  ALLOWED_TAGS.map((tag) => [tag, unsafeStatic(tag)]),
);

/** The static value for an allow-listed tag, or undefined for anything else. */
export function staticTag(tag: string): StaticValue | undefined {
  return STATIC_TAGS.get(tag);
}
