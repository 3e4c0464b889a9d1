/**
 * From files to an enabled plugin: manifest (ABI §1), module shape (ABI §2), compile, then
 * load order. Every check runs before anything is enabled, and each refusal names the plugin
 * and says what to fix. A refused plugin never stops the others from loading.
 */
import { parseManifest, type PluginManifest, type ManifestProblem } from './manifest.js';
import { checkModule } from './module-check.js';
import { rewriteModule } from './module-rewrite.js';
import { rewriteThroughCache, type RewriteCache } from './rewrite-cache.js';
import type { ModuleShape } from './wasm-sections.js';
import { resolveLoadOrder } from './dependency.js';
import { providedImports } from '../contract/imports.js';
import { messageOf } from '../common/errors.js';

/** A plugin as files: the manifest text and the module bytes. */
export interface PluginSource {
  /** The folder name; the manifest's `name` must equal it. */
  readonly name: string;
  readonly manifest: string;
  readonly wasm: Uint8Array;
}

export interface PluginStatus {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly status: 'ok' | 'refused';
  readonly errors: string[];
  readonly warnings: string[];
  readonly taps: string[];
  readonly dependencies: string[];
  readonly weight: number;
}

export interface CompiledPlugin {
  readonly manifest: PluginManifest;
  readonly module: WebAssembly.Module;
  readonly shape: ModuleShape;
  /** The module as compiled: the plugin's bytes after `rewriteModule`. */
  readonly bytes: Uint8Array;
  /** This plugin's memory limit in pages: the site's, or the manifest's if lower. */
  readonly memoryLimitPages: number;
  /** Why its instances cannot be pooled (see RewrittenModule), when they cannot. */
  readonly notPoolable?: string;
}

export interface LoadOutcome {
  /** Every plugin given, in load order first, refused ones after (by name). */
  readonly statuses: PluginStatus[];
  /** Loadable plugins in load order. */
  readonly order: CompiledPlugin[];
}

export interface LoaderOptions {
  /** The site's memory limit per plugin, in 64 KiB pages. */
  readonly maxMemoryPages: number;
  /** Plugins held back (name -> reason): refused before their module is even checked. */
  readonly quarantined?: ReadonlyMap<string, string>;
  /** Weave instruction fuel into every module (default true; see module-rewrite.ts). */
  readonly fuel?: boolean;
  /** Rewritten modules kept between loads (rewrite-cache.ts); without it every load rewrites. */
  readonly rewriteCache?: RewriteCache;
}

export async function loadPlugins(sources: readonly PluginSource[], options: LoaderOptions): Promise<LoadOutcome> {
  const statuses = new Map<string, PluginStatus>();
  const candidates = new Map<string, CompiledPlugin>();
  const provided = providedImports();

  // First every check that needs no waiting, in the order given (duplicates are found here);
  // then the rewrites (a cache read) and compiles of the plugins that passed, all at once: each
  // waits on IndexedDB or the engine's compiler, so one after another they added up on every boot.
  const pending = new Map<string, Pending>();
  for (const source of sources) {
    const file = `${source.name}.info.toml`;
    const parsed = parseManifest(source.manifest, { file, expectedName: source.name });
    const warnings = parsed.warnings.map(formatManifestProblem);
    if (!parsed.ok) {
      statuses.set(source.name, refusedStatus(source.name, parsed.errors.map(formatManifestProblem), warnings));
      continue;
    }
    const manifest = parsed.manifest;
    const reason = options.quarantined?.get(manifest.name);
    if (reason !== undefined) {
      statuses.set(source.name, statusOf(manifest, 'refused', [`${manifest.name} is quarantined: ${reason} Re-enable it to load it again.`], warnings));
      continue;
    }
    if (statuses.has(source.name) || pending.has(source.name)) {
      statuses.set(source.name, statusOf(manifest, 'refused', [`${manifest.name}: two plugins are named "${manifest.name}"; rename one.`], warnings));
      pending.delete(source.name);
      continue;
    }
    const limit = Math.min(options.maxMemoryPages, manifest.memory?.maxPages ?? options.maxMemoryPages);
    const check = checkModule(source.wasm, {
      plugin: manifest.name,
      file: `${manifest.name}.wasm`,
      taps: manifest.taps.implements,
      provided,
      maxMemoryPages: limit,
    });
    if (!check.ok || !check.shape) {
      statuses.set(source.name, statusOf(manifest, 'refused', check.problems.map((p) => p.message), warnings));
      continue;
    }
    pending.set(source.name, { source, manifest, shape: check.shape, limit, warnings });
  }

  const checked = [...pending.values()];
  const outcomes = await Promise.all(checked.map((plugin) => compilePlugin(plugin, options)));
  // In the order given, as before: the load order breaks ties by it.
  for (const [i, outcome] of outcomes.entries()) {
    const { source, manifest, warnings } = checked[i];
    if (!outcome.ok) {
      statuses.set(source.name, statusOf(manifest, 'refused', [outcome.error], warnings));
      continue;
    }
    candidates.set(manifest.name, outcome.plugin);
    statuses.set(source.name, statusOf(manifest, 'ok', [], warnings));
  }

  const resolution = resolveLoadOrder(
    [...candidates.values()].map((c) => ({ name: c.manifest.name, dependencies: c.manifest.dependencies })),
  );
  for (const refusal of resolution.refused) {
    const status = statuses.get(refusal.plugin);
    if (status) statuses.set(refusal.plugin, { ...status, status: 'refused', errors: [...status.errors, explainDependency(refusal.message, statuses)] });
  }
  const order = resolution.order.map((name) => candidates.get(name)).filter((c): c is CompiledPlugin => c !== undefined);
  const ordered = [
    ...order.map((c) => statuses.get(c.manifest.name)!),
    ...[...statuses.values()].filter((s) => s.status === 'refused').sort((a, b) => a.name.localeCompare(b.name)),
  ];
  return { statuses: ordered, order };
}

/** A plugin whose manifest and module shape passed, waiting for its rewrite and compile. */
interface Pending {
  readonly source: PluginSource;
  readonly manifest: PluginManifest;
  readonly shape: ModuleShape;
  readonly limit: number;
  /** Its manifest's warnings; the rewrite cache adds its own. */
  readonly warnings: string[];
}

type CompileOutcome = { ok: true; plugin: CompiledPlugin } | { ok: false; error: string };

/** Rewrites (through the cache, when there is one) and compiles one plugin; a failure is its refusal. */
async function compilePlugin(pending: Pending, options: LoaderOptions): Promise<CompileOutcome> {
  const { source, manifest, shape, limit, warnings } = pending;
  const rewriteOptions = { maxMemoryPages: limit, fuel: options.fuel };
  const rewritten = options.rewriteCache
    ? await rewriteThroughCache(source.wasm, rewriteOptions, options.rewriteCache, (message) => warnings.push(message))
    : rewriteModule(source.wasm, rewriteOptions);
  if (!rewritten.ok) return { ok: false, error: `${manifest.name} (${manifest.name}.wasm): ${rewritten.message}` };
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(rewritten.module.bytes as BufferSource);
  } catch (error) {
    return { ok: false, error: `${manifest.name} (${manifest.name}.wasm): the module does not compile: ${messageOf(error)}` };
  }
  return { ok: true, plugin: { manifest, module, shape, bytes: rewritten.module.bytes, memoryLimitPages: limit, notPoolable: rewritten.module.notPoolable } };
}

/** A dependency that was refused for its own reasons is "refused", not "missing". */
function explainDependency(message: string, statuses: Map<string, PluginStatus>): string {
  return message.replace(/(\w+), which is not available/g, (whole, dep: string) =>
    statuses.get(dep)?.status === 'refused' ? `${dep}, which was refused (see its errors)` : whole,
  );
}

function formatManifestProblem(problem: ManifestProblem): string {
  return problem.message;
}

function refusedStatus(name: string, errors: string[], warnings: string[]): PluginStatus {
  return { name, version: '', description: '', status: 'refused', errors, warnings, taps: [], dependencies: [], weight: 0 };
}

function statusOf(manifest: PluginManifest, status: 'ok' | 'refused', errors: string[], warnings: string[]): PluginStatus {
  return {
    name: manifest.name,
    version: manifest.version,
    description: manifest.description,
    status,
    errors,
    warnings,
    taps: [...manifest.taps.implements],
    dependencies: [...manifest.dependencies],
    weight: manifest.taps.weight,
  };
}
