/**
 * A site: a kernel over a site store, with the services the UI uses (SiteWorkerApi) on top.
 * Each item operation is ONE kernel request, so the taps it runs share one unit of work and
 * commit together. The plugins' lifecycle is plugin-lifecycle.ts; this file wires the kernel,
 * the plugins and the services together.
 */
import { createKernel, type Kernel, type KernelOptions, type LoadReport } from '../kernel/kernel.js';
import type { RequestSession } from '../kernel/request-session.js';
import { createPluginLifecycle, type AdminResult } from './plugin-lifecycle.js';
import { kernelStorage } from '../kernel/host/storage-host.js';
import type { PluginSource } from '../kernel/plugin/loader.js';
import type { ContentType } from '../kernel/content/types.js';
import type { SiteWorkerApi } from './protocol.js';
import type { SiteStore } from '../kernel/storage/site-store.js';
import type { UserSpec } from '../kernel/common/users.js';
import { contentTypePermissions } from './content-types.js';
import { deleteItem, editableItem, listItems, saveItem } from './items.js';
import { DEMO_USERS, ROLE_PERMISSIONS_SETTING, siteRoles, USER_ROLES_SETTING } from './roles.js';
import { createPeopleAdmin } from './people.js';
import { createCronSchedule } from './cron-schedule.js';
import { buildItemForm, submitPluginForm } from './forms.js';
import { buildItemPage } from './view.js';

export interface SiteOptions {
  readonly store: SiteStore;
  /** Every plugin the site has; the ones an admin disabled are kept but not loaded. */
  readonly sources: readonly PluginSource[];
  /** Kernel options other than storage and roles, which the site provides. */
  readonly kernel?: Omit<KernelOptions, 'storage' | 'roles'>;
}

/** The site services, minus booting and reloading (the worker fetches plugins and opens the store). */
export type SiteServices = Omit<SiteWorkerApi, 'bootSite' | 'takeEarlyBoot' | 'reloadPlugin'>;


export interface Site extends SiteServices {
  readonly kernel: Kernel;
  readonly store: SiteStore;
  /** The kernel's load report after the last (re)load. */
  report(): LoadReport;
  setPluginEnabled(name: string, enabled: boolean): Promise<AdminResult>;
  /** Swaps in a new build of a plugin (or adds one) and reloads; the database is kept. */
  replacePlugin(source: PluginSource): Promise<LoadReport>;
  uninstallPlugin(name: string): Promise<AdminResult>;
}

/** Lifecycle taps and content types are the site's own business: they run as the administrator. */
const SITE_ADMIN: UserSpec = { ...DEMO_USERS[2], roles: [...DEMO_USERS[2].roles] };

/**
 * Opens a site: loads the enabled plugins, collects content types, and runs `tap_install` and
 * `tap_enable` for plugins enabled for the first time.
 *
 * @example
 * const site = await openSite({ store: await openSiteStore({ name: 'my-site' }), sources });
 * const page = await site.viewItem(id, { id: 'u1', roles: ['editor'] });
 */
export async function openSite(options: SiteOptions): Promise<Site> {
  const { store } = options;
  const grants = () => store.getSetting<Record<string, string[]>>(ROLE_PERMISSIONS_SETTING) ?? {};
  const assignedRoles = () => store.getSetting<Record<string, string[]>>(USER_ROLES_SETTING) ?? {};
  // Roles grow with the content types the plugins declare, read per request.
  const kernel = createKernel({
    ...options.kernel,
    storage: kernelStorage(store),
    roles: () => siteRoles(plugins.types().map((t) => t.machine_name), grants()),
    userRoles: (id) => (Object.hasOwn(assignedRoles(), id) ? assignedRoles()[id] : undefined),
  });
  const plugins = createPluginLifecycle({ store, kernel, sources: options.sources, admin: SITE_ADMIN });
  await plugins.start();
  const cron = createCronSchedule({ store, kernel, clock: options.kernel?.clock ?? Date.now, user: SITE_ADMIN });
  return {
    kernel,
    store,
    report: () => plugins.report(),
    ...contentServices(kernel, () => plugins.types()),
    ...peopleServices(store, kernel, () => plugins.types()),
    runCron: () => cron.run(),
    cronTick: () => cron.tick(),
    plugins: async () => plugins.infos(),
    setPluginEnabled: (name, on) => plugins.setEnabled(name, on),
    replacePlugin: (source) => plugins.replace(source),
    uninstallPlugin: (name) => plugins.uninstall(name),
    readLogs: (query) => store.readLogs(query),
  };
}

/** Items, forms and content types: each call is ONE request as the given user. */
function contentServices(
  kernel: Kernel,
  types: () => readonly ContentType[],
): Pick<SiteServices, 'contentTypes' | 'itemForm' | 'submitForm' | 'viewItem' | 'editableItem' | 'saveItem' | 'deleteItem' | 'listItems'> {
  const session = <T>(user: UserSpec, body: (s: RequestSession) => T): Promise<T> => kernel.request(user, body);
  return {
    contentTypes: async () => structuredClone([...types()]),
    itemForm: (type, user) =>
      session(user, (s) => {
        const found = types().find((t) => t.machine_name === type);
        return found ? buildItemForm(s, found) : null;
      }),
    submitForm: (submission, user) =>
      session(user, (s) => {
        const { trace: _trace, ...outcome } = submitPluginForm(s, submission);
        return outcome;
      }),
    viewItem: (id, user) => session(user, (s) => buildItemPage(s, id, types())),
    editableItem: (id, user) => session(user, (s) => editableItem(s, id)),
    saveItem: (draft, user) => session(user, (s) => saveItem(s, draft, types())),
    deleteItem: (id, user) => session(user, (s) => deleteItem(s, id)),
    listItems: (query, user) => session(user, (s) => listItems(s, query)),
  };
}

/** Users, roles and permissions: the people pages and logging in. */
function peopleServices(
  store: SiteStore,
  kernel: Kernel,
  types: () => readonly ContentType[],
): Pick<SiteServices, 'permissions' | 'users' | 'roles' | 'setRolePermissions' | 'setUserRoles' | 'login'> {
  const people = createPeopleAdmin(store, kernel, types);
  return {
    permissions: async () => {
      const declared = kernel.permissions();
      const names = new Set(declared.map((p) => p.name));
      return [...declared, ...contentTypePermissions(types()).filter((p) => !names.has(p.name))];
    },
    users: async () =>
      DEMO_USERS.map((profile) => {
        const user = kernel.user({ id: profile.id, name: profile.name, roles: [...profile.roles] });
        return { ...profile, roles: [...user.roles], permissions: [...user.permissions].sort() };
      }),
    roles: async () => people.roles(),
    setRolePermissions: (role, permissions, actor) => people.setRolePermissions(role, permissions, actor),
    setUserRoles: (id, roles, actor) => people.setUserRoles(id, roles, actor),
    login: (user) =>
      kernel.request(user, (s) => {
        const result = s.dispatch('tap_user_login', { user: { id: s.user.id, name: s.user.name, roles: [...s.user.roles] } });
        return { errors: result.results.flatMap((r) => (r.error === undefined ? [] : [r.error])) };
      }),
  };
}
