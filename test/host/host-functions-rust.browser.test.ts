/**
 * The host-function tests (scenarios.ts) in Chromium, on real IndexedDB, through the Rust
 * probe, prebuilt into test/fixtures/build/ by `npm run build:fixtures` (which `npm test` runs).
 */
import { beforeAll } from 'vitest';
import manifest from '../fixtures/host-probe/host_probe_rust/host_probe_rust.info.toml?raw';
import type { ProbeBuild } from './probe.js';
import { defineHostFunctionTests } from './scenarios.js';

// A glob, not a plain import: a missing build must fail with advice, not as an unresolved import.
const built = import.meta.glob<string>('../fixtures/build/host_probe_rust/host_probe_rust.wasm', { query: '?url', import: 'default', eager: true });

let build: ProbeBuild | undefined;
beforeAll(async () => {
  const url = Object.values(built)[0];
  if (url === undefined) {
    throw new Error('test/fixtures/build/host_probe_rust/host_probe_rust.wasm is missing: run `npm run build:fixtures` (npm test runs it first; it needs Debian\'s Rust toolchain).');
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Fetching the Rust probe from ${url} failed: ${response.status} ${response.statusText}.`);
  build = { manifest, wasm: new Uint8Array(await response.arrayBuffer()) };
});

defineHostFunctionTests({
  build: () => {
    if (!build) throw new Error('host_probe_rust was not loaded (see beforeAll).');
    return build;
  },
  indexedDB,
  sourceFile: /src\/lib\.rs/,
});
