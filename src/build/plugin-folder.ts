/**
 * Reading plugins from disk (Node only): a directory of `<name>/<name>.info.toml` +
 * `<name>/<name>.wasm` folders, as in ABI §1.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { PluginSource } from '../kernel/plugin/loader.js';

export interface FolderProblem {
  name: string;
  message: string;
}

/** Every plugin folder under `dir`, sorted by name; folders missing a file are problems. */
export async function readPluginFolder(dir: string): Promise<{ sources: PluginSource[]; problems: FolderProblem[] }> {
  let entries: string[];
  try {
    entries = (await readdir(dir)).sort();
  } catch (error) {
    throw new Error(`Cannot read the plugins directory ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}. Pass a directory that holds one folder per plugin.`);
  }
  const sources: PluginSource[] = [];
  const problems: FolderProblem[] = [];
  for (const name of entries) {
    const folder = join(dir, name);
    if (!(await stat(folder)).isDirectory()) continue;
    const manifestPath = join(folder, `${name}.info.toml`);
    const wasmPath = join(folder, `${name}.wasm`);
    const [manifest, wasm] = await Promise.all([readFile(manifestPath, 'utf8').catch(() => null), readFile(wasmPath).catch(() => null)]);
    if (manifest === null) {
      problems.push({ name, message: `${name}: ${manifestPath} is missing; every plugin folder needs <name>.info.toml.` });
      continue;
    }
    if (wasm === null) {
      problems.push({ name, message: `${name}: ${wasmPath} is missing; build the plugin first (npx trovato build plugins/${name}).` });
      continue;
    }
    sources.push({ name, manifest, wasm: new Uint8Array(wasm.buffer, wasm.byteOffset, wasm.byteLength) });
  }
  return { sources, problems };
}
