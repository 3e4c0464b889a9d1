import { describe, expect, it } from 'vitest';
import { ANONYMOUS_ID, anonymousUser } from '../common/users.js';
import { openSiteDatabase } from './database.js';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.js';
import { openSiteStore } from './site-store.js';
import { onDemandCases } from './on-demand.test-support.js';

const visitor = anonymousUser();

function uniqueName(): string {
  return `browser-${crypto.randomUUID()}`;
}

async function deleteDatabase(name: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
  });
}

describe('site store on real IndexedDB', () => {
  it('commits a unit of work, and a reopened store reads it back', async () => {
    const name = uniqueName();
    try {
      const store = await openSiteStore({ name, loadAllAtOpen: true });
      const work = store.beginWork(visitor);
      work.putItem({ id: 'i1', item_type: 'page', title: 'Hello', fields: { body: { value: 'x', format: 'plain_text' } }, status: 1, author_id: ANONYMOUS_ID, created: 1, changed: 2 });
      work.putRow('blog', 'posts', { id: 1, title: 'row' });
      work.setVariable('blog', 'title', '"B"');
      work.setCache('render', 'home', 'H', ['front']);
      await work.commit();
      await store.appendLogs([{ plugin: 'blog', level: 'info', message: 'saved', time: 1, source: 'log' }]);
      await store.close();

      const reopened = await openSiteStore({ name, loadAllAtOpen: true });
      const read = reopened.beginWork(visitor);
      expect(read.getItem('i1')?.title).toBe('Hello');
      expect(read.allRows('blog', 'posts')).toEqual([{ id: 1, title: 'row' }]);
      expect(read.getVariable('blog', 'title')).toBe('"B"');
      expect(read.getCache('render', 'home')).toBe('H');
      expect((await reopened.readLogs())[0]).toMatchObject({ plugin: 'blog', message: 'saved' });
      await reopened.close();
    } finally {
      await deleteDatabase(name);
    }
  });

  it('a discarded unit of work leaves nothing', async () => {
    const name = uniqueName();
    try {
      const store = await openSiteStore({ name, loadAllAtOpen: true });
      const work = store.beginWork(visitor);
      work.putItem({ id: 'gone', item_type: 'page', title: 'x', fields: {}, status: 1, author_id: ANONYMOUS_ID, created: 1, changed: 1 });
      work.setVariable('p', 'v', '1');
      work.discard();
      await store.close();
      const reopened = await openSiteStore({ name, loadAllAtOpen: true });
      expect(reopened.beginWork(visitor).allItems()).toEqual([]);
      expect(reopened.beginWork(visitor).getVariable('p', 'v')).toBeUndefined();
      await reopened.close();
    } finally {
      await deleteDatabase(name);
    }
  });

  it('upgrading a version 1 database keeps its data', async () => {
    const name = uniqueName();
    try {
      const old = await openSiteDatabase(name, indexedDB, MIGRATIONS.slice(0, 1));
      await old.put('items', { id: 'old', item_type: 'page', title: 'From v1', fields: {}, status: 1, author_id: 'u', created: 1, changed: 3 });
      old.close();
      const store = await openSiteStore({ name, loadAllAtOpen: true });
      expect(store.beginWork(visitor).getItem('old')?.title).toBe('From v1');
      await store.putSetting('enabled_plugins', ['blog']);
      await store.close();
      const db = await openSiteDatabase(name, indexedDB);
      expect(db.version).toBe(SCHEMA_VERSION);
      expect(await db.get('site', 'enabled_plugins')).toEqual(['blog']);
      expect(await db.count('items')).toBe(1);
      expect([...db.transaction('items').store.indexNames]).toEqual([]);
      db.close();
    } finally {
      await deleteDatabase(name);
    }
  });

  describe('items loaded on demand', () => {
    onDemandCases(() => indexedDB, deleteDatabase);
  });
});
