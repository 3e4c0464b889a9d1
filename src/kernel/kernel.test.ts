import { describe, expect, it } from 'vitest';
import { createKernel } from './kernel.js';
import { constantJson, ECHO, watPlugin, watString } from '../../test/support/wat-plugin.js';
import { kernelStorage } from './host/storage-host.js';
import { openTestStore } from './host/storage-test-harness.js';

/** An AssemblyScript string (byte length header, then UTF-16LE) as a data segment at `offset`. */
function asString(offset: number, text: string): string {
  const bytes = new Uint8Array(4 + text.length * 2);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, text.length * 2, true);
  for (let i = 0; i < text.length; i++) view.setUint16(4 + i * 2, text.charCodeAt(i), true);
  return `(data (i32.const ${offset - 4}) "${watString(bytes)}")`;
}

describe('dispatch (ABI §3)', () => {
  it('passes large Unicode input through alloc and reads the output back intact', async () => {
    const kernel = createKernel();
    await kernel.load([await watPlugin({ name: 'echo', exports: { tap_item_view: ECHO } })]);
    const body = 'Grüße, 世界 🌍 '.repeat(30_000); // ~600 KB of UTF-8
    const { results } = await kernel.dispatch('tap_item_view', { body });
    expect(results).toHaveLength(1);
    expect(results[0].error).toBeUndefined();
    expect(results[0].output).toEqual({ body });
  });

  it('calls a tap without input with ptr 0 and len 0, and treats len 0 as null', async () => {
    const kernel = createKernel();
    await kernel.load([await watPlugin({ name: 'quiet', exports: { tap_cron: ECHO } })]);
    const { results } = await kernel.dispatch('tap_cron');
    expect(results).toEqual([expect.objectContaining({ plugin: 'quiet', output: null })]);
    expect(results[0].error).toBeUndefined();
  });

  it('runs handlers by weight, then load order, and lists each with its output, and its time when asked for', async () => {
    const make = async (name: string, weight: number) => {
      const answer = constantJson(16, JSON.stringify(name));
      return watPlugin({ name, weight, exports: { tap_cron: answer.body }, fields: answer.data });
    };
    const plugins = [await make('zeta', -5), await make('alpha', 0), await make('beta', 0), await make('heavy', 10)];
    const untimed = createKernel();
    await untimed.load(plugins);
    const { results } = await untimed.dispatch('tap_cron');
    expect(results.map((r) => r.output)).toEqual(['zeta', 'alpha', 'beta', 'heavy']);
    for (const r of results) expect(r.ms).toBeUndefined();

    const timed = createKernel({ timeHandlers: true });
    await timed.load(plugins);
    for (const r of (await timed.dispatch('tap_cron')).results) expect(r.ms).toBeGreaterThanOrEqual(0);
    // A trace listener always gets the times (the playground's inspector shows them).
    const traced: number[] = [];
    const tracing = createKernel({ onDispatch: (event) => traced.push(...event.results.map((r) => r.ms)) });
    await tracing.load(plugins);
    traced.length = 0;
    const answered = await tracing.dispatch('tap_cron');
    expect(traced).toHaveLength(4);
    for (const ms of traced) expect(ms).toBeGreaterThanOrEqual(0);
    expect(answered.results.map((r) => r.ms)).toEqual(traced);
  });

  it('fails only the handler that traps; the others still run', async () => {
    const ok = constantJson(16, '{"fine":true}');
    const kernel = createKernel();
    await kernel.load([
      await watPlugin({ name: 'a_trap', exports: { tap_cron: '(unreachable)' } }),
      await watPlugin({ name: 'b_fine', exports: { tap_cron: ok.body }, fields: ok.data }),
    ]);
    const { results } = await kernel.dispatch('tap_cron');
    expect(results[0]).toMatchObject({ plugin: 'a_trap', output: null, errorCode: 'PLUGIN_TRAP' });
    expect(results[0].error).toMatch(/a_trap tap_cron trapped: .*unreachable/);
    expect(results[1]).toMatchObject({ plugin: 'b_fine', output: { fine: true } });
  });

  it('decodes AssemblyScript aborts into message, file, line and column', async () => {
    const kernel = createKernel();
    await kernel.load([
      await watPlugin({
        name: 'aborter',
        imports: '(import "env" "abort" (func $abort (param i32 i32 i32 i32)))',
        fields: asString(1000, 'index out of range') + asString(2000, 'assembly/index.ts'),
        exports: { tap_cron: '(call $abort (i32.const 1000) (i32.const 2000) (i32.const 42) (i32.const 7)) (unreachable)' },
      }),
    ]);
    const [result] = (await kernel.dispatch('tap_cron')).results;
    expect(result.error).toBe('aborter tap_cron aborted: index out of range at assembly/index.ts:42:7');
    expect(result.location).toEqual({ file: 'assembly/index.ts', line: 42, column: 7 });
  });

  it('reports outputs out of bounds, not UTF-8, or not JSON, naming plugin and tap', async () => {
    const badUtf8 = `(data (i32.const 16) "\\ff\\fe\\fd")`;
    const notJson = `(data (i32.const 16) "{nope")`;
    const kernel = createKernel();
    await kernel.load([
      await watPlugin({ name: 'oob', exports: { tap_cron: '(i64.const 0x0000fff000100000)' } }),
      await watPlugin({ name: 'latin', exports: { tap_cron: '(i64.or (i64.shl (i64.const 16) (i64.const 32)) (i64.const 3))' }, fields: badUtf8 }),
      await watPlugin({ name: 'prose', exports: { tap_cron: '(i64.or (i64.shl (i64.const 16) (i64.const 32)) (i64.const 5))' }, fields: notJson }),
    ]);
    const byPlugin = Object.fromEntries((await kernel.dispatch('tap_cron')).results.map((r) => [r.plugin, r]));
    expect(byPlugin.oob.error).toMatch(/^oob tap_cron returned output at 65520 of 1048576 bytes, past the end of its 65536-byte memory/);
    expect(byPlugin.latin.error).toBe('latin tap_cron returned 3 bytes that are not valid UTF-8.');
    expect(byPlugin.prose.error).toMatch(/^prose tap_cron returned output that is not JSON/);
    for (const r of Object.values(byPlugin)) expect(r.errorCode).toBe('PLUGIN_OUTPUT_INVALID');
  });

  it('turns a lone {"error": "..."} result into a reported error', async () => {
    const answer = constantJson(16, '{"error":"no such term"}');
    const kernel = createKernel();
    await kernel.load([await watPlugin({ name: 'picky', exports: { tap_cron: answer.body }, fields: answer.data })]);
    const [result] = (await kernel.dispatch('tap_cron')).results;
    expect(result).toMatchObject({ errorCode: 'PLUGIN_REPORTED_ERROR', error: 'picky tap_cron reported an error: no such term' });
  });

  it('reports an alloc that cannot satisfy the input instead of truncating it', async () => {
    const kernel = createKernel();
    await kernel.load([await watPlugin({ name: 'tiny', memoryMax: 1, exports: { tap_item_view: ECHO } })]);
    const [result] = (await kernel.dispatch('tap_item_view', { body: 'x'.repeat(100_000) })).results;
    expect(result.error).toMatch(/tiny tap_item_view: alloc\(100011\) returned 0, so the 100011-byte input could not be passed/);
  });

  it('gives every call a fresh instance: a global counter reads 1 each time', async () => {
    const kernel = createKernel();
    await kernel.load([
      await watPlugin({
        name: 'counter',
        fields: '(global $calls (mut i32) (i32.const 0))',
        // Writes the count as one ASCII digit at offset 16 and returns it as JSON.
        exports: {
          tap_cron: `(global.set $calls (i32.add (global.get $calls) (i32.const 1)))
            (i32.store8 (i32.const 16) (i32.add (i32.const 48) (global.get $calls)))
            (i64.or (i64.shl (i64.const 16) (i64.const 32)) (i64.const 1))`,
        },
      }),
    ]);
    for (let i = 0; i < 5; i++) expect((await kernel.dispatch('tap_cron')).results[0].output).toBe(1);
  });

  it('dispatchOne stops at the first handler that answers', async () => {
    const yes = constantJson(16, '"mine"');
    const kernel = createKernel();
    await kernel.load([
      await watPlugin({ name: 'a_silent', exports: { tap_item_access: '(i64.const 0)' } }),
      await watPlugin({ name: 'b_answers', exports: { tap_item_access: yes.body }, fields: yes.data }),
      await watPlugin({ name: 'c_never', exports: { tap_item_access: '(unreachable)' } }),
    ]);
    const result = await kernel.dispatchOne('tap_item_access', { op: 'view' });
    expect(result.answer).toMatchObject({ plugin: 'b_answers', output: 'mine' });
    expect(result.results.map((r) => r.plugin)).toEqual(['a_silent', 'b_answers']);
  });

  it('turns WASI stdout and stderr into log lines of the plugin', async () => {
    const lines: string[] = [];
    const kernel = createKernel({ onLog: (entry) => lines.push(`${entry.plugin}/${entry.source}: ${entry.message}`) });
    // iovec at 100 -> "hello from wasi\n" at 200; fd 1 then fd 2.
    const text = new TextEncoder().encode('hello from wasi\n');
    await kernel.load([
      await watPlugin({
        name: 'talker',
        imports: '(import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))',
        fields: `(data (i32.const 200) "${watString(text)}")`,
        exports: {
          tap_cron: `(i32.store (i32.const 100) (i32.const 200)) (i32.store (i32.const 104) (i32.const ${text.length}))
            (drop (call $fd_write (i32.const 1) (i32.const 100) (i32.const 1) (i32.const 120)))
            (drop (call $fd_write (i32.const 2) (i32.const 100) (i32.const 1) (i32.const 120)))
            (i64.const 0)`,
        },
      }),
    ]);
    await kernel.dispatch('tap_cron');
    expect(lines).toEqual(['talker/stdout: hello from wasi', 'talker/stderr: hello from wasi']);
  });

  it('hands logging.log lines to onLog as they happen, as well as to the stored log, under the real caller', async () => {
    const lines: string[] = [];
    const store = await openTestStore();
    const kernel = createKernel({ storage: kernelStorage(store), onLog: (entry) => lines.push(`${entry.plugin}/${entry.level}: ${entry.message}${entry.claimed ? ` (claimed ${entry.claimed})` : ''}`) });
    const level = 'notice';
    const claimed = 'someone_else';
    const message = 'logged through the host function';
    await kernel.load([
      await watPlugin({
        name: 'diarist',
        imports: '(import "trovato:kernel/logging" "log" (func $log (param i32 i32 i32 i32 i32 i32) (result i32)))',
        fields: `(data (i32.const 100) "${level}") (data (i32.const 200) "${claimed}") (data (i32.const 300) "${message}")`,
        exports: {
          tap_cron: `(drop (call $log (i32.const 100) (i32.const ${level.length}) (i32.const 200) (i32.const ${claimed.length}) (i32.const 300) (i32.const ${message.length})))
            (i64.const 0)`,
        },
      }),
    ]);
    await kernel.dispatch('tap_cron');
    expect(lines).toEqual([`diarist/notice: ${message} (claimed ${claimed})`]);
    expect(await store.readLogs()).toEqual([expect.objectContaining({ plugin: 'diarist', level: 'notice', message, claimed })]);
    await store.close();
  });
});

describe('loading', () => {
  it('refuses a module with an unknown import, naming module and field, and loads the rest', async () => {
    const kernel = createKernel();
    const report = await kernel.load([
      await watPlugin({ name: 'fine', exports: { tap_cron: '(i64.const 0)' } }),
      await watPlugin({
        name: 'linky',
        imports: '(import "trovato:kernel/item-api" "get-everything" (func (param i32) (result i32)))',
        exports: { tap_cron: '(i64.const 0)' },
      }),
    ]);
    expect(report.order).toEqual(['fine']);
    const linky = report.plugins.find((p) => p.name === 'linky')!;
    expect(linky.status).toBe('refused');
    expect(linky.errors.join(' ')).toMatch(/trovato:kernel\/item-api.*get-everything/);
  });

  it('refuses a declared tap that is not exported, or has another signature', async () => {
    const kernel = createKernel();
    const report = await kernel.load([
      await watPlugin({ name: 'liar', taps: ['tap_cron', 'tap_menu'], exports: { tap_cron: '(i64.const 0)' } }),
      {
        ...(await watPlugin({ name: 'odd', exports: {} , taps: ['tap_cron'], fields: '(func (export "tap_cron") (param i32) (result i64) (i64.const 0))' })),
      },
    ]);
    expect(report.order).toEqual([]);
    const errors = Object.fromEntries(report.plugins.map((p) => [p.name, p.errors.join(' ')]));
    expect(errors.liar).toMatch(/tap_menu/);
    expect(errors.odd).toMatch(/\(i32\) -> i64/);
  });

  it('loads dependencies first and refuses a cycle without touching the others', async () => {
    const plugin = (name: string, dependencies: string[]) => watPlugin({ name, dependencies, exports: { tap_cron: '(i64.const 0)' } });
    const kernel = createKernel();
    const report = await kernel.load([
      await plugin('blog', ['categories']),
      await plugin('categories', []),
      await plugin('ping', ['pong']),
      await plugin('pong', ['ping']),
      await plugin('orphan', ['missing']),
    ]);
    expect(report.order).toEqual(['categories', 'blog']);
    const errors = Object.fromEntries(report.plugins.map((p) => [p.name, p.errors.join(' ')]));
    expect(errors.ping).toContain('ping -> pong -> ping');
    expect(errors.orphan).toContain('missing');
  });
});

describe('routes (ABI §5)', () => {
  it('collects tap_menu routes, matches parameters and calls the callback with {path, params, query}', async () => {
    const menu = constantJson(
      16,
      JSON.stringify([
        { path: '/blog', title: 'Blog', callback: 'blog_list' },
        { path: '/blog/:slug', title: 'Post', callback: 'blog_post' },
      ]),
    );
    const kernel = createKernel({ clock: () => 1_700_000_000_500 });
    const report = await kernel.load([
      await watPlugin({ name: 'blog', fields: menu.data, exports: { tap_menu: menu.body, blog_list: ECHO, blog_post: ECHO } }),
    ]);
    expect(report.routeProblems).toEqual([]);
    expect(kernel.route('/blog/hello-world')).toMatchObject({ route: { plugin: 'blog', callback: 'blog_post' }, params: { slug: 'hello-world' } });
    const response = await kernel.callRoute('/blog/hello-world', { query: { page: '2' } });
    // `now` is the request's time in Unix seconds, from the kernel's clock.
    expect(response?.result.output).toEqual({ path: '/blog/hello-world', params: { slug: 'hello-world' }, query: { page: '2' }, now: 1_700_000_000 });
    expect(await kernel.callRoute('/nowhere')).toBeNull();
  });

  it('enforces the route permission', async () => {
    const menu = constantJson(16, JSON.stringify([{ path: '/admin/secret', title: 'Secret', callback: 'secret', permission: 'administer site' }]));
    const kernel = createKernel();
    await kernel.load([await watPlugin({ name: 'vault', fields: menu.data, exports: { tap_menu: menu.body, secret: ECHO } })]);
    const denied = await kernel.callRoute('/admin/secret');
    expect(denied?.result).toMatchObject({ errorCode: 'ACCESS_DENIED' });
    const allowed = await kernel.callRoute('/admin/secret', { user: { id: 'u1', roles: ['administrator'] } });
    expect(allowed?.result.error).toBeUndefined();
  });

  it('reports a route whose callback is not exported', async () => {
    const menu = constantJson(16, JSON.stringify([{ path: '/x', title: 'X', callback: 'nowhere' }]));
    const kernel = createKernel();
    const report = await kernel.load([await watPlugin({ name: 'lost', fields: menu.data, exports: { tap_menu: menu.body } })]);
    expect(report.routeProblems).toEqual([expect.objectContaining({ plugin: 'lost', path: '/x' })]);
    expect(report.routeProblems[0].message).toContain('nowhere');
    expect(kernel.route('/x')).toBeNull();
  });
});

describe('tracing', () => {
  it('reports every dispatch and call, boot-time ones included, with input and results', async () => {
    const menu = constantJson(16, JSON.stringify([{ path: '/t', title: 'T', callback: 'page' }]));
    const events: Array<{ kind: string; name: string; input: unknown; plugins: string[] }> = [];
    const kernel = createKernel({ clock: () => 5_000, onDispatch: (e) => events.push({ kind: e.kind, name: e.name, input: e.input, plugins: e.results.map((r) => r.plugin) }) });
    await kernel.load([await watPlugin({ name: 'traced', fields: menu.data, exports: { tap_menu: menu.body, tap_item_view: ECHO, page: ECHO } })]);
    expect(events.map((e) => e.name)).toEqual(['tap_menu', 'tap_perm']);
    await kernel.dispatch('tap_item_view', { title: 'x' });
    await kernel.callRoute('/t');
    expect(events.slice(2)).toEqual([
      { kind: 'tap', name: 'tap_item_view', input: { title: 'x' }, plugins: ['traced'] },
      { kind: 'call', name: 'page', input: { path: '/t', params: {}, query: {}, now: 5 }, plugins: ['traced'] },
    ]);
  });
});

describe('refusals decided before the module is checked', () => {
  const plugin = (name: string, dependencies: string[] = []) => watPlugin({ name, dependencies, exports: { tap_cron: '(i64.const 0)' } });

  it('holds back a quarantined plugin with its reason, and its dependents say it was refused', async () => {
    const kernel = createKernel({ quarantined: { categories: 'it hung 2 times.' } });
    const report = await kernel.load([await plugin('categories'), await plugin('blog', ['categories']), await plugin('hello')]);
    expect(report.order).toEqual(['hello']);
    const errors = Object.fromEntries(report.plugins.map((p) => [p.name, p.errors.join(' ')]));
    expect(errors.categories).toBe('categories is quarantined: it hung 2 times. Re-enable it to load it again.');
    expect(errors.blog).toContain('categories, which was refused');
    expect(report.plugins.find((p) => p.name === 'categories')).toMatchObject({ version: '1.0.0', taps: ['tap_cron'] });
    expect(report.quarantined).toEqual({ categories: 'it hung 2 times.' });
  });

  it('refuses two plugins with the same name instead of letting one win', async () => {
    const kernel = createKernel();
    const report = await kernel.load([await plugin('twin'), await plugin('twin'), await plugin('solo')]);
    expect(report.order).toEqual(['solo']);
    expect(report.plugins.find((p) => p.name === 'twin')?.errors).toEqual(['twin: two plugins are named "twin"; rename one.']);
  });
});

describe('the render pipeline of route pages', () => {
  it('skips a tap_theme that traps and logs why; the page renders as its plugin built it', async () => {
    const menu = constantJson(16, JSON.stringify([{ path: '/t', title: 'T', callback: 'page' }]));
    const page = constantJson(1024, JSON.stringify({ '#type': 'markup', '#value': 'hi' }));
    const logs: Array<{ plugin: string; level: string; message: string }> = [];
    const kernel = createKernel({ onLog: (entry) => logs.push(entry) });
    await kernel.load([
      await watPlugin({ name: 'site', fields: `${menu.data}\n${page.data}`, exports: { tap_menu: menu.body, page: page.body } }),
      await watPlugin({ name: 'broken_theme', exports: { tap_theme: '(unreachable)' } }),
    ]);
    const response = await kernel.callRoute('/t');
    expect(response?.result).toMatchObject({ output: { '#type': 'markup', '#value': 'hi' } });
    expect(logs).toEqual([expect.objectContaining({ plugin: 'site', level: 'warning', message: expect.stringMatching(/^broken_theme tap_theme trapped: .*\(skipped\)$/) })]);
  });
});
