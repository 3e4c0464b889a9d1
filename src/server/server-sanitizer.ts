/**
 * `filtered_html` on the server: the page's sanitizer (src/render/sanitize.ts: DOMPurify, its
 * config and URL hooks) over a jsdom window, so markup is sanitized by the same rules as in the
 * browser. jsdom takes seconds to load, so it is loaded only when a page first holds
 * `filtered_html` (most pages never do), once per thread.
 */
import { createRequire } from 'node:module';
import { createSanitizer, type PurifyWindow } from '../render/sanitize.js';

let sanitizer: ((html: string) => string) | undefined;

/**
 * Sanitizes `filtered_html` as the page does. Loads jsdom on first use (synchronously: the
 * renderer calls this in the middle of a tree).
 */
export function sanitizeOnServer(html: string): string {
  if (!sanitizer) {
    // jsdom is CommonJS, so it can be required where it is first needed.
    const { JSDOM } = createRequire(import.meta.url)('jsdom') as typeof import('jsdom');
    const made = createSanitizer(new JSDOM('<!doctype html><html><body></body></html>').window as unknown as PurifyWindow);
    if (!made) throw new Error('DOMPurify does not support the jsdom window; filtered_html cannot be sanitized on this server.');
    sanitizer = made;
  }
  return sanitizer(html);
}
