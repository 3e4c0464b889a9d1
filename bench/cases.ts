/**
 * The benchmark cases, written once and run both in Node and in Chromium. Each case names
 * the baseline it is compared with in the same run.
 */
import { createKernel } from '../src/kernel/kernel.js';
import type { PluginSource } from '../src/kernel/plugin/loader.js';
import { measure, measureInterleaved, measureSync, pairedRatios, summarize, type Stats } from './measure.js';
import { runSiteCases } from './site-cases.js';
import { runStorageCases } from './storage-cases.js';
import { runLimitCases, type LimitFixtures } from './limit-cases.js';
import { runFuelCases } from './fuel-cases.js';
import { runLanguageCases } from './language-cases.js';
import { EXTISM_DEFAULT, openExtismEcho, runExtismWorkerMode } from './extism-cases.js';

export interface CaseResult {
  name: string;
  stats: Stats;
  /** Cases this one is compared with (ratio of medians), measured in the same run. */
  baselines?: string[];
  /**
   * For cases measured in turns with their baselines: the ratio to each baseline round by
   * round (its median and spread), by baseline name. Printed instead of the ratio of medians.
   */
  pairedRatios?: Record<string, Stats>;
}

export interface BenchFixtures {
  /** A small echo plugin (tap_item_view returns its input), as a plugin folder. */
  echo: PluginSource;
  /** Ten copies of it under different names, for a dispatch to ten handlers. */
  tenEchoes: PluginSource[];
  /** The reference plugins as built into public/plugins (blog, categories, hello, and notes in Rust). */
  reference: PluginSource[];
  /** host_probe (test/fixtures/host-probe), which performs host functions on request. */
  probe: PluginSource;
  /** The oversized plugins of the limit cases (bench/limit-cases.ts). */
  limits: LimitFixtures;
  /** A plugin whose tap_cron loops forever (stopped by fuel). */
  spinner: PluginSource;
  /** A plugin whose tap_item_access answers "Neutral" to everything. */
  accessRule: PluginSource;
  /** The same echo for the peer, Extism (bench/extism-plugin.ts). */
  extismEcho: Uint8Array;
}

export interface BenchEnvironment {
  /** Real IndexedDB in the browser, fake-indexeddb in Node. */
  indexedDB: IDBFactory;
  /** Whether Extism's worker mode can run in this process (not under tsx: see extism-node-worker.ts). */
  extismWorkerMode: boolean;
}

/**
 * `--fuel-only`: the fuel cases alone; `--dispatch-only`: the one-handler cases and the peer
 * alone; `--storage-only`: the storage cases alone (storage-cases.ts).
 */
export type BenchSubset = 'fuel' | 'dispatch' | 'storage';

/** What a run found worth saying beside the table (a case skipped, and why). */
export interface BenchRun {
  results: CaseResult[];
  notes: string[];
}

/** Dispatches per request in the case that shares one request's cost among several. */
const DISPATCHES_PER_REQUEST = 10;

/** The input of every one-handler case, ours and the peer's. */
export const INPUT = { item: { id: '5f0c6a4e-3d2b-4c1a-9e8f-7a6b5c4d3e2f', title: 'Hello, world', status: 1 } };

function stubImports(module: WebAssembly.Module): WebAssembly.Imports {
  const imports: Record<string, Record<string, () => number>> = {};
  for (const entry of WebAssembly.Module.imports(module)) {
    (imports[entry.module] ??= {})[entry.name] = () => 0;
  }
  return imports;
}

export async function runCases(
  fixtures: BenchFixtures,
  environment: BenchEnvironment,
  log: (line: string) => void = () => undefined,
  only?: BenchSubset,
): Promise<BenchRun> {
  if (only === 'fuel') return { results: await runFuelCases(fixtures.echo, fixtures.spinner, fixtures.reference, environment.indexedDB, log), notes: [] };
  if (only === 'storage') return { results: await runStorageCases(fixtures.probe, environment.indexedDB, log), notes: [] };
  const results: CaseResult[] = [];
  const input = new TextEncoder().encode(JSON.stringify(INPUT));
  const module = await WebAssembly.compile(fixtures.echo.wasm as BufferSource);
  const imports = stubImports(module);

  type Exports = { memory: WebAssembly.Memory; alloc(n: number): number; tap_item_view(p: number, l: number): bigint };
  log('baseline: new WebAssembly.Instance + one call');
  results.push({
    name: 'bare new Instance + call',
    stats: measureSync(() => {
      const exports = new WebAssembly.Instance(module, imports).exports as unknown as Exports;
      const ptr = exports.alloc(input.length);
      new Uint8Array(exports.memory.buffer, ptr, input.length).set(input);
      return exports.tap_item_view(ptr, input.length);
    }, { batch: 200, batches: 30 }),
  });

  log('baseline: a call on a warm instance');
  const warm = new WebAssembly.Instance(module, imports).exports as unknown as Exports;
  const warmPtr = warm.alloc(input.length);
  results.push({
    name: 'warm call',
    stats: measureSync(() => {
      new Uint8Array(warm.memory.buffer, warmPtr, input.length).set(input);
      return warm.tap_item_view(warmPtr, input.length);
    }, { batch: 5000, batches: 30 }),
  });

  // The honest warm baseline for a dispatch: the same JSON work (stringify, encode, call,
  // decode, parse) on one instance that is never reset, so no isolation at all, written as
  // fast as a host that knows where its input goes can: encoded straight into the plugin's
  // memory (encodeInto; TextEncoder.encode alone costs about a microsecond in Node 20). It is
  // measured in turns with our dispatch and the peer's call, so that their ratios hold on a
  // machine whose load changes during the run.
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const warmJson = () => {
    const { written } = encoder.encodeInto(JSON.stringify(INPUT), new Uint8Array(warm.memory.buffer, warmPtr, 32768 - 64));
    const packed = BigInt.asUintN(64, warm.tap_item_view(warmPtr, written));
    const ptr = Number(packed >> 32n);
    const len = Number(packed & 0xffffffffn);
    return JSON.parse(decoder.decode(new Uint8Array(warm.memory.buffer, ptr, len)));
  };
  const one = createKernel();
  await one.load([fixtures.echo]);
  // Where a dispatch's time goes beyond the warm call: the same dispatch ten times in one
  // request (the request's own cost shared by ten), and with each handler timed, as a traced
  // kernel (the worker, the playground's inspector) or the CLI runs it.
  const timed = createKernel({ timeHandlers: true });
  await timed.load([fixtures.echo]);
  const inOneRequest = () => one.request(undefined, (session) => {
    for (let i = 0; i < DISPATCHES_PER_REQUEST; i++) session.dispatch('tap_item_view', INPUT);
  });
  // The peer: Extism running the same echo, same JSON in and out (no isolation between calls).
  const extism = await openExtismEcho(fixtures.extismEcho, INPUT, false);
  log('baseline: a warm call with JSON in and out; kernel: one dispatch to one handler; peer: Extism, default mode (in turns)');
  try {
    // Many short rounds: each ratio is taken within a round, so load that comes and goes shows
    // as spread rather than as a wrong ratio.
    const measured = await measureInterleaved(
      [{ op: warmJson, sync: true }, { op: () => one.dispatch('tap_item_view', INPUT) }, { op: () => extism.call() }, { op: inOneRequest }, { op: () => timed.dispatch('tap_item_view', INPUT) }],
      { batch: 300, batches: 100 },
    );
    // The in-request case ran ten dispatches per operation: its rounds per dispatch.
    measured.rounds[3] = measured.rounds[3].map((time) => time / DISPATCHES_PER_REQUEST);
    measured.stats[3] = summarize(measured.rounds[3]);
    const [warmStats, dispatchStats, extismStats] = measured.stats;
    results.push({ name: 'warm call, JSON in and out', stats: warmStats });
    results.push({
      name: 'dispatch, 1 handler',
      baselines: ['bare new Instance + call', 'warm call, JSON in and out', EXTISM_DEFAULT],
      stats: dispatchStats,
      pairedRatios: { 'warm call, JSON in and out': pairedRatios(measured, 1, 0), [EXTISM_DEFAULT]: pairedRatios(measured, 1, 2) },
    });
    results.push({ name: EXTISM_DEFAULT, stats: extismStats });
    results.push({
      name: `dispatch, 1 handler, ${DISPATCHES_PER_REQUEST} in one request`,
      baselines: ['warm call, JSON in and out'],
      stats: measured.stats[3],
      pairedRatios: { 'warm call, JSON in and out': pairedRatios(measured, 3, 0) },
    });
    results.push({
      name: 'dispatch, 1 handler, timed',
      baselines: ['warm call, JSON in and out'],
      stats: measured.stats[4],
      pairedRatios: { 'warm call, JSON in and out': pairedRatios(measured, 4, 0) },
    });
  } finally {
    await extism.close();
  }
  const peer = environment.extismWorkerMode ? await runExtismWorkerMode(fixtures.extismEcho, INPUT, log) : { results: [], notes: [] };
  results.push(...peer.results);

  if (only === 'dispatch') return { results, notes: peer.notes };

  log('kernel: one dispatch to one handler, a new instance per call');
  const fresh = createKernel({ isolation: 'fresh' });
  await fresh.load([fixtures.echo]);
  results.push({
    name: 'dispatch, 1 handler (fresh instances)',
    baselines: ['bare new Instance + call', 'warm call, JSON in and out'],
    stats: await measure(() => fresh.dispatch('tap_item_view', INPUT), { batch: 200, batches: 30 }),
  });

  log('kernel: one dispatch to ten handlers');
  const ten = createKernel();
  await ten.load(fixtures.tenEchoes);
  results.push({
    name: 'dispatch, 10 handlers',
    baselines: ['dispatch, 1 handler'],
    stats: await measure(() => ten.dispatch('tap_item_view', INPUT), { batch: 50, batches: 30 }),
  });
  results.push(...(await runSiteCases(fixtures.reference, fixtures.echo, fixtures.accessRule, environment.indexedDB, log)));
  results.push(...(await runStorageCases(fixtures.probe, environment.indexedDB, log)));
  results.push(...(await runLimitCases(fixtures.echo, fixtures.limits, environment.indexedDB, log)));
  results.push(...(await runFuelCases(fixtures.echo, fixtures.spinner, fixtures.reference, environment.indexedDB, log)));
  results.push(...(await runLanguageCases(fixtures.reference, log)));
  return { results, notes: peer.notes };
}
