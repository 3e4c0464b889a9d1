import { beforeAll, describe, expect, it } from 'vitest';
import { instantiatePlugin, type FakeHost } from '../support/run-tap.js';
import { compileReferencePlugin } from './support.js';

// Each reference plugin is compiled once here, then its taps are called with fake host functions
// to check that the outputs have the shapes the site reads (ABI §5).
const wasm: Record<string, Uint8Array> = {};
beforeAll(async () => {
  for (const name of ['hello', 'categories', 'blog']) wasm[name] = await compileReferencePlugin(name);
}, 120_000);

const post = (over: Record<string, unknown> = {}) => ({
  id: 'p1',
  item_type: 'blog',
  title: 'First post',
  fields: { body: { value: '<p>Hi</p>', format: 'filtered_html' }, slug: 'first', tags: ['t1', 't2'] },
  status: 1,
  author_id: 'u1',
  created: 1700000000,
  changed: 1700000000,
  ...over,
});

describe('hello', () => {
  it('declares /hello and greets the current user', async () => {
    const plugin = await instantiatePlugin(wasm.hello, {
      'user-api': { 'current-user-id': () => 'u-42', 'current-user-has-permission': () => 0 },
    });
    expect(plugin.call('tap_menu')).toEqual([
      { path: '/hello', title: 'Hello', callback: 'hello_page', permission: 'access content', weight: 0 },
      { path: '/hello/secret', title: 'Hello secret', callback: 'secret_page', permission: 'see hello secrets', weight: 0, parent: '/hello' },
    ]);
    expect(plugin.call('tap_perm')).toEqual([{ name: 'see hello secrets', description: expect.any(String) }]);
    expect(plugin.call('hello_page', { path: '/hello', params: {}, query: {} })).toEqual({
      '#type': 'container',
      greeting: { '#type': 'markup', '#tag': 'h1', '#value': 'Hello, world!' },
      user: { '#type': 'markup', '#tag': 'p', '#value': 'You are user u-42.' },
    });
  });
});

describe('blog', () => {
  it('defines the blog type with body, slug and unlimited tags', async () => {
    const plugin = await instantiatePlugin(wasm.blog);
    const [type] = plugin.call('tap_item_info') as Array<{ machine_name: string; fields: unknown[] }>;
    expect(type.machine_name).toBe('blog');
    expect(type.fields).toEqual([
      { field_name: 'body', field_type: 'TextLong', label: 'Body', required: true, cardinality: 1, settings: {} },
      { field_name: 'slug', field_type: { Text: { max_length: 128 } }, label: 'URL slug', required: true, cardinality: 1, settings: {} },
      { field_name: 'tags', field_type: { RecordReference: 'category_term' }, label: 'Tags', required: false, cardinality: -1, settings: {} },
    ]);
  });

  it('declares its permissions and routes', async () => {
    const plugin = await instantiatePlugin(wasm.blog);
    expect((plugin.call('tap_perm') as Array<{ name: string }>).map((p) => p.name)).toEqual([
      'create blog content',
      'edit own blog content',
      'delete own blog content',
      'edit any blog content',
      'delete any blog content',
    ]);
    expect(plugin.call('tap_menu')).toEqual([
      { path: '/blog', title: 'Blog', callback: 'blog_list', permission: 'access content', weight: 10 },
      { path: '/blog/:slug', title: 'Blog post', callback: 'blog_post', permission: 'access content', parent: '/blog', weight: 0 },
    ]);
  });

  it.each([
    [post(), 'view', 'Grant'],
    [post({ status: 0 }), 'view', 'Neutral'],
    [post(), 'edit', 'Neutral'],
    [post({ item_type: 'page' }), 'view', 'Neutral'],
  ])('answers tap_item_access for %#', async (item, op, answer) => {
    const plugin = await instantiatePlugin(wasm.blog);
    expect(plugin.call('tap_item_access', { item, op })).toBe(answer);
  });

  it('renders a post in tap_item_view and leaves other types alone', async () => {
    const plugin = await instantiatePlugin(wasm.blog);
    expect(plugin.call('tap_item_view', { item: post() })).toMatchObject({
      '#type': 'container',
      '#tag': 'article',
      title: { '#type': 'markup', '#tag': 'h1', '#value': 'First post' },
      meta: { '#type': 'item', '#title': 'Posted', '#value': '2023-11-14' },
      body: { '#type': 'markup', '#value': '<p>Hi</p>', '#format': 'filtered_html' },
    });
    expect(plugin.call('tap_item_view', { item: post({ item_type: 'page' }) })).toBeNull();
  });

  it('lists published posts newest first through query-items, 20 a page', async () => {
    const queries: unknown[] = [];
    const host: FakeHost = {
      'item-api': {
        'query-items': ([q]) => {
          queries.push(JSON.parse(q));
          return JSON.stringify({ items: [post(), post({ id: 'p2', title: 'Second', fields: { slug: 'second' } })], more: false });
        },
      },
    };
    const plugin = await instantiatePlugin(wasm.blog, host);
    const page = plugin.call('blog_list', { path: '/blog', params: {}, query: {} }) as Record<string, Record<string, Record<string, unknown>>>;
    expect(queries).toEqual([{ type: 'blog', status: 1, sort: [{ field: 'created', direction: 'desc' }], limit: 20, offset: 0, count: false }]);
    expect(page.posts['#type']).toBe('list');
    expect(page.posts['item-1'].link).toEqual({ '#type': 'link', '#title': 'Second', '#url': '/blog/second' });
    // One page only: no pager.
    expect(page.pager).toBeUndefined();
  });

  it('reads page N of the listing from ?page=N, uncounted, and links the pages with a pager while more follow', async () => {
    const queries: Array<Record<string, unknown>> = [];
    let more = true;
    const host: FakeHost = {
      'item-api': { 'query-items': ([q]) => (queries.push(JSON.parse(q)), JSON.stringify({ items: [post()], more })) },
    };
    const plugin = await instantiatePlugin(wasm.blog, host);
    const page = plugin.call('blog_list', { path: '/blog', params: {}, query: { page: '3' } }) as Record<string, unknown>;
    expect(queries[0]).toMatchObject({ limit: 20, offset: 40, count: false });
    expect(page.pager).toEqual({ '#type': 'pager', '#url': '/blog', '#page': 3, '#more': true });
    more = false;
    const last = plugin.call('blog_list', { path: '/blog', params: {}, query: { page: '3' } }) as Record<string, unknown>;
    expect(last.pager).toEqual({ '#type': 'pager', '#url': '/blog', '#page': 3, '#more': false });
  });

  it('finds /blog/:slug by its slug field and adds tag links through categories', async () => {
    const queries: unknown[] = [];
    const host: FakeHost = {
      'item-api': { 'query-items': ([q]) => (queries.push(JSON.parse(q)), JSON.stringify({ items: [post()], total: 1 })) },
      'plugin-api': {
        'plugin-exists': ([name]) => (name === 'categories' ? 1 : 0),
        invoke: ([plugin, fn, payload]) => {
          expect([plugin, fn]).toEqual(['categories', 'tap_item_view_alter']);
          const { render } = JSON.parse(payload) as { render: Record<string, unknown> };
          return JSON.stringify({ ...render, tags: { '#type': 'item', '#title': 'Tags' } });
        },
      },
    };
    const plugin = await instantiatePlugin(wasm.blog, host);
    const page = plugin.call('blog_post', { path: '/blog/first', params: { slug: 'first' }, query: {} }) as Record<string, unknown>;
    expect(queries).toEqual([{ type: 'blog', limit: 1, conditions: [{ field: 'fields.slug', op: 'eq', value: 'first' }] }]);
    expect(page).toMatchObject({ '#tag': 'article', title: { '#value': 'First post' }, tags: { '#title': 'Tags' } });
  });
});

describe('categories', () => {
  const terms: Record<string, unknown> = {
    t1: { id: 't1', item_type: 'category_term', title: 'News', fields: {}, status: 1 },
    t2: { id: 't2', item_type: 'category_term', title: 'Art', fields: { description: { value: 'Pictures', format: 'plain_text' } }, status: 1 },
  };
  const host = (queries: unknown[] = []): FakeHost => ({
    'item-api': {
      'get-item': ([id]) => (terms[id] ? JSON.stringify(terms[id]) : { error: -2, message: `No item has the id "${id}".` }),
      'query-items': ([q]) => (queries.push(JSON.parse(q)), JSON.stringify({ items: [post()], total: 1 })),
    },
  });

  it('defines the category_term type, its permissions and the /tags/:tag route', async () => {
    const plugin = await instantiatePlugin(wasm.categories);
    expect(plugin.call('tap_item_info')).toEqual([
      expect.objectContaining({
        machine_name: 'category_term',
        fields: [{ field_name: 'description', field_type: 'TextLong', label: 'Description', required: false, cardinality: 1, settings: {} }],
      }),
    ]);
    expect(plugin.call('tap_menu')).toEqual([
      { path: '/tags/:tag', title: 'Tag', callback: 'tag_page', permission: 'access content', weight: 0 },
    ]);
    expect((plugin.call('tap_perm') as unknown[]).length).toBeGreaterThan(0);
  });

  it('adds tag links to an item view whose item has tags, and leaves others unchanged', async () => {
    const plugin = await instantiatePlugin(wasm.categories, host());
    const render = { '#type': 'container', title: { '#type': 'markup', '#value': 'First post' } };
    const altered = plugin.call('tap_item_view_alter', { item: post(), render }) as Record<string, Record<string, unknown>>;
    expect(altered.title).toEqual(render.title);
    expect(altered.tags).toMatchObject({
      '#type': 'item',
      '#title': 'Tags',
      links: {
        '#type': 'list',
        'item-0': { '#type': 'link', '#title': 'News', '#url': '/tags/t1' },
        'item-1': { '#type': 'link', '#title': 'Art', '#url': '/tags/t2' },
      },
    });
    const untagged = { ...post(), fields: {} };
    expect(plugin.call('tap_item_view_alter', { item: untagged, render })).toEqual(render);
  });

  it('lists the items tagged with a term at /tags/:tag', async () => {
    const queries: unknown[] = [];
    const plugin = await instantiatePlugin(wasm.categories, host(queries));
    const page = plugin.call('tag_page', { path: '/tags/t2', params: { tag: 't2' }, query: {} }) as Record<string, Record<string, unknown>>;
    expect(queries).toEqual([{ status: 1, conditions: [{ field: 'fields.tags', op: 'contains', value: 't2' }] }]);
    expect(page.title['#value']).toBe('Tagged: Art');
    expect(page.items['item-0']).toEqual({ '#type': 'link', '#title': 'First post', '#url': '/blog/first', '#weight': 0 });
  });
});
