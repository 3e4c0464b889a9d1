/**
 * The host-function tests (scenarios.ts) in Chromium, on real IndexedDB. A browser test cannot
 * run the AssemblyScript build, so the probe comes prebuilt from test/fixtures/build/
 * (`npm run build:fixtures`, which `npm test` runs first).
 */
import { beforeAll } from 'vitest';
import manifest from '../fixtures/host-probe/host_probe/host_probe.info.toml?raw';
import type { ProbeBuild } from './probe.js';
import { defineHostFunctionTests } from './scenarios.js';

// A glob, not a plain import: a missing build must fail with advice, not as an unresolved import.
const built = import.meta.glob<string>('../fixtures/build/host_probe/host_probe.wasm', { query: '?url', import: 'default', eager: true });

let build: ProbeBuild | undefined;
beforeAll(async () => {
  const url = Object.values(built)[0];
  if (url === undefined) throw new Error('test/fixtures/build/host_probe/host_probe.wasm is missing: run `npm run build:fixtures` (npm test runs it first).');
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Fetching the probe from ${url} failed: ${response.status} ${response.statusText}.`);
  build = { manifest, wasm: new Uint8Array(await response.arrayBuffer()) };
});

defineHostFunctionTests({
  build: () => {
    if (!build) throw new Error('host_probe was not loaded (see beforeAll).');
    return build;
  },
  indexedDB,
});
