/**
 * A guard against JSON nested too deeply. V8 parses 100,000 levels of `[[[...]]]` without
 * trouble, but JSON.stringify, structuredClone (every worker message, every IndexedDB write)
 * and any recursive walk then overflow the stack: a plugin could make its output unsendable or
 * its writes uncommittable. Plugin JSON is checked here before it is parsed.
 */

/** Deeper than any real item, form or render tree (the renderer itself stops at 64). */
export const MAX_JSON_DEPTH = 512;

/**
 * The first nesting level above `max` in `text`, or 0 when the text stays within it. Counts
 * `[` and `{` outside strings; the text need not be valid JSON (the parser reports that).
 *
 * @example
 * jsonDepthExceeds('[[1]]', 1); // 2
 */
export function jsonDepthExceeds(text: string, max = MAX_JSON_DEPTH): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return depth;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return 0;
}
