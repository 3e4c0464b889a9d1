/** Builds the host_probe plugin once per test file in Node, for the host-function scenarios. */
import { afterAll, beforeAll } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildPluginDir } from '../../src/build/build-plugins.js';
import { formatDiagnostic } from '../../src/build/compile-plugin.js';
import type { ProbeBuild } from './probe.js';

const PROBE_DIR = resolve(import.meta.dirname, '../fixtures/host-probe/host_probe');

/** Registers the build in beforeAll; the returned function gives the build once it ran. */
export function buildProbeBeforeAll(): () => ProbeBuild {
  let out: string;
  let build: ProbeBuild | undefined;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'trovato-host-probe-'));
    const result = await buildPluginDir(PROBE_DIR, out, { optimize: false });
    if (result.status === 'failed' || !result.wasmPath) throw new Error(`host_probe did not build:\n${result.diagnostics.map(formatDiagnostic).join('\n')}`);
    build = { manifest: await readFile(join(PROBE_DIR, 'host_probe.info.toml'), 'utf8'), wasm: new Uint8Array(await readFile(result.wasmPath)) };
  }, 120_000);
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });
  return () => {
    if (!build) throw new Error('host_probe was not built (see beforeAll).');
    return build;
  };
}
