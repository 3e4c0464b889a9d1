/**
 * Items, plugin tables and variables loaded on demand (README.md, "What is in memory"), checked
 * through real kernel requests on a real store: the same cases run on fake-indexeddb in Node
 * (on-demand.test.ts) and on Chromium's IndexedDB (site-store.browser.test.ts).
 */
import { expect, it } from 'vitest';
import { createKernel, type Kernel } from '../kernel.js';
import { kernelStorage } from '../host/storage-host.js';
import { restoreData, type SiteExport } from '../../site/site-export.js';
import { MAX_ITEMS_LOADED_BY_ID } from './read-model.js';
import type { Item } from './schema.js';
import { openSiteStore, type SiteStore } from './site-store.js';
import { UnitOfWork } from './unit-of-work.js';

const ADMIN = { id: 'admin', roles: ['administrator'] };
/** More than memory keeps when loading by id, so the bound is crossed. */
const MANY = MAX_ITEMS_LOADED_BY_ID + 500;

function item(i: number): Item {
  return { id: `item-${i}`, item_type: i % 2 ? 'page' : 'post', title: `Item ${i}`, fields: { n: i }, status: 1, author_id: 'admin', created: i, changed: i };
}

function siteExport(items: Item[]): SiteExport {
  return {
    exported: new Date(0).toISOString(),
    plugins: [],
    data: { items, rows: [{ plugin: 'p', table: 't', id: 1, data: { id: 1 } }], variables: [{ plugin: 'p', name: 'v', value: '1' }], settings: {} },
  };
}

function kernelOn(store: SiteStore): Kernel {
  return createKernel({ storage: kernelStorage(store) });
}

function work(session: { work: unknown }): UnitOfWork {
  if (!(session.work instanceof UnitOfWork)) throw new Error('the kernel has no site store');
  return session.work;
}

/** Registers the cases; `factory` is the IndexedDB to run on, `removeDatabase` cleans up. */
export function onDemandCases(factory: () => IDBFactory, removeDatabase: (name: string) => Promise<void>): void {
  const open = (name: string) => openSiteStore({ name, indexedDB: factory() });
  /** A test on a database of its own, deleted afterwards. */
  const inFreshDatabase = (test: (name: string) => Promise<void>) => async () => {
    const name = `on-demand-${crypto.randomUUID()}`;
    try {
      await test(name);
    } finally {
      await removeDatabase(name);
    }
  };
  /** A database holding `items` (and siteExport's row and variable), opened again: nothing loaded. */
  const reopenedWith = async (name: string, items: Item[]): Promise<{ store: SiteStore; kernel: Kernel }> => {
    const writer = await open(name);
    await restoreData(writer, siteExport(items));
    await writer.close();
    const store = await open(name);
    return { store, kernel: kernelOn(store) };
  };

  it("shows an attempt's log lines once: a dropped attempt's lines reach neither onLog nor the site log", inFreshDatabase(async (name) => {
    const writer = await open(name);
    await restoreData(writer, siteExport([item(1)]));
    await writer.close();
    const store = await open(name);
    const told: string[] = [];
    const kernel = createKernel({ storage: kernelStorage(store), onLog: (entry) => told.push(entry.message) });
    let runs = 0;
    const title = await kernel.request(ADMIN, (s) => {
      runs++;
      s.state.record({ plugin: 'diarist', level: 'info', message: `attempt ${runs}`, time: 0, source: 'log' });
      return work(s).getItem('item-1')?.title;
    });
    expect(title).toBe('Item 1');
    expect(runs).toBe(2);
    expect(told).toEqual(['attempt 2']);
    expect((await store.readLogs()).map((line) => line.message)).toEqual(['attempt 2']);
    await store.close();
  }));

  it('a site holding many items reads each of them after reopening, by id and in listings', inFreshDatabase(async (name) => {
    const { store, kernel } = await reopenedWith(name, Array.from({ length: MANY }, (_, i) => item(i)));
    let runs = 0;
    const first = await kernel.request(ADMIN, (s) => {
      runs++;
      return work(s).getItem('item-7')?.title;
    });
    expect(first).toBe('Item 7');
    // The first attempt missed and was run again once the item was loaded.
    expect(runs).toBe(2);
    expect(await kernel.request(ADMIN, (s) => work(s).getItem('item-7')?.fields)).toEqual({ n: 7 });
    expect(await kernel.request(ADMIN, (s) => work(s).getItem('no-such-item'))).toBeUndefined();
    // Past the bound of items loaded one by one, reads still find every item.
    const byId = await kernel.request(ADMIN, (s) => Array.from({ length: MANY }, (_, i) => work(s).getItem(`item-${i}`)?.title));
    expect(byId.filter((title, i) => title === `Item ${i}`)).toHaveLength(MANY);
    const posts = await kernel.request(ADMIN, (s) => work(s).allItems({ type: 'post' }).filter((it) => it.item_type === 'post').length);
    expect(posts).toBe(Math.ceil(MANY / 2));
    await store.close();
  }));

  it('an attempt that missed commits nothing: the request writes once, from what it finally read', inFreshDatabase(async (name) => {
    const { store, kernel } = await reopenedWith(name, [item(1), item(2)]);
    await kernel.request(ADMIN, (s) => {
      const w = work(s);
      const count = Number(w.getVariable('counter', 'n') ?? '0');
      w.setVariable('counter', 'n', String(count + 1));
      const title = w.getItem('item-1')?.title ?? 'missing';
      w.putItem({ ...item(3), title: `after ${title}` });
    });
    await store.close();

    const reopened = await open(name);
    const kernelAgain = kernelOn(reopened);
    const seen = await kernelAgain.request(ADMIN, (s) => ({
      n: work(s).getVariable('counter', 'n'),
      third: work(s).getItem('item-3')?.title,
      count: work(s).allItems().length,
    }));
    expect(seen).toEqual({ n: '1', third: 'after Item 1', count: 3 });
    await reopened.close();
  }));

  it('plugin tables and variables load on demand too, and writes to ones not loaded yet are read back', inFreshDatabase(async (name) => {
    const { store, kernel } = await reopenedWith(name, [item(1)]);
    // Written before anything of table p.t or plugin p's variables was read.
    await kernel.request(ADMIN, (s) => {
      work(s).putRow('p', 't', { id: 2 });
      work(s).setVariable('p', 'w', '2');
    });
    const seen = await kernel.request(ADMIN, (s) => ({
      ids: work(s).allRows('p', 't').map((row) => row.id).sort(),
      first: work(s).getRow('p', 't', 1),
      v: work(s).getVariable('p', 'v'),
      w: work(s).getVariable('p', 'w'),
      elsewhere: [work(s).getVariable('q', 'v'), work(s).allRows('q', 't')],
    }));
    expect(seen).toEqual({ ids: [1, 2], first: { id: 1 }, v: '1', w: '2', elsewhere: [undefined, []] });
    // The export reads the database, not memory: everything is there.
    const copy = await store.snapshot();
    expect({ items: copy.items.length, rows: copy.rows.length, variables: copy.variables.length }).toEqual({ items: 1, rows: 2, variables: 2 });
    await store.close();
  }));

  it('an import that fails half-way leaves nothing', inFreshDatabase(async (name) => {
    const store = await open(name);
    const items = Array.from({ length: 2000 }, (_, i) => item(i));
    // A value IndexedDB cannot store (a function) in the middle of the import.
    items[1000] = { ...items[1000], fields: { broken: () => undefined } };
    await expect(restoreData(store, siteExport(items))).rejects.toMatchObject({ code: 'STORAGE_FAILURE' });
    await store.close();

    const reopened = await open(name);
    const kernel = kernelOn(reopened);
    expect(
      await kernel.request(ADMIN, (s) => ({ items: work(s).allItems().length, first: work(s).getItem('item-0'), rows: work(s).allRows('p', 't'), v: work(s).getVariable('p', 'v') })),
    ).toEqual({ items: 0, first: undefined, rows: [], v: undefined });
    await reopened.close();
  }));
}
