/**
 * What fuel costs and what it buys, in Node and in Chromium: dispatch to one handler and the
 * blog's first page (20 of 200 posts), metered against the same kernel loading the same plugins
 * unmetered (`fuel: false`) in the same run; and the time from a call that loops forever to
 * the kernel answering the next request (no worker restart: the loop runs out of fuel).
 * The written range is recorded in the same rewrite as fuel, so an unmetered kernel also resets
 * each pooled instance's whole memory: for the one-handler dispatch the metered kernel can be
 * the faster one (see tap/written-range.ts).
 */
import { createKernel } from '../src/kernel/kernel.js';
import { openSiteStore } from '../src/kernel/storage/site-store.js';
import { openSite } from '../src/site/site.js';
import { DEMO_USERS } from '../src/site/roles.js';
import type { PluginSource } from '../src/kernel/plugin/loader.js';
import { measure, measurePair } from './measure.js';
import type { CaseResult } from './cases.js';
import { deleteDatabase, seedBlogPosts } from './seed.js';

const ANONYMOUS = { id: DEMO_USERS[0].id, roles: [...DEMO_USERS[0].roles] };
const INPUT = { item: { id: '5f0c6a4e-3d2b-4c1a-9e8f-7a6b5c4d3e2f', title: 'Hello, world', status: 1 } };

export async function runFuelCases(
  echo: PluginSource,
  spinner: PluginSource,
  reference: readonly PluginSource[],
  indexedDB: IDBFactory,
  log: (line: string) => void,
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];

  log('fuel: one dispatch to one handler, unmetered and metered');
  const plain = createKernel({ fuel: false });
  await plain.load([echo]);
  const meteredKernel = createKernel();
  await meteredKernel.load([echo]);
  const [unmeteredDispatch, meteredDispatch] = await measurePair(
    () => plain.dispatch('tap_item_view', INPUT),
    () => meteredKernel.dispatch('tap_item_view', INPUT),
    { batch: 200, batches: 30 },
  );
  results.push({ name: 'dispatch, 1 handler, unmetered', stats: unmeteredDispatch });
  results.push({ name: 'dispatch, 1 handler, metered', baselines: ['dispatch, 1 handler, unmetered'], stats: meteredDispatch });

  log('fuel: /blog (first page of 20, 200 posts in the site), unmetered and metered (one database each, same content)');
  const names = [`trovato-bench-fuel-${Date.now()}-plain`, `trovato-bench-fuel-${Date.now()}-metered`];
  const stores = await Promise.all(names.map((name) => openSiteStore({ name, indexedDB })));
  try {
    const sites = await Promise.all(stores.map((store, i) => openSite({ store, sources: reference, kernel: i === 0 ? { fuel: false } : {} })));
    for (const site of sites) {
      await seedBlogPosts(site, 200);
      const probe = await site.kernel.callRoute('/blog', { user: ANONYMOUS });
      if (!probe || probe.result.error !== undefined) throw new Error(`bench setup: /blog failed: ${probe?.result.error}`);
      if (probe.result.fuel !== undefined) log(`  /blog with 200 posts burns ${probe.result.fuel} units of fuel`);
    }
    const [plainBlog, meteredBlog] = await measurePair(
      () => sites[0].kernel.callRoute('/blog', { user: ANONYMOUS }),
      () => sites[1].kernel.callRoute('/blog', { user: ANONYMOUS }),
      { batch: 3, batches: 15 },
    );
    results.push({ name: 'page request, /blog with 200 posts, unmetered', stats: plainBlog });
    results.push({ name: 'page request, /blog with 200 posts, metered', baselines: ['page request, /blog with 200 posts, unmetered'], stats: meteredBlog });
  } finally {
    for (const store of stores) await store.close();
    for (const name of names) await deleteDatabase(indexedDB, name);
  }

  log('fuel: a call that loops forever, then the next request answered');
  const looping = createKernel();
  await looping.load([echo, spinner]);
  results.push({
    name: 'looping call stopped + next request answered',
    baselines: ['dispatch, 1 handler, metered'],
    stats: await measure(async () => {
      const stopped = await looping.dispatch('tap_cron');
      if (stopped.results[0]?.errorCode !== 'OUT_OF_FUEL') throw new Error(`bench: the loop was not stopped by fuel: ${JSON.stringify(stopped.results[0])}`);
      return looping.dispatch('tap_item_view', INPUT);
    }, { batch: 1, batches: 15 }),
  });
  return results;
}
