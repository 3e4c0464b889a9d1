import { describe, expect, it } from 'vitest';
import { KernelError } from '../common/errors.js';
import { user } from '../host/storage-test-harness.js';
import { nodeIndexedDB } from './node-indexeddb.js';
import type { Item } from './schema.js';
import { openSiteStore } from './site-store.js';

const alice = user('alice', []);

function item(id: string, title = id): Item {
  return { id, item_type: 'page', title, fields: {}, status: 1, author_id: 'alice', created: 1, changed: 1 };
}

function uniqueName(): string {
  return `uow-${crypto.randomUUID()}`;
}

describe('unit of work', () => {
  it('reads its own staged writes, and nobody else sees them before commit', async () => {
    const store = await openSiteStore({ name: uniqueName(), indexedDB: nodeIndexedDB(), loadAllAtOpen: true });
    try {
      const work = store.beginWork(alice);
      work.putItem(item('a'));
      work.putRow('blog', 'posts', { id: 1, title: 'x' });
      work.setVariable('blog', 'name', 'B');
      expect(work.getItem('a')?.title).toBe('a');
      expect(work.allRows('blog', 'posts')).toEqual([{ id: 1, title: 'x' }]);
      expect(work.getVariable('blog', 'name')).toBe('B');

      const other = store.beginWork(alice);
      expect(other.getItem('a')).toBeUndefined();
      expect(other.allRows('blog', 'posts')).toEqual([]);

      await work.commit();
      expect(store.beginWork(alice).getItem('a')?.title).toBe('a');
      expect(work.state).toBe('committed');
    } finally {
      await store.close();
    }
  });

  it('rolls back to a savepoint: later writes go, earlier ones stay', async () => {
    const store = await openSiteStore({ name: uniqueName(), indexedDB: nodeIndexedDB(), loadAllAtOpen: true });
    try {
      const work = store.beginWork(alice);
      work.putItem(item('kept'));
      const savepoint = work.savepoint();
      work.putItem(item('kept', 'overwritten'));
      work.putItem(item('dropped'));
      work.setVariable('p', 'v', '1');
      work.rollbackTo(savepoint);
      expect(work.getItem('kept')?.title).toBe('kept');
      expect(work.getItem('dropped')).toBeUndefined();
      expect(work.getVariable('p', 'v')).toBeUndefined();
      await work.commit();
      const after = store.beginWork(alice);
      expect(after.getItem('kept')?.title).toBe('kept');
      expect(after.getItem('dropped')).toBeUndefined();
      expect(() => work.rollbackTo(0)).toThrow(KernelError);
    } finally {
      await store.close();
    }
  });

  it('refuses a savepoint that does not exist', async () => {
    const store = await openSiteStore({ name: uniqueName(), indexedDB: nodeIndexedDB(), loadAllAtOpen: true });
    try {
      const work = store.beginWork(alice);
      expect(() => work.rollbackTo(3)).toThrow(/Savepoint 3 does not exist/);
    } finally {
      await store.close();
    }
  });

  it('a discarded unit of work leaves nothing behind', async () => {
    const name = uniqueName();
    const store = await openSiteStore({ name, indexedDB: nodeIndexedDB(), loadAllAtOpen: true });
    const work = store.beginWork(alice);
    work.putItem(item('gone'));
    work.discard();
    expect(() => work.putItem(item('x'))).toThrow(/no longer open/);
    await store.close();
    const reopened = await openSiteStore({ name, indexedDB: nodeIndexedDB(), loadAllAtOpen: true });
    try {
      expect(reopened.beginWork(alice).allItems()).toEqual([]);
    } finally {
      await reopened.close();
    }
  });

  it('a failed commit rejects with STORAGE_FAILURE and leaves memory and database as they were', async () => {
    const name = uniqueName();
    const store = await openSiteStore({ name, indexedDB: nodeIndexedDB(), loadAllAtOpen: true });
    const seed = store.beginWork(alice);
    seed.putItem(item('a', 'before'));
    await seed.commit();

    const work = store.beginWork(alice);
    work.putItem(item('a', 'after'));
    work.putItem(item('b'));
    // A value IndexedDB cannot clone makes the put fail inside the transaction.
    work.putRow('p', 't', { id: 1, bad: () => 1 });
    const failure = await work.commit().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KernelError);
    expect((failure as KernelError).code).toBe('STORAGE_FAILURE');
    expect((failure as KernelError).message).toMatch(/Saving the request's writes failed/);
    expect(work.state).toBe('open');

    const reader = store.beginWork(alice);
    expect(reader.getItem('a')?.title).toBe('before');
    expect(reader.getItem('b')).toBeUndefined();
    await store.close();

    const reopened = await openSiteStore({ name, indexedDB: nodeIndexedDB(), loadAllAtOpen: true });
    try {
      const afterReopen = reopened.beginWork(alice);
      expect(afterReopen.getItem('a')?.title).toBe('before');
      expect(afterReopen.getItem('b')).toBeUndefined();
    } finally {
      await reopened.close();
    }
  });

  it('a commit on a closed database fails with a message that says to reload', async () => {
    const store = await openSiteStore({ name: uniqueName(), indexedDB: nodeIndexedDB(), loadAllAtOpen: true });
    const work = store.beginWork(alice);
    work.putItem(item('a'));
    await store.close();
    await expect(work.commit()).rejects.toMatchObject({ code: 'STORAGE_FAILURE', message: expect.stringMatching(/closed.*Reload/) });
    expect(store.beginWork(alice).getItem('a')).toBeUndefined();
  });

  it('finds every committed write after reopening the database', async () => {
    const name = uniqueName();
    const store = await openSiteStore({ name, indexedDB: nodeIndexedDB(), loadAllAtOpen: true });
    const work = store.beginWork(alice);
    work.putItem(item('a'));
    work.putItem(item('b'));
    work.putRow('blog', 'posts', { id: 'p1', n: 1 });
    work.putRow('shop', 'posts', { id: 'p1', n: 2 });
    work.setVariable('blog', 'title', '"My blog"');
    work.setCache('render', 'home', '<p>hi</p>', ['front']);
    await work.commit();
    const second = store.beginWork(alice);
    second.deleteItem('b');
    second.deleteRow('shop', 'posts', 'p1');
    await second.commit();
    await store.putSetting('enabled_plugins', ['blog']);
    await store.close();

    const reopened = await openSiteStore({ name, indexedDB: nodeIndexedDB(), loadAllAtOpen: true });
    try {
      const read = reopened.beginWork(alice);
      expect(read.allItems().map((i) => i.id)).toEqual(['a']);
      expect(read.allRows('blog', 'posts')).toEqual([{ id: 'p1', n: 1 }]);
      expect(read.allRows('shop', 'posts')).toEqual([]);
      expect(read.getVariable('blog', 'title')).toBe('"My blog"');
      expect(read.getCache('render', 'home')).toBe('<p>hi</p>');
      expect(reopened.getSetting('enabled_plugins')).toEqual(['blog']);
    } finally {
      await reopened.close();
    }
  });

  it('invalidating a tag drops stored and staged entries in every bin, but not entries set afterwards', async () => {
    const store = await openSiteStore({ name: uniqueName(), indexedDB: nodeIndexedDB(), loadAllAtOpen: true });
    try {
      const seed = store.beginWork(alice);
      seed.setCache('a', 'k1', 'v1', ['t']);
      seed.setCache('b', 'k2', 'v2', ['t', 'u']);
      seed.setCache('b', 'k3', 'v3', ['u']);
      await seed.commit();

      const work = store.beginWork(alice);
      work.setCache('c', 'k4', 'v4', ['t']);
      work.invalidateTag('t');
      work.setCache('c', 'k5', 'v5', ['t']);
      expect([work.getCache('a', 'k1'), work.getCache('b', 'k2'), work.getCache('c', 'k4')]).toEqual([undefined, undefined, undefined]);
      expect(work.getCache('b', 'k3')).toBe('v3');
      expect(work.getCache('c', 'k5')).toBe('v5');
      // Not committed yet: another request still sees the old entries.
      expect(store.beginWork(alice).getCache('a', 'k1')).toBe('v1');
      await work.commit();
      const after = store.beginWork(alice);
      expect([after.getCache('a', 'k1'), after.getCache('b', 'k2'), after.getCache('b', 'k3'), after.getCache('c', 'k5')]).toEqual([
        undefined,
        undefined,
        'v3',
        'v5',
      ]);
    } finally {
      await store.close();
    }
  });

  it('expired cache entries are misses, and are dropped from the database at the next open', async () => {
    let now = 1_000_000;
    const name = uniqueName();
    const store = await openSiteStore({ name, indexedDB: nodeIndexedDB(), now: () => now, loadAllAtOpen: true });
    const work = store.beginWork(alice);
    work.setCache('bin', 'short', 'x', [], 10);
    work.setCache('bin', 'forever', 'y', [], 0);
    await work.commit();
    now += 9_999;
    expect(store.beginWork(alice).getCache('bin', 'short')).toBe('x');
    now += 1;
    expect(store.beginWork(alice).getCache('bin', 'short')).toBeUndefined();
    expect(store.beginWork(alice).getCache('bin', 'forever')).toBe('y');
    await store.close();
    const reopened = await openSiteStore({ name, indexedDB: nodeIndexedDB(), now: () => now, loadAllAtOpen: true });
    now -= 5_000; // Even with the clock turned back, the dropped entry stays gone.
    try {
      expect(reopened.beginWork(alice).getCache('bin', 'short')).toBeUndefined();
    } finally {
      await reopened.close();
    }
  });

  it('saving or deleting an item invalidates item:<id> and item_list', async () => {
    const store = await openSiteStore({ name: uniqueName(), indexedDB: nodeIndexedDB(), loadAllAtOpen: true });
    try {
      const seed = store.beginWork(alice);
      seed.putItem(item('a'));
      seed.setCache('render', 'item-a', 'A', ['item:a']);
      seed.setCache('render', 'item-b', 'B', ['item:b']);
      seed.setCache('render', 'list', 'L', ['item_list']);
      await seed.commit();
      const work = store.beginWork(alice);
      work.deleteItem('a');
      expect(work.getCache('render', 'item-a')).toBeUndefined();
      expect(work.getCache('render', 'list')).toBeUndefined();
      expect(work.getCache('render', 'item-b')).toBe('B');
      await work.commit();
      expect(store.beginWork(alice).getCache('render', 'list')).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('keeps only the newest log lines, and filters them for the UI', async () => {
    const store = await openSiteStore({ name: uniqueName(), indexedDB: nodeIndexedDB(), maxLogs: 5, loadAllAtOpen: true });
    try {
      for (let i = 0; i < 8; i++) {
        await store.appendLogs([{ plugin: i % 2 ? 'odd' : 'even', level: i === 7 ? 'error' : 'info', message: `line ${i}`, time: i, source: 'log' }]);
      }
      const all = await store.readLogs();
      expect(all.map((e) => e.message)).toEqual(['line 7', 'line 6', 'line 5', 'line 4', 'line 3']);
      expect((await store.readLogs({ plugin: 'odd' })).map((e) => e.message)).toEqual(['line 7', 'line 5', 'line 3']);
      expect((await store.readLogs({ level: 'error' })).map((e) => e.message)).toEqual(['line 7']);
      expect((await store.readLogs({ limit: 2 })).length).toBe(2);
    } finally {
      await store.close();
    }
  });

  it('says how to get IndexedDB when the runtime has none', async () => {
    await expect(openSiteStore({ name: uniqueName(), indexedDB: undefined })).rejects.toMatchObject({
      code: 'STORAGE_FAILURE',
      message: expect.stringMatching(/nodeIndexedDB/),
    });
  });
});
