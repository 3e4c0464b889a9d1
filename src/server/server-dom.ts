/**
 * The browser's renderer (src/render/), run on the server: Lit and DOMPurify need a DOM, so the
 * server gives them jsdom's before either is loaded. The same code then renders a plugin's
 * RenderElement tree with the same allow-lists, URL rules, sanitizer config and limits as in
 * the page, and the server sends the resulting HTML. There is one set of rules because there
 * is one renderer.
 */
import { JSDOM } from 'jsdom';

let installed = false;

/**
 * Defines `window`, `document` and the DOM classes Lit and DOMPurify use, from one jsdom
 * window. Must run before `lit` is first imported in this thread (Lit reads `document` when it
 * loads), so the server imports the renderer dynamically, after calling this.
 */
export function installServerDom(): void {
  if (installed) return;
  if (typeof (globalThis as { document?: unknown }).document !== 'undefined') {
    throw new Error('installServerDom: this thread already has a document; the server renderer must own the DOM globals.');
  }
  const { window } = new JSDOM('<!doctype html><html><head></head><body></body></html>');
  const globals: Record<string, unknown> = {
    window,
    document: window.document,
    Node: window.Node,
    Element: window.Element,
    HTMLElement: window.HTMLElement,
    HTMLTemplateElement: window.HTMLTemplateElement,
    DocumentFragment: window.DocumentFragment,
    Comment: window.Comment,
    Text: window.Text,
    NodeFilter: window.NodeFilter,
    DOMParser: window.DOMParser,
  };
  for (const [name, value] of Object.entries(globals)) {
    Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  }
  installed = true;
}
