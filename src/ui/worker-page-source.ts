/**
 * Pages from the page's own kernel (the site's Web Worker, through the kernel controller): every
 * route of the site, the UI's admin pages included, for the user picked in the header.
 */
import { KERNEL_PERMISSIONS } from '../kernel/common/users.js';
import type { ContentType, FirstPage, FormResult, FormSubmission, Item } from '../site/protocol.js';
import { createAccess, specOf, type SiteUser } from './access.js';
import { typeAsAltered } from './form-errors.js';
import type { KernelController } from './kernel-controller.js';
import type { Page } from './page.js';
import { deniedPage, itemViewPage, routePage } from './page-selection.js';
import type { PageSource, SiteLocation } from './page-source.js';
import { CONTENT_PAGE_SIZE, parseRoute } from './router.js';
import type { AdminMessage } from './trovato-plugin-admin.js';
import type { PermissionRow } from './trovato-people-admin.js';

const LOG_LIMIT = 200;
/** Enough to pick from in a select; a site with more terms needs a search widget. */
const REFERENCE_LIMIT = 500;

/** The User Timing mark set when the first page shown is the one the worker built during its boot (detail: its path). */
export const EARLY_FIRST_PAGE_MARK = 'trovato:early-first-page';

/** What the worker source needs of the kernel controller: its calls, the open site's types and the first page its boot built. */
export type WorkerKernel = Pick<KernelController, 'call' | 'site' | 'takeFirstPage'>;

export class WorkerPageSource implements PageSource {
  readonly #kernel: WorkerKernel;

  constructor(kernel: WorkerKernel) {
    this.#kernel = kernel;
  }

  /**
   * The page the worker built during its boot (kernel-controller.ts `takeFirstPage`), if it is
   * the page at `location` for `user` and still current: `current` is the site's data version
   * read just before this load (null when unknown), and a write since the worker's request
   * ended makes it stale. With it, the data version read before that request (what a last-page
   * snapshot of it is kept as). Null otherwise, and always after the first call: at once when
   * the worker built no such page, so the page asks for its own without waiting.
   */
  firstPage(location: SiteLocation, user: SiteUser | undefined, current: Promise<string | null> | null): Promise<{ page: Page; before: string | null } | null> | null {
    const first = this.#kernel.takeFirstPage();
    if (first === null) return null;
    const route = parseRoute(location.path, location.search);
    if (route.kind !== 'plugin' || route.path !== first.path || !sameQuery(route.query, first.query) || user?.id !== first.userId) return null;
    return ifCurrent(route.path, first, current);
  }

  async load(location: SiteLocation, user: SiteUser | undefined): Promise<Page> {
    const route = parseRoute(location.path, location.search);
    const spec = specOf(user);
    const kernel = this.#kernel;
    const types = kernel.site?.contentTypes ?? [];
    const access = createAccess(user, types);
    switch (route.kind) {
      case 'plugin':
        return routePage(route.path, await kernel.call('callRoute', route.path, spec, route.query));
      case 'item-view':
        return itemViewPage(route.id, await kernel.call('viewItem', route.id, spec), user, access);
      case 'item-add': {
        const type = types.find((t) => t.machine_name === route.type);
        if (type === undefined) return { kind: 'status', status: 404, message: `There is no content type "${route.type}".` };
        if (!access.canCreate(type.machine_name)) return { kind: 'status', status: 403, message: `${user?.name ?? 'This user'} may not create ${type.label.toLowerCase()} items.` };
        return { kind: 'form', type: await this.#alteredType(type, user), item: null, references: await this.#references(type, user), errors: [], busy: false, canDelete: false };
      }
      case 'item-edit': {
        const item = await kernel.call('editableItem', route.id, spec);
        if (item === null) return { kind: 'status', status: 403, message: `The item ${route.id} does not exist, or ${user?.name ?? 'this user'} may not edit it.` };
        const type = types.find((t) => t.machine_name === item.item_type);
        if (type === undefined) return { kind: 'status', status: 404, message: `The item's content type "${item.item_type}" is gone; enable the plugin that declares it.` };
        return { kind: 'form', type: await this.#alteredType(type, user), item, references: await this.#references(type, user), errors: [], busy: false, canDelete: access.canOn(item, 'delete') };
      }
      case 'admin-content': {
        if (!access.canManageContent()) return deniedPage(user, 'administer content');
        const { type, status, page } = route.filters;
        const { items, total } = await kernel.call('listItems', { type, status, limit: CONTENT_PAGE_SIZE, offset: (page - 1) * CONTENT_PAGE_SIZE }, spec);
        return { kind: 'content', items, total, filters: route.filters };
      }
      case 'admin-plugins':
        if (!access.can('administer plugins')) return deniedPage(user, 'administer plugins');
        return { kind: 'plugins', plugins: await kernel.call('plugins'), message: null, busy: null };
      case 'admin-people':
        if (!access.can('administer site')) return deniedPage(user, 'administer site');
        return this.people(null);
      case 'admin-site':
        if (!access.can('administer site')) return deniedPage(user, 'administer site');
        return { kind: 'site', busy: false, message: null, link: null };
      case 'admin-logs': {
        if (!access.can('view logs')) return deniedPage(user, 'view logs');
        const entries = await kernel.call('readLogs', { ...route.filters, limit: LOG_LIMIT });
        return { kind: 'logs', entries, filters: route.filters };
      }
    }
  }

  submitForm(submission: FormSubmission, user: SiteUser | undefined): Promise<FormResult> {
    return this.#kernel.call('submitForm', submission, specOf(user));
  }

  /** The people page: roles and their grants (the kernel's own permissions first), and the users. */
  async people(message: AdminMessage | null): Promise<Page> {
    const kernel = this.#kernel;
    const [roles, permissions, users] = await Promise.all([kernel.call('roles'), kernel.call('permissions'), kernel.call('users')]);
    const rows: PermissionRow[] = [
      ...KERNEL_PERMISSIONS.filter((name) => !permissions.some((p) => p.name === name)).map((name) => ({ name, description: 'Checked by the kernel.', plugin: '' })),
      ...permissions,
    ];
    return { kind: 'people', roles, permissions: rows, users, message, busy: false };
  }

  /** The content type as its form shows it after tap_form_alter. */
  async #alteredType(type: ContentType, user: SiteUser | undefined): Promise<ContentType> {
    const altered = await this.#kernel.call('itemForm', type.machine_name, specOf(user));
    return altered === null ? type : typeAsAltered(type, altered.form);
  }

  /** The items each reference field of `type` may point at. */
  async #references(type: ContentType, user: SiteUser | undefined): Promise<Record<string, Item[]>> {
    const targets = new Set(type.fields.flatMap((f) => (typeof f.field_type === 'object' && 'RecordReference' in f.field_type ? [f.field_type.RecordReference] : [])));
    const spec = specOf(user);
    const entries = await Promise.all(
      [...targets].map(async (target) => [target, (await this.#kernel.call('listItems', { type: target, limit: REFERENCE_LIMIT }, spec)).items] as const),
    );
    return Object.fromEntries(entries);
  }
}

/** `first` as a page, unless the data version read now (`current`) says a write came after its request. */
async function ifCurrent(path: string, first: FirstPage, current: Promise<string | null> | null): Promise<{ page: Page; before: string | null } | null> {
  if (current !== null && (await current) !== first.after) return null;
  performance.mark(EARLY_FIRST_PAGE_MARK, { detail: path });
  return { page: routePage(path, first.answer), before: first.before };
}

function sameQuery(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}
