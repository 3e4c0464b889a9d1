import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Item } from '../storage/schema.js';
import type { SiteStore } from '../storage/site-store.js';
import { HostCode } from '../contract/host-codes.js';
import { HostHarness, openTestStore, user } from './storage-test-harness.js';

const admin = user('admin', ['administer site']);
const editor = user('ed', ['access content', 'create article content', 'edit own article content', 'delete own article content']);
const otherEditor = user('eve', ['access content', 'create article content', 'edit own article content', 'delete own article content']);
const reader = user('reader', ['access content']);

let store: SiteStore;
beforeEach(async () => {
  store = await openTestStore({ now: () => 1_700_000_000_500 });
});
afterEach(async () => {
  await store.close();
});

function save(harness: HostHarness, item: object): Item {
  return harness.ok('blog', 'item-api', 'save-item', [JSON.stringify(item)]) as Item;
}

async function seed(items: object[]): Promise<Item[]> {
  const harness = new HostHarness(store, admin);
  const saved = items.map((item) => save(harness, item));
  await harness.work.commit();
  return saved;
}

describe('item-api save, get and delete', () => {
  it('creates an item with a UUID, kernel times and the current user as author', async () => {
    const harness = new HostHarness(store, editor);
    const item = save(harness, { item_type: 'article', title: 'Hello', fields: { body: { value: 'Hi', format: 'plain_text' } } });
    expect(item.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(item).toMatchObject({ author_id: 'ed', status: 1, created: 1_700_000_000, changed: 1_700_000_000 });
    expect(harness.ok('blog', 'item-api', 'get-item', [item.id])).toEqual(item);
    await harness.work.commit();
    expect(new HostHarness(store, reader).ok('other', 'item-api', 'get-item', [item.id])).toEqual(item);
  });

  it('updating keeps created and the author, and gives a new revision', async () => {
    const [first] = await seed([{ item_type: 'article', title: 'A', author_id: 'ed' }]);
    const harness = new HostHarness(store, editor);
    const updated = save(harness, { ...first, title: 'B', created: 1, author_id: undefined });
    expect(updated).toMatchObject({ id: first.id, title: 'B', created: first.created, author_id: 'ed' });
    expect(updated.revision_id).not.toBe(first.revision_id);
  });

  it('rejects invalid item JSON with -1 and the reason', () => {
    const harness = new HostHarness(store, admin);
    const cases: Array<[string, RegExp]> = [
      ['{not json', /not valid JSON/],
      ['[]', /must be a JSON object/],
      [JSON.stringify({ title: 'x' }), /"item_type" must be a content type machine name/],
      [JSON.stringify({ item_type: 'page' }), /"title" must be a string/],
      [JSON.stringify({ item_type: 'page', title: 't', status: 2 }), /"status" must be 0 \(unpublished\) or 1/],
      [JSON.stringify({ item_type: 'page', title: 't', field: {} }), /unknown key "field"/],
    ];
    for (const [text, message] of cases) {
      const result = harness.call('blog', 'item-api', 'save-item', [text]);
      expect(result.code, text).toBe(HostCode.badArguments);
      expect(result.error).toMatch(message);
      expect(result.error).toMatch(/^item-api\.save-item: /);
    }
  });

  it('refuses to change an item type', async () => {
    const [page] = await seed([{ item_type: 'page', title: 'P' }]);
    const result = new HostHarness(store, admin).call('blog', 'item-api', 'save-item', [JSON.stringify({ ...page, item_type: 'article' })]);
    expect(result.code).toBe(HostCode.badArguments);
    expect(result.error).toMatch(/item_type cannot change/);
  });

  it('answers -2 for a missing item', () => {
    const harness = new HostHarness(store, admin);
    expect(harness.call('blog', 'item-api', 'get-item', ['nope'])).toMatchObject({ code: HostCode.notFound, error: expect.stringMatching(/"nope"/) });
    expect(harness.call('blog', 'item-api', 'delete-item', ['nope']).code).toBe(HostCode.notFound);
  });

  it('deletes an item; the deletion is seen in the request and after commit', async () => {
    const [a] = await seed([{ item_type: 'article', title: 'A', author_id: 'ed' }]);
    const harness = new HostHarness(store, editor);
    expect(harness.call('blog', 'item-api', 'delete-item', [a.id]).code).toBe(0);
    expect(harness.call('blog', 'item-api', 'get-item', [a.id]).code).toBe(HostCode.notFound);
    await harness.work.commit();
    expect(new HostHarness(store, admin).call('blog', 'item-api', 'get-item', [a.id]).code).toBe(HostCode.notFound);
  });
});

describe('item-api permissions', () => {
  it('denies creating without "create <type> content", naming the permission', () => {
    const result = new HostHarness(store, reader).call('blog', 'item-api', 'save-item', [JSON.stringify({ item_type: 'article', title: 'x' })]);
    expect(result.code).toBe(HostCode.permissionDenied);
    expect(result.error).toMatch(/"create article content"/);
  });

  it('lets an author edit and delete their own items but not somebody else\'s', async () => {
    const [mine, theirs] = await seed([
      { item_type: 'article', title: 'mine', author_id: 'ed' },
      { item_type: 'article', title: 'theirs', author_id: 'eve' },
    ]);
    const harness = new HostHarness(store, editor);
    save(harness, { ...mine, title: 'mine 2' });
    const edit = harness.call('blog', 'item-api', 'save-item', [JSON.stringify({ ...theirs, title: 'hijack' })]);
    expect(edit.code).toBe(HostCode.permissionDenied);
    expect(edit.error).toMatch(/"edit any article content"/);
    const remove = harness.call('blog', 'item-api', 'delete-item', [theirs.id]);
    expect(remove.code).toBe(HostCode.permissionDenied);
    expect(remove.error).toMatch(/"delete any article content"/);
    expect(harness.call('blog', 'item-api', 'delete-item', [mine.id]).code).toBe(0);
  });

  it('"edit any" and "administer content" / "bypass item access" allow every item', async () => {
    const [theirs] = await seed([{ item_type: 'article', title: 'theirs', author_id: 'eve' }]);
    for (const permissions of [['edit any article content'], ['administer content'], ['bypass item access']]) {
      const harness = new HostHarness(store, user('x', permissions));
      expect(harness.call('blog', 'item-api', 'save-item', [JSON.stringify({ ...theirs, title: 'ok' })]).code, permissions[0]).toBeGreaterThan(0);
    }
  });

  it('changing an author needs "administer content"', async () => {
    const [mine] = await seed([{ item_type: 'article', title: 'mine', author_id: 'ed' }]);
    const result = new HostHarness(store, editor).call('blog', 'item-api', 'save-item', [JSON.stringify({ ...mine, author_id: 'eve' })]);
    expect(result.code).toBe(HostCode.permissionDenied);
    expect(result.error).toMatch(/"administer content"/);
  });

  it('shows unpublished items only to their author and to holders of "view unpublished content"', async () => {
    const [draft] = await seed([{ item_type: 'article', title: 'draft', status: 0, author_id: 'ed' }]);
    const get = (who: ReturnType<typeof user>) => new HostHarness(store, who).call('blog', 'item-api', 'get-item', [draft.id]);
    expect(get(editor).code).toBeGreaterThan(0);
    expect(get(user('v', ['access content', 'view unpublished content'])).code).toBeGreaterThan(0);
    // ABI §5 access order: without "access content" nothing is readable, whatever else is held.
    expect(get(user('w', ['view unpublished content'])).code).toBe(HostCode.permissionDenied);
    expect(get(admin).code).toBeGreaterThan(0);
    const denied = get(otherEditor);
    expect(denied.code).toBe(HostCode.permissionDenied);
    expect(denied.error).toMatch(/"view unpublished content"/);
    const query = (who: ReturnType<typeof user>) =>
      (new HostHarness(store, who).ok('blog', 'item-api', 'query-items', ['{}']) as { total: number }).total;
    expect(query(editor)).toBe(1);
    expect(query(otherEditor)).toBe(0);
    expect(query(reader)).toBe(0);
  });
});

describe('item-api query-items', () => {
  const ids = (result: unknown) => (result as { items: Item[] }).items.map((i) => i.title);

  beforeEach(async () => {
    await seed([
      { item_type: 'article', title: 'a1', author_id: 'ed', fields: { rank: 3, body: { value: 'The Quick fox', format: 'plain_text' }, tags: [{ target_id: 't1' }, { target_id: 't2' }] } },
      { item_type: 'article', title: 'a2', author_id: 'eve', fields: { rank: 1, body: { value: 'lazy dog', format: 'plain_text' }, tags: [{ target_id: 't2' }] } },
      { item_type: 'article', title: 'a3', author_id: 'ed', status: 0, fields: { rank: 2, colors: ['red', 'blue'] } },
      { item_type: 'page', title: 'p1', author_id: 'ed', fields: { rank: 5 } },
    ]);
  });

  const query = (q: object, who = admin) => new HostHarness(store, who).ok('blog', 'item-api', 'query-items', [JSON.stringify(q)]);

  it('filters by type, status and author', () => {
    expect(ids(query({ type: 'article', sort: [{ field: 'title' }] }))).toEqual(['a1', 'a2', 'a3']);
    expect(ids(query({ type: 'article', status: 1, sort: [{ field: 'title' }] }))).toEqual(['a1', 'a2']);
    expect(ids(query({ author: 'eve' }))).toEqual(['a2']);
  });

  it('applies conditions on top-level keys and fields, text values and multi-value fields', () => {
    const titles = (conditions: object[]) => ids(query({ conditions, sort: [{ field: 'title', direction: 'asc' }] }));
    expect(titles([{ field: 'fields.rank', op: 'gte', value: 2 }])).toEqual(['a1', 'a3', 'p1']);
    expect(titles([{ field: 'fields.rank', op: 'lt', value: 2 }])).toEqual(['a2']);
    expect(titles([{ field: 'title', op: 'in', value: ['a2', 'p1'] }])).toEqual(['a2', 'p1']);
    expect(titles([{ field: 'item_type', op: 'ne', value: 'article' }])).toEqual(['p1']);
    expect(titles([{ field: 'fields.body', op: 'contains', value: 'quick' }])).toEqual(['a1']);
    expect(titles([{ field: 'fields.body', op: 'eq', value: 'lazy dog' }])).toEqual(['a2']);
    expect(titles([{ field: 'fields.tags', op: 'contains', value: 't2' }])).toEqual(['a1', 'a2']);
    expect(titles([{ field: 'fields.colors', op: 'contains', value: 'blue' }])).toEqual(['a3']);
    expect(titles([{ field: 'fields.colors', op: 'contains', value: 'blu' }])).toEqual([]);
    expect(titles([{ field: 'fields.rank', op: 'gt', value: 1 }, { field: 'author_id', op: 'eq', value: 'ed' }])).toEqual(['a1', 'a3', 'p1']);
  });

  it('sorts by several keys, pages with limit/offset, and counts the total before paging', () => {
    expect(ids(query({ sort: [{ field: 'fields.rank', direction: 'desc' }] }))).toEqual(['p1', 'a1', 'a3', 'a2']);
    expect(ids(query({ sort: [{ field: 'author_id' }, { field: 'fields.rank', direction: 'desc' }] }))).toEqual(['p1', 'a1', 'a3', 'a2']);
    const page = query({ sort: [{ field: 'title' }], limit: 2, offset: 1 }) as { items: Item[]; total: number };
    expect(page.items.map((i) => i.title)).toEqual(['a2', 'a3']);
    expect(page.total).toBe(4);
    expect((query({ limit: 0 }) as { total: number; items: Item[] }).items).toEqual([]);
  });

  it('says whether more follows the page, and without a count asks access only up to the page and one more', () => {
    const harness = new HostHarness(store, reader);
    const asked: string[] = [];
    // An access rule that hides a2: the page must be built of visible items only.
    harness.request.services = {
      ...harness.request.services,
      itemsAccess: (items) => items.map((item) => (asked.push(item.title), item.title === 'a2' ? 'deny' : 'neutral')),
    };
    const page = (q: object) => harness.ok('blog', 'item-api', 'query-items', [JSON.stringify({ sort: [{ field: 'title' }], status: 1, ...q })]) as { items: Item[]; total?: number; more: boolean };

    const counted = page({ limit: 1 });
    expect(counted.items.map((i) => i.title)).toEqual(['a1']);
    expect(counted).toMatchObject({ total: 2, more: true });
    expect(asked).toEqual(['a1', 'a2', 'p1']);

    asked.length = 0;
    const quick = page({ limit: 1, count: false });
    expect(quick.items.map((i) => i.title)).toEqual(['a1']);
    expect(quick.more).toBe(true);
    expect(quick).not.toHaveProperty('total');
    // a1 fills the page; a2 is hidden, so p1 is the visible match that proves there is more.
    expect(asked).toEqual(['a1', 'a2', 'p1']);

    asked.length = 0;
    expect(page({ limit: 1, offset: 1, count: false })).toMatchObject({ items: [expect.objectContaining({ title: 'p1' })], more: false });
    expect(page({ limit: 5, count: false }).more).toBe(false);
    asked.length = 0;
    page({ limit: 0, count: false });
    expect(asked).toEqual(['a1']);
  });

  it('sees the request\'s own staged items', () => {
    const harness = new HostHarness(store, admin);
    save(harness, { item_type: 'page', title: 'p2' });
    expect((harness.ok('blog', 'item-api', 'query-items', [JSON.stringify({ type: 'page' })]) as { total: number }).total).toBe(2);
  });

  it('rejects malformed queries with -1 and what to fix', () => {
    const harness = new HostHarness(store, admin);
    const cases: Array<[object, RegExp]> = [
      [{ conditions: [{ field: 'title', op: 'like', value: 'x' }] }, /operators are eq, ne, lt, gt, lte, gte, in, contains/],
      [{ conditions: [{ field: 'color', op: 'eq', value: 'x' }] }, /fields\.<name>/],
      [{ conditions: [{ field: 'title', op: 'in', value: 'x' }] }, /must be an array/],
      [{ sort: [{ field: 'title', direction: 'up' }] }, /"asc" or "desc"/],
      [{ limit: -1 }, /non-negative integer/],
      [{ types: 'page' }, /unknown key "types"/],
      [{ count: 'no' }, /"count" must be true .* or false/],
    ];
    for (const [q, message] of cases) {
      const result = harness.call('blog', 'item-api', 'query-items', [JSON.stringify(q)]);
      expect(result.code, JSON.stringify(q)).toBe(HostCode.badArguments);
      expect(result.error).toMatch(message);
    }
  });
});

describe('item-api and the cache', () => {
  it('saving an item invalidates item:<id> and item_list in the request and after commit', async () => {
    const [a] = await seed([{ item_type: 'page', title: 'A' }]);
    const warm = new HostHarness(store, admin);
    warm.ok('render', 'cache-api', 'set', ['render', 'a', 'A', JSON.stringify([`item:${a.id}`])]);
    warm.ok('render', 'cache-api', 'set', ['render', 'list', 'L', JSON.stringify(['item_list'])]);
    warm.ok('render', 'cache-api', 'set', ['render', 'other', 'O', JSON.stringify(['item:other'])]);
    await warm.work.commit();

    const harness = new HostHarness(store, admin);
    save(harness, { ...a, title: 'A2' });
    expect(harness.call('render', 'cache-api', 'get', ['render', 'a']).code).toBe(HostCode.notFound);
    expect(harness.call('render', 'cache-api', 'get', ['render', 'list']).code).toBe(HostCode.notFound);
    expect(harness.ok('render', 'cache-api', 'get', ['render', 'other'])).toBe('O');
    await harness.work.commit();
    const after = new HostHarness(store, admin);
    expect(after.call('render', 'cache-api', 'get', ['render', 'a']).code).toBe(HostCode.notFound);
    expect(after.call('render', 'cache-api', 'get', ['render', 'list']).code).toBe(HostCode.notFound);
  });
});
