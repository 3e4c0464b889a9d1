const ALLOWED = new Set([
  'class', 'id', 'title', 'lang', 'dir', 'role', 'alt', 'width', 'height', 'colspan',
  'rowspan', 'datetime', 'open', 'start', 'reversed', 'scope',
]);
const BOOLEAN = new Set(['open', 'reversed']);
const ARIA = /^aria-[a-z]+$/;
const DATA = /^data-[a-z0-9][a-z0-9_.-]*$/;
// The renderer's own markers: a plugin must not make a link look internal.
const RESERVED = new Set(['data-route']);

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
 * Objects, null and non-finite numbers are dropped. Never throws.
 *
 * @example
 * safeAttributes({ class: ['a', 'b'], onclick: 'x()', 'aria-label': 'Close' })
 * // { class: 'a b', 'aria-label': 'Close' }
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
  return scalar(raw);
}

function scalar(raw: unknown): string | null {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number') return Number.isFinite(raw) ? String(raw) : null;
  if (typeof raw === 'boolean') return String(raw);
  return null;
}
