import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SiteStore } from '../storage/site-store.js';
import { HostCode } from '../contract/host-codes.js';
import { likePattern } from './db.js';
import { HostHarness, openTestStore, user } from './storage-test-harness.js';

let store: SiteStore;
let db: HostHarness;
beforeEach(async () => {
  store = await openTestStore();
  db = new HostHarness(store, user('u', []));
});
afterEach(async () => {
  await store.close();
});

const insert = (plugin: string, table: string, row: object) => db.ok(plugin, 'db', 'insert', [table, JSON.stringify(row)]) as Record<string, unknown>;
const select = (plugin: string, query: object) => db.ok(plugin, 'db', 'select', [JSON.stringify(query)]) as Array<Record<string, unknown>>;

describe('db', () => {
  it('inserts rows, adding a UUID id when missing, and refuses a duplicate id', () => {
    const row = insert('blog', 'posts', { title: 'x' });
    expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(insert('blog', 'posts', { id: 7, title: 'y' })).toEqual({ id: 7, title: 'y' });
    const duplicate = db.call('blog', 'db', 'insert', ['posts', JSON.stringify({ id: 7 })]);
    expect(duplicate.code).toBe(HostCode.badArguments);
    expect(duplicate.error).toMatch(/already has a row with id 7; use update/);
  });

  it('keeps each plugin\'s tables in its own namespace, even with the same table name', async () => {
    insert('blog', 'posts', { id: 1, who: 'blog' });
    insert('shop', 'posts', { id: 1, who: 'shop' });
    expect(select('blog', { table: 'posts' })).toEqual([{ id: 1, who: 'blog' }]);
    expect(db.call('shop', 'db', 'delete', ['posts', '{}']).code).toBe(1);
    expect(select('blog', { table: 'posts' })).toEqual([{ id: 1, who: 'blog' }]);
    await db.work.commit();
    const next = new HostHarness(store, user('u', []));
    expect(next.ok('blog', 'db', 'select', [JSON.stringify({ table: 'posts' })])).toEqual([{ id: 1, who: 'blog' }]);
    expect(next.ok('shop', 'db', 'select', [JSON.stringify({ table: 'posts' })])).toEqual([]);
  });

  it('selects with where operators, order, limit and offset', () => {
    const rows = [
      { id: 1, name: 'Alpha', n: 5, tag: 'x' },
      { id: 2, name: 'beta', n: 3, tag: null },
      { id: 3, name: 'Gamma', n: 9, tag: 'y' },
      { id: 4, name: 'alphabet', n: 3 },
    ];
    for (const row of rows) insert('p', 't', row);
    const idsOf = (query: object) => select('p', { table: 't', order: [{ column: 'id' }], ...query }).map((r) => r.id);
    expect(idsOf({ where: { n: 3 } })).toEqual([2, 4]);
    expect(idsOf({ where: { n: { gt: 3, lte: 9 } } })).toEqual([1, 3]);
    expect(idsOf({ where: { n: { ne: 3 } } })).toEqual([1, 3]);
    expect(idsOf({ where: { id: { in: [1, 3, 99] } } })).toEqual([1, 3]);
    expect(idsOf({ where: { name: { like: 'alpha%' } } })).toEqual([1, 4]);
    expect(idsOf({ where: { name: { like: '_eta' } } })).toEqual([2]);
    expect(idsOf({ where: { tag: null } })).toEqual([2, 4]);
    expect(idsOf({ where: { n: 3, name: { like: 'b%' } } })).toEqual([2]);
    expect(select('p', { table: 't', order: [{ column: 'n', direction: 'desc' }, { column: 'name' }] }).map((r) => r.id)).toEqual([3, 1, 4, 2]);
    expect(idsOf({ limit: 2, offset: 1 })).toEqual([2, 3]);
  });

  it('updates and deletes matching rows and returns how many', () => {
    for (const id of [1, 2, 3]) insert('p', 't', { id, done: false });
    expect(db.call('p', 'db', 'update', ['t', JSON.stringify({ done: true }), JSON.stringify({ id: { lte: 2 } })]).code).toBe(2);
    expect(select('p', { table: 't', where: { done: true } }).map((r) => r.id)).toEqual([1, 2]);
    expect(db.call('p', 'db', 'delete', ['t', JSON.stringify({ done: true })]).code).toBe(2);
    expect(select('p', { table: 't' })).toEqual([{ id: 3, done: false }]);
    const changeId = db.call('p', 'db', 'update', ['t', JSON.stringify({ id: 9 }), '{}']);
    expect(changeId.code).toBe(HostCode.badArguments);
    expect(changeId.error).toMatch(/keeps its id/);
  });

  it('rejects bad table names and where clauses with -1 and the rule', () => {
    const cases: Array<[string, string[], RegExp]> = [
      ['select', [JSON.stringify({ table: 'Posts' })], /\^\[a-z\]\[a-z0-9_\]\{0,63\}\$/],
      ['insert', ['1abc', '{}'], /not valid/],
      ['select', [JSON.stringify({ table: 't', where: { a: { between: [1, 2] } } })], /unknown operator "between"; the operators are eq, ne, lt, lte, gt, gte, in, like/],
      ['select', [JSON.stringify({ table: 't', where: { a: [1, 2] } })], /\{"in": \[\.\.\.\]\}/],
      ['select', [JSON.stringify({ table: 't', where: { a: { like: 3 } } })], /string pattern/],
      ['delete', ['t', '[1]'], /must be a JSON object/],
    ];
    for (const [fn, args, message] of cases) {
      const result = db.call('p', 'db', fn, args);
      expect(result.code, `${fn} ${args.join(' ')}`).toBe(HostCode.badArguments);
      expect(result.error).toMatch(message);
    }
  });

  it('answers raw SQL with -5 and says what to use instead', () => {
    for (const fn of ['query-raw', 'execute-raw']) {
      const result = db.call('p', 'db', fn, ['SELECT 1', '[]']);
      expect(result.code).toBe(HostCode.notSupported);
      expect(result.error).toMatch(/no SQL engine.*select.*insert, update and delete/);
    }
  });

  it('like treats % and _ as wildcards and everything else literally', () => {
    expect(likePattern('a.c%').test('a.cdef')).toBe(true);
    expect(likePattern('a.c%').test('abc')).toBe(false);
    expect(likePattern('100\\%').test('100%')).toBe(true);
    expect(likePattern('100\\%').test('1000')).toBe(false);
    expect(likePattern('x-y_(z)').test('X-Y1(Z)')).toBe(true);
  });
});
