import { html, nothing } from 'lit';
import { attributes } from './attributes-directive.js';
import { pagerLabel, readPager } from './pager.js';
import { prop } from './props.js';
import type { Rendered, RenderScope } from './scope.js';

/**
 * `pager`: a `<nav>` with "Previous" (`rel="prev"`) and "Next" (`rel="next"`) links inside the
 * site and the current page between them. See pager.ts for the URLs.
 */
export function renderPager(element: Record<string, unknown>, scope: RenderScope): Rendered {
  const pager = readPager(element);
  if ('problem' in pager) return scope.error(pager.problem);
  const extra = scope.rejectChildren(element, 'pager');
  return html`<nav ${attributes(prop(element, '#attributes'), 'pager')} aria-label="Pages">${pager.prev === null
      ? nothing
      : html`<a href=${pager.prev} data-route=${pager.prev} rel="prev">Previous</a>`}<span aria-current="page">${pagerLabel(pager)}</span>${pager.next === null
      ? nothing
      : html`<a href=${pager.next} data-route=${pager.next} rel="next">Next</a>`}</nav>${extra}`;
}
