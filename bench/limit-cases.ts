/**
 * Loading limits and quotas at scale (docs/abi.md §7.4-7.5): how long the kernel takes to load
 * or refuse the oversized plugins, and to answer a plugin that runs into a quota a
 * million times. Each is compared with the same work at an ordinary size, in the same run.
 */
import { createKernel } from '../src/kernel/kernel.js';
import { kernelStorage } from '../src/kernel/host/storage-host.js';
import { openSiteStore, type SiteStore } from '../src/kernel/storage/site-store.js';
import { deleteDatabase } from './seed.js';
import type { PluginSource } from '../src/kernel/plugin/loader.js';
import { measure } from './measure.js';
import type { CaseResult } from './cases.js';

/** The plugins of the limit cases (test/hostile/quota-plugins.ts builds them from WAT). */
export interface LimitFixtures {
  /** A manifest with 10,000 unknown keys. */
  unknownKeys: PluginSource;
  /** `implements` with 20,000 unknown taps. */
  manyTaps: PluginSource;
  /** `tap_menu` returning 20,000 routes in one parent chain. */
  chain20000: PluginSource;
  /** `tap_menu` returning 1,000 routes in one parent chain (the most one plugin may declare). */
  chain1000: PluginSource;
  /** `tap_cron` logging 1,000 lines (all within the quota). */
  log1000: PluginSource;
  /** `tap_cron` logging 1,000,000 lines (999,000 refused). */
  log1000000: PluginSource;
  /** `tap_cron` writing 2 MB to stdout in 100-byte writes without a newline. */
  print2MB: PluginSource;
}

export async function runLimitCases(echo: PluginSource, fixtures: LimitFixtures, indexedDB: IDBFactory, log: (line: string) => void): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  const loadOf = (source: PluginSource) => () => createKernel().load([source]);

  log('limits: load one small plugin (baseline)');
  results.push({ name: 'load, 1 small plugin', stats: await measure(loadOf(echo), { batch: 1, batches: 15 }) });
  const loads: Array<[string, PluginSource]> = [
    ['load, manifest with 10,000 unknown keys', fixtures.unknownKeys],
    ['load, implements with 20,000 entries (refused)', fixtures.manyTaps],
    ['load, tap_menu with 20,000 chained routes (refused)', fixtures.chain20000],
    ['load, tap_menu with 1,000 chained routes', fixtures.chain1000],
  ];
  for (const [name, source] of loads) {
    log(`limits: ${name}`);
    results.push({ name, baselines: ['load, 1 small plugin'], stats: await measure(loadOf(source), { batch: 1, batches: 10 }) });
  }

  // Each request commits and appends its log lines to the site's log, as in the site.
  const stores: Array<[SiteStore, string]> = [];
  const cron = async (source: PluginSource) => {
    const name = `trovato-bench-limits-${source.name}-${Date.now()}`;
    const store = await openSiteStore({ name, indexedDB, maxLogs: 2000 });
    stores.push([store, name]);
    const kernel = createKernel({ storage: kernelStorage(store) });
    await kernel.load([source]);
    return () => kernel.dispatch('tap_cron', null);
  };
  try {
  log('limits: tap_cron logging 1,000 lines (baseline)');
  results.push({ name: 'tap_cron, 1,000 log lines', stats: await measure(await cron(fixtures.log1000), { batch: 2, batches: 10 }) });
  log('limits: tap_cron logging 1,000,000 lines, 999,000 over the quota');
  results.push({
    name: 'tap_cron, 1,000,000 log calls (quota)',
    baselines: ['tap_cron, 1,000 log lines'],
    stats: await measure(await cron(fixtures.log1000000), { batch: 1, batches: 5 }),
  });
  log('limits: tap_cron printing 2 MB in 100-byte writes, no newline');
  results.push({
    name: 'tap_cron, 2 MB of stdout (quota)',
    baselines: ['tap_cron, 1,000 log lines'],
    stats: await measure(await cron(fixtures.print2MB), { batch: 1, batches: 5 }),
  });
  } finally {
    for (const [store, name] of stores) {
      await store.close();
      await deleteDatabase(indexedDB, name);
    }
  }
  return results;
}
