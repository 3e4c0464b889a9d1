/**
 * Which page a request's answer shows: pure rules from what the kernel answered to a Page, so
 * the page's worker, `trovato serve`'s page data and their tests decide status pages and their
 * messages in one place.
 */
import type { ItemPage, RouteResponse } from '../site/protocol.js';
import type { Access, SiteUser } from './access.js';
import type { Page } from './page.js';

/**
 * A plugin route's answer: its tree, or the status page saying why there is none (no route:
 * 404, or the home page at `/`; access denied: 403; a failing or empty callback: 500).
 */
export function routePage(path: string, response: RouteResponse | null): Page {
  if (response === null) return path === '/' ? { kind: 'home' } : { kind: 'status', status: 404, message: `No page lives at ${path}.` };
  const result = response.result;
  if (result.errorCode === 'ACCESS_DENIED') return { kind: 'status', status: 403, message: result.error ?? `You may not see ${path}.` };
  if (result.error !== undefined) return { kind: 'status', status: 500, message: `The ${result.plugin} plugin failed to build this page: ${result.error}` };
  if (result.output === null || result.output === undefined) return { kind: 'status', status: 500, message: `The ${result.plugin} plugin returned nothing for ${path}.` };
  return { kind: 'plugin', path, title: response.match.route.title, plugin: response.match.route.plugin, tree: result.output };
}

/** An item page: the item, or why it cannot be shown (a refusal is checked first: it carries no item either). */
export function itemViewPage(id: string, page: ItemPage, user: SiteUser | undefined, access: Access): Page {
  if (page.access === 'denied') return { kind: 'status', status: 403, message: page.errors.at(-1) ?? `${user?.name ?? 'This user'} may not view this item.` };
  if (page.access === 'not-found' || page.item === null) return { kind: 'status', status: 404, message: `There is no item with the id ${id}.` };
  return { kind: 'item', page, canEdit: access.canOn(page.item, 'edit') };
}

/** The 403 page of a UI page that needs `permission`. */
export function deniedPage(user: SiteUser | undefined, permission: string): Page {
  return { kind: 'status', status: 403, message: `${user?.name ?? 'This user'} lacks the permission "${permission}" this page needs.` };
}
