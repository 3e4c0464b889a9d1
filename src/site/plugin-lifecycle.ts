/**
 * A site's plugins over time: which of them the kernel loads (all but the disabled), the content
 * types they declare, and the lifecycle taps (install, enable, disable, uninstall) an admin's
 * switch runs. Admin operations run one at a time.
 */
import type { Kernel, LoadReport } from '../kernel/kernel.js';
import type { ContentType } from '../kernel/content/types.js';
import type { PluginSource } from '../kernel/plugin/loader.js';
import type { PluginInfo } from './protocol.js';
import type { SiteStore } from '../kernel/storage/site-store.js';
import type { UserSpec } from '../kernel/common/users.js';
import { collectContentTypes, type PluginWarning } from './content-types.js';
import { describePlugins, disableProblem, DISABLED_SETTING, enableProblem, INSTALLED_SETTING, NameSetting, unknownPlugin } from './plugins.js';
import { createSerialQueue } from '../kernel/common/serial-queue.js';

export type AdminResult = { ok: true; report: LoadReport; errors: string[] } | { ok: false; error: string };

export interface PluginLifecycle {
  /** The kernel's load report after the last (re)load. */
  report(): LoadReport;
  /** The content types the loaded plugins declare (shared: do not change them). */
  types(): readonly ContentType[];
  /** Every plugin of the site with its status, taps and warnings, for the plugins page. */
  infos(): PluginInfo[];
  /** Loads the enabled plugins and installs those enabled for the first time. */
  start(): Promise<void>;
  setEnabled(name: string, enabled: boolean): Promise<AdminResult>;
  /** Swaps in a new build of a plugin (or adds one) and reloads; the database is kept. */
  replace(source: PluginSource): Promise<LoadReport>;
  uninstall(name: string): Promise<AdminResult>;
}

export function createPluginLifecycle(options: { store: SiteStore; kernel: Kernel; sources: readonly PluginSource[]; admin: UserSpec }): PluginLifecycle {
  const { store, kernel, admin } = options;
  const sources = [...options.sources];
  const disabled = new NameSetting(store, DISABLED_SETTING);
  const installed = new NameSetting(store, INSTALLED_SETTING);
  let types: ContentType[] = [];
  let warnings: PluginWarning[] = [];
  /** Lifecycle tap failures since the site opened, shown on the plugins page. */
  const lifecycleWarnings: PluginWarning[] = [];
  let report = kernel.status();
  const changes = createSerialQueue();

  async function reload(extra: PluginSource[] = []): Promise<LoadReport> {
    const off = disabled.names;
    report = await kernel.load([...sources.filter((s) => !off.has(s.name)), ...extra]);
    const collected = collectContentTypes(await kernel.dispatch('tap_item_info', null, { user: admin }));
    types = collected.types;
    warnings = collected.warnings;
    return report;
  }

  /** Runs lifecycle taps of one plugin (those it implements) as one request; returns failures. */
  async function lifecycle(plugin: string, taps: readonly string[]): Promise<string[]> {
    const implemented = report.plugins.find((p) => p.name === plugin)?.taps ?? [];
    const toRun = taps.filter((tap) => implemented.includes(tap));
    if (toRun.length === 0) return [];
    const errors = await kernel.request(admin, (session) =>
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

  /** Why `name` did not load after a reload, from the load report. */
  const loadErrors = (name: string) => report.plugins.find((p) => p.name === name)?.errors.join(' ') ?? '';

  async function enable(name: string): Promise<AdminResult> {
    const list = infos();
    const info = list.find((p) => p.name === name);
    if (info?.status === 'enabled') return { ok: true, report, errors: [] };
    const problem = enableProblem(name, list);
    if (problem) return { ok: false, error: problem };
    await disabled.delete(name);
    await reload();
    if (!report.order.includes(name)) {
      const why = loadErrors(name);
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
          return { ok: false, error: `"${name}" cannot run tap_uninstall because it does not load: ${loadErrors(name)} Nothing was removed.` };
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

  return {
    report: () => report,
    types: () => types,
    infos,
    start: async () => {
      await reload();
      await installNew();
    },
    setEnabled: (name, on) => changes.run(() => (on ? enable(name) : disable(name))),
    replace: (source) =>
      changes.run(async () => {
        const index = sources.findIndex((s) => s.name === source.name);
        if (index >= 0) sources[index] = source;
        else sources.push(source);
        await reload();
        // Its install failures are recorded as lifecycle warnings, shown on the plugins page.
        await installNew();
        return report;
      }),
    uninstall: (name) => changes.run(() => uninstall(name)),
  };
}
