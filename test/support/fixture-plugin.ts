/**
 * A prebuilt test plugin from test/fixtures/build (`npm run build:fixtures`, run by `npm test`),
 * optionally loaded under another name and with lines added to its manifest.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PluginSource } from '../../src/kernel/plugin/loader.js';

const BUILD = resolve(import.meta.dirname, '../fixtures/build');

export function fixturePlugin(name: string, as = name, extraManifest = ''): PluginSource {
  const dir = join(BUILD, name);
  if (!existsSync(join(dir, `${name}.wasm`))) throw new Error(`${dir}/${name}.wasm is missing: run \`npm run build:fixtures\` (npm test runs it first).`);
  const manifest = readFileSync(join(dir, `${name}.info.toml`), 'utf8').replace(/^name = ".*"$/m, `name = "${as}"`) + extraManifest;
  return { name: as, manifest, wasm: new Uint8Array(readFileSync(join(dir, `${name}.wasm`))) };
}
