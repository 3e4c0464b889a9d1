/**
 * A site: a kernel over a site store, with the services the UI uses (SiteWorkerApi) on top.
 * Each item operation is ONE kernel request, so the taps it runs share one unit of work and
 * commit together. Plugin admin operations run one at a time.
 */
import { createKernel, type Kernel, type KernelOptions, type LoadReport } from '../kernel/kernel.js';
import type { RequestSession } from '../kernel/request-session.js';
import { kernelStorage } from '../kernel/host/storage-host.js';
import type { PluginSource } from '../kernel/plugin/loader.js';
import type { ContentType } from '../kernel/content/types.js';
import type { SiteWorkerApi } from './protocol.js';
import type { SiteStore } from '../kernel/storage/site-store.js';
import type { UserSpec } from '../kernel/common/users.js';
import { collectContentTypes, contentTypePermissions, type PluginWarning } from './content-types.js';
import { deleteItem, editableItem, listItems, saveItem } from './items.js';
import { describePlugins, disableProblem, DISABLED_SETTING, enableProblem, INSTALLED_SETTING, NameSetting, unknownPlugin } from './plugins.js';
import { DEMO_USERS, ROLE_PERMISSIONS_SETTING, siteRoles, USER_ROLES_SETTING } from './roles.js';
import { createPeopleAdmin } from './people.js';
import { createCronSchedule } from './cron-schedule.js';
import { buildItemForm, submitPluginForm } from './forms.js';
import { buildItemPage } from './view.js';
import { createSerialQueue } from '../kernel/common/serial-queue.js';

export interface SiteOptions {
  readonly store: SiteStore;
  /** Every plugin the site has; the ones an admin disabled are kept but not loaded. */
  readonly sources: readonly PluginSource[];
  /** Kernel options other than storage and roles, which the site provides. */
  readonly kernel?: Omit<KernelOptions, 'storage' | 'roles'>;
}

/** The site services, minus booting and reloading (the worker fetches plugins and opens the store). */
export type SiteServices = Omit<SiteWorkerApi, 'bootSite' | 'reloadPlugin'>;

type AdminResult = { ok: true; report: LoadReport; errors: string[] } | { ok: false; error: string };

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
  const sources = [...options.sources];
  const disabled = new NameSetting(store, DISABLED_SETTING);
  const installed = new NameSetting(store, INSTALLED_SETTING);
  let types: ContentType[] = [];
  let warnings: PluginWarning[] = [];
  /** Lifecycle tap failures since the site opened, shown on the plugins page. */
  const lifecycleWarnings: PluginWarning[] = [];
  const grants = () => store.getSetting<Record<string, string[]>>(ROLE_PERMISSIONS_SETTING) ?? {};
  const assignedRoles = () => store.getSetting<Record<string, string[]>>(USER_ROLES_SETTING) ?? {};
  const kernel = createKernel({
    ...options.kernel,
    storage: kernelStorage(store),
    roles: () => siteRoles(types.map((t) => t.machine_name), grants()),
    userRoles: (id) => (Object.hasOwn(assignedRoles(), id) ? assignedRoles()[id] : undefined),
  });
  const clock = options.kernel?.clock ?? Date.now;
  let report = kernel.status();

  async function reload(extra: PluginSource[] = []): Promise<LoadReport> {
    const off = disabled.names;
    report = await kernel.load([...sources.filter((s) => !off.has(s.name)), ...extra]);
    const collected = collectContentTypes(await kernel.dispatch('tap_item_info', null, { user: SITE_ADMIN }));
    types = collected.types;
    warnings = collected.warnings;
    return report;
  }

  /** Runs lifecycle taps of one plugin (those it implements) as one request; returns failures. */
  async function lifecycle(plugin: string, taps: readonly string[]): Promise<string[]> {
    const implemented = report.plugins.find((p) => p.name === plugin)?.taps ?? [];
    const toRun = taps.filter((tap) => implemented.includes(tap));
    if (toRun.length === 0) return [];
    const errors = await kernel.request(SITE_ADMIN, (session) =>
      toRun.flatMap((tap) => {
        const result = session.call(plugin, tap);
        return result.error === undefined ? [] : [result.error];
      }),
    );
    lifecycleWarnings.push(...errors.map((message) => ({ plugin, message })));
    if (errors.length > 0) await store.appendLogs(errors.map((message) => ({ plugin, level: 'error', message, time: Date.now(), source: 'log' })));
    return errors;
  }

  async function installNew(): Promise<string[]> {
    const errors: string[] = [];
    for (const name of report.order) {
      if (installed.has(name)) continue;
      errors.push(...(await lifecycle(name, ['tap_install', 'tap_enable'])));
      await installed.add(name);
    }
    return errors;
  }

  const infos = () => describePlugins(sources, report, disabled.names, [...warnings, ...lifecycleWarnings]);

  const changes = createSerialQueue();
  const serial = <T>(task: () => Promise<T>): Promise<T> => changes.run(task);

  async function enable(name: string): Promise<AdminResult> {
    const list = infos();
    const info = list.find((p) => p.name === name);
    if (info?.status === 'enabled') return { ok: true, report, errors: [] };
    const problem = enableProblem(name, list);
    if (problem) return { ok: false, error: problem };
    await disabled.delete(name);
    await reload();
    if (!report.order.includes(name)) {
      const why = report.plugins.find((p) => p.name === name)?.errors.join(' ') ?? '';
      await disabled.add(name);
      await reload();
      return { ok: false, error: `"${name}" could not be loaded, so it stays disabled: ${why}` };
    }
    const first = !installed.has(name);
    const errors = await lifecycle(name, first ? ['tap_install', 'tap_enable'] : ['tap_enable']);
    if (first) await installed.add(name);
    return { ok: true, report, errors };
  }

  async function disable(name: string): Promise<AdminResult> {
    const list = infos();
    const info = list.find((p) => p.name === name);
    if (!info) return { ok: false, error: unknownPlugin(name, list) };
    if (info.status === 'disabled') return { ok: true, report, errors: [] };
    const problem = disableProblem(name, list);
    if (problem) return { ok: false, error: problem };
    const errors = info.status === 'enabled' ? await lifecycle(name, ['tap_disable']) : [];
    await disabled.add(name);
    await reload();
    return { ok: true, report, errors };
  }

  async function uninstall(name: string): Promise<AdminResult> {
    const list = infos();
    const info = list.find((p) => p.name === name);
    if (!info) return { ok: false, error: unknownPlugin(name, list) };
    if (info.status === 'enabled') return { ok: false, error: `Disable "${name}" before uninstalling it.` };
    let errors: string[] = [];
    if (installed.has(name) && info.taps.includes('tap_uninstall')) {
      // tap_uninstall needs the plugin's code: load it beside the enabled set for this one call.
      const source = sources.find((s) => s.name === name)!;
      try {
        await reload([source]);
        if (!report.order.includes(name)) {
          const why = report.plugins.find((p) => p.name === name)?.errors.join(' ') ?? '';
          return { ok: false, error: `"${name}" cannot run tap_uninstall because it does not load: ${why} Nothing was removed.` };
        }
        errors = await lifecycle(name, ['tap_uninstall']);
      } finally {
        await reload();
      }
    }
    await store.dropPluginData(name);
    await installed.delete(name);
    return { ok: true, report, errors };
  }

  await reload();
  await installNew();
  const session = <T>(user: UserSpec, body: (s: RequestSession) => T): Promise<T> => kernel.request(user, body);
  const people = createPeopleAdmin(store, kernel, () => types);
  const cron = createCronSchedule({ store, kernel, clock, user: SITE_ADMIN });

  return {
    kernel,
    store,
    report: () => report,
    contentTypes: async () => structuredClone(types),
    permissions: async () => {
      const declared = kernel.permissions();
      const names = new Set(declared.map((p) => p.name));
      return [...declared, ...contentTypePermissions(types).filter((p) => !names.has(p.name))];
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
      session(user, (s) => {
        const result = s.dispatch('tap_user_login', { user: { id: s.user.id, name: s.user.name, roles: [...s.user.roles] } });
        return { errors: result.results.flatMap((r) => (r.error === undefined ? [] : [r.error])) };
      }),
    itemForm: (type, user) =>
      session(user, (s) => {
        const found = types.find((t) => t.machine_name === type);
        return found ? buildItemForm(s, found) : null;
      }),
    submitForm: (submission, user) =>
      session(user, (s) => {
        const { trace: _trace, ...outcome } = submitPluginForm(s, submission);
        return outcome;
      }),
    runCron: () => cron.run(),
    cronTick: () => cron.tick(),
    viewItem: (id, user) => session(user, (s) => buildItemPage(s, id, types)),
    editableItem: (id, user) => session(user, (s) => editableItem(s, id)),
    saveItem: (draft, user) => session(user, (s) => saveItem(s, draft, types)),
    deleteItem: (id, user) => session(user, (s) => deleteItem(s, id)),
    listItems: (query, user) => session(user, (s) => listItems(s, query)),
    plugins: async () => infos(),
    setPluginEnabled: (name, on) => serial(() => (on ? enable(name) : disable(name))),
    replacePlugin: (source) =>
      serial(async () => {
        const index = sources.findIndex((s) => s.name === source.name);
        if (index >= 0) sources[index] = source;
        else sources.push(source);
        await reload();
        // Its install failures are recorded as lifecycle warnings, shown on the plugins page.
        await installNew();
        return report;
      }),
    uninstallPlugin: (name) => serial(() => uninstall(name)),
    readLogs: (query) => store.readLogs(query),
  };
}
