/** The tap contract tests (scenarios.ts) in Node, on fake-indexeddb, with the plugins `npm test` builds first. */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PluginSource } from '../../src/kernel/plugin/loader.js';
import { nodeIndexedDB } from '../../src/kernel/storage/node-indexeddb.js';
import { defineTapTests } from './scenarios.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BUILT: Record<string, string> = {
  kitchen_sink: join(ROOT, 'test/fixtures/build'),
  blog: join(ROOT, 'public/plugins'),
  categories: join(ROOT, 'public/plugins'),
};

function built(name: string): PluginSource {
  const dir = join(BUILT[name], name);
  if (!existsSync(join(dir, `${name}.wasm`))) throw new Error(`${dir}/${name}.wasm is missing: run \`npm run build:plugins && npm run build:fixtures\` (npm test runs them first).`);
  return { name, manifest: readFileSync(join(dir, `${name}.info.toml`), 'utf8'), wasm: new Uint8Array(readFileSync(join(dir, `${name}.wasm`))) };
}

const sources = ['kitchen_sink', 'categories', 'blog'].map(built);
defineTapTests({ sources: () => sources, indexedDB: nodeIndexedDB() });
