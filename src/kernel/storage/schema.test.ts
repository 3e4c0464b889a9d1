import { describe, expect, it } from 'vitest';
import { user } from '../host/storage-test-harness.js';
import { openSiteDatabase } from './database.js';
import { nodeIndexedDB } from './node-indexeddb.js';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.js';
import { openSiteStore } from './site-store.js';

describe('schema migrations', () => {
  it('versions follow each other from 1', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it('upgrading a version 1 database keeps its data and adds what later versions have', async () => {
    const name = `schema-${crypto.randomUUID()}`;
    const factory = nodeIndexedDB();
    const old = await openSiteDatabase(name, factory, MIGRATIONS.slice(0, 1));
    expect(old.version).toBe(1);
    expect([...old.objectStoreNames]).not.toContain('site');
    await old.put('items', { id: 'i1', item_type: 'page', title: 'Old', fields: {}, status: 1, author_id: 'u', created: 5, changed: 7 });
    await old.put('rows', { plugin: 'blog', table: 'posts', id: 1, data: { id: 1, title: 'kept' } });
    await old.put('variables', { plugin: 'blog', name: 'v', value: 'x' });
    old.close();

    const store = await openSiteStore({ name, indexedDB: factory, loadAllAtOpen: true });
    try {
      const work = store.beginWork(user('u', []));
      expect(work.getItem('i1')?.title).toBe('Old');
      expect(work.allRows('blog', 'posts')).toEqual([{ id: 1, title: 'kept' }]);
      expect(work.getVariable('blog', 'v')).toBe('x');
      await store.putSetting('k', 1);
      expect(store.getSetting('k')).toBe(1);
    } finally {
      await store.close();
    }
    const upgraded = await openSiteDatabase(name, factory);
    try {
      expect(upgraded.version).toBe(SCHEMA_VERSION);
      // Version 3 dropped the indexes no query used; the data stays.
      expect(await upgraded.count('items')).toBe(1);
      expect([...upgraded.transaction('items').store.indexNames]).toEqual([]);
      expect([...upgraded.transaction('rows').store.indexNames]).toEqual([]);
      expect([...upgraded.transaction('cache').store.indexNames]).toEqual([]);
    } finally {
      upgraded.close();
    }
  });

  it('refuses a database written by a newer schema, saying what to do', async () => {
    const name = `schema-${crypto.randomUUID()}`;
    const factory = nodeIndexedDB();
    const newer = await openSiteDatabase(name, factory, [...MIGRATIONS, { version: SCHEMA_VERSION + 1, description: 'future', up() {} }]);
    newer.close();
    await expect(openSiteStore({ name, indexedDB: factory })).rejects.toMatchObject({
      code: 'STORAGE_FAILURE',
      message: expect.stringMatching(/newer Trovato.*delete the site data/),
    });
  });

  it('a failing migration leaves the database at its previous version with its data', async () => {
    const name = `schema-${crypto.randomUUID()}`;
    const factory = nodeIndexedDB();
    const v1 = await openSiteDatabase(name, factory, MIGRATIONS.slice(0, 1));
    await v1.put('variables', { plugin: 'p', name: 'n', value: 'safe' });
    v1.close();
    const broken = [
      ...MIGRATIONS.slice(0, 1),
      {
        version: 2,
        description: 'broken',
        up() {
          throw new Error('boom');
        },
      },
    ];
    await expect(openSiteDatabase(name, factory, broken)).rejects.toMatchObject({ code: 'STORAGE_FAILURE', message: expect.stringMatching(/boom/) });
    const again = await openSiteDatabase(name, factory, MIGRATIONS.slice(0, 1));
    try {
      expect(again.version).toBe(1);
      expect(await again.get('variables', ['p', 'n'])).toMatchObject({ value: 'safe' });
    } finally {
      again.close();
    }
  });
});
