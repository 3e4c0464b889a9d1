/**
 * Builds plugin source folders (`plugins/<name>/`: AssemblyScript, or Rust when the folder has a
 * `Cargo.toml`, see build-rust.ts) into the layout the kernel loads
 * (`<out>/<name>/<name>.wasm` + `<name>.info.toml`, and `<out>/plugins.json`). Node only: it
 * reads and writes files, then hands the sources to `compilePlugin`, which does not.
 */
import { copyFile, mkdir, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import { parseManifest } from '../kernel/plugin/manifest.js';
import { compilePlugin, formatDiagnostic, type Diagnostic } from './compile-plugin.js';
import type { BuildOptions, PluginBuildResult } from './build-result.js';
import { PACKAGE_ROOT } from './package-root.js';
import { buildRustPluginDir, isRustPluginDir } from './build-rust.js';

/** The SDK shipped with this package, used when a plugin folder has no `../../sdk` beside it. */
export const BUNDLED_SDK_DIR = join(PACKAGE_ROOT, 'sdk');

// Its compiler flags are part of every build's inputs.
const COMPILER_MODULE = join(PACKAGE_ROOT, 'src', 'build', 'compile-plugin.ts');

export interface BuildAllResult {
  ok: boolean;
  results: PluginBuildResult[];
  /** The names written to plugins.json: the plugins that built and those built elsewhere, sorted. */
  enabled: string[];
}

/**
 * Reads a plugin folder and the SDK into the in-memory file map `compilePlugin` takes. Plugin
 * files are keyed `plugins/<name>/...` and SDK files `sdk/...`, so the plugin's
 * `import ... from "../../sdk"` resolves wherever the folders really are.
 */
export async function collectPluginSources(
  dir: string,
  sdkDir: string,
): Promise<{ name: string; files: Record<string, string>; entry: string; newestSource: number }> {
  const name = basename(resolve(dir));
  const files: Record<string, string> = {};
  let newestSource = 0;
  for (const [root, prefix] of [
    [resolve(dir), `plugins/${name}`],
    [resolve(sdkDir), 'sdk'],
  ] as const) {
    for (const path of await listFiles(root)) {
      const info = await stat(path);
      newestSource = Math.max(newestSource, info.mtimeMs);
      if (!path.endsWith('.ts') || path.endsWith('.test.ts')) continue;
      files[`${prefix}/${relative(root, path).split(sep).join('/')}`] = await readFile(path, 'utf8');
    }
  }
  const entry = [`plugins/${name}/index.ts`, `plugins/${name}/src/index.ts`].find((path) => path in files);
  return { name, files, entry: entry ?? `plugins/${name}/index.ts`, newestSource };
}

/**
 * Builds one plugin folder into `<outDir>/<name>/`. Skips the compile when the output wasm is
 * newer than every file of the plugin and the SDK (the manifest is copied either way).
 *
 * @example
 * const result = await buildPluginDir('plugins/blog', 'public/plugins');
 * if (result.status === 'failed') console.error(result.diagnostics.map(formatDiagnostic).join('\n'));
 */
export async function buildPluginDir(dir: string, outDir: string, options: BuildOptions = {}): Promise<PluginBuildResult> {
  if (await isRustPluginDir(dir)) return buildRustPluginDir(dir, outDir, options);
  const name = basename(resolve(dir));
  const manifestFile = `${name}.info.toml`;
  const manifestPath = join(dir, manifestFile);
  const failed = (diagnostics: Diagnostic[]): PluginBuildResult => ({ name, status: 'failed', diagnostics });

  let manifestText: string;
  try {
    manifestText = await readFile(manifestPath, 'utf8');
  } catch {
    return failed([
      error(manifestPath, `${name}: the plugin folder has no manifest ${manifestFile}; every plugin needs one (name, description, version, [taps] implements).`),
    ]);
  }
  const manifest = parseManifest(manifestText, { file: manifestFile, expectedName: name });
  if (!manifest.ok) {
    // The diagnostic carries the position, so the message is the problem's own sentence: no
    // second "error" and "[line n]" after `file:line:column: error:`.
    return failed(manifest.errors.map((p) => ({ ...error(manifestPath, p.message), line: p.line ?? 0, column: p.line !== undefined ? (p.column ?? 1) : 0 })));
  }

  const sdkDir = options.sdkDir ?? (await defaultSdkDir(dir));
  const sources = await collectPluginSources(dir, sdkDir);
  if (!(sources.entry in sources.files)) {
    return failed([error(join(dir, 'index.ts'), `${name}: there is no index.ts (or src/index.ts) to compile; it is the plugin's entry file.`)]);
  }

  const targetDir = join(outDir, name);
  const wasmPath = join(targetDir, `${name}.wasm`);
  await mkdir(targetDir, { recursive: true });
  await copyFile(manifestPath, join(targetDir, manifestFile));
  const outputTime = await mtime(wasmPath);
  // A change to the compiler flags (in compile-plugin.ts) must rebuild too.
  const newestInput = Math.max(sources.newestSource, (await mtime(COMPILER_MODULE)) ?? 0);
  if (!options.force && outputTime !== null && outputTime > newestInput) {
    return { name, status: 'up-to-date', diagnostics: [], wasmPath };
  }

  const result = await compilePlugin({ files: sources.files, entry: sources.entry, optimize: options.quick ? false : options.optimize, signal: options.signal });
  // Diagnostics name virtual paths; point them back at the real files.
  const diagnostics = result.diagnostics.map((d) => ({ ...d, file: realPath(d.file, dir, sdkDir, name) }));
  if (!result.ok) return failed(diagnostics);

  const exported = new Set(WebAssembly.Module.exports(new WebAssembly.Module(result.wasm as BufferSource)).map((e) => e.name));
  const missing: string[] = manifest.manifest.taps.implements.filter((tap) => !exported.has(tap));
  for (const required of ['alloc', 'memory']) if (!exported.has(required)) missing.push(required);
  if (missing.length > 0) {
    return failed([
      ...diagnostics,
      error(
        realPath(sources.entry, dir, sdkDir, name),
        `${name}: the module does not export ${missing.join(', ')}; ${manifestFile} declares the taps, and the kernel needs alloc and memory. ` +
          `Export each tap as "export function tap_x(ptr: i32, len: i32): i64", and add 'export { alloc, dealloc } from "../../sdk";'.`,
      ),
    ]);
  }
  await writeFile(wasmPath, result.wasm);
  if (!options.quick) return { name, status: 'built', diagnostics, wasmPath };
  // A second before its newest input: older, whatever the file system's time resolution.
  const dated = new Date(newestInput - 1000);
  await utimes(wasmPath, dated, dated);
  return { name, status: 'built', diagnostics, wasmPath, unoptimized: true };
}

/**
 * Builds every plugin folder of `pluginsDir` (each subfolder with a `<name>.info.toml`) and
 * updates `<outDir>/plugins.json` (see `updatePluginIndex`).
 */
export async function buildAll(pluginsDir: string, outDir: string, options: BuildOptions = {}): Promise<BuildAllResult> {
  const entries = await readdir(pluginsDir, { withFileTypes: true });
  const dirs = entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
  const results: PluginBuildResult[] = [];
  // One at a time: the compiler is CPU-bound and memory-hungry, so parallel builds gain little.
  for (const name of dirs) results.push(await buildPluginDir(join(pluginsDir, name), outDir, options));
  const enabled = await updatePluginIndex(
    outDir,
    results.filter((r) => r.status === 'built' || r.status === 'up-to-date').map((r) => r.name),
    results.filter((r) => r.status === 'failed' || r.status === 'skipped').map((r) => r.name),
  );
  return { ok: results.every((r) => r.status !== 'failed'), results, enabled };
}

/**
 * Rewrites `<outDir>/plugins.json` (`{"plugins": [...]}`, sorted) with `built` added and
 * `failed` removed. Every other entry stays while its folder holds both files: a plugin built
 * elsewhere (WAT, Rust, copied in) is not dropped because `plugins/` has no source for it.
 * Returns the names written.
 */
export async function updatePluginIndex(outDir: string, built: readonly string[], failed: readonly string[] = []): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const indexPath = join(outDir, 'plugins.json');
  const current = await readFile(indexPath, 'utf8').catch(() => null);
  let listed: string[] = [];
  if (current !== null) {
    try {
      const parsed = JSON.parse(current) as { plugins?: unknown };
      if (Array.isArray(parsed.plugins)) listed = parsed.plugins.filter((p): p is string => typeof p === 'string');
    } catch {
      // A corrupt index is rebuilt from what is on disk; the built plugins are all it can vouch for.
    }
  }
  const kept: string[] = [];
  for (const name of listed) {
    if (built.includes(name) || failed.includes(name)) continue;
    const present = (await mtime(join(outDir, name, `${name}.wasm`))) !== null && (await mtime(join(outDir, name, `${name}.info.toml`))) !== null;
    if (present) kept.push(name);
  }
  const enabled = [...new Set([...kept, ...built])].sort();
  const index = `${JSON.stringify({ plugins: enabled }, null, 2)}\n`;
  // Rewriting an unchanged index would only bump its mtime (and wake file watchers).
  if (current !== index) await writeFile(indexPath, index);
  return enabled;
}

/** The lines a terminal shows for one result: `file:line:column: severity: message`. */
export function describeBuild(result: PluginBuildResult): string[] {
  const lines = result.diagnostics.map(formatDiagnostic);
  if (result.status === 'built') lines.push(`built ${result.name} -> ${result.wasmPath}`);
  else if (result.status === 'up-to-date') lines.push(`${result.name} is up to date`);
  else if (result.status === 'skipped') lines.push(`${result.name} was skipped (not built, not enabled)`);
  else lines.push(`${result.name} failed to build`);
  return lines;
}

function error(file: string, message: string): Diagnostic {
  return { severity: 'error', message, file, line: 0, column: 0 };
}

async function defaultSdkDir(dir: string): Promise<string> {
  const beside = resolve(dir, '../../sdk');
  return (await mtime(join(beside, 'index.ts'))) !== null ? beside : BUNDLED_SDK_DIR;
}

function realPath(virtualPath: string, dir: string, sdkDir: string, name: string): string {
  const pluginPrefix = `plugins/${name}/`;
  if (virtualPath.startsWith(pluginPrefix)) return join(dir, virtualPath.slice(pluginPrefix.length));
  if (virtualPath.startsWith('sdk/')) return join(sdkDir, virtualPath.slice(4));
  return virtualPath;
}

async function mtime(path: string): Promise<number | null> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return null;
  }
}

async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(root, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}
