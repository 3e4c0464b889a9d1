import { describe, expect, it } from 'vitest';
import { user } from '../host/storage-test-harness.js';
import { nodeIndexedDB } from './node-indexeddb.js';
import { databaseExists, openDataVersions, readDataVersion } from './data-version.js';
import { openSiteStore, type SiteStore } from './site-store.js';

const alice = user('alice', []);

function uniqueName(): string {
  return `data-version-${crypto.randomUUID()}`;
}

async function withStore(body: (store: SiteStore, version: () => Promise<string | null>, announced: string[]) => Promise<void>): Promise<void> {
  const name = uniqueName();
  const announced: string[] = [];
  const store = await openSiteStore({ name, indexedDB: nodeIndexedDB(), loadAllAtOpen: true, onDataVersion: (version) => announced.push(version) });
  try {
    await body(store, () => readDataVersion(name, nodeIndexedDB()), announced);
  } finally {
    await store.close();
  }
}

describe('the data version', () => {
  it('is new after every kind of write but log lines, and announced once committed', async () => {
    await withStore(async (store, version, announced) => {
      expect(await version()).toBeNull();
      expect(await databaseExists(store.name, nodeIndexedDB())).toBe(true);
      const seen = new Set<string | null>();
      const expectNew = async () => {
        const now = await version();
        expect(now).not.toBeNull();
        expect(seen.has(now)).toBe(false);
        seen.add(now);
        // The store told its listener exactly this version, once, by the time the write resolved.
        expect(announced).toEqual([...seen]);
      };
      const item = store.beginWork(alice);
      item.putItem({ id: 'a', item_type: 'page', title: 'A', fields: {}, status: 1, author_id: 'alice', created: 1, changed: 1 });
      await item.commit();
      await expectNew();
      const row = store.beginWork(alice);
      row.putRow('blog', 'posts', { id: 1 });
      await row.commit();
      await expectNew();
      const variable = store.beginWork(alice);
      variable.setVariable('blog', 'name', 'B');
      await variable.commit();
      await expectNew();
      const cache = store.beginWork(alice);
      cache.setCache('default', 'k', 'v', []);
      await cache.commit();
      await expectNew();
      await store.putSetting('disabled_plugins', ['hello']);
      await expectNew();
      // Bookkeeping no page shows keeps it (rule 10).
      const kept = await version();
      await store.putSetting('cron_last_run', 1, { affectsPages: false });
      expect(await version()).toBe(kept);
      expect(store.getSetting('cron_last_run')).toBe(1);
      await store.dropPluginData('blog');
      await expectNew();
      const before = await version();
      await store.appendLogs([{ plugin: 'blog', level: 'info', message: 'hi', time: 1, source: 'log' }]);
      expect(await version()).toBe(before);
      const nothing = store.beginWork(alice);
      await nothing.commit();
      expect(await version()).toBe(before);
      // Neither the bookkeeping, the log lines nor the empty commit was announced.
      expect(announced).toEqual([...seen]);
    });
  });

  it("the store reads the same token through its own connection (the worker's early boot), and a read asked before a write does not see it", async () => {
    await withStore(async (store, version) => {
      expect(await store.dataVersion()).toBeNull();
      await store.putSetting('k', 1);
      expect(await store.dataVersion()).toBe(await version());
      const before = await version();
      const read = store.dataVersion();
      const work = store.beginWork(alice);
      work.setVariable('blog', 'name', 'B');
      const written = work.commit();
      expect(await read).toBe(before);
      await written;
      expect(await store.dataVersion()).toBe(await version());
      expect(await store.dataVersion()).not.toBe(before);
    });
  });

  it('a write after a read was asked for is not what that read sees', async () => {
    await withStore(async (store, version) => {
      await store.putSetting('k', 1);
      const first = await version();
      const reader = await openDataVersions(store.name, nodeIndexedDB());
      try {
        const read = reader!.read();
        const written = store.putSetting('k', 2);
        expect(await read).toBe(first);
        await written;
        expect(await reader!.read()).not.toBe(first);
      } finally {
        reader?.close();
      }
    });
  });

  it('reading a database that does not exist gives null and creates none', async () => {
    const name = uniqueName();
    expect(await databaseExists(name, nodeIndexedDB())).toBe(false);
    expect(await readDataVersion(name, nodeIndexedDB())).toBeNull();
    const names = (await nodeIndexedDB().databases()).map((d) => d.name);
    expect(names).not.toContain(name);
  });
});
