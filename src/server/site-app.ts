/**
 * The served site: one HTTP request in, one HTML response out, over an open Site (kernel +
 * store). Requests and responses are plain data so the same app runs in the server's thread or
 * in a worker thread. Every plugin call of a request runs in ONE kernel request (one unit of
 * work, committed or discarded as a whole), through the same site services the page uses.
 */
import type { ContentType, Item } from '../kernel/content/types.js';
import { KernelError, messageOf } from '../kernel/common/errors.js';
import type { UserProfile } from '../site/protocol.js';
import type { Site } from '../site/site.js';
import type { UserSpec } from '../kernel/common/users.js';
import { createAccess, specOf } from '../ui/access.js';
import { fieldKind, toDraftValue, type TextFormat } from '../ui/field-values.js';
import { parseRoute } from '../ui/router.js';
import { withEnteredValues, withFieldErrors } from '../ui/form-errors.js';
import { PAGE_DATA_PATH } from '../ui/http-page-source.js';
import type { PluginPage } from '../ui/page.js';
import type { AppRequest, AppResponse } from './app-exchange.js';
import { pageData, type PageData } from './page-data.js';
import { postPluginForm } from './plugin-form.js';
import { contentList, documentHtml, homePage, itemForm, itemPage, logList, messagePage, pluginPage, pluginsList, type Layout } from './pages.js';
import type { SafeHtml } from '../render/html-string.js';
import { needsSanitizer, renderHtml } from '../render/render-html.js';
import { sanitizeOnServer } from './server-sanitizer.js';

/** The cookie that holds which demo user a browser acts as (the site's user switcher). */
export const USER_COOKIE = 'trovato_user';
/**
 * The cookie that carries a submitted form's message across its redirect (post, redirect, get):
 * shown once by the next page, which clears it.
 */
export const NOTICE_COOKIE = 'trovato_notice';
/** Longer messages are cut: a cookie holds about 4 KB. */
const NOTICE_MAX = 1000;

type Page =
  | { status: number; title: string; main: SafeHtml }
  | { redirect: string; cookie?: string; notice?: string }
  /** Page data for the served site's scripts (PAGE_DATA_PATH). */
  | PageData;

/**
 * Answers requests for `site`. Never throws: a storage failure is a 503 saying the database is
 * not answering, anything else a 500 naming what failed.
 */
export function createSiteApp(site: Site): (request: AppRequest) => Promise<AppResponse> {
  const failures = failuresOf(site.store);
  return async (request) => {
    let users: UserProfile[] = [];
    let user: UserProfile | undefined;
    failures();
    try {
      users = await site.users();
      user = users.find((u) => u.id === request.userId) ?? users[0];
      const page = await route(site, request, user, users);
      // A plugin may have caught a failed read and built a page anyway: that page is not served.
      const failure = failures();
      if (failure) throw failure;
      if ('json' in page) {
        return { status: page.status, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }, body: JSON.stringify(page.json) };
      }
      if ('redirect' in page) {
        const cookie = page.cookie ?? (page.notice ? noticeCookie(page.notice) : undefined);
        return { status: 303, headers: { location: page.redirect, ...(cookie ? { 'set-cookie': cookie } : {}) }, body: '' };
      }
      const layout = await layoutFor(site, user, users, request.path, page.title);
      if (request.notice === null) return htmlResponse(page.status, layout, page.main);
      const response = htmlResponse(page.status, { ...layout, notice: request.notice }, page.main);
      response.headers['set-cookie'] = noticeCookie('');
      return response;
    } catch (error) {
      const storage = error instanceof KernelError && error.code === 'STORAGE_FAILURE';
      const status = storage ? 503 : 500;
      const heading = storage ? 'The site database is not answering' : 'This page failed';
      const message = storage
        ? `Nothing of this request was saved. ${messageOf(error)} Try again in a moment; the server reconnects by itself.`
        : `The server could not build this page: ${messageOf(error)}`;
      const fallback: Layout = { title: heading, menu: [], users, user: user ?? { id: '', name: 'Anonymous', roles: [] }, path: request.path, admin: [] };
      const response = htmlResponse(status, fallback, messagePage(heading, message));
      if (storage) response.headers['retry-after'] = '2';
      return response;
    }
  };
}

/** The store's "storage failed during this request" check, for stores that keep one. */
function failuresOf(store: object): () => KernelError | null {
  const withFailures = store as { takeFailure?: () => KernelError | null };
  return typeof withFailures.takeFailure === 'function' ? () => withFailures.takeFailure!() : () => null;
}

/** Sets the one-time notice (an empty one clears it). */
function noticeCookie(notice: string): string {
  const value = encodeURIComponent(notice.slice(0, NOTICE_MAX));
  return `${NOTICE_COOKIE}=${value}; Path=/; Max-Age=${notice === '' ? 0 : 60}; HttpOnly; SameSite=Lax`;
}

function htmlResponse(status: number, layout: Layout, main: SafeHtml): AppResponse {
  return { status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }, body: documentHtml(layout, main) };
}

async function layoutFor(site: Site, user: UserProfile, users: UserProfile[], path: string, title: string): Promise<Layout> {
  const access = createAccess(user, await site.contentTypes());
  const admin = [
    ...(access.canManageContent() ? [{ path: '/admin/content', title: 'Content' }] : []),
    ...(access.can('administer site') ? [{ path: '/admin/plugins', title: 'Plugins' }, { path: '/admin/logs', title: 'Logs' }] : []),
  ];
  return { title, menu: site.kernel.menuTree(), users, user, path, admin };
}

async function route(site: Site, request: AppRequest, user: UserProfile, users: UserProfile[]): Promise<Page> {
  const post = request.method === 'POST';
  const spec = specOf(user);
  const types = await site.contentTypes();
  const access = createAccess(user, types);
  if (request.path === '/user' && post) {
    const chosen = users.find((u) => u.id === request.form.user) ?? users[0];
    const back = request.form.return?.startsWith('/') && !request.form.return.startsWith('//') ? request.form.return : '/';
    return { redirect: back, cookie: `${USER_COOKIE}=${encodeURIComponent(chosen.id)}; Path=/; HttpOnly; SameSite=Lax` };
  }
  if (request.path === PAGE_DATA_PATH) return pageData(site, request, user);
  const forbidden = (why: string): Page => ({ status: 403, title: 'Access denied', main: messagePage('Access denied', why) });
  const notFound = (what: string): Page => ({ status: 404, title: 'Not found', main: messagePage('Not found', what) });
  const parts = request.path.split('/').filter(Boolean).map(decodeURIComponent);

  if (parts[0] === 'item' && parts[2] === 'delete' && parts.length === 3 && post) {
    const outcome = await site.deleteItem(parts[1], spec);
    return outcome.ok ? { redirect: access.canManageContent() ? '/admin/content' : '/' } : forbidden(outcome.error);
  }
  if (parts[0] === 'item' && parts[1] === 'add' && parts.length === 3) {
    const type = types.find((t) => t.machine_name === parts[2]);
    if (!type) return notFound(`There is no content type "${parts[2]}"; the types are ${types.map((t) => t.machine_name).join(', ')}.`);
    if (!access.canCreate(type.machine_name)) return forbidden(`Creating a ${type.label} needs the permission "create ${type.machine_name} content".`);
    return post ? save(site, spec, type, null, request.form) : { status: 200, title: `Create ${type.label}`, main: itemForm(type, null, []) };
  }
  const appRoute = parseRoute(request.path, new URLSearchParams(request.query).toString());
  switch (appRoute.kind) {
    case 'item-view': {
      const page = await site.viewItem(appRoute.id, spec);
      if (page.access === 'not-found' || !page.item) return notFound(`No item has the id "${appRoute.id}".`);
      if (page.access === 'denied') return forbidden(`You may not view the item ${appRoute.id}.`);
      const item = page.item;
      return {
        status: 200,
        title: item.title,
        main: itemPage(item, renderTree(page.render, page.renderPlugin), page.errors, { edit: access.canOn(item, 'edit'), delete: access.canOn(item, 'delete') }),
      };
    }
    case 'item-edit': {
      const item = await site.editableItem(appRoute.id, spec);
      if (!item) return forbidden(`The item ${appRoute.id} does not exist or you may not edit it.`);
      const type = types.find((t) => t.machine_name === item.item_type);
      if (!type) return notFound(`The content type "${item.item_type}" of item ${item.id} is not provided by any enabled plugin.`);
      return post ? save(site, spec, type, item, request.form) : { status: 200, title: `Edit ${item.title}`, main: itemForm(type, item, []) };
    }
    case 'admin-content': {
      if (!access.canManageContent()) return forbidden('Managing content needs the permission "administer content" or one to create content.');
      const list = await site.listItems({ ...appRoute.filters, limit: 50 }, spec);
      return { status: 200, title: 'Content', main: contentList(list.items, list.total, types, (t) => access.canCreate(t)) };
    }
    case 'admin-plugins':
      if (!access.can('administer site')) return forbidden('The plugins page needs the permission "administer site".');
      return { status: 200, title: 'Plugins', main: pluginsList(await site.plugins()) };
    case 'admin-logs':
      if (!access.can('administer site')) return forbidden('The logs page needs the permission "administer site".');
      return { status: 200, title: 'Logs', main: logList(await site.readLogs({ ...appRoute.filters, limit: 200 })) };
    default:
      break;
  }
  if (parts[0] === 'admin' && parts[1] === 'plugins' && parts.length === 4 && post) {
    if (!access.can('administer site')) return forbidden('Enabling and disabling plugins needs the permission "administer site".');
    const outcome = await site.setPluginEnabled(parts[2], parts[3] === 'enable');
    if (!outcome.ok) return { status: 409, title: 'Plugins', main: messagePage('The plugin was not changed', outcome.error) };
    return { redirect: '/admin/plugins' };
  }
  const path = request.path === '' ? '/' : request.path;
  const response = await site.kernel.callRoute(path, { user: spec, query: { ...request.query } });
  // The home page, as the in-browser site's: the site's pages this user may visit.
  if (!response && path === '/' && !post) {
    const links = site.kernel.menuTree().filter((node) => access.can(node.route.permission)).map((node) => ({ path: node.route.path, title: node.route.title }));
    return { status: 200, title: 'Home', main: homePage(links) };
  }
  if (!response) return notFound(`No page is at ${path}.`);
  const { match, result } = response;
  const title = match.route.title;
  if (result.errorCode === 'ACCESS_DENIED') return forbidden(result.error ?? 'Access denied.');
  if (result.error !== undefined) {
    // Nothing the failing callback wrote was committed (the dispatcher rolled it back).
    return { status: 500, title, main: messagePage(title, `Plugin "${result.plugin}" failed to build this page, so nothing it wrote was saved.`, result.error) };
  }
  const plugin = match.route.plugin;
  if (post) return submitPluginForm(site, spec, { kind: 'plugin', path, title, plugin, tree: result.output }, new URLSearchParams(request.query).toString(), request.form);
  return { status: 200, title, main: pluginPage(title, renderTree(result.output, plugin), []) };
}

/**
 * A plugin form posted as a plain HTML form: success redirects back to the page with the
 * plugins' messages (post, redirect, get); a refusal shows the page again with each message
 * next to its field and the entered values kept.
 */
async function submitPluginForm(site: Site, spec: UserSpec, page: PluginPage, search: string, form: Readonly<Record<string, string>>): Promise<Page> {
  const posted = await postPluginForm(site, spec, page, form);
  if ('problem' in posted) return { status: 400, title: page.title, main: messagePage(page.title, posted.problem) };
  const { formId, values, outcome } = posted;
  if (outcome.ok) return { redirect: search === '' ? page.path : `${page.path}?${search}`, notice: [...outcome.messages, ...outcome.errors].join(' ') || 'Submitted.' };
  const shown = withFieldErrors(withEnteredValues(page.tree, formId, values), formId, outcome.fieldErrors);
  return { status: 422, title: page.title, main: pluginPage(page.title, renderTree(shown, page.plugin), outcome.errors) };
}

async function save(site: Site, spec: UserSpec, type: ContentType, existing: Item | null, form: Readonly<Record<string, string>>): Promise<Page> {
  const fields: Record<string, unknown> = { ...(existing?.fields ?? {}) };
  for (const field of type.fields) {
    const name = `field.${field.field_name}`;
    const raw = form[name] ?? '';
    const kind = fieldKind(field.field_type);
    const values = kind === 'textarea' ? [raw] : kind === 'boolean' ? [raw] : raw.split(',');
    const format: TextFormat = form[`${name}.format`] === 'filtered_html' ? 'filtered_html' : 'plain_text';
    const value = toDraftValue(field, { values, format });
    if (value === undefined) delete fields[field.field_name];
    else fields[field.field_name] = value;
  }
  const draft = { ...(existing ? { id: existing.id } : {}), item_type: type.machine_name, title: form.title ?? '', fields, status: form.status === '1' ? 1 : 0 } as const;
  const outcome = await site.saveItem(draft, spec);
  if (outcome.ok) return { redirect: `/item/${encodeURIComponent(outcome.item.id)}` };
  const shown: Partial<Item> = { ...draft, fields };
  return { status: 422, title: `Create ${type.label}`, main: itemForm(type, shown, outcome.errors) };
}

/**
 * A plugin's RenderElement tree as HTML, by the same rules as the page (src/render/). The
 * page's sanitizer needs a DOM: jsdom is loaded for it only when the tree holds filtered_html.
 */
function renderTree(tree: unknown, plugin: string): SafeHtml {
  return renderHtml(tree, { plugin, ...(needsSanitizer(tree) ? { sanitize: sanitizeOnServer } : {}) });
}
