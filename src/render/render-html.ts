/**
 * A RenderElement tree as HTML text, without a DOM: what the server sends (`trovato serve`).
 * It follows the Lit renderer (render-element.ts) element for element, through the same rule
 * modules: the checks and messages of element-check.ts, the budget, depth and paths of
 * scope.ts, the tags of tags.ts, safe-attributes.ts and safe-url.ts, and the page's sanitizer
 * for `filtered_html` (passed in, so this module needs no DOM). A test renders the same trees
 * both ways in Chromium and compares the DOM they make (render-html.browser.test.ts).
 */
import { sanitizeHtml as browserSanitizer } from './sanitize.js';
import { checkElement, thrownProblem, TOO_DEEP, TOO_MANY } from './element-check.js';
import { describeValue } from './error-box.js';
import { FORM_ID_FIELD } from './form-id.js';
import { attributeList, EMPTY, html, SafeHtml } from './html-string.js';
import { MAX_DEPTH } from './limits.js';
import { pagerLabel, readPager } from './pager.js';
import { prop, textOf } from './props.js';
import { safeAttributes } from './safe-attributes.js';
import { safeUrl } from './safe-url.js';
import { RenderScope, type RenderOutput } from './scope.js';
import { ALLOWED_TAGS, staticTag } from './tags.js';

type Scope = RenderScope<SafeHtml>;
type Sanitize = (html: string) => string;
type TypeRenderer = (element: Record<string, unknown>, scope: Scope, sanitize: Sanitize) => SafeHtml;

export interface HtmlRenderOptions {
  /** The plugin the tree came from; error boxes name it. */
  readonly plugin: string;
  /**
   * Sanitizes `filtered_html` (sanitize.ts's DOMPurify with its config and hooks, on whatever
   * DOM the caller has). Default: the page's own, which needs `window` (in Node it escapes all).
   */
  readonly sanitize?: (html: string) => string;
}

const EXTERNAL_REL = 'noopener noreferrer nofollow';

/**
 * The HTML of a plugin's RenderElement tree: text escaped, `filtered_html` sanitized, URLs and
 * attributes through the allow-lists, malformed elements as visible error boxes. Never throws.
 *
 * @example
 * renderHtml({ '#type': 'markup', '#value': '<b>hi</b>' }, { plugin: 'hello' }).text // '<div>&lt;b&gt;hi&lt;/b&gt;</div>'
 */
export function renderHtml(element: unknown, options: HtmlRenderOptions): SafeHtml {
  const sanitize = options.sanitize ?? browserSanitizer;
  const output: RenderOutput<SafeHtml> = { renderNode: (value, scope) => renderNode(value, scope, sanitize), errorBox, nothing: EMPTY };
  return renderNode(element, RenderScope.root(String(options.plugin), output), sanitize);
}

/** Whether a tree holds `filtered_html` anywhere, so a caller can set up its sanitizer first. */
export function needsSanitizer(tree: unknown, depth = 0): boolean {
  if (typeof tree !== 'object' || tree === null || depth > MAX_DEPTH + 1) return false;
  if (Array.isArray(tree)) return tree.some((value) => needsSanitizer(value, depth + 1));
  for (const [key, value] of Object.entries(tree)) {
    if (key === '#format' && value === 'filtered_html') return true;
    if (needsSanitizer(value, depth + 1)) return true;
  }
  return false;
}

function errorBox(plugin: string, where: string, message: string): SafeHtml {
  return html`<div class="render-error" role="alert" data-plugin="${plugin}"><strong>Plugin “${plugin}” returned an element that cannot be shown</strong> (at <code>${where}</code>): ${message}</div>`;
}

function renderNode(value: unknown, scope: Scope, sanitize: Sanitize): SafeHtml {
  if (scope.depth > MAX_DEPTH) return scope.error(TOO_DEEP);
  const budget = scope.take();
  if (budget === 'skip') return EMPTY;
  if (budget === 'report') return scope.error(TOO_MANY);
  try {
    const checked = checkElement(value, RENDERERS);
    if ('problem' in checked) return scope.error(checked.problem);
    return checked.renderer(checked.element, scope, sanitize);
  } catch (error) {
    return scope.error(thrownProblem(error));
  }
}

function attrs(element: Record<string, unknown>, baseClass?: string): SafeHtml {
  const safe = safeAttributes(prop(element, '#attributes'));
  if (baseClass) safe.class = safe.class ? `${baseClass} ${safe.class}` : baseClass;
  return attributeList(safe);
}

function tagOf(element: Record<string, unknown>, scope: Scope): string | { error: SafeHtml } {
  const raw = prop(element, '#tag') ?? 'div';
  if (typeof raw === 'string' && staticTag(raw) !== undefined) return raw;
  const asked = typeof raw === 'string' ? `<${raw.slice(0, 40)}>` : describeValue(raw);
  return { error: scope.error(`its "#tag" ${asked} is not allowed; use one of: ${ALLOWED_TAGS.join(', ')}.`) };
}

function renderContainer(element: Record<string, unknown>, scope: Scope): SafeHtml {
  const tag = tagOf(element, scope);
  if (typeof tag !== 'string') return tag.error;
  // `tag` is from the allow-list, so it is safe to write as it is.
  return new SafeHtml(`<${tag}${attrs(element).text}>${html`${scope.children(element)}`.text}</${tag}>`);
}

function renderMarkup(element: Record<string, unknown>, scope: Scope, sanitize: Sanitize): SafeHtml {
  const tag = tagOf(element, scope);
  if (typeof tag !== 'string') return tag.error;
  const raw = prop(element, '#value');
  const text = textOf(raw);
  if (text === null) return scope.error(`its "#value" is ${describeValue(raw)}; give text (a string).`);
  const content = prop(element, '#format') === 'filtered_html' ? new SafeHtml(sanitize(text)) : text;
  return new SafeHtml(`<${tag}${attrs(element).text}>${html`${content}${scope.children(element)}`.text}</${tag}>`);
}

function renderItem(element: Record<string, unknown>, scope: Scope): SafeHtml {
  const rawLabel = prop(element, '#title');
  const label = textOf(rawLabel);
  if (label === null) return scope.error(`its "#title" (the label) is ${describeValue(rawLabel)}; give text.`);
  const rawValue = prop(element, '#value');
  const value = textOf(rawValue);
  if (value === null) return scope.error(`its "#value" is ${describeValue(rawValue)}; give text.`);
  const name = prop(element, '#name');
  if (scope.inForm && name !== undefined) {
    if (typeof name !== 'string' || name === '') return scope.error(`its "#name" is ${describeValue(name)}; give a non-empty string.`);
    return html`<label${attrs(element, 'item')}><span class="label">${label}</span><input class="value" type="text" name="${name}" value="${value}">${scope.children(element)}</label>`;
  }
  return html`<div${attrs(element, 'item')}>${label === '' ? EMPTY : html`<span class="label">${label}</span>`}<div class="value">${value}${scope.children(element)}</div></div>`;
}

function renderLink(element: Record<string, unknown>, scope: Scope): SafeHtml {
  const rawUrl = prop(element, '#url') ?? prop(element, '#href');
  if (typeof rawUrl !== 'string') {
    return scope.error(`a "link" needs a "#url" string (a path such as "/blog" or an http(s) URL); ` + `it has ${describeValue(rawUrl)}.`);
  }
  const rawTitle = prop(element, '#title');
  const title = textOf(rawTitle);
  if (title === null) return scope.error(`its "#title" is ${describeValue(rawTitle)}; give the link text.`);
  const extra = scope.rejectChildren(element, 'link');
  const url = safeUrl(rawUrl);
  if (url === null) {
    return html`<span${attrs(element, 'blocked-link')} data-blocked-url="${rawUrl}" title="Link removed: its URL is not allowed">${title || rawUrl}</span>${extra}`;
  }
  const text = title || url.href;
  if (url.kind === 'internal') return html`<a${attrs(element)} href="${url.href}" data-route="${url.href}">${text}</a>${extra}`;
  return html`<a${attrs(element)} href="${url.href}" rel="${EXTERNAL_REL}">${text}</a>${extra}`;
}

function renderPager(element: Record<string, unknown>, scope: Scope): SafeHtml {
  const pager = readPager(element);
  if ('problem' in pager) return scope.error(pager.problem);
  const extra = scope.rejectChildren(element, 'pager');
  const prev = pager.prev === null ? EMPTY : html`<a href="${pager.prev}" data-route="${pager.prev}" rel="prev">Previous</a>`;
  const next = pager.next === null ? EMPTY : html`<a href="${pager.next}" data-route="${pager.next}" rel="next">Next</a>`;
  return html`<nav${attrs(element, 'pager')} aria-label="Pages">${prev}<span aria-current="page">${pagerLabel(pager)}</span>${next}</nav>${extra}`;
}

function renderList(element: Record<string, unknown>, scope: Scope): SafeHtml {
  const listType = prop(element, '#list_type') ?? prop(element, '#tag') ?? 'ul';
  if (listType !== 'ul' && listType !== 'ol') {
    const asked = typeof listType === 'string' ? `"${listType.slice(0, 40)}"` : describeValue(listType);
    return scope.error(`a "list" is "ul" or "ol", not ${asked}; set "#list_type" to one of them.`);
  }
  const rawItems = prop(element, '#items');
  let items: SafeHtml[];
  if (rawItems === undefined) items = [];
  else if (Array.isArray(rawItems)) items = rawItems.map((item, i) => listItem(item, i, scope));
  else items = [html`<li>${scope.error(`its "#items" is ${describeValue(rawItems)}; give an array.`)}</li>`];
  const children = scope.children(element).map(wrap);
  return new SafeHtml(`<${listType}${attrs(element).text}>${html`${items}${children}`.text}</${listType}>`);
}

function listItem(item: unknown, index: number, scope: Scope): SafeHtml {
  const text = typeof item === 'string' || typeof item === 'number' ? textOf(item) : null;
  if (text !== null) return html`<li>${text}</li>`;
  return wrap(scope.child(item, `#items[${index}]`));
}

// Past the element budget children render as nothing, and then need no <li> either.
function wrap(child: SafeHtml): SafeHtml {
  return child === EMPTY ? EMPTY : html`<li>${child}</li>`;
}

function renderTable(element: Record<string, unknown>, scope: Scope): SafeHtml {
  const rawCaption = prop(element, '#caption');
  const caption = textOf(rawCaption);
  if (caption === null) return scope.error(`its "#caption" is ${describeValue(rawCaption)}; give text.`);
  const rawHeader = prop(element, '#header');
  if (rawHeader !== undefined && !Array.isArray(rawHeader)) return scope.error(`its "#header" is ${describeValue(rawHeader)}; give an array of cells.`);
  const rawRows = prop(element, '#rows') ?? [];
  if (!Array.isArray(rawRows)) return scope.error(`its "#rows" is ${describeValue(rawRows)}; give an array of arrays.`);
  const header = rawHeader?.map((cell, i) => html`<th scope="col">${cellContent(cell, `#header[${i}]`, scope)}</th>`);
  const width = Math.max(1, rawHeader?.length ?? 0);
  const rows = rawRows.map((row, r) => {
    if (!Array.isArray(row)) {
      const error = scope.error(`"#rows[${r}]" is ${describeValue(row)}; a row is an array of cells.`);
      return html`<tr><td colspan="${width}">${error}</td></tr>`;
    }
    return html`<tr>${row.map((cell, c) => html`<td>${cellContent(cell, `#rows[${r}][${c}]`, scope)}</td>`)}</tr>`;
  });
  return html`<table${attrs(element)}>${caption === '' ? EMPTY : html`<caption>${caption}</caption>`}${header === undefined ? EMPTY : html`<thead><tr>${header}</tr></thead>`}<tbody>${rows}</tbody></table>${scope.rejectChildren(element, 'table')}`;
}

function cellContent(cell: unknown, segment: string, scope: Scope): SafeHtml | string {
  const text = typeof cell === 'object' ? (cell === null ? '' : null) : textOf(cell);
  return text ?? scope.child(cell, segment);
}

/**
 * `form`: as in the page, a `<form method="post">` with no action, its `#form_id` in a hidden
 * field: posted to the page it is on, the server runs the plugin's form taps (server/site-app.ts);
 * with the page's script, a submit becomes a `render-submit` event instead.
 */
function renderForm(element: Record<string, unknown>, scope: Scope): SafeHtml {
  if (scope.inForm) return scope.error('it is a "form" inside a "form", which HTML does not allow; use a "container".');
  const submit = prop(element, '#submit');
  if (submit !== undefined && typeof submit !== 'string') return scope.error(`its "#submit" (the button label) is ${describeValue(submit)}; give text.`);
  const formId = prop(element, '#form_id');
  const idField = typeof formId === 'string' ? html`<input type="hidden" name="${FORM_ID_FIELD}" value="${formId}">` : EMPTY;
  return html`<form method="post"${attrs(element)}>${idField}${scope.children(element, true)}${submit === undefined ? EMPTY : html`<button type="submit">${submit}</button>`}</form>`;
}

// A Map, so `#type: "constructor"` or `"__proto__"` finds no renderer; the same order as the
// Lit renderer's, so "use one of: …" reads the same.
const RENDERERS = new Map<string, TypeRenderer>([
  ['container', renderContainer],
  ['markup', renderMarkup],
  ['link', renderLink],
  ['list', renderList],
  ['table', renderTable],
  ['form', renderForm],
  ['item', renderItem],
  ['pager', renderPager],
]);
