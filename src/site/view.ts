/**
 * The item page: access, `tap_preprocess_item` (variables, merged in order), `tap_item_view`
 * with `{item, variables}` (the first plugin to answer renders), then every
 * `tap_item_view_alter` in order, each handed the previous render. An alter that fails or
 * returns something that is not a RenderElement is skipped and reported: the tree it was given
 * goes on to the next one, so a broken alter never blanks the page. Last, the render pipeline
 * (form alters, tap_theme) that route pages go through too.
 */
import type { ContentType } from '../kernel/content/types.js';
import type { RequestSession } from '../kernel/request-session.js';
import type { ItemPage } from './protocol.js';
import type { Item } from '../kernel/storage/schema.js';
import type { DispatchResult } from '../kernel/tap/dispatcher.js';
import { checkItemAccess } from './access.js';
import { isObject, show } from './content-types.js';
import { workOf } from './work.js';
import { renderPipeline } from '../kernel/render-pipeline.js';

/** Builds the page for item `id` inside one request. */
export function buildItemPage(session: RequestSession, id: string, types: readonly ContentType[]): ItemPage {
  const trace: DispatchResult[] = [];
  const item = workOf(session).getItem(id) ?? null;
  if (!item) return { item: null, access: 'not-found', render: null, renderPlugin: '', trace, errors: [] };
  const decision = checkItemAccess(session, item, 'view', trace);
  if (!decision.granted) {
    return { item: null, access: 'denied', render: null, renderPlugin: '', trace, errors: [...decision.errors, decision.reason] };
  }
  const errors = [...decision.errors];

  // tap_preprocess_item: each handler adds variables for the renderer ({...} merged in order).
  const variables: Record<string, unknown> = {};
  for (const plugin of session.handlers('tap_preprocess_item')) {
    const result = session.call(plugin, 'tap_preprocess_item', { item, variables });
    trace.push({ tap: 'tap_preprocess_item', results: [result] });
    if (result.error !== undefined) errors.push(`${result.error} (its variables were left out)`);
    else if (isObject(result.output)) Object.assign(variables, result.output);
    else if (result.output !== null) errors.push(`${plugin} tap_preprocess_item returned ${show(result.output)}; return an object of variables or nothing.`);
  }

  const view = session.dispatchOne('tap_item_view', { item, variables });
  trace.push(view);
  for (const result of view.results) if (result.error !== undefined) errors.push(result.error);
  let render: unknown;
  let renderPlugin: string;
  if (view.answer && isRenderElement(view.answer.output)) {
    render = view.answer.output;
    renderPlugin = view.answer.plugin;
  } else {
    if (view.answer) errors.push(`${view.answer.plugin} tap_item_view returned ${show(view.answer.output)}, not a RenderElement (an object with "#type"); the item is shown with the default view.`);
    render = defaultRender(item, types.find((t) => t.machine_name === item.item_type));
    renderPlugin = '';
  }

  for (const plugin of session.handlers('tap_item_view_alter')) {
    const result = session.call(plugin, 'tap_item_view_alter', { item, render });
    trace.push({ tap: 'tap_item_view_alter', results: [result] });
    if (result.error !== undefined) {
      errors.push(`${result.error} (the alter was skipped)`);
    } else if (result.output === null) {
      // No result: the alter left the tree as it was.
    } else if (!isRenderElement(result.output)) {
      errors.push(`${plugin} tap_item_view_alter returned ${show(result.output)}, not a RenderElement; return the altered tree (the alter was skipped).`);
    } else {
      render = result.output;
    }
  }
  const finished = renderPipeline(session, render, { path: `/item/${item.id}`, plugin: renderPlugin, item });
  errors.push(...finished.problems);
  render = finished.render;
  return { item, access: 'granted', render, renderPlugin, trace, errors };
}

function isRenderElement(value: unknown): value is Record<string, unknown> {
  return isObject(value) && typeof value['#type'] === 'string';
}

/** The view of an item no plugin renders: its title, then each field with its label. */
export function defaultRender(item: Item, type: ContentType | undefined): Record<string, unknown> {
  const page: Record<string, unknown> = {
    '#type': 'container',
    '#tag': 'article',
    '#attributes': { class: `item item-${item.item_type}` },
    title: { '#type': 'markup', '#tag': 'h1', '#value': item.title, '#weight': -100 },
  };
  if (item.status === 0) page.unpublished = { '#type': 'markup', '#tag': 'p', '#value': 'Not published.', '#weight': -99 };
  const names = type ? type.fields.map((f) => f.field_name) : Object.keys(item.fields);
  names.forEach((name, index) => {
    if (!Object.hasOwn(item.fields, name)) return;
    const label = type?.fields.find((f) => f.field_name === name)?.label ?? name;
    page[`field_${name}`] = fieldElement(label, item.fields[name], index);
  });
  return page;
}

function fieldElement(label: string, value: unknown, weight: number): Record<string, unknown> {
  const values = Array.isArray(value) ? value : [value];
  if (values.some((v) => isObject(v) && v.format === 'filtered_html')) {
    const element: Record<string, unknown> = { '#type': 'item', '#title': label, '#weight': weight };
    values.forEach((v, i) => {
      element[`value_${i}`] = isObject(v) && v.format === 'filtered_html'
        ? { '#type': 'markup', '#value': String(v.value ?? ''), '#format': 'filtered_html', '#weight': i }
        : { '#type': 'markup', '#value': displayText(v), '#weight': i };
    });
    return element;
  }
  return { '#type': 'item', '#title': label, '#value': values.map(displayText).join(', '), '#weight': weight };
}

function displayText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'number') return String(value);
  if (isObject(value)) {
    if (typeof value.value === 'string') return value.value;
    if (typeof value.target_id === 'string') return value.target_id;
  }
  return value === null || value === undefined ? '' : JSON.stringify(value);
}
