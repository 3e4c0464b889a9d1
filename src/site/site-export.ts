/**
 * A whole site as one file: a zip (fflate) holding its plugins (manifest and wasm), its items,
 * plugin table rows and variables, and its settings. Written by the site's admin page, read
 * back into a fresh database (the browser) or by `trovato serve` (Node): no DOM here.
 *
 * Layout (format "trovato-site", version 1; docs/recipes.md describes every file):
 *
 *   trovato-site.json                 { format, version, exported, plugins: [{ name, sha256, enabled }], settings }
 *   plugins/<name>/<name>.info.toml
 *   plugins/<name>/<name>.wasm
 *   content/items.json                Item[]
 *   content/rows.json                 [{ plugin, table, id, data }]
 *   content/variables.json            [{ plugin, name, value }]
 *
 * The cache and the log are not exported: the cache is rebuilt, the log belongs to the browser.
 */
import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { messageOf } from '../kernel/common/errors.js';
import type { PluginSource } from '../kernel/plugin/loader.js';
import type { SiteData, SiteStore } from '../kernel/storage/site-store.js';
import type { Item, RowRecord, VariableRecord } from '../kernel/storage/schema.js';
import { jsonDepthExceeds } from '../kernel/common/json-depth.js';
import { FORBIDDEN_KEYS, RECIPE_VERSION, type Recipe, type RecipeStep } from '../recipe/recipe.js';
import { toBase64Url } from '../share/link-codec.js';
import { DISABLED_SETTING, INSTALLED_SETTING, SITE_PLUGINS_SETTING, storedPlugins } from './plugins.js';
import { readGrants, ROLE_PERMISSIONS_SETTING } from './roles.js';
import { openSite, type Site, type SiteOptions } from './site.js';
import { sha256Hex } from '../kernel/common/digest.js';
import { MACHINE_NAME } from '../kernel/common/machine-name.js';

export const SITE_EXPORT_FORMAT = 'trovato-site';
export const SITE_EXPORT_VERSION = 1;
/** The largest export read back, unpacked; a site past this is refused before it is unpacked. */
export const MAX_EXPORT_BYTES = 256 * 1024 * 1024;

/** A plugin as exported: its files, whether it runs, and the sha256 of its wasm. */
export interface ExportedPlugin extends PluginSource {
  enabled: boolean;
  sha256: string;
}

/** A site as an export holds it. */
export interface SiteExport {
  /** ISO time of the export. */
  exported: string;
  plugins: ExportedPlugin[];
  data: SiteData;
}

export type ReadExportResult = { ok: true; site: SiteExport } | { ok: false; error: string };

const MANIFEST_FILE = 'trovato-site.json';

/**
 * Reads a site out of its store. `sources` are the plugins it runs when it does not carry its
 * own (the main site takes them from the plugins URL).
 *
 * @example
 * const zip = exportToZip(await collectSite(store, sources));
 */
export async function collectSite(store: SiteStore, sources: readonly PluginSource[]): Promise<SiteExport> {
  const data = await store.snapshot();
  delete data.settings[SITE_PLUGINS_SETTING];
  const disabled = new Set(Array.isArray(data.settings[DISABLED_SETTING]) ? (data.settings[DISABLED_SETTING] as string[]) : []);
  const plugins = await Promise.all(
    (storedPlugins(store) ?? sources).map(async (p) => ({ name: p.name, manifest: p.manifest, wasm: p.wasm, enabled: !disabled.has(p.name), sha256: await sha256Hex(p.wasm) })),
  );
  return { exported: new Date().toISOString(), plugins, data };
}

/** The zip file of an export. */
export function exportToZip(site: SiteExport): Uint8Array {
  const json = (value: unknown): Uint8Array => strToU8(JSON.stringify(value, null, 1));
  const files: Zippable = {
    [MANIFEST_FILE]: json({
      format: SITE_EXPORT_FORMAT,
      version: SITE_EXPORT_VERSION,
      exported: site.exported,
      plugins: site.plugins.map(({ name, sha256, enabled }) => ({ name, sha256, enabled })),
      settings: site.data.settings,
    }),
    'content/items.json': json(site.data.items),
    'content/rows.json': json(site.data.rows),
    'content/variables.json': json(site.data.variables),
  };
  for (const plugin of site.plugins) {
    files[`plugins/${plugin.name}/${plugin.name}.info.toml`] = strToU8(plugin.manifest);
    // Already compressed well enough by the wasm encoding; storing skips work on both ends.
    files[`plugins/${plugin.name}/${plugin.name}.wasm`] = [plugin.wasm, { level: 0 }];
  }
  return zipSync(files, { level: 6 });
}

/**
 * Reads an export's zip; never throws. Refuses files too large to unpack, a format or
 * version it does not know, JSON with forbidden keys, and wasm whose sha256 does not match.
 */
export async function readSiteZip(bytes: Uint8Array): Promise<ReadExportResult> {
  let files: Record<string, Uint8Array>;
  let unpacked = 0;
  try {
    files = unzipSync(bytes, {
      filter: (file) => {
        unpacked += file.originalSize;
        return unpacked <= MAX_EXPORT_BYTES;
      },
    });
  } catch (error) {
    return refuse(`it is not a zip file (${messageOf(error)}); a site export ends in .trovato-site.zip`);
  }
  if (unpacked > MAX_EXPORT_BYTES) return refuse(`it unpacks to more than ${MAX_EXPORT_BYTES / 1024 / 1024} MB`);
  try {
    const manifest = readJson(files, MANIFEST_FILE);
    if (!isRecord(manifest) || manifest.format !== SITE_EXPORT_FORMAT) return refuse(`${MANIFEST_FILE} is missing or is not a Trovato site export`);
    if (manifest.version !== SITE_EXPORT_VERSION) {
      return refuse(`it is format version ${JSON.stringify(manifest.version)}, but this site reads version ${SITE_EXPORT_VERSION} only`);
    }
    if (!Array.isArray(manifest.plugins) || !isRecord(manifest.settings)) return refuse(`${MANIFEST_FILE} lacks its "plugins" list or "settings"`);
    const plugins: ExportedPlugin[] = [];
    for (const entry of manifest.plugins as unknown[]) {
      if (!isRecord(entry) || typeof entry.name !== 'string' || !MACHINE_NAME.test(entry.name) || typeof entry.sha256 !== 'string') {
        return refuse(`${MANIFEST_FILE} lists a plugin without a valid name and sha256`);
      }
      const name = entry.name;
      const wasm = files[`plugins/${name}/${name}.wasm`];
      const toml = files[`plugins/${name}/${name}.info.toml`];
      if (!wasm || !toml) return refuse(`plugin "${name}" is listed but plugins/${name}/${name}.wasm or .info.toml is missing`);
      const actual = await sha256Hex(wasm);
      if (actual !== entry.sha256) return refuse(`plugins/${name}/${name}.wasm has sha256 ${actual}, but the export lists ${entry.sha256}: the file was changed`);
      plugins.push({ name, manifest: strFromU8(toml), wasm, enabled: entry.enabled !== false, sha256: actual });
    }
    const items = readJson(files, 'content/items.json');
    const rows = readJson(files, 'content/rows.json');
    const variables = readJson(files, 'content/variables.json');
    if (!Array.isArray(items) || !Array.isArray(rows) || !Array.isArray(variables)) return refuse('content/items.json, rows.json or variables.json is missing or not a list');
    const problem = items.find((i) => !isItem(i)) ? 'an item lacks its id, item_type, title or fields' : rows.find((r) => !isRow(r)) ? 'a row lacks its plugin, table or id' : variables.find((v) => !isVariable(v)) ? 'a variable is not { plugin, name, value }' : null;
    if (problem) return refuse(`its content is damaged: ${problem}`);
    return { ok: true, site: { exported: String(manifest.exported ?? ''), plugins, data: { items: items as Item[], rows: rows as RowRecord[], variables: variables as VariableRecord[], settings: manifest.settings } } };
  } catch (error) {
    return refuse(messageOf(error));
  }
}

/** Where an import goes: a fresh store, deleted again when the import fails. */
export interface ImportEnvironment {
  openStore(): Promise<SiteStore>;
  deleteStore(): Promise<void>;
  kernel?: SiteOptions['kernel'];
}

/**
 * Restores an export into a fresh store: settings, then every item, row and variable in ONE
 * unit of work, then the site is opened on the exported plugins. All or nothing.
 */
export async function importSite(site: SiteExport, env: ImportEnvironment): Promise<{ ok: true; site: Site } | { ok: false; error: string }> {
  let store: SiteStore | null = null;
  try {
    store = await env.openStore();
    const before = await store.snapshot();
    if (before.items.length > 0 || Object.keys(before.settings).length > 0) throw new Error(`the database "${store.name}" is not empty; an export is imported into a fresh database only`);
    const plugins = site.plugins.map(({ name, manifest, wasm }) => ({ name, manifest, wasm }));
    await restoreData(store, site);
    await store.putSetting(SITE_PLUGINS_SETTING, plugins);
    return { ok: true, site: await openSite({ store, sources: plugins, kernel: env.kernel }) };
  } catch (error) {
    await store?.close().catch(() => undefined);
    if (store) await env.deleteStore().catch(() => undefined);
    return { ok: false, error: `The site could not be imported: ${messageOf(error)}. Nothing was imported.` };
  }
}

/** Writes an export's settings, then its items, rows and variables in ONE unit of work. */
export async function restoreData(store: SiteStore, site: SiteExport): Promise<void> {
  for (const [key, value] of Object.entries(site.data.settings)) if (key !== SITE_PLUGINS_SETTING) await store.putSetting(key, value);
  const work = store.beginWork({ id: 'import', name: 'Import', roles: ['administrator'], permissions: new Set() });
  for (const item of site.data.items) work.putItem(item);
  for (const row of site.data.rows) work.putRow(row.plugin, row.table, row.data);
  for (const variable of site.data.variables) work.setVariable(variable.plugin, variable.name, variable.value);
  await work.commit();
}

/**
 * The same site as a recipe: reference plugins by name when their wasm is the reference's
 * (`referenceHashes`: name -> sha256 of the site's plugins URL), every other plugin inline;
 * then grants, variables, items and rows as they are.
 */
export function siteToRecipe(site: SiteExport, options: { referenceHashes: Readonly<Record<string, string>>; landing?: string; user?: Recipe['user']; title?: string }): Recipe {
  const installed = new Set(Array.isArray(site.data.settings[INSTALLED_SETTING]) ? (site.data.settings[INSTALLED_SETTING] as string[]) : []);
  const steps: RecipeStep[] = site.plugins.map((p) => ({
    step: 'plugin',
    name: p.name,
    ...(p.enabled ? {} : { enabled: false }),
    ...(installed.has(p.name) ? { installed: true } : {}),
    ...(options.referenceHashes[p.name] === p.sha256 ? {} : { manifest: p.manifest, wasm: toBase64Url(p.wasm), sha256: p.sha256 }),
  }));
  for (const [role, permissions] of Object.entries(readGrants(site.data.settings[ROLE_PERMISSIONS_SETTING]))) {
    if (['anonymous', 'authenticated', 'editor'].includes(role)) steps.push({ step: 'grant', role: role as 'editor', permissions: [...permissions] });
  }
  for (const v of site.data.variables) steps.push({ step: 'variable', plugin: v.plugin, name: v.name, value: v.value });
  for (const item of site.data.items) {
    steps.push({
      step: 'item',
      id: item.id,
      item_type: item.item_type,
      title: item.title,
      fields: item.fields,
      status: item.status,
      author_id: item.author_id,
      ...(item.revision_id === undefined ? {} : { revision_id: item.revision_id }),
      created: item.created,
      changed: item.changed,
    });
  }
  for (const r of site.data.rows) steps.push({ step: 'row', plugin: r.plugin, table: r.table, row: r.data });
  return {
    recipe: RECIPE_VERSION,
    ...(options.title ? { title: options.title } : {}),
    ...(options.landing ? { landing: options.landing } : {}),
    ...(options.user ? { user: options.user } : {}),
    steps,
  };
}

function readJson(files: Record<string, Uint8Array>, name: string): unknown {
  const bytes = files[name];
  if (!bytes) return undefined;
  const text = strFromU8(bytes);
  if (jsonDepthExceeds(text) > 0) throw new Error(`${name} nests too deeply`);
  return JSON.parse(text, (key: string, value: unknown) => {
    if (FORBIDDEN_KEYS.includes(key)) throw new Error(`${name} contains the key "${key}", which a site export never has`);
    return value;
  });
}

function refuse(why: string): ReadExportResult {
  return { ok: false, error: `This file cannot be imported: ${why}. Nothing was imported.` };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isItem(value: unknown): boolean {
  return isRecord(value) && typeof value.id === 'string' && typeof value.item_type === 'string' && typeof value.title === 'string' && isRecord(value.fields);
}

function isRow(value: unknown): boolean {
  return isRecord(value) && typeof value.plugin === 'string' && typeof value.table === 'string' && isRecord(value.data) && (typeof value.id === 'string' || typeof value.id === 'number');
}

function isVariable(value: unknown): boolean {
  return isRecord(value) && typeof value.plugin === 'string' && typeof value.name === 'string' && typeof value.value === 'string';
}
