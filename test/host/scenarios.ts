/**
 * The host-function tests, written once and run twice: in Node on fake-indexeddb
 * (host-functions.test.ts) and in Chromium on real IndexedDB (host-functions.browser.test.ts).
 * Every test goes through the real kernel, the real site store and the host_probe wasm plugin.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HOST_FUNCTIONS, HOST_MODULE_PREFIX } from '../../src/kernel/contract/imports.js';
import { MAX_INVOKE_DEPTH } from '../../src/kernel/tap/dispatcher.js';
import { ANONYMOUS_ID } from '../../src/kernel/common/users.js';
import type { SiteStore } from '../../src/kernel/storage/site-store.js';
import { ADA_EDITOR, ADMIN, ANONYMOUS, BOB_EDITOR, deleteDatabase, outcomesOf, ProbeSite, resultOf, type ProbeBuild, type ProbeOp } from './probe.js';

export interface HostTestEnvironment {
  /** The built probe (available once the file's beforeAll has run). */
  build(): ProbeBuild;
  indexedDB?: IDBFactory;
  /** For stores other than IndexedDB (the server's): how to open and remove the site's database. */
  store?: {
    open(name: string, now?: () => number): Promise<SiteStore>;
    remove(name: string): Promise<void>;
  };
  /**
   * The probe's source file as the kernel reports it where the probe aborts: `index.ts` for
   * the AssemblyScript probe (the default), `src/lib.rs` for the Rust one.
   */
  sourceFile?: RegExp;
}

const page = (id: string, extra: Record<string, unknown> = {}) => ({ item: { id, item_type: 'page', title: `Page ${id}`, fields: {}, ...extra } });
const failed = (code: number, error: RegExp) => ({ ok: false, code, error: expect.stringMatching(error), fn: expect.any(String) });
const ok = (result: unknown) => ({ ok: true, result });

export function defineHostFunctionTests(env: HostTestEnvironment): void {
  const opened: ProbeSite[] = [];
  let clock = 1_750_000_000_000;

  async function site(plugins?: readonly string[]): Promise<ProbeSite> {
    const name = `host-test-${crypto.randomUUID()}`;
    const probe = await ProbeSite.open(name, { build: env.build(), plugins, indexedDB: env.indexedDB, openStore: env.store?.open, now: () => clock });
    opened.push(probe);
    return probe;
  }

  async function reload(probe: ProbeSite): Promise<ProbeSite> {
    const again = await probe.reload();
    opened.push(again);
    return again;
  }

  afterEach(async () => {
    const names = new Set(opened.map((probe) => probe.name));
    await Promise.all(opened.splice(0).map((probe) => probe.store.close()));
    await Promise.all([...names].map((name) => (env.store ? env.store.remove(name) : deleteDatabase(env.indexedDB!, name))));
  });

  it('the probe imports every host function of the ABI, so these tests reach each one', async () => {
    const module = await WebAssembly.compile(env.build().wasm as BufferSource);
    const imported = new Set(WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}`));
    for (const [iface, functions] of Object.entries(HOST_FUNCTIONS)) {
      for (const name of Object.keys(functions)) expect(imported, `${iface}.${name}`).toContain(`${HOST_MODULE_PREFIX}${iface}.${name}`);
    }
  });

  describe('item-api', () => {
    it('saves, reads, queries ({items, total, more}) and deletes items', async () => {
      const probe = await site();
      const saved = resultOf(await probe.op('host_probe', ADMIN, 'save-item', page('p1', { fields: { body: { value: 'Hi', format: 'plain_text' } } })));
      expect(saved).toMatchObject({ id: 'p1', item_type: 'page', title: 'Page p1', status: 1, author_id: 'root', created: Math.floor(clock / 1000) });
      const generated = resultOf(await probe.op('host_probe', ADMIN, 'save-item', { item: { item_type: 'page', title: 'No id' } })) as { id: string };
      expect(generated.id).toMatch(/^[0-9a-f-]{36}$/);
      await probe.op('host_probe', ADMIN, 'save-item', page('p2', { status: 0 }));

      expect(await probe.op('host_probe_b', ADMIN, 'get-item', { id: 'p1' })).toEqual(ok(saved));
      const all = resultOf(await probe.op('host_probe', ADMIN, 'query-items', { query: { type: 'page', sort: [{ field: 'title', direction: 'asc' }], offset: 1, limit: 2 } }));
      expect(all).toEqual({ items: [expect.objectContaining({ id: 'p1' }), expect.objectContaining({ id: 'p2' })], total: 3, more: false });
      const first = resultOf(await probe.op('host_probe', ADMIN, 'query-items', { query: { type: 'page', sort: [{ field: 'title', direction: 'asc' }], limit: 1, count: false } }));
      expect(first).toEqual({ items: [expect.objectContaining({ title: 'No id' })], more: true });
      const published = resultOf(await probe.op('host_probe', ANONYMOUS, 'query-items', { query: { conditions: [{ field: 'fields.body', op: 'contains', value: 'hi' }] } }));
      expect(published).toEqual({ items: [expect.objectContaining({ id: 'p1' })], total: 1, more: false });

      expect(await probe.op('host_probe', ADMIN, 'delete-item', { id: 'p1' })).toEqual(ok(true));
      expect(await probe.op('host_probe', ADMIN, 'get-item', { id: 'p1' })).toEqual(failed(-2, /No item has the id "p1"/));
      expect(await probe.op('host_probe', ADMIN, 'delete-item', { id: 'p1' })).toEqual(failed(-2, /No item has the id "p1"/));
      expect(await probe.op('host_probe', ADMIN, 'query-items', { query: { kind: 'page' } })).toEqual(failed(-1, /unknown key "kind"/));
    });

    it('denies with -3 and names the permission: anonymous, editor and administrator differ', async () => {
      const probe = await site();
      expect(await probe.op('host_probe', ANONYMOUS, 'save-item', page('x'))).toEqual(
        failed(-3, /^item-api\.save-item: Permission denied: Creating a "page" item needs the permission "create page content"/),
      );
      resultOf(await probe.op('host_probe', ADA_EDITOR, 'save-item', page('ada-page')));
      resultOf(await probe.op('host_probe', ADA_EDITOR, 'save-item', page('ada-draft', { status: 0 })));

      // Unpublished: hidden from visitors, visible to editors.
      expect(await probe.op('host_probe', ANONYMOUS, 'get-item', { id: 'ada-draft' })).toEqual(failed(-3, /unpublished; viewing it needs the permission "view unpublished content"/));
      expect(resultOf(await probe.op('host_probe', BOB_EDITOR, 'get-item', { id: 'ada-draft' }))).toMatchObject({ id: 'ada-draft', status: 0 });
      expect(resultOf(await probe.op('host_probe', ANONYMOUS, 'query-items', { query: {} }))).toMatchObject({ total: 1 });

      // Another editor's page: neither editable nor deletable by bob; ada and the administrator may.
      expect(await probe.op('host_probe', BOB_EDITOR, 'save-item', page('ada-page', { title: 'Hijacked' }))).toEqual(
        failed(-3, /Editing the "page" item ada-page needs the permission "edit any page content"/),
      );
      expect(await probe.op('host_probe', BOB_EDITOR, 'delete-item', { id: 'ada-page' })).toEqual(
        failed(-3, /Deleting the "page" item ada-page needs the permission "delete any page content"/),
      );
      expect(resultOf(await probe.op('host_probe', ADA_EDITOR, 'save-item', page('ada-page', { title: 'Mine' })))).toMatchObject({ title: 'Mine' });
      expect(resultOf(await probe.op('host_probe', ADMIN, 'save-item', page('ada-page', { title: 'Edited by root' })))).toMatchObject({
        title: 'Edited by root',
        author_id: 'ada',
      });
      expect(await probe.op('host_probe', ADA_EDITOR, 'save-item', page('ada-page', { author_id: 'bob' }))).toEqual(
        failed(-3, /Changing the author of item ada-page needs the permission "administer content"/),
      );
      expect(await probe.op('host_probe', ADMIN, 'delete-item', { id: 'ada-page' })).toEqual(ok(true));

      const can = async (user: typeof ADMIN, permission: string) => resultOf(await probe.op('host_probe', user, 'has-permission', { permission }));
      expect([await can(ANONYMOUS, 'create page content'), await can(ADA_EDITOR, 'create page content'), await can(ADMIN, 'create page content')]).toEqual([false, true, true]);
      expect([await can(ANONYMOUS, 'administer content'), await can(ADA_EDITOR, 'administer content'), await can(ADMIN, 'administer content')]).toEqual([false, false, true]);
    });
  });

  describe('db', () => {
    it('inserts, selects, updates and deletes rows; raw SQL is -5 with an explanation', async () => {
      const probe = await site();
      const insert = (row: Record<string, unknown>): ProbeOp => ({ op: 'db-insert', args: { table: 'notes', row } });
      const results = await probe.ops('host_probe', ANONYMOUS, [
        insert({ id: 'a', n: 1, tag: 'x' }),
        insert({ id: 'b', n: 2, tag: 'y' }),
        insert({ id: 'c', n: 3, tag: 'x' }),
        insert({ n: 4 }),
        insert({ id: 'a' }),
        { op: 'db-select', args: { query: { table: 'notes', where: { tag: 'x' }, order: [{ column: 'n', direction: 'desc' }] } } },
        { op: 'db-select', args: { query: { table: 'notes', where: { n: { gte: 2, lt: 4 } }, limit: 1 } } },
        { op: 'db-update', args: { table: 'notes', values: { tag: 'z' }, where: { tag: 'x' } } },
        { op: 'db-delete', args: { table: 'notes', where: { tag: 'z' } } },
        { op: 'db-select', args: { query: { table: 'notes', where: { n: { lt: 3 } } } } },
        { op: 'db-query-raw', args: { sql: 'SELECT * FROM notes', params: [] } },
        { op: 'db-execute-raw', args: { sql: 'DELETE FROM notes', params: [] } },
        { op: 'db-select', args: { query: { table: 'Notes!' } } },
      ]);
      expect(results.slice(0, 3)).toEqual([ok({ id: 'a', n: 1, tag: 'x' }), ok({ id: 'b', n: 2, tag: 'y' }), ok({ id: 'c', n: 3, tag: 'x' })]);
      expect(results[3]).toEqual(ok({ n: 4, id: expect.stringMatching(/^[0-9a-f-]{36}$/) }));
      expect(results[4]).toEqual(failed(-1, /already has a row with id "a"; use update/));
      expect(results[5]).toEqual(ok([{ id: 'c', n: 3, tag: 'x' }, { id: 'a', n: 1, tag: 'x' }]));
      expect(results[6]).toEqual(ok([expect.objectContaining({ id: 'b' })]));
      expect(results.slice(7, 9)).toEqual([ok(2), ok(2)]);
      expect(results[9]).toEqual(ok([{ id: 'b', n: 2, tag: 'y' }]));
      expect(results[10]).toEqual(failed(-5, /^db\.query-raw: SQL is not available: in the browser plugin tables live in IndexedDB/));
      expect(results[10]).toMatchObject({ fn: 'db.query-raw' });
      expect(results[11]).toEqual(failed(-5, /^db\.execute-raw: SQL is not available/));
      expect(results[12]).toEqual(failed(-1, /The table name "Notes!" is not valid/));
    });
  });

  describe('variables and user-api', () => {
    it('reads a default until set, then the stored value; reports who is asking', async () => {
      const probe = await site();
      expect(await probe.op('host_probe', ANONYMOUS, 'variable-get', { name: 'greeting', default: 'hi' })).toEqual(ok('hi'));
      expect(await probe.op('host_probe', ANONYMOUS, 'variable-set', { name: 'greeting', value: { text: 'hello' } })).toEqual(ok(true));
      expect(await probe.op('host_probe', ANONYMOUS, 'variable-get', { name: 'greeting', default: 'hi' })).toEqual(ok({ text: 'hello' }));
      expect(await probe.op('host_probe', ANONYMOUS, 'variable-set', { name: '', value: 1 })).toEqual(failed(-1, /variable name must have 1 to 255 characters/));
      expect(await probe.op('host_probe', ANONYMOUS, 'current-user-id')).toEqual(ok(ANONYMOUS_ID));
      expect(await probe.op('host_probe', ADA_EDITOR, 'current-user-id')).toEqual(ok('ada'));
      expect(await probe.op('host_probe', ANONYMOUS, 'plugin-exists', { plugin: 'host_probe_b' })).toEqual(ok(true));
      expect(await probe.op('host_probe', ANONYMOUS, 'plugin-exists', { plugin: 'hello' })).toEqual(ok(false));
    });
  });

  describe('persistence', () => {
    it('keeps every committed write across a reload (store closed, reopened, new kernel)', async () => {
      const first = await site();
      const writes = await first.ops('host_probe', ADMIN, [
        { op: 'save-item', args: page('kept', { status: 0, fields: { body: { value: 'Body', format: 'filtered_html' } } }) },
        { op: 'db-insert', args: { table: 'notes', row: { id: 7, text: 'seven' } } },
        { op: 'variable-set', args: { name: 'counter', value: 42 } },
        { op: 'cache-set', args: { bin: 'render', key: 'kept', value: { html: '<p>x</p>' }, tags: ['item:kept'] } },
        { op: 'log', args: { level: 'notice', message: 'wrote everything' } },
      ]);
      expect(writes.every((w) => w.ok)).toBe(true);
      const reads: ProbeOp[] = [
        { op: 'get-item', args: { id: 'kept' } },
        { op: 'db-select', args: { query: { table: 'notes' } } },
        { op: 'variable-get', args: { name: 'counter', default: null } },
        { op: 'cache-get', args: { bin: 'render', key: 'kept' } },
      ];
      const before = await first.ops('host_probe', ADMIN, reads);

      const second = await reload(first);
      const after = await second.ops('host_probe', ADMIN, reads);
      expect(after).toEqual(before);
      expect(after).toEqual([ok(resultOf(writes[0])), ok([{ id: 7, text: 'seven' }]), ok(42), ok({ html: '<p>x</p>' })]);
      expect(await second.store.readLogs({ plugin: 'host_probe' })).toEqual([expect.objectContaining({ level: 'notice', message: 'wrote everything' })]);
    });
  });

  describe('failing handlers', () => {
    it('a handler that writes and then aborts leaves no write behind; the other handlers of the request keep theirs', async () => {
      // Sorted by name, the aborting plugin runs between the two others.
      const probe = await site(['host_probe', 'host_probe_aborts', 'host_probe_b']);
      const writes = (mark: string): ProbeOp[] => [
        { op: 'variable-set', args: { name: 'mark', value: mark } },
        { op: 'db-insert', args: { table: 'notes', row: { id: 'n', by: mark } } },
        { op: 'save-item', args: page(`item-${mark}`) },
        { op: 'cache-set', args: { bin: 'shared', key: mark, value: mark, tags: [] } },
      ];
      await probe.setCron('host_probe', writes('a'));
      await probe.setCron('host_probe_aborts', writes('trap'), true);
      await probe.setCron('host_probe_b', [
        { op: 'get-item', args: { id: 'item-trap' } },
        { op: 'cache-get', args: { bin: 'shared', key: 'trap' } },
        { op: 'cache-get', args: { bin: 'shared', key: 'a' } },
        ...writes('b'),
      ]);

      const { results } = await probe.kernel.dispatch('tap_cron', null, { user: ADMIN });
      expect(results.map((r) => [r.plugin, r.errorCode ?? 'ok'])).toEqual([
        ['host_probe', 'ok'],
        ['host_probe_aborts', 'PLUGIN_TRAP'],
        ['host_probe_b', 'ok'],
      ]);
      const source = (env.sourceFile ?? /index\.ts/).source;
      expect(results[1].error).toMatch(new RegExp(`^host_probe_aborts tap_cron aborted: host_probe: abort after 4 ops at .*${source}:\\d+:\\d+$`));
      // Within the request, the later handler already does not see the aborted handler's writes.
      expect(outcomesOf(results[2]).slice(0, 3)).toEqual([failed(-2, /No item has the id "item-trap"/), failed(-2, /no entry "trap"/), ok('a')]);

      const after = await reload(probe);
      const readBack: ProbeOp[] = [
        { op: 'variable-get', args: { name: 'mark', default: null } },
        { op: 'db-select', args: { query: { table: 'notes' } } },
      ];
      expect(await after.ops('host_probe', ADMIN, readBack)).toEqual([ok('a'), ok([{ id: 'n', by: 'a' }])]);
      expect(await after.ops('host_probe_aborts', ADMIN, readBack)).toEqual([ok(null), ok([])]);
      expect(await after.ops('host_probe_b', ADMIN, readBack)).toEqual([ok('b'), ok([{ id: 'n', by: 'b' }])]);
      const shared = await after.ops('host_probe', ADMIN, [
        { op: 'get-item', args: { id: 'item-a' } },
        { op: 'get-item', args: { id: 'item-b' } },
        { op: 'get-item', args: { id: 'item-trap' } },
        { op: 'cache-get', args: { bin: 'shared', key: 'trap' } },
      ]);
      expect(shared.map((s) => s.ok)).toEqual([true, true, false, false]);
    });
  });

  describe('isolation between plugins', () => {
    it('two plugins cannot see or change each other\'s tables or variables', async () => {
      const probe = await site();
      await probe.ops('host_probe', ANONYMOUS, [
        { op: 'variable-set', args: { name: 'secret', value: 'a-secret' } },
        { op: 'db-insert', args: { table: 'notes', row: { id: 1, text: 'from a' } } },
      ]);
      const b = await probe.ops('host_probe_b', ANONYMOUS, [
        { op: 'variable-get', args: { name: 'secret', default: 'none' } },
        { op: 'db-select', args: { query: { table: 'notes' } } },
        { op: 'db-insert', args: { table: 'notes', row: { id: 1, text: 'from b' } } },
        { op: 'db-update', args: { table: 'notes', values: { text: 'b changed' }, where: {} } },
        { op: 'db-delete', args: { table: 'notes', where: { id: 1 } } },
        { op: 'variable-set', args: { name: 'secret', value: 'b-secret' } },
      ]);
      expect(b).toEqual([ok('none'), ok([]), ok({ id: 1, text: 'from b' }), ok(1), ok(1), ok(true)]);
      const after = await reload(probe);
      expect(
        await after.ops('host_probe', ANONYMOUS, [
          { op: 'variable-get', args: { name: 'secret', default: 'none' } },
          { op: 'db-select', args: { query: { table: 'notes' } } },
        ]),
      ).toEqual([ok('a-secret'), ok([{ id: 1, text: 'from a' }])]);
      expect(await after.op('host_probe_b', ANONYMOUS, 'variable-get', { name: 'secret', default: 'none' })).toEqual(ok('b-secret'));
    });
  });

  describe('cache-api', () => {
    it('saving or deleting an item invalidates item:<id> and item_list in every bin; invalidate-tag drops tagged entries', async () => {
      const probe = await site();
      const set = (bin: string, key: string, tags: string[], value: unknown = key): ProbeOp => ({ op: 'cache-set', args: { bin, key, value, tags } });
      const get = (bin: string, key: string): ProbeOp => ({ op: 'cache-get', args: { bin, key } });
      await probe.ops('host_probe', ANONYMOUS, [
        set('render', 'page-1', ['item:page-1']),
        set('render', 'list', ['item_list']),
        set('other', 'page-1-teaser', ['item:page-1', 'teaser']),
        set('render', 'page-2', ['item:page-2']),
        set('render', 'menu', ['menu']),
      ]);
      expect(await probe.ops('host_probe_b', ANONYMOUS, [get('render', 'page-1'), get('render', 'list')])).toEqual([ok('page-1'), ok('list')]);

      // Entries vary by the user's permissions (cache contexts): the administrator does not get
      // what anonymous cached, so the reads after the save run as anonymous again.
      expect(await probe.ops('host_probe_b', ADMIN, [get('render', 'page-2')])).toEqual([failed(-2, /no entry "page-2" for this request's cache contexts/)]);
      await probe.ops('host_probe_b', ADMIN, [{ op: 'save-item', args: page('page-1') }]);
      const saving = await probe.ops('host_probe_b', ANONYMOUS, [
        { op: 'current-user-id' },
        get('render', 'page-1'),
        get('render', 'list'),
        get('other', 'page-1-teaser'),
        get('render', 'page-2'),
        set('render', 'page-1', ['item:page-1'], 'fresh'),
        get('render', 'page-1'),
      ]);
      expect(saving.slice(1)).toEqual([
        failed(-2, /^cache-api\.get: The cache bin "render" has no entry "page-1" for this request's cache contexts \(never set, expired, invalidated, or set for another user, route or query\)\.$/),
        failed(-2, /no entry "list"/),
        failed(-2, /no entry "page-1-teaser"/),
        ok('page-2'),
        ok(true),
        ok('fresh'),
      ]);

      expect(await probe.ops('host_probe', ANONYMOUS, [{ op: 'cache-invalidate-tag', args: { tag: 'menu' } }, get('render', 'menu'), get('render', 'page-2')])).toEqual([
        ok(true),
        failed(-2, /no entry "menu"/),
        ok('page-2'),
      ]);

      const after = await reload(probe);
      expect(await after.ops('host_probe', ANONYMOUS, [get('render', 'page-1'), get('render', 'list'), get('render', 'menu'), get('render', 'page-2')])).toEqual([
        ok('fresh'),
        failed(-2, /no entry "list"/),
        failed(-2, /no entry "menu"/),
        ok('page-2'),
      ]);
      await after.ops('host_probe', ANONYMOUS, [set('render', 'list', ['item_list'])]);
      await after.ops('host_probe', ADMIN, [{ op: 'delete-item', args: { id: 'page-1' } }]);
      expect(await after.ops('host_probe', ANONYMOUS, [get('render', 'page-1'), get('render', 'list'), get('render', 'page-2')])).toEqual([
        failed(-2, /no entry "page-1"/),
        failed(-2, /no entry "list"/),
        ok('page-2'),
      ]);
    });

    it('expires an entry set with a max-age', async () => {
      const probe = await site();
      await probe.op('host_probe', ANONYMOUS, 'cache-set', { bin: 'b', key: 'k', value: 1, tags: [], max_age: 60 });
      expect(await probe.op('host_probe', ANONYMOUS, 'cache-get', { bin: 'b', key: 'k' })).toEqual(ok(1));
      clock += 61_000;
      expect(await probe.op('host_probe', ANONYMOUS, 'cache-get', { bin: 'b', key: 'k' })).toEqual(failed(-2, /expired/));
    });
  });

  describe('request-context', () => {
    it('is shared by every handler of one request and gone in the next', async () => {
      const probe = await site();
      await probe.setCron('host_probe', [{ op: 'context-set', args: { key: 'seen', value: { by: 'host_probe' } } }]);
      await probe.setCron('host_probe_b', [{ op: 'context-get', args: { key: 'seen' } }]);
      const { results } = await probe.kernel.dispatch('tap_cron');
      expect(results.map((r) => r.output)).toEqual([[ok(true)], [ok({ by: 'host_probe' })]]);
      expect(await probe.op('host_probe_b', ANONYMOUS, 'context-get', { key: 'seen' })).toEqual(
        failed(-2, /^request-context\.get: The request context has no key "seen"\.$/),
      );
    });
  });

  describe('logging', () => {
    it('records the real caller, and keeps a claimed other name only as "claimed"', async () => {
      const probe = await site();
      const results = await probe.ops('host_probe', ANONYMOUS, [
        { op: 'log', args: { level: 'info', message: 'own line' } },
        { op: 'log', args: { level: 'warning', message: 'pretending', claimed: 'hello' } },
        { op: 'log', args: { level: 'loud', message: 'bad level', claimed: '' } },
      ]);
      expect(results).toEqual([ok(null), ok(0), failed(-1, /The log level "loud" is unknown; the levels are debug, info, notice, warning, error/)]);
      const logs = await probe.store.readLogs({ plugin: 'host_probe' });
      expect(logs.map(({ plugin, level, message, claimed }) => ({ plugin, level, message, claimed }))).toEqual([
        { plugin: 'host_probe', level: 'warning', message: 'pretending', claimed: 'hello' },
        { plugin: 'host_probe', level: 'info', message: 'own line', claimed: undefined },
      ]);
      expect(await probe.store.readLogs({ plugin: 'hello' })).toEqual([]);
    });
  });

  describe('plugin-api', () => {
    it('invoke runs another plugin inside the same request: same user, same unit of work', async () => {
      const probe = await site();
      const results = await probe.ops('host_probe', ADA_EDITOR, [
        { op: 'save-item', args: page('from-a') },
        {
          op: 'invoke',
          args: {
            plugin: 'host_probe_b',
            fn: 'tap_queue_worker',
            payload: {
              ops: [
                { op: 'current-user-id' },
                { op: 'get-item', args: { id: 'from-a' } },
                { op: 'save-item', args: page('from-b') },
                { op: 'variable-set', args: { name: 'who', value: 'b' } },
              ],
            },
          },
        },
        { op: 'get-item', args: { id: 'from-b' } },
        { op: 'variable-get', args: { name: 'who', default: null } },
        { op: 'invoke', args: { plugin: 'nope', fn: 'tap_queue_worker', payload: {} } },
        { op: 'invoke', args: { plugin: 'host_probe_b', fn: 'tap_queue_worker', payload: { ops: [{ op: 'variable-set', args: { name: 'lost', value: 1 } }], abort: true } } },
      ]);
      expect(results[1]).toEqual(
        ok([ok('ada'), ok(expect.objectContaining({ id: 'from-a', author_id: 'ada' })), ok(expect.objectContaining({ id: 'from-b', author_id: 'ada' })), ok(true)]),
      );
      expect(results[2]).toEqual(ok(expect.objectContaining({ id: 'from-b' })));
      expect(results[3]).toEqual(ok(null));
      expect(results[4]).toEqual(failed(-2, /^plugin-api\.invoke: Plugin "nope" is not enabled\.$/));
      expect(results[5]).toEqual(failed(-4, /host_probe_b tap_queue_worker aborted: host_probe: abort after 1 ops/));

      const after = await reload(probe);
      expect((await after.ops('host_probe', ADMIN, [{ op: 'get-item', args: { id: 'from-a' } }, { op: 'get-item', args: { id: 'from-b' } }])).map((r) => r.ok)).toEqual([true, true]);
      expect(
        await after.ops('host_probe_b', ADMIN, [
          { op: 'variable-get', args: { name: 'who', default: null } },
          { op: 'variable-get', args: { name: 'lost', default: null } },
        ]),
      ).toEqual([ok('b'), ok(null)]);
    });

    it('bounds nesting: a plugin invoking itself gets -6 once the depth limit is reached', async () => {
      const probe = await site();
      const answer = await probe.kernel.request(ANONYMOUS, (session) =>
        session.call('host_probe', 'tap_queue_worker', { op: 'recurse', args: { plugin: 'host_probe' } }),
      );
      expect(answer.error).toBeUndefined();
      expect(answer.output).toEqual({
        depth: MAX_INVOKE_DEPTH + 1,
        code: -6,
        error: `plugin-api.invoke: invoke is nested more than ${MAX_INVOKE_DEPTH} calls deep; break the cycle between plugins.`,
      });
    });
  });
}
