import { nothing, type TemplateResult } from 'lit';
import { checkElement, thrownProblem, TOO_DEEP, TOO_MANY } from './element-check.js';
import { errorBox } from './error-box.js';
import { MAX_DEPTH } from './limits.js';
import { renderContainer, renderItem, renderMarkup } from './render-basic.js';
import { renderForm } from './render-form.js';
import { renderLink } from './render-link.js';
import { renderList } from './render-list.js';
import { renderPager } from './render-pager.js';
import { renderTable } from './render-table.js';
import { RenderScope, type RenderOutput, type Rendered } from './scope.js';

export { sortedChildren } from './children.js';

/** Options of one `renderElement` call. */
export interface RenderOptions {
  /** The plugin the tree came from; error boxes name it. */
  plugin: string;
}

type TypeRenderer = (element: Record<string, unknown>, scope: RenderScope) => Rendered;

// A Map, so `#type: "constructor"` or `"__proto__"` finds no renderer.
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
/** Every `#type` the renderer knows (docs/abi.md §6 is checked against it). */
export const RENDER_TYPES: readonly string[] = [...RENDERERS.keys()];

/**
 * Turns a RenderElement tree from a plugin (ABI §5) into a Lit template. The tree is untrusted
 * and may be anything: text is always escaped, `filtered_html` is sanitized, URLs and
 * attributes pass allow-lists, and tags come from an allow-list. Whatever is wrong with an
 * element (an unknown or missing `#type`, a child that is not an object, a non-numeric
 * `#weight`, a tree deeper than 64 or larger than 10,000 elements) renders as a visible
 * `<div class="render-error" role="alert">` naming the plugin, the place and the problem,
 * while the rest of the tree still renders. Never throws.
 *
 * @example
 * render(renderElement({ '#type': 'markup', '#value': 'Hi' }, { plugin: 'hello' }), host);
 */
export function renderElement(element: unknown, options: RenderOptions): TemplateResult {
  const scope = RenderScope.root(String(options.plugin), LIT_OUTPUT);
  // The root is the first element of a fresh budget, so it is never `nothing`.
  return renderNode(element, scope) as TemplateResult;
}

const LIT_OUTPUT: RenderOutput<Rendered> = { renderNode, errorBox, nothing };

function renderNode(value: unknown, scope: RenderScope): Rendered {
  if (scope.depth > MAX_DEPTH) return scope.error(TOO_DEEP);
  const budget = scope.take();
  if (budget === 'skip') return nothing;
  if (budget === 'report') return scope.error(TOO_MANY);
  try {
    const checked = checkElement(value, RENDERERS);
    if ('problem' in checked) return scope.error(checked.problem);
    return checked.renderer(checked.element, scope);
  } catch (error) {
    // Getters, proxies or cycles in a non-JSON tree must not take the page down either.
    return scope.error(thrownProblem(error));
  }
}
