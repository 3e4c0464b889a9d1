/**
 * The site's URLs: History API paths under the app's base (Vite's BASE_URL), parsed into the
 * page they show. Pure functions, so the rules are tested without a browser.
 */
import type { LogLevel } from '../site/protocol.js';
import { LOG_LEVELS } from '../kernel/common/log-entry.js';

/** Admin content listing filters, as the query string carries them. */
export interface ContentFilters {
  type?: string;
  status?: 0 | 1;
  /** 1-based. */
  page: number;
}

export interface LogFilters {
  level?: LogLevel;
  plugin?: string;
}

/** The page a path shows. Anything the UI does not own is a plugin route. */
export type AppRoute =
  | { kind: 'item-view'; id: string }
  | { kind: 'item-add'; type: string }
  | { kind: 'item-edit'; id: string }
  | { kind: 'admin-content'; filters: ContentFilters }
  | { kind: 'admin-plugins' }
  | { kind: 'admin-people' }
  | { kind: 'admin-site' }
  | { kind: 'admin-logs'; filters: LogFilters }
  | { kind: 'plugin'; path: string; query: Record<string, string> };


/** Rows per page of /admin/content. */
export const CONTENT_PAGE_SIZE = 20;

/**
 * The app path of a location: the pathname without the base, always starting with `/`, with
 * no trailing slash (except `/` itself), percent-decoding left to the kernel's route matcher.
 *
 * @example appPath('/site/blog/', '/site/') // '/blog'
 */
export function appPath(pathname: string, base: string): string {
  const prefix = base.endsWith('/') ? base.slice(0, -1) : base;
  let path = prefix !== '' && (pathname === prefix || pathname.startsWith(`${prefix}/`)) ? pathname.slice(prefix.length) : pathname;
  if (!path.startsWith('/')) path = `/${path}`;
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  return path;
}

/** The parts of a URL (or of the document's `location`) a site location is read from. */
export type UrlParts = Pick<URL, 'pathname' | 'search' | 'hash'>;

/**
 * The site location of a URL (or of the document's `location`) under the base: its app path and
 * its query without `?`.
 *
 * @example siteLocationOf(new URL('https://x.org/site/blog/?page=2'), '/site/') // { path: '/blog', search: 'page=2' }
 */
export function siteLocationOf(url: Pick<UrlParts, 'pathname' | 'search'>, base: string): { path: string; search: string } {
  return { path: appPath(url.pathname, base), search: url.search.replace(/^\?/, '') };
}

/**
 * The href of an app path under the base.
 *
 * @example hrefFor('/blog', '/site/') // '/site/blog'
 */
export function hrefFor(path: string, base: string): string {
  const prefix = base.endsWith('/') ? base.slice(0, -1) : base;
  return `${prefix}${path.startsWith('/') ? path : `/${path}`}`;
}

/**
 * Which page an app path and query string show.
 *
 * @example parseRoute('/item/42/edit', '') // { kind: 'item-edit', id: '42' }
 */
export function parseRoute(path: string, search: string): AppRoute {
  const params = new URLSearchParams(search);
  const segments = path.split('/').filter((s) => s !== '').map(decodeSegment);
  const [first, second, third] = segments;
  if (first === 'item' && segments.length === 3 && second === 'add') return { kind: 'item-add', type: third };
  if (first === 'item' && segments.length === 3 && third === 'edit') return { kind: 'item-edit', id: second };
  if (first === 'item' && segments.length === 2 && second !== 'add') return { kind: 'item-view', id: second };
  if (first === 'admin' && segments.length === 2) {
    if (second === 'content') return { kind: 'admin-content', filters: contentFilters(params) };
    if (second === 'plugins') return { kind: 'admin-plugins' };
    if (second === 'people') return { kind: 'admin-people' };
    if (second === 'site') return { kind: 'admin-site' };
    if (second === 'logs') return { kind: 'admin-logs', filters: logFilters(params) };
  }
  return { kind: 'plugin', path, query: Object.fromEntries(params) };
}

/** The /admin/content URL of a set of filters (defaults left out, so URLs stay short). */
export function contentUrl(filters: ContentFilters): string {
  const params = new URLSearchParams();
  if (filters.type) params.set('type', filters.type);
  if (filters.status !== undefined) params.set('status', String(filters.status));
  if (filters.page > 1) params.set('page', String(filters.page));
  const query = params.toString();
  return query === '' ? '/admin/content' : `/admin/content?${query}`;
}

/** The /admin/logs URL of a set of filters. */
export function logsUrl(filters: LogFilters): string {
  const params = new URLSearchParams();
  if (filters.level) params.set('level', filters.level);
  if (filters.plugin) params.set('plugin', filters.plugin);
  const query = params.toString();
  return query === '' ? '/admin/logs' : `/admin/logs?${query}`;
}

function contentFilters(params: URLSearchParams): ContentFilters {
  const status = params.get('status');
  const page = Number.parseInt(params.get('page') ?? '1', 10);
  return {
    type: params.get('type') || undefined,
    status: status === '0' ? 0 : status === '1' ? 1 : undefined,
    page: Number.isFinite(page) && page > 0 ? page : 1,
  };
}

function logFilters(params: URLSearchParams): LogFilters {
  const level = params.get('level');
  return {
    level: LOG_LEVELS.find((l) => l === level),
    plugin: params.get('plugin') || undefined,
  };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    // A malformed escape is kept as typed; the page then reports the id as not found.
    return segment;
  }
}
