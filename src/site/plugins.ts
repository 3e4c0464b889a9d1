/**
 * The plugins admin page's model: which plugins the site has, which an admin switched off
 * (a site setting, so it survives reloads), which were ever installed, and the dependency rules
 * for switching them on and off.
 */
import type { LoadReport } from '../kernel/kernel.js';
import { formatProblem, parseManifest } from '../kernel/plugin/manifest.js';
import type { PluginSource } from '../kernel/plugin/loader.js';
import type { PluginInfo } from './protocol.js';
import type { SiteStore } from '../kernel/storage/site-store.js';
import type { PluginWarning } from './content-types.js';

/** Site setting: names of plugins an admin disabled. */
export const DISABLED_SETTING = 'disabled_plugins';
/** Site setting: names of plugins whose tap_install has run (and tap_uninstall has not). */
export const INSTALLED_SETTING = 'installed_plugins';

/**
 * Site setting: the site's own copy of its plugins (name, manifest, wasm bytes). A site made
 * from a recipe or an import carries its plugins here and boots from them alone; a site
 * without it (the main site) boots from the plugins URL.
 */
export const SITE_PLUGINS_SETTING = 'site_plugins';

/** The plugins a site carries itself, or null when it takes them from the plugins URL. */
export function storedPlugins(store: SiteStore): PluginSource[] | null {
  const value = store.getSetting<unknown>(SITE_PLUGINS_SETTING);
  if (!Array.isArray(value)) return null;
  return value.filter(
    (p): p is PluginSource =>
      typeof p === 'object' && p !== null && typeof p.name === 'string' && typeof p.manifest === 'string' && p.wasm instanceof Uint8Array,
  );
}

/** A set of plugin names kept in a site setting. */
export class NameSetting {
  readonly #store: SiteStore;
  readonly #key: string;

  constructor(store: SiteStore, key: string) {
    this.#store = store;
    this.#key = key;
  }

  get names(): Set<string> {
    const value = this.#store.getSetting<unknown>(this.#key);
    return new Set(Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
  }

  has(name: string): boolean {
    return this.names.has(name);
  }

  async add(name: string): Promise<void> {
    const names = this.names;
    if (names.has(name)) return;
    names.add(name);
    await this.#store.putSetting(this.#key, [...names].sort());
  }

  async delete(name: string): Promise<void> {
    const names = this.names;
    if (!names.delete(name)) return;
    await this.#store.putSetting(this.#key, [...names].sort());
  }
}

/** What the admin page shows for every plugin the site has, in name order. */
export function describePlugins(
  sources: readonly PluginSource[],
  report: LoadReport,
  disabled: ReadonlySet<string>,
  warnings: readonly PluginWarning[],
): PluginInfo[] {
  const statuses = new Map(report.plugins.map((p) => [p.name, p]));
  const enabled = new Set(report.order);
  const infos = sources.map((source): PluginInfo => {
    const extra = [
      ...warnings.filter((w) => w.plugin === source.name).map((w) => w.message),
      ...report.routeProblems.filter((p) => p.plugin === source.name).map((p) => p.message),
    ];
    const status = statuses.get(source.name);
    if (status) {
      return {
        name: source.name,
        version: status.version,
        description: status.description,
        status: enabled.has(source.name) ? 'enabled' : 'refused',
        errors: [...status.errors],
        warnings: [...status.warnings, ...extra],
        taps: [...status.taps],
        dependencies: [...status.dependencies],
        dependents: [],
        ...(report.quarantined?.[source.name] !== undefined ? { quarantined: report.quarantined[source.name] } : {}),
      };
    }
    // Not loaded: read its manifest so the page can still say what it is.
    const parsed = parseManifest(source.manifest, { file: `${source.name}.info.toml`, expectedName: source.name });
    return {
      name: source.name,
      version: parsed.ok ? parsed.manifest.version : '',
      description: parsed.ok ? parsed.manifest.description : '',
      status: disabled.has(source.name) ? 'disabled' : 'refused',
      errors: parsed.ok ? [] : parsed.errors.map(formatProblem),
      warnings: [...parsed.warnings.map(formatProblem), ...extra],
      taps: parsed.ok ? [...parsed.manifest.taps.implements] : [],
      dependencies: parsed.ok ? [...parsed.manifest.dependencies] : [],
      dependents: [],
    };
  });
  for (const info of infos) {
    info.dependents = infos.filter((other) => other.status === 'enabled' && other.dependencies.includes(info.name)).map((other) => other.name);
  }
  return infos.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Why `name` cannot be enabled now, or null. */
export function enableProblem(name: string, infos: readonly PluginInfo[]): string | null {
  const info = infos.find((p) => p.name === name);
  if (!info) return unknownPlugin(name, infos);
  if (info.status === 'refused') {
    return `"${name}" failed to load, so it cannot be enabled: ${info.errors.join(' ') || 'see its errors'}. Fix the plugin and reload.`;
  }
  const missing = info.dependencies.filter((dep) => infos.find((p) => p.name === dep)?.status !== 'enabled');
  if (missing.length === 0) return null;
  const states = missing.map((dep) => {
    const status = infos.find((p) => p.name === dep)?.status;
    return `"${dep}" (${status === undefined ? 'not on this site' : status})`;
  });
  return `Cannot enable "${name}": it depends on ${states.join(', ')}. Enable ${missing.join(', ')} first.`;
}

/** Why `name` cannot be disabled now, or null. */
export function disableProblem(name: string, infos: readonly PluginInfo[]): string | null {
  const info = infos.find((p) => p.name === name);
  if (!info) return unknownPlugin(name, infos);
  if (info.dependents.length === 0) return null;
  const verb = info.dependents.length === 1 ? 'depends' : 'depend';
  return `Cannot disable "${name}": ${info.dependents.join(', ')} ${verb} on it. Disable ${info.dependents.join(', ')} first.`;
}

export function unknownPlugin(name: string, infos: readonly PluginInfo[]): string {
  return `There is no plugin "${name}" on this site; the plugins are ${infos.map((p) => p.name).join(', ') || 'none'}.`;
}
