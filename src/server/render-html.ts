/**
 * HTML text on the server through the browser's own renderer (src/render/render-element.ts) and
 * Lit, on jsdom: see server-dom.ts for why there is no second renderer.
 */
import type { TemplateResult } from 'lit';
import { installServerDom } from './server-dom.js';

installServerDom();
// Loaded after the DOM exists: Lit reads `document` once, when it loads.
const lit = await import('lit');
const { renderElement } = await import('../render/render-element.js');

/** Lit's `html` tag, from the copy of Lit that renders on the server DOM. */
export const html = lit.html;
export const nothing = lit.nothing;

// Lit marks where its parts are with empty comments (`<!---->`, `<!--?lit$123$-->`); they mean
// nothing without Lit's client state, so they are dropped from the sent HTML.
const LIT_MARKERS = /<!--\?(?:lit\$\d+\$)?-->|<!---->/g;

/** The HTML of a Lit template (text in it is escaped by Lit, as in the page). */
export function templateToHtml(template: TemplateResult | typeof lit.nothing): string {
  const container = document.createElement('div');
  lit.render(template, container);
  return container.innerHTML.replace(LIT_MARKERS, '');
}

/** The template of a plugin's RenderElement tree, exactly as the page's renderer builds it. */
export function renderTree(tree: unknown, plugin: string): TemplateResult {
  return renderElement(tree, { plugin });
}

/**
 * The HTML of a plugin's RenderElement tree: text escaped, `filtered_html` sanitized, URLs and
 * attributes through the allow-lists, malformed elements as visible error boxes. Never throws.
 *
 * @example
 * renderElementToHtml({ '#type': 'markup', '#value': '<b>hi</b>' }, 'hello') // '<div>&lt;b&gt;hi&lt;/b&gt;</div>'
 */
export function renderElementToHtml(tree: unknown, plugin: string): string {
  return templateToHtml(renderTree(tree, plugin));
}
