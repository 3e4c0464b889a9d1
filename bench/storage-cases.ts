/**
 * Storage cases, through the real kernel and the host_probe plugin (test/fixtures/host-probe):
 * a host `get-item` served from the read model; requests that write 1, 100 and 10,000 items
 * (staging and the one-transaction commit) and the import of a 10,000-item export, beside the
 * floor of the same puts through bare IndexedDB; opening a site whose database holds 10,000
 * items beside opening an empty one (items load on demand, so the two should be close). Real
 * IndexedDB in Chromium, fake-indexeddb in Node (`npm run bench -- --storage-only` runs only
 * these). Per-item and per-call figures divide a timed batch by its size, like measure.ts does.
 */
import { createKernel, type Kernel } from '../src/kernel/kernel.js';
import { MAX_CALL_FUEL } from '../src/kernel/plugin/fuel.js';
import { kernelStorage } from '../src/kernel/host/storage-host.js';
import { openSiteStore, type SiteStore } from '../src/kernel/storage/site-store.js';
import type { Item } from '../src/kernel/storage/schema.js';
import type { UnitOfWork } from '../src/kernel/storage/unit-of-work.js';
import type { PluginSource } from '../src/kernel/plugin/loader.js';
import type { HandlerResult } from '../src/kernel/tap/dispatcher.js';
import { anonymousUser } from '../src/kernel/common/users.js';
import { measure, measurePair, summarize, type Stats } from './measure.js';
import type { CaseResult } from './cases.js';
import { deleteDatabase } from './seed.js';
import { restoreData, type SiteExport } from '../src/site/site-export.js';

const ADMIN = { id: 'bench-admin', roles: ['administrator'] };
const FLOOR = 'IndexedDB alone: put 10,000 items in one transaction, per item';

interface ProbeKernel {
  name: string;
  store: SiteStore;
  kernel: Kernel;
}

async function probeKernel(probe: PluginSource, indexedDB: IDBFactory): Promise<ProbeKernel> {
  const name = `trovato-bench-storage-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const store = await openSiteStore({ name, indexedDB });
  // These cases time 10,000 host calls inside one plugin call, past the default fuel per call
  // (a real plugin doing that would ask for it with [limits] fuel): give the probe the most.
  const kernel = createKernel({ storage: kernelStorage(store), fuel: { perCall: MAX_CALL_FUEL, perRequest: 100 * MAX_CALL_FUEL } });
  const report = await kernel.load([probe]);
  if (report.order.length !== 1) throw new Error(`bench setup: host_probe did not load: ${JSON.stringify(report.plugins)}`);
  return { name, store, kernel };
}

async function dispose(indexedDB: IDBFactory, site: ProbeKernel): Promise<void> {
  await site.store.close();
  await deleteDatabase(indexedDB, site.name);
}

/** The probe's answer to one op, which must have succeeded. */
function answer(result: HandlerResult): unknown {
  const output = result.output as { ok?: boolean; result?: unknown; error?: string } | null;
  if (result.error !== undefined || !output?.ok) throw new Error(`bench: host_probe failed: ${result.error ?? output?.error}`);
  return output.result;
}

function perUnit(stats: Stats, units: number): Stats {
  return { median: stats.median / units, p25: stats.p25 / units, p75: stats.p75 / units, p95: stats.p95 / units, samples: stats.samples };
}

function benchItem(i: number, now: number): Item {
  return {
    id: `bench-${i.toString().padStart(6, '0')}`,
    item_type: 'page',
    title: `Benchmark item ${i}`,
    fields: { body: { value: 'Some text for the body of the item.', format: 'plain_text' } },
    status: 1,
    author_id: ADMIN.id,
    revision_id: crypto.randomUUID(),
    created: now,
    changed: now,
  };
}

/**
 * The floor for a bulk write: the same items put with the bare IndexedDB API into a fresh store
 * keyed by `id` with no index, one transaction, no kernel, no staging.
 */
async function putStraight(indexedDB: IDBFactory, items: readonly Item[]): Promise<void> {
  const name = `trovato-bench-floor-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(name, 1);
    request.onupgradeneeded = () => request.result.createObjectStore('items', { keyPath: 'id' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('items', 'readwrite');
      const store = tx.objectStore('items');
      for (const item of items) store.put(item);
      tx.oncomplete = () => resolve();
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
    await deleteDatabase(indexedDB, name);
  }
}

function benchItems(count: number): Item[] {
  const now = Math.floor(Date.now() / 1000);
  return Array.from({ length: count }, (_, i) => benchItem(i, now));
}

export async function runStorageCases(probe: PluginSource, indexedDB: IDBFactory, log: (line: string) => void): Promise<CaseResult[]> {
  const results: CaseResult[] = [];

  log('storage: host get-item served from memory (the probe loops inside one call)');
  const reader = await probeKernel(probe, indexedDB);
  try {
    const saved = answer(
      await reader.kernel.request(ADMIN, (s) =>
        s.call('host_probe', 'tap_queue_worker', { op: 'save-item', args: { item: { item_type: 'page', title: 'Read me', fields: { body: { value: 'x', format: 'plain_text' } } } } }),
      ),
    ) as { id: string };
    for (const [raw, calls] of [[true, 10_000], [false, 1_000]] as const) {
      const loop = () =>
        reader.kernel.request(ADMIN, (s) => answer(s.call('host_probe', 'tap_queue_worker', { op: 'bench-get-item', args: { id: saved.id, n: calls, raw } })));
      results.push({
        name: raw ? 'host get-item, per call (raw import)' : 'host get-item, per call (SDK getItem, parsed)',
        ...(raw ? {} : { baselines: ['host get-item, per call (raw import)'] }),
        stats: perUnit(await measure(loop, { batch: 1, batches: 15 }), calls),
      });
    }
  } finally {
    await dispose(indexedDB, reader);
  }

  for (const [count, runs] of [[1, 100], [100, 30], [10_000, 5]] as const) {
    log(`storage: a request that writes ${count} item(s), then commits them`);
    const writer = await probeKernel(probe, indexedDB);
    try {
      const whole: number[] = [];
      const commits: number[] = [];
      for (let run = 0; run <= runs; run++) {
        let staged = 0;
        const start = performance.now();
        await writer.kernel.request(ADMIN, (s) => {
          answer(s.call('host_probe', 'tap_queue_worker', { op: 'bench-save-items', args: { item_type: 'page', n: count } }));
          staged = performance.now();
        });
        const end = performance.now();
        // The first run warms the engine up; it is not counted.
        if (run === 0) continue;
        whole.push(((end - start) * 1000) / count);
        commits.push(((end - staged) * 1000) / count);
      }
      const label = count === 1 ? '1 item' : `${count.toLocaleString('en')} items`;
      const floor = count === 10_000 ? [FLOOR] : undefined;
      results.push({ name: `request writing ${label}, per item (stage + commit)`, stats: summarize(whole), ...(floor ? { baselines: floor } : {}) });
      results.push({ name: `commit of ${label}, per item`, stats: summarize(commits), ...(floor ? { baselines: floor } : {}) });
    } finally {
      await dispose(indexedDB, writer);
    }
  }

  log('storage: import a site export of 10,000 items (restoreData, the /admin/site and recipe path), in turns with the floor: the same puts through bare IndexedDB');
  const exported: SiteExport = { exported: new Date().toISOString(), plugins: [], data: { items: benchItems(10_000), rows: [], variables: [], settings: {} } };
  const importOnce = async () => {
    const name = `trovato-bench-import-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const store = await openSiteStore({ name, indexedDB });
    try {
      await restoreData(store, exported);
    } finally {
      await store.close();
      await deleteDatabase(indexedDB, name);
    }
  };
  const [floor, imported] = await measurePair(() => putStraight(indexedDB, exported.data.items), importOnce, { batch: 1, batches: 5 });
  results.push({ name: FLOOR, stats: perUnit(floor, 10_000) });
  results.push({ name: 'import of 10,000 items, per item', baselines: [FLOOR], stats: perUnit(imported, 10_000) });

  log('storage: open an empty site database, then one holding 10,000 items');
  const empty = `trovato-bench-empty-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  await (await openSiteStore({ name: empty, indexedDB })).close();
  const name = `trovato-bench-boot-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const seeded = await openSiteStore({ name, indexedDB });
  try {
    const work = seeded.beginWork(anonymousUser());
    for (const item of benchItems(10_000)) work.putItem(item);
    await work.commit();
  } finally {
    await seeded.close();
  }
  try {
    const openAndClose = (database: string) => async () => (await openSiteStore({ name: database, indexedDB })).close();
    const [emptyOpen, fullOpen] = await measurePair(openAndClose(empty), openAndClose(name), { batch: 1, batches: 10 });
    results.push({ name: 'open an empty site', stats: emptyOpen });
    results.push({ name: 'open a site holding 10,000 items (whole open)', baselines: ['open an empty site'], stats: fullOpen });
    // What laziness moves rather than saves: the first request that lists every item.
    results.push({
      name: 'open it, then one request listing its 10,000 items',
      baselines: ['open an empty site', 'open a site holding 10,000 items (whole open)'],
      stats: await measure(async () => {
        const store = await openSiteStore({ name, indexedDB });
        try {
          const kernel = createKernel({ storage: kernelStorage(store) });
          const listed = await kernel.request(ADMIN, (s) => (s.work as UnitOfWork).allItems().length);
          if (listed !== 10_000) throw new Error(`bench: the listing found ${listed} items, not 10,000`);
        } finally {
          await store.close();
        }
      }, { batch: 1, batches: 10 }),
    });
  } finally {
    await deleteDatabase(indexedDB, empty);
    await deleteDatabase(indexedDB, name);
  }
  return results;
}
