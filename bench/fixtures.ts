/** Builds the benchmark's plugins from source (WAT through wabt) in Node. */
import { constantJson, ECHO, watPlugin } from '../test/support/wat-plugin.js';
import type { BenchFixtures } from './cases.js';
import type { PluginSource } from '../src/kernel/plugin/loader.js';
import { readPluginFolder } from '../src/build/plugin-folder.js';
import { buildPluginDir } from '../src/build/build-plugins.js';
import { formatDiagnostic } from '../src/build/compile-plugin.js';
import { readFile } from 'node:fs/promises';
import { logger, manyTaps, menuChain, printer, unknownKeys } from '../test/hostile/quota-plugins.js';
import type { LimitFixtures } from './limit-cases.js';
import { extismEcho } from './extism-plugin.js';

export async function buildFixtures(): Promise<BenchFixtures> {
  const echo = await watPlugin({ name: 'echo', exports: { tap_item_view: ECHO } });
  const tenEchoes = await Promise.all(
    Array.from({ length: 10 }, (_, i) => watPlugin({ name: `echo_${i}`, exports: { tap_item_view: ECHO } })),
  );
  const { sources: reference, problems } = await readPluginFolder('public/plugins');
  if (problems.length > 0 || reference.length === 0) {
    throw new Error(`The reference plugins are not built (${problems.map((p) => p.message).join(' ')}); run \`npm run build:plugins\` first.`);
  }
  const neutral = constantJson(16, JSON.stringify('Neutral'));
  // An access rule that decides nothing: what every item read costs once a site has one.
  const accessRule = await watPlugin({ name: 'neutral_access', fields: neutral.data, exports: { tap_item_access: neutral.body } });
  return { echo, tenEchoes, reference, probe: await buildProbe(), accessRule, limits: await buildLimitFixtures(), spinner: await watPlugin({ name: 'spinner', exports: { tap_cron: '(loop $forever (br $forever)) (i64.const 0)' } }), extismEcho: await extismEcho() };
}

async function buildLimitFixtures(): Promise<LimitFixtures> {
  return {
    unknownKeys: await unknownKeys(10_000),
    manyTaps: await manyTaps(20_000),
    chain20000: await menuChain(20_000),
    chain1000: await menuChain(1_000),
    log1000: await logger(1_000),
    log1000000: await logger(1_000_000),
    print2MB: await printer(20_000, 100),
  };
}

/** host_probe, optimized like a real plugin; into test/fixtures/build/, where the tests' copy lives (skipped when up to date). */
async function buildProbe(): Promise<PluginSource> {
  const dir = 'test/fixtures/host-probe/host_probe';
  const result = await buildPluginDir(dir, 'test/fixtures/build');
  if (result.status === 'failed' || !result.wasmPath) throw new Error(`host_probe did not build:\n${result.diagnostics.map(formatDiagnostic).join('\n')}`);
  return { name: 'host_probe', manifest: await readFile(`${dir}/host_probe.info.toml`, 'utf8'), wasm: new Uint8Array(await readFile(result.wasmPath)) };
}
