import createDOMPurify, { type Config, type DOMPurify } from 'dompurify';
import { plainMarkup, type Attributes } from './plain-markup.js';
import { safeUrl, type SafeUrl } from './safe-url.js';

export { safeUrl, type SafeUrl } from './safe-url.js';
export { safeAttributes } from './safe-attributes.js';

const CONFIG: Config = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: [
    'script', 'style', 'iframe', 'frame', 'frameset', 'object', 'embed', 'form', 'input',
    'button', 'textarea', 'select', 'option', 'link', 'meta', 'base', 'noscript', 'template',
  ],
  FORBID_ATTR: ['style', 'srcset', 'ping', 'target', 'formaction', 'action'],
  // Ids and names become `user-content-…`, so sanitized HTML cannot shadow globals
  // (`window.someFlag`) through named access when rendered in light DOM.
  SANITIZE_NAMED_PROPS: true,
};

// Every attribute that holds a URL goes through the same rule as `link` elements, which also
// refuses the `data:` URLs DOMPurify lets through on images.
const URL_ATTRIBUTES = new Set([
  'href', 'src', 'xlink:href', 'cite', 'poster', 'background', 'longdesc', 'usemap',
  'action', 'formaction',
]);
const EXTERNAL_REL = 'noopener noreferrer nofollow';

let purifier: ((html: string) => string) | null | undefined;
let fragmentPurifier: DOMPurify | null | undefined;

/**
 * Sanitizes `filtered_html` from a plugin: no script, style, frames, objects or forms, no
 * `on*` or `style` attributes, and URLs only as `safeUrl` allows them (so no `javascript:` or
 * `data:`). Links to internal paths get `data-route` (the SPA navigates them); external links
 * get `rel="noopener noreferrer nofollow"`. Without a DOM (Node) it fails closed: the whole
 * input comes back escaped, as text.
 *
 * @example
 * sanitizeHtml('<p onclick="x()">Hi <script>x()</script></p>') // '<p>Hi </p>'
 */
export function sanitizeHtml(html: string): string {
  const text = String(html);
  if (purifier === undefined) purifier = typeof window === 'undefined' ? null : createSanitizer(window as unknown as PurifyWindow);
  return purifier === null ? escapeHtml(text) : purifier(text);
}

/** Sanitized markup kept for reuse, by source text: a page shown again sanitizes nothing. */
const FRAGMENT_CACHE_ENTRIES = 512;
const sanitizedFragments = new Map<string, DocumentFragment>();

/**
 * `sanitizeHtml` for the page's renderer: the same rules, but the result is nodes to insert,
 * not text to parse again. The page is spared a second HTML parse per element, and what is
 * inserted is exactly the tree DOMPurify checked (no serialize-and-reparse in between).
 * Plain markup (text and allow-listed tags, properly nested, with attributes the sanitizer keeps
 * as written; see plain-markup.ts) is built directly: for it that is provably the tree DOMPurify
 * would return, without DOMPurify's new document per call.
 * Each call returns nodes owned by the page's document. Without a DOM (Node) it fails closed:
 * the input itself, for the caller to show as text.
 *
 * @example
 * render(html`<div>${sanitizeToFragment(body)}</div>`, host)
 */
export function sanitizeToFragment(html: string): DocumentFragment | string {
  const text = String(html);
  return plainFragment(text) ?? purifiedFragment(text);
}

/**
 * `sanitizeToFragment` for plain markup only (plain-markup.ts), built without DOMPurify; null
 * for anything else, and without a DOM.
 */
export function plainFragment(html: string): DocumentFragment | null {
  const purify = pagePurifier();
  return purify === null ? null : plainMarkup(String(html), document, (tag, attributes) => keptAttributes(purify, tag, attributes));
}

/**
 * `sanitizeToFragment` through DOMPurify alone, whatever the input: the reference the plain
 * markup path is tested against. Results are cached by source text (the sanitizer depends on
 * nothing else), so a page shown again sanitizes nothing; each call returns a fresh copy.
 */
export function purifiedFragment(html: string): DocumentFragment | string {
  const text = String(html);
  const purify = pagePurifier();
  if (purify === null) return text;
  let clean = sanitizedFragments.get(text);
  if (clean === undefined) {
    // setConfig made RETURN_DOM_FRAGMENT this instance's mode; the overload's type needs it named.
    clean = purify.sanitize(text, { RETURN_DOM_FRAGMENT: true });
    if (sanitizedFragments.size >= FRAGMENT_CACHE_ENTRIES) sanitizedFragments.delete(sanitizedFragments.keys().next().value!);
  } else {
    // Least recently used goes first: move this one to the end.
    sanitizedFragments.delete(text);
  }
  sanitizedFragments.set(text, clean);
  return document.importNode(clean, true);
}

/** The page's DOMPurify, made on first use; null without a DOM (Node). */
function pagePurifier(): DOMPurify | null {
  if (fragmentPurifier === undefined) {
    fragmentPurifier = typeof window === 'undefined' ? null : configuredPurify(window as unknown as PurifyWindow, { RETURN_DOM_FRAGMENT: true });
  }
  return fragmentPurifier;
}

/**
 * The attributes the sanitizer leaves on `tag`, when it keeps each one as written, removes it
 * whatever its value, or renames it; otherwise null, and DOMPurify sanitizes the markup. In
 * DOMPurify's order: the ones kept in place, then the renamed ones (removed and set again, last
 * first: it walks the attributes from the end), then the mark the link hook adds.
 * - Removed: an attribute DOMPurify refuses by its name alone (forbidden, such as `target` and
 *   `style`, or not on its allow-list, such as `onclick`): it fails `isValidAttribute` even
 *   with an empty value, which passes every value check. DOMPurify then removes that attribute
 *   and nothing else.
 * - Renamed: `id` and `name` become `user-content-…` (SANITIZE_NAMED_PROPS), unless they are
 *   already; removed if DOMPurify refuses the new value.
 * - Kept: DOMPurify's own verdict (`isValidAttribute`: allow-list, forbidden names, value
 *   checks) on a value it would not trim, and for URLs the URL hook's rule (`safeUrl`, already
 *   in normal form).
 * Left to DOMPurify: `data-route` (only the hook sets it) and `is` (refused, and DOMPurify then
 * removes the whole element).
 */
function keptAttributes(purify: DOMPurify, tag: string, attributes: Attributes): Attributes | null {
  if (attributes.some(([name]) => LEFT_TO_DOMPURIFY.has(name))) return null;
  const kept: Array<readonly [string, string]> = [];
  const renamed: Array<readonly [string, string]> = [];
  for (const [name, value] of attributes) {
    // `id` and `name` pass on their name: only the renamed value is judged.
    if (NAMED_PROPERTIES.has(name) && !value.startsWith(NAMED_PROPERTY_PREFIX)) {
      if (value !== value.trim()) return null;
      const named = NAMED_PROPERTY_PREFIX + value;
      if (purify.isValidAttribute(tag, name, named)) renamed.unshift([name, named]);
      continue;
    }
    // One verdict for the common case, an attribute kept; the name alone only for the others.
    if (purify.isValidAttribute(tag, name, value)) {
      if (value !== value.trim()) return null;
      kept.push([name, value]);
    } else if (purify.isValidAttribute(tag, name, '')) {
      // Refused for its value: what DOMPurify then does is its own business.
      return null;
    }
  }
  let link: SafeUrl | null = null;
  for (const [name, value] of kept) {
    if (!URL_ATTRIBUTES.has(name)) continue;
    const url = safeUrl(value);
    if (url === null || url.href !== value || tag !== 'a' || name !== 'href') return null;
    link = url;
  }
  return [...kept, ...renamed, ...(link === null ? [] : [linkMark(link)])];
}

/** Attributes whose handling only DOMPurify's own walk gets right. */
const LEFT_TO_DOMPURIFY = new Set(['data-route', 'is']);
/** What SANITIZE_NAMED_PROPS renames, and the prefix it gives them. */
const NAMED_PROPERTIES = new Set(['id', 'name']);
const NAMED_PROPERTY_PREFIX = 'user-content-';

/** Internal links get `data-route` (the SPA navigates them), external ones `rel`. */
function linkMark(url: SafeUrl): readonly [string, string] {
  return url.kind === 'internal' ? ['data-route', url.href] : ['rel', EXTERNAL_REL];
}

/**
 * The sanitizer of `sanitizeHtml` over a given window: the page's, or a server's DOM
 * (server/server-sanitizer.ts), so both sanitize with the same DOMPurify config and hooks.
 * Null when DOMPurify does not support that window.
 */
export function createSanitizer(window: PurifyWindow): ((html: string) => string) | null {
  const purify = configuredPurify(window, {});
  return purify === null ? null : (html) => purify.sanitize(String(html));
}

/** A DOMPurify of our own over `window` with the config (plus `mode`) and the URL hooks. */
function configuredPurify(window: PurifyWindow, mode: Pick<Config, 'RETURN_DOM_FRAGMENT'>): DOMPurify | null {
  // An instance of our own, so these hooks do not change DOMPurify for anyone else.
  const purify: DOMPurify = createDOMPurify(window);
  if (!purify.isSupported) return null;
  // Set once: a config passed to every sanitize() call is parsed again each time, which was
  // most of the cost of a page with many filtered_html elements.
  purify.setConfig({ ...CONFIG, ...mode });
  purify.addHook('uponSanitizeAttribute', (_node, data) => {
    if (!URL_ATTRIBUTES.has(data.attrName)) return;
    const url = safeUrl(data.attrValue);
    if (url === null) data.keepAttr = false;
    else data.attrValue = url.href;
  });
  // The window's own Element: a server DOM's elements are not the page's (there is none).
  const ElementClass = (window as { Element: typeof Element }).Element;
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (!(node instanceof ElementClass)) return;
    // Only this hook may mark a link as internal.
    node.removeAttribute('data-route');
    const href = node.localName === 'a' ? node.getAttribute('href') : null;
    if (href === null) return;
    const url = safeUrl(href);
    if (url === null) node.removeAttribute('href');
    else node.setAttribute(...linkMark(url));
  });
  return purify;
}

/** A window DOMPurify can work on: the page's, or one from jsdom on the server. */
export type PurifyWindow = NonNullable<Parameters<typeof createDOMPurify>[0]>;

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
