/**
 * The host-function tests (scenarios.ts) in Node, on fake-indexeddb, through the Rust probe
 * (test/fixtures/host-probe/host_probe_rust): the same scenario list the AssemblyScript probe
 * runs, so both SDKs are held to one contract. Needs Debian's Rust toolchain (`npm test` installs
 * it when run as root; otherwise the build says what to install).
 */
import { afterAll, beforeAll } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildPluginDir } from '../../src/build/build-plugins.js';
import { formatDiagnostic } from '../../src/build/compile-plugin.js';
import { nodeIndexedDB } from '../../src/kernel/storage/node-indexeddb.js';
import type { ProbeBuild } from './probe.js';
import { defineHostFunctionTests } from './scenarios.js';

const PROBE_DIR = resolve(import.meta.dirname, '../fixtures/host-probe/host_probe_rust');

let out: string;
let build: ProbeBuild | undefined;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'trovato-host-probe-rust-'));
  const result = await buildPluginDir(PROBE_DIR, out);
  if (result.status !== 'built' || !result.wasmPath) {
    throw new Error(`host_probe_rust did not build (${result.status}):\n${result.diagnostics.map(formatDiagnostic).join('\n')}`);
  }
  build = { manifest: await readFile(join(PROBE_DIR, 'host_probe_rust.info.toml'), 'utf8'), wasm: new Uint8Array(await readFile(result.wasmPath)) };
}, 600_000);
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

defineHostFunctionTests({
  build: () => {
    if (!build) throw new Error('host_probe_rust was not built (see beforeAll).');
    return build;
  },
  indexedDB: nodeIndexedDB(),
  sourceFile: /src\/lib\.rs/,
});
