import { html, nothing } from 'lit';
import { attributes } from './attributes-directive.js';
import { describeValue } from './error-box.js';
import { prop, textOf } from './props.js';
import type { Rendered, RenderScope } from './scope.js';

/**
 * `list`: `<ul>` or `<ol>` (`#list_type`, else `#tag`, default `ul`). Each entry of `#items`
 * (text, a number or an element) and then each child becomes one `<li>`.
 */
export function renderList(element: Record<string, unknown>, scope: RenderScope): Rendered {
  const listType = prop(element, '#list_type') ?? prop(element, '#tag') ?? 'ul';
  if (listType !== 'ul' && listType !== 'ol') {
    const asked = typeof listType === 'string' ? `"${listType.slice(0, 40)}"` : describeValue(listType);
    return scope.error(`a "list" is "ul" or "ol", not ${asked}; set "#list_type" to one of them.`);
  }
  const rawItems = prop(element, '#items');
  let items: Rendered[];
  if (rawItems === undefined) items = [];
  else if (Array.isArray(rawItems)) items = rawItems.map((item, i) => listItem(item, i, scope));
  else {
    items = [
      html`<li>${scope.error(`its "#items" is ${describeValue(rawItems)}; give an array.`)}</li>`,
    ];
  }
  const children = scope.children(element).map((child) => wrap(child));
  const attrs = attributes(prop(element, '#attributes'));
  return listType === 'ol'
    ? html`<ol ${attrs}>${items}${children}</ol>`
    : html`<ul ${attrs}>${items}${children}</ul>`;
}

function listItem(item: unknown, index: number, scope: RenderScope): Rendered {
  const text = typeof item === 'string' || typeof item === 'number' ? textOf(item) : null;
  if (text !== null) return html`<li>${text}</li>`;
  return wrap(scope.child(item, `#items[${index}]`));
}

// Past the element budget children render as nothing, and then need no <li> either.
function wrap(child: Rendered): Rendered {
  return child === nothing ? nothing : html`<li>${child}</li>`;
}
