/**
 * Reading plugins over HTTP (the browser's way to read `public/plugins/`): the index
 * `plugins.json` lists the enabled plugins; each lives at `<name>/<name>.info.toml|.wasm`.
 */
import type { PluginSource } from './loader.js';
import { KernelError } from '../common/errors.js';

export interface PluginIndex {
  plugins: string[];
}

/** The URL of the plugin index below `baseUrl`. */
export function pluginIndexUrl(baseUrl: string): string {
  return new URL('plugins.json', withSlash(baseUrl)).href;
}

/** The URLs of a plugin's two files below `baseUrl`. */
export function pluginFileUrls(baseUrl: string, name: string): { manifest: string; wasm: string } {
  const base = withSlash(baseUrl);
  return { manifest: new URL(`${name}/${name}.info.toml`, base).href, wasm: new URL(`${name}/${name}.wasm`, base).href };
}

export async function fetchPluginIndex(baseUrl: string): Promise<PluginIndex> {
  const url = pluginIndexUrl(baseUrl);
  const response = await fetch(url);
  if (!response.ok) {
    throw new KernelError('PLUGIN_NOT_FOUND', `The plugin index ${url} answered ${response.status}; run \`npm run build:plugins\` to create it.`);
  }
  let index: unknown;
  try {
    index = await response.json();
  } catch {
    // Dev servers and static hosts answer unknown paths with the HTML app shell.
    const type = response.headers.get('content-type') ?? 'unknown type';
    throw new KernelError(
      'PLUGIN_NOT_FOUND',
      `The plugin index ${url} is not JSON (the server sent ${type}); check the plugins URL, and run \`npm run build:plugins\` to create the index.`,
    );
  }
  if (!index || typeof index !== 'object' || !Array.isArray((index as PluginIndex).plugins)) {
    throw new KernelError('BAD_INPUT', `The plugin index ${url} must look like {"plugins": ["blog", ...]}.`);
  }
  return { plugins: (index as PluginIndex).plugins.filter((p): p is string => typeof p === 'string') };
}

/**
 * Fetches the files of each named plugin in parallel. A missing file is an error naming it.
 * `fresh` bypasses the HTTP cache: a plugin rebuilt a moment ago (`trovato dev`) has the same URLs.
 */
export async function fetchPlugins(baseUrl: string, names: readonly string[], options: { fresh?: boolean } = {}): Promise<PluginSource[]> {
  const init: RequestInit = options.fresh ? { cache: 'no-store' } : {};
  return Promise.all(
    names.map(async (name) => {
      const { manifest: manifestUrl, wasm: wasmUrl } = pluginFileUrls(baseUrl, name);
      const [manifest, wasm] = await Promise.all([fetch(manifestUrl, init), fetch(wasmUrl, init)]);
      for (const [response, url] of [[manifest, manifestUrl], [wasm, wasmUrl]] as const) {
        if (!response.ok) throw new KernelError('PLUGIN_NOT_FOUND', `${name}: ${url} answered ${response.status}.`, { plugin: name });
      }
      return { name, manifest: await manifest.text(), wasm: new Uint8Array(await wasm.arrayBuffer()) };
    }),
  );
}

function withSlash(url: string): string {
  const absolute = new URL(url, globalThis.location?.href ?? 'http://localhost/').href;
  return absolute.endsWith('/') ? absolute : `${absolute}/`;
}

/** Every plugin the index at `baseUrl` lists, fetched. */
export async function fetchIndexPlugins(baseUrl: string): Promise<PluginSource[]> {
  return fetchPlugins(baseUrl, (await fetchPluginIndex(baseUrl)).plugins);
}
