/**
 * The tap contract tests (scenarios.ts) in Chromium, on real IndexedDB. The plugins come
 * prebuilt: kitchen_sink from test/fixtures/build (`npm run build:fixtures`), blog and
 * categories from public/plugins (`npm run build:plugins`); `npm test` runs both first.
 */
import { beforeAll } from 'vitest';
import type { PluginSource } from '../../src/kernel/plugin/loader.js';
import { defineTapTests } from './scenarios.js';

const kitchenSink = import.meta.glob<string>('../fixtures/build/kitchen_sink/kitchen_sink.wasm', { query: '?url', import: 'default', eager: true });

async function fetchBytes(url: string, advice: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Fetching ${url} failed (${response.status} ${response.statusText}): ${advice}`);
  return new Uint8Array(await response.arrayBuffer());
}

async function fetchText(url: string, advice: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Fetching ${url} failed (${response.status} ${response.statusText}): ${advice}`);
  return response.text();
}

let sources: PluginSource[] | undefined;
beforeAll(async () => {
  const sinkUrl = Object.values(kitchenSink)[0];
  if (sinkUrl === undefined) throw new Error('test/fixtures/build/kitchen_sink/kitchen_sink.wasm is missing: run `npm run build:fixtures` (npm test runs it first).');
  const sinkManifest = (await import('../fixtures/host-probe/kitchen_sink/kitchen_sink.info.toml?raw')).default;
  const advice = 'run `npm run build:plugins` (npm test runs it first).';
  const reference = await Promise.all(
    ['categories', 'blog'].map(async (name) => ({
      name,
      manifest: await fetchText(`/plugins/${name}/${name}.info.toml`, advice),
      wasm: await fetchBytes(`/plugins/${name}/${name}.wasm`, advice),
    })),
  );
  sources = [{ name: 'kitchen_sink', manifest: sinkManifest, wasm: await fetchBytes(sinkUrl, 'run `npm run build:fixtures`.') }, ...reference];
}, 60_000);

defineTapTests({
  sources: () => {
    if (!sources) throw new Error('The plugins were not loaded (see beforeAll).');
    return sources;
  },
  indexedDB,
});
