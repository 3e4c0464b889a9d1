/**
 * The page data `trovato serve` answers its pages' scripts at PAGE_DATA_PATH (see
 * src/ui/http-page-source.ts): the same route, access and form checks as its HTML pages.
 */
import type { FormResult, UserProfile } from '../site/protocol.js';
import type { Site } from '../site/site.js';
import { createAccess, specOf } from '../ui/access.js';
import type { ServedPage } from '../ui/http-page-source.js';
import { itemViewPage, routePage } from '../ui/page-selection.js';
import { parseRoute } from '../ui/router.js';
import { postPluginForm } from './plugin-form.js';
import type { AppRequest } from './app-exchange.js';

/** A page-data answer: its HTTP status and its JSON. */
export interface PageData {
  readonly status: number;
  readonly json: ServedPage | FormResult;
}

/**
 * The served site's scripts ask here for the page at `?path=` (GET) and post plugin forms here
 * (POST): the same route, access and form checks as the HTML pages, answered as data. The
 * tree goes out as the plugin built it: the page's Lit renderer escapes and sanitizes it, as it
 * does a tree from the page's own kernel. Pages the scripts do not build themselves (admin
 * pages, item forms, the home page) are `document`: the browser loads them as HTML.
 */
export async function pageData(site: Site, request: AppRequest, user: UserProfile): Promise<PageData> {
  const target = request.query.path ?? '/';
  if (!target.startsWith('/') || target.startsWith('//')) {
    return { status: 400, json: { kind: 'status', status: 404, message: `"${target}" is not a path of this site; ask for one starting with "/".` } };
  }
  const url = new URL(target, 'http://trovato.invalid');
  const route = parseRoute(url.pathname, url.search.slice(1));
  const spec = specOf(user);
  const document: ServedPage = { kind: 'document', href: url.pathname + url.search };
  if (request.method === 'POST') {
    const page = route.kind === 'plugin' ? routePage(route.path, await site.kernel.callRoute(route.path, { user: spec, query: route.query })) : document;
    if (page.kind !== 'plugin') return { status: 400, json: { ok: false, fieldErrors: [], errors: [`The page ${document.href} has no form to post (it shows ${page.kind === 'status' ? page.message : 'no plugin page'}).`] } };
    const posted = await postPluginForm(site, spec, page, request.form);
    if ('problem' in posted) return { status: 400, json: { ok: false, fieldErrors: [], errors: [posted.problem] } };
    return { status: 200, json: posted.outcome };
  }
  switch (route.kind) {
    case 'plugin': {
      const page = routePage(route.path, await site.kernel.callRoute(route.path, { user: spec, query: route.query }));
      return { status: 200, json: page.kind === 'plugin' || page.kind === 'status' ? page : document };
    }
    case 'item-view': {
      const found = await site.viewItem(route.id, spec);
      // The page shows the plugins' render of the item, its title and its edit link: the raw
      // field values (which a plugin's view may leave out) and the trace of every tap's input
      // and output stay on the server.
      const item = found.item && { ...found.item, fields: {} };
      const page = itemViewPage(route.id, { ...found, item, trace: [] }, user, createAccess(user, await site.contentTypes()));
      return { status: 200, json: page.kind === 'item' || page.kind === 'status' ? page : document };
    }
    default:
      return { status: 200, json: document };
  }
}
