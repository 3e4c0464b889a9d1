import { nothing, type TemplateResult } from 'lit';
import { describeValue } from './error-box.js';
import { MAX_DEPTH, MAX_ELEMENTS } from './limits.js';
import { isElementObject, prop } from './props.js';
import { renderContainer, renderItem, renderMarkup } from './render-basic.js';
import { renderForm } from './render-form.js';
import { renderLink } from './render-link.js';
import { renderList } from './render-list.js';
import { renderTable } from './render-table.js';
import { RenderScope, type Rendered } from './scope.js';

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
]);
/** Every `#type` the renderer knows (docs/abi.md §6 is checked against it). */
export const RENDER_TYPES: readonly string[] = [...RENDERERS.keys()];
const TYPE_NAMES = RENDER_TYPES.join(', ');

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
  const scope = RenderScope.root(String(options.plugin), renderNode);
  // The root is the first element of a fresh budget, so it is never `nothing`.
  return renderNode(element, scope) as TemplateResult;
}

function renderNode(value: unknown, scope: RenderScope): Rendered {
  if (scope.depth > MAX_DEPTH) {
    return scope.error(
      `the tree is nested more than ${MAX_DEPTH} levels deep, so nothing below this point is ` +
        'rendered; flatten the tree.',
    );
  }
  const budget = scope.take();
  if (budget === 'skip') return nothing;
  if (budget === 'report') {
    return scope.error(
      `the tree has more than ${MAX_ELEMENTS} elements, so this one and all after it are not ` +
        'rendered; show fewer elements per page (paginate).',
    );
  }
  try {
    return renderChecked(value, scope);
  } catch (error) {
    // Getters, proxies or cycles in a non-JSON tree must not take the page down either.
    return scope.error(`it could not be rendered: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function renderChecked(value: unknown, scope: RenderScope): Rendered {
  if (!isElementObject(value)) {
    return scope.error(
      `it is ${describeValue(value)}, not an element object; wrap text as ` +
        '{"#type": "markup", "#value": "…"}.',
    );
  }
  const weight = prop(value, '#weight');
  if (weight !== undefined && (typeof weight !== 'number' || !Number.isFinite(weight))) {
    return scope.error(`its "#weight" is ${describeValue(weight)}; use a number such as 10.`);
  }
  const type = prop(value, '#type');
  if (type === undefined) {
    return scope.error(`it has no "#type"; give it one of: ${TYPE_NAMES}.`);
  }
  const renderer = typeof type === 'string' ? RENDERERS.get(type) : undefined;
  if (renderer === undefined) {
    const shown = typeof type === 'string' ? `"${type.slice(0, 40)}"` : describeValue(type);
    return scope.error(`its "#type" ${shown} is not known; use one of: ${TYPE_NAMES}.`);
  }
  return renderer(value, scope);
}
