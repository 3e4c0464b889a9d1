/**
 * What the site's main column shows, as data: the pages a page source answers (plugin routes,
 * items, status pages) and the UI's own admin pages, with their window titles.
 */
import type { ContentType, FieldError, Item, ItemPage, LogEntry, PluginInfo, UserProfile } from '../site/protocol.js';
import type { ContentFilters, LogFilters } from './router.js';
import type { AdminMessage } from './trovato-plugin-admin.js';
import type { PermissionRow, RoleGrants } from './trovato-people-admin.js';
import type { RecipeLinkState, TransferMessage } from './trovato-site-transfer.js';

/** A plugin route's page: the RenderElement tree its callback built, after alters and theme. */
export interface PluginPage {
  kind: 'plugin';
  /** The app path the tree was built for (forms on it submit with this path). */
  path: string;
  title: string;
  /** The plugin whose route it is (error boxes and form submissions name it). */
  plugin: string;
  tree: unknown;
}

export type StatusCode = 403 | 404 | 500;

export type Page =
  | { kind: 'loading' }
  | { kind: 'home' }
  | PluginPage
  | { kind: 'status'; status: StatusCode; message: string }
  | { kind: 'item'; page: ItemPage; canEdit: boolean }
  | { kind: 'form'; type: ContentType; item: Item | null; references: Record<string, Item[]>; errors: FieldError[]; busy: boolean; canDelete: boolean }
  | { kind: 'content'; items: Item[]; total: number; filters: ContentFilters }
  | { kind: 'plugins'; plugins: PluginInfo[]; message: AdminMessage | null; busy: string | null }
  | { kind: 'logs'; entries: LogEntry[]; filters: LogFilters }
  | { kind: 'people'; roles: RoleGrants[]; permissions: PermissionRow[]; users: UserProfile[]; message: AdminMessage | null; busy: boolean }
  | { kind: 'site'; busy: boolean; message: TransferMessage | null; link: RecipeLinkState };

/**
 * Sets the window title unless it already reads `title`: a write replaces the <title>'s text and
 * tells the browser, even when nothing changed (a link to the page shown).
 */
export function showTitle(title: string): void {
  if (document.title !== title) document.title = title;
}

/** The window title's first part for `page`. */
export function titleOf(page: Page): string {
  switch (page.kind) {
    case 'plugin':
      return page.title;
    case 'item':
      return page.page.item?.title ?? 'Item';
    case 'form':
      return page.item ? `Edit ${page.item.title}` : `Add ${page.type.label.toLowerCase()}`;
    case 'status':
      return page.status === 403 ? 'Access denied' : page.status === 404 ? 'Page not found' : 'Error';
    case 'content':
      return 'Content';
    case 'plugins':
      return 'Plugins';
    case 'logs':
      return 'Logs';
    case 'people':
      return 'People and permissions';
    case 'site':
      return 'Export and import';
    default:
      return 'Home';
  }
}
