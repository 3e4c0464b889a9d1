/**
 * Which clicks stay in the page: a plain left click on a link to a path of this site under its
 * base. Modified clicks, downloads, other targets, `rel="external"` (another page of the same
 * origin, such as the playground) and fragments keep their browser meaning.
 */
import { appPath } from './router.js';

/** The app path and query the click leads to, or null when the browser should follow it. */
export function inSiteTarget(event: MouseEvent, base: string): string | null {
  if (event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return null;
  const link = event.composedPath().find((node): node is HTMLAnchorElement => node instanceof HTMLAnchorElement);
  if (link === undefined || link.hasAttribute('download') || link.relList.contains('external') || (link.target && link.target !== '_self')) return null;
  const href = link.getAttribute('href');
  if (href === null || href.startsWith('#')) return null;
  const url = new URL(link.href, location.href);
  const prefix = base.endsWith('/') ? base : `${base}/`;
  if (url.origin !== location.origin || !(url.pathname === prefix.slice(0, -1) || url.pathname.startsWith(prefix))) return null;
  return appPath(url.pathname, base) + url.search;
}
