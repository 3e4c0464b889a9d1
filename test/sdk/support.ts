/**
 * Compiling small AssemblyScript test plugins against the real SDK. Each test file compiles
 * its plugins once (in beforeAll): the compiler takes seconds, a tap call microseconds.
 */
import { resolve } from 'node:path';
import { collectPluginSources } from '../../src/build/build-plugins.js';
import { compilePlugin, formatDiagnostic } from '../../src/build/compile-plugin.js';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const SDK_DIR = resolve(REPO_ROOT, 'sdk');
export const PLUGINS_DIR = resolve(REPO_ROOT, 'plugins');

/** The SDK sources as `sdk/...` -> text (what compilePlugin needs besides the plugin itself). */
export async function sdkFiles(): Promise<Record<string, string>> {
  // Any plugin folder works for collecting the SDK; hello is the smallest.
  const { files } = await collectPluginSources(resolve(PLUGINS_DIR, 'hello'), SDK_DIR);
  return Object.fromEntries(Object.entries(files).filter(([path]) => path.startsWith('sdk/')));
}

/** Compiles `source` as `plugins/<name>/index.ts` with the SDK; throws with the diagnostics on failure. */
export async function compileTestPlugin(name: string, source: string, optimize = false): Promise<Uint8Array> {
  const entry = `plugins/${name}/index.ts`;
  const result = await compilePlugin({ files: { ...(await sdkFiles()), [entry]: source }, entry, optimize });
  if (!result.ok) throw new Error(`${name} did not compile:\n${result.diagnostics.map(formatDiagnostic).join('\n')}`);
  return result.wasm;
}

/** Compiles a reference plugin from plugins/<name>/. */
export async function compileReferencePlugin(name: string, optimize = false): Promise<Uint8Array> {
  const { files, entry } = await collectPluginSources(resolve(PLUGINS_DIR, name), SDK_DIR);
  const result = await compilePlugin({ files, entry, optimize });
  if (!result.ok) throw new Error(`${name} did not compile:\n${result.diagnostics.map(formatDiagnostic).join('\n')}`);
  return result.wasm;
}
