/**
 * Applying a recipe (src/recipe/) to a FRESH site store, all or nothing: first every plugin is
 * fetched, checked against its sha256 and given its compiled bytes without touching storage;
 * then the store is filled and the site opened, and every step runs in order. When any step
 * fails the store is closed and deleted, and the failure names the step. The caller never
 * sees a half-applied site. No DOM: the same code runs in the kernel worker and in Node.
 */
import { messageOf } from '../kernel/common/errors.js';
import type { PluginSource } from '../kernel/plugin/loader.js';
import type { SiteStore } from '../kernel/storage/site-store.js';
import type { Item } from '../kernel/storage/schema.js';
import { fromBase64Url } from '../share/link-codec.js';
import { stepLabel, type DemoUser, type ItemStep, type PluginStep, type Recipe, type RecipeProblem } from '../recipe/recipe.js';
import { DISABLED_SETTING, INSTALLED_SETTING, SITE_PLUGINS_SETTING } from './plugins.js';
import { DEMO_USERS } from './roles.js';
import { openSite, type Site, type SiteOptions } from './site.js';
import { workOf } from './work.js';
import { sha256Hex } from '../kernel/common/digest.js';
import type { RecipeProgress } from './protocol.js';
import { restoreData, type SiteExport } from './site-export.js';

/** Where a recipe's plugins come from, and the store it is applied to. */
export interface RecipeEnvironment {
  /** Opens the fresh store the recipe fills. It must be empty. */
  openStore(): Promise<SiteStore>;
  /** Deletes that store (after a failure). */
  deleteStore(): Promise<void>;
  /** A reference plugin by name (the site's plugins URL). */
  referencePlugin(name: string): Promise<PluginSource>;
  /** The bytes at `url` (a plugin step's wasm); rejects when unreachable. */
  fetchBytes(url: string): Promise<Uint8Array>;
  /** Wasm compiled by the page for the steps with `source`, by plugin name. */
  compiled?: Readonly<Record<string, Uint8Array>>;
  /** Kernel options for the opened site (the worker's trace and supervision hooks). */
  kernel?: SiteOptions['kernel'];
  /**
   * A site to start from (the visitor's own, exported): its plugins, settings and content are
   * restored first and the recipe applied on top, still into the fresh store. A recipe plugin
   * of the same name replaces the site's.
   */
  base?: SiteExport;
  /** Called as each step starts: `done` of `total` steps, and the step's label. */
  onProgress?(progress: RecipeProgress): void;
}

export type ApplyResult = { ok: true; site: Site; landing: string; user: DemoUser } | { ok: false; problem: RecipeProblem };

/** Fetches a plugin's wasm (CORS applies in a page); rejects on a network error or a non-2xx answer. */
export async function fetchWasm(url: string): Promise<Uint8Array> {
  const response = await fetch(url, { mode: 'cors', credentials: 'omit' });
  if (!response.ok) throw new Error(`the server answered ${response.status} ${response.statusText}`.trim());
  return new Uint8Array(await response.arrayBuffer());
}

/** Refusal of one step, thrown inside `applyRecipe` and turned into its result. */
class StepFailure extends Error {
  constructor(readonly step: string, message: string) {
    super(message);
  }
}

/**
 * Applies a checked recipe (see `parseRecipe`) into the fresh store of `env`.
 *
 * @example
 * const applied = await applyRecipe(recipe, env);
 * if (!applied.ok) show(`${applied.problem.step}: ${applied.problem.message}`);
 */
export async function applyRecipe(recipe: Recipe, env: RecipeEnvironment): Promise<ApplyResult> {
  const total = recipe.steps.length + 1;
  const progress = (done: number, step: string): void => env.onProgress?.({ done, total, step });
  let store: SiteStore | null = null;
  try {
    // Phase 1: every plugin, with nothing stored yet.
    const plugins: PluginSource[] = [];
    const disabled: string[] = [];
    const installed: string[] = [];
    const grants: Record<string, string[]> = {};
    for (const [index, step] of recipe.steps.entries()) {
      if (step.step === 'grant') grants[step.role] = [...new Set([...(grants[step.role] ?? []), ...step.permissions])];
      if (step.step !== 'plugin') continue;
      const label = stepLabel(step, index);
      progress(index, label);
      if (plugins.some((p) => p.name === step.name)) throw new StepFailure(label, `The plugin "${step.name}" is already added by an earlier step; each plugin appears once.`);
      plugins.push(await resolvePlugin(step, label, env));
      if (step.enabled === false) disabled.push(step.name);
      if (step.installed === true) installed.push(step.name);
    }

    // Phase 2: the store, the site, and the content steps in order.
    store = await env.openStore();
    const before = await store.snapshot();
    if (before.items.length > 0 || Object.keys(before.settings).length > 0) {
      throw new StepFailure('recipe', `The database "${store.name}" is not empty; a recipe is applied into a fresh database only.`);
    }
    const base = env.base;
    if (base) {
      await restoreData(store, base);
      const replaced = new Set(plugins.map((p) => p.name));
      plugins.unshift(...base.plugins.filter((p) => !replaced.has(p.name)).map(({ name, manifest, wasm }) => ({ name, manifest, wasm })));
    }
    const merge = (key: string, names: string[]): string[] => {
      const kept = store?.getSetting<unknown>(key);
      return [...new Set([...(Array.isArray(kept) ? kept.filter((n): n is string => typeof n === 'string') : []), ...names])].sort();
    };
    await store.putSetting(SITE_PLUGINS_SETTING, plugins);
    // A recipe's enabled: true switches on a plugin the base site had disabled.
    const enabledHere = recipe.steps.flatMap((s) => (s.step === 'plugin' && s.enabled !== false ? [s.name] : []));
    const off = merge(DISABLED_SETTING, disabled).filter((name) => !enabledHere.includes(name));
    if (off.length > 0 || store.getSetting(DISABLED_SETTING) !== undefined) await store.putSetting(DISABLED_SETTING, off.length > 0 ? off : undefined);
    if (installed.length > 0) await store.putSetting(INSTALLED_SETTING, merge(INSTALLED_SETTING, installed));
    const site = await openSite({ store, sources: plugins, kernel: env.kernel });
    const report = site.report();
    for (const [index, step] of recipe.steps.entries()) {
      if (step.step !== 'plugin' || step.enabled === false || report.order.includes(step.name)) continue;
      const status = report.plugins.find((p) => p.name === step.name);
      throw new StepFailure(stepLabel(step, index), `The plugin does not load: ${status?.errors.join(' ') || 'it was refused (see the plugins page)'}.`);
    }

    // Grants add to what each role holds once the plugins (and their content types) are known,
    // through the permissions page's own rules: an unknown permission fails its step.
    for (const [role, names] of Object.entries(grants)) {
      if (role === 'administrator') continue;
      const held = (await site.roles()).find((r) => r.role === role)?.permissions ?? [];
      const saved = await site.setRolePermissions(role, [...new Set([...held, ...names])], DEMO_USERS[2]);
      if (!saved.ok) {
        const index = recipe.steps.findIndex((s) => s.step === 'grant' && s.role === role);
        throw new StepFailure(stepLabel(recipe.steps[index], index), saved.error);
      }
    }

    const types = new Set((await site.contentTypes()).map((t) => t.machine_name));
    for (const [index, step] of recipe.steps.entries()) {
      if (step.step === 'plugin' || step.step === 'grant') continue;
      const label = stepLabel(step, index);
      progress(index, label);
      if (step.step === 'item' && !types.has(step.item_type)) {
        throw new StepFailure(label, `There is no content type "${step.item_type}" on this site; the types are ${[...types].join(', ') || 'none'}. Add the plugin that declares it first.`);
      }
      if (step.step === 'item' && step.id === undefined) {
        await authorItem(site, step, label);
        continue;
      }
      await site.kernel.request(DEMO_USERS[2], (session) => {
        const work = workOf(session);
        if (step.step === 'variable') work.setVariable(step.plugin, step.name, step.value);
        else if (step.step === 'row') work.putRow(step.plugin, step.table, step.row);
        else if (step.step === 'item') work.putItem(restoredItem(step));
      });
    }
    progress(total - 1, 'landing page');
    return { ok: true, site, landing: recipe.landing ?? '/', user: recipe.user ?? 'anonymous' };
  } catch (error) {
    await store?.close().catch(() => undefined);
    if (store) await env.deleteStore().catch(() => undefined);
    const problem = error instanceof StepFailure ? { step: error.step, message: error.message } : { step: 'recipe', message: `Applying the recipe failed: ${messageOf(error)}` };
    return { ok: false, problem: { ...problem, message: `${problem.message} Nothing of the recipe was applied.` } };
  }
}

async function resolvePlugin(step: PluginStep, label: string, env: RecipeEnvironment): Promise<PluginSource> {
  if (step.manifest === undefined) {
    try {
      return await env.referencePlugin(step.name);
    } catch (error) {
      throw new StepFailure(label, `"${step.name}" is not a reference plugin of this site: ${messageOf(error)}`);
    }
  }
  let wasm: Uint8Array;
  if (step.source !== undefined) {
    const compiled = env.compiled?.[step.name];
    if (!compiled) throw new StepFailure(label, `The plugin's AssemblyScript source was not compiled; open the recipe in a page that compiles it (the site or the playground).`);
    wasm = compiled;
  } else if (step.url !== undefined) {
    try {
      wasm = await env.fetchBytes(step.url);
    } catch (error) {
      throw new StepFailure(label, `${step.url} could not be fetched: ${messageOf(error)}. The server must allow cross-origin requests (CORS).`);
    }
  } else {
    const bytes = fromBase64Url(step.wasm ?? '');
    if (!bytes) throw new StepFailure(label, 'Its "wasm" is not base64.');
    wasm = bytes;
  }
  if (step.sha256 !== undefined) {
    const actual = await sha256Hex(wasm);
    if (actual !== step.sha256) {
      throw new StepFailure(label, `Integrity check failed: the wasm's sha256 is ${actual}, the recipe expects ${step.sha256}. The file changed or is not the one the recipe names.`);
    }
  }
  return { name: step.name, manifest: step.manifest, wasm };
}

async function authorItem(site: Site, step: ItemStep, label: string): Promise<void> {
  const author = DEMO_USERS.find((user) => user.roles[0] === (step.author ?? 'administrator')) ?? DEMO_USERS[2];
  const saved = await site.saveItem({ item_type: step.item_type, title: step.title, fields: step.fields, status: step.status ?? 1 }, author);
  if (!saved.ok) throw new StepFailure(label, saved.errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join(' '));
}

function restoredItem(step: ItemStep): Item {
  return {
    id: step.id!,
    item_type: step.item_type,
    title: step.title,
    fields: step.fields,
    status: step.status ?? 1,
    author_id: step.author_id ?? DEMO_USERS[2].id,
    ...(step.revision_id === undefined ? {} : { revision_id: step.revision_id }),
    created: step.created ?? 0,
    changed: step.changed ?? 0,
  };
}
