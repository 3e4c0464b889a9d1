const ALLOWED = new Set([
  'class', 'id', 'title', 'lang', 'dir', 'role', 'alt', 'width', 'height', 'colspan',
  'rowspan', 'datetime', 'open', 'start', 'reversed', 'scope',
]);
const BOOLEAN = new Set(['open', 'reversed']);
const ARIA = /^aria-[a-z]+$/;
const DATA = /^data-[a-z0-9][a-z0-9_.-]*$/;
// The renderer's own markers: a plugin must not make a link look internal.
const RESERVED = new Set(['data-route']);
/**
 * Prefix of every id a plugin sets (the same one DOMPurify gives ids in `filtered_html`): in
 * light DOM an element id becomes a `window` global, so an unprefixed `id: "config"` could
 * shadow the page's own. Attributes that refer to ids get the same prefix, so they still match.
 */
export const ID_PREFIX = 'user-content-';
const ID_REFERENCES = new Set([
  'aria-activedescendant', 'aria-controls', 'aria-describedby', 'aria-details',
  'aria-errormessage', 'aria-flowto', 'aria-labelledby', 'aria-owns',
]);

/** Whether a (lower-case) attribute name is one a plugin may set. */
export function isSafeAttributeName(name: string): boolean {
  if (RESERVED.has(name)) return false;
  return ALLOWED.has(name) || ARIA.test(name) || DATA.test(name);
}

/**
 * The attributes of a plugin's `#attributes` that are safe to set, as strings. Names are
 * compared lower-case against an allow-list (`class id title lang dir role alt width height
 * colspan rowspan datetime open start reversed scope`, `aria-*`, `data-*` except `data-route`);
 * everything else (`on*`, `style`, `href`, `src`, ...) is dropped without an error. Numbers
 * become strings; `open`/`reversed` are present when true; `class` may be a string array.
 * Objects, null and non-finite numbers are dropped. Ids, and the ids `aria-labelledby` and its
 * kind refer to, get the `user-content-` prefix. Never throws.
 *
 * @example
 * safeAttributes({ class: ['a', 'b'], onclick: 'x()', 'aria-label': 'Close' })
 * // { class: 'a b', 'aria-label': 'Close' }
 * safeAttributes({ id: 'intro', 'aria-labelledby': 'intro' })
 * // { id: 'user-content-intro', 'aria-labelledby': 'user-content-intro' }
 */
export function safeAttributes(attrs: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof attrs !== 'object' || attrs === null || Array.isArray(attrs)) return out;
  let keys: string[];
  try {
    keys = Object.keys(attrs);
  } catch {
    return out;
  }
  for (const key of keys) {
    const name = key.toLowerCase();
    if (!isSafeAttributeName(name)) continue;
    let raw: unknown;
    try {
      raw = (attrs as Record<string, unknown>)[key];
    } catch {
      continue;
    }
    const value = attributeValue(name, raw);
    if (value === null) delete out[name];
    else out[name] = value;
  }
  return out;
}

function attributeValue(name: string, raw: unknown): string | null {
  if (BOOLEAN.has(name) && typeof raw === 'boolean') return raw ? '' : null;
  if (name === 'class' && Array.isArray(raw)) {
    const parts = raw.map(scalar).filter((part): part is string => part !== null && part !== '');
    return parts.join(' ');
  }
  const value = scalar(raw);
  if (value === null) return null;
  if (name === 'id') return prefixed(value);
  if (ID_REFERENCES.has(name)) return value.split(/\s+/).filter(Boolean).map(prefixed).join(' ');
  return value;
}

function prefixed(id: string): string {
  return id.startsWith(ID_PREFIX) ? id : ID_PREFIX + id;
}

function scalar(raw: unknown): string | null {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number') return Number.isFinite(raw) ? String(raw) : null;
  if (typeof raw === 'boolean') return String(raw);
  return null;
}
