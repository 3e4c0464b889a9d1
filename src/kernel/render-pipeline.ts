/**
 * The last steps of rendering a page, after the plugin that owns it answered: every plugin
 * `form` in the tree goes through `tap_form_alter`, then the whole page through `tap_theme`.
 * Both are chains: each handler gets what the previous one returned (null keeps it as it was).
 * A handler that fails or returns something that is not a RenderElement is skipped and
 * reported, so a broken theme never blanks a page. Route pages (kernel.callRoute) and item pages
 * (site/view.ts) both end here, so the CLI and the site render alike.
 */
import type { RequestSession } from './request-session.js';
import type { HandlerResult } from './tap/dispatcher.js';

export interface PageContext {
  /** The path being rendered (`/blog`, `/item/<id>`). */
  readonly path: string;
  /** The plugin whose callback or tap_item_view built the tree ('' for the default item view). */
  readonly plugin: string;
  /** The item, on an item page. */
  readonly item?: unknown;
}

type Element = Record<string, unknown>;

export function isRenderElement(value: unknown): value is Element {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as Element)['#type'] === 'string';
}

/** Runs a chain tap over `value`: every handler in order, each handed the previous answer. */
export function alterChain(
  session: RequestSession,
  tap: string,
  value: Element,
  input: (current: Element) => Record<string, unknown>,
  accept: (output: unknown) => output is Element,
): { value: Element; problems: string[] } {
  let current = value;
  const problems: string[] = [];
  for (const plugin of session.handlers(tap)) {
    const result: HandlerResult = session.call(plugin, tap, input(current));
    if (result.error !== undefined) problems.push(`${result.error} (skipped)`);
    else if (result.output === null) continue;
    else if (!accept(result.output)) problems.push(`${plugin} ${tap} returned ${JSON.stringify(result.output).slice(0, 80)}, not a RenderElement of the expected type; return the altered tree or nothing (skipped).`);
    else current = result.output;
  }
  return { value: current, problems };
}

const isForm = (value: unknown): value is Element => isRenderElement(value) && value['#type'] === 'form';

/**
 * Form alters, then the theme, over a page's render tree (anything else passes through);
 * `problems` are the handlers that failed or answered something unusable, as sentences.
 */
export function renderPipeline(session: RequestSession, render: unknown, context: PageContext): { render: unknown; problems: string[] } {
  if (!isRenderElement(render)) return { render, problems: [] };
  const problems: string[] = [];
  const withForms = alterForms(session, render, context, problems);
  const themed = alterChain(session, 'tap_theme', withForms, (current) => ({ render: current, path: context.path, plugin: context.plugin, ...(context.item === undefined ? {} : { item: context.item }) }), isRenderElement);
  problems.push(...themed.problems);
  return { render: themed.value, problems };
}

/** Every `form` with a `#form_id`, wherever it is in the tree, through tap_form_alter. */
function alterForms(session: RequestSession, element: Element, context: PageContext, problems: string[]): Element {
  if (session.handlers('tap_form_alter').length === 0) return element;
  const walk = (node: Element): Element => {
    let current = node;
    if (isForm(node) && typeof node['#form_id'] === 'string') {
      const formId = node['#form_id'];
      const altered = alterChain(session, 'tap_form_alter', node, (form) => ({ form_id: formId, form, path: context.path, plugin: context.plugin }), isForm);
      problems.push(...altered.problems);
      // The id is what submission is routed by: an alter may change anything else.
      current = { ...altered.value, '#form_id': formId };
    }
    const out: Element = {};
    for (const [key, child] of Object.entries(current)) out[key] = !key.startsWith('#') && isRenderElement(child) ? walk(child) : child;
    return out;
  };
  return walk(element);
}
