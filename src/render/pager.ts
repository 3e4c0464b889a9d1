/**
 * `pager`: the links between the pages of a long list, read the same way by the Lit renderer
 * (render-pager.ts) and the HTML text renderer (render-html.ts). Page 1 is the list's own URL
 * (one address per page, so a page 1 link and the list link are the same page); page N adds
 * `page=N` to the URL's query, keeping whatever else the query holds. A list that knows how many
 * pages it has gives `#pages` ("Page 2 of 7"); one that only knows whether a next page exists
 * gives `#more` instead ("Page 2"), which spares it counting a long list.
 */
import { describeValue } from './error-box.js';
import { prop } from './props.js';
import { safeUrl } from './safe-url.js';

/** What a pager shows: where "Previous" and "Next" lead (null on the first or last page). */
export interface Pager {
  readonly page: number;
  /** How many pages there are; null when the list gave `#more` instead of counting. */
  readonly pages: number | null;
  readonly prev: string | null;
  readonly next: string | null;
}

/** The query parameter that carries the page number. */
export const PAGE_PARAM = 'page';

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 1;

/** Reads a `pager` element: its links, or the problem to show in its error box. */
export function readPager(element: Record<string, unknown>): Pager | { problem: string } {
  const rawUrl = prop(element, '#url');
  const url = typeof rawUrl === 'string' ? safeUrl(rawUrl) : null;
  if (url === null || url.kind !== 'internal') {
    return { problem: `a "pager" needs "#url", the list's path on this site (such as "/blog"); it has ${describeValue(rawUrl)}.` };
  }
  const page = prop(element, '#page');
  const pages = prop(element, '#pages');
  const more = prop(element, '#more');
  if (pages === undefined && more === undefined) {
    return { problem: 'it needs "#pages" (how many pages there are) or "#more" (true when a next page exists).' };
  }
  if (pages !== undefined && more !== undefined) {
    return { problem: 'it has both "#pages" and "#more"; give "#pages" when the list is counted, "#more" when it is not.' };
  }
  if (pages !== undefined && !isCount(pages)) return { problem: `its "#pages" (how many pages) is ${describeValue(pages)}; give a whole number of at least 1.` };
  if (more !== undefined && typeof more !== 'boolean') return { problem: `its "#more" is ${describeValue(more)}; give true when a next page exists, false on the last page.` };
  if (!isCount(page)) return { problem: `its "#page" is ${describeValue(page)}; give the current page, a whole number from 1.` };
  if (isCount(pages) && page > pages) return { problem: `its "#page" is ${page}; give the current page, from 1 to "#pages" (${pages}).` };
  const hrefOf = (n: number): string => {
    const target = new URL(url.href, 'http://trovato.invalid');
    if (n === 1) target.searchParams.delete(PAGE_PARAM);
    else target.searchParams.set(PAGE_PARAM, String(n));
    return target.pathname + target.search;
  };
  const hasNext = isCount(pages) ? page < pages : more === true;
  return { page, pages: isCount(pages) ? pages : null, prev: page > 1 ? hrefOf(page - 1) : null, next: hasNext ? hrefOf(page + 1) : null };
}

/** The pager's label between its links. */
export function pagerLabel(pager: Pager): string {
  return pager.pages === null ? `Page ${pager.page}` : `Page ${pager.page} of ${pager.pages}`;
}
