/**
 * Every tap of the contract, called by the kernel or the site at its moment with the documented
 * input (docs/abi.md §5), and the three leak tests of issue 12: host reads apply
 * tap_item_access, cache entries vary by user, role grants reach users. The kitchen_sink plugin
 * (test/fixtures/host-probe/kitchen_sink) implements every tap and records each call (tap,
 * input keys, user, request time) in its variables. Run in Node (fake-indexeddb) and in
 * Chromium (real IndexedDB) by taps.test.ts and taps.browser.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { KNOWN_TAPS } from '../../src/kernel/contract/taps.js';
import type { PluginSource } from '../../src/kernel/plugin/loader.js';
import type { DispatchEvent } from '../../src/kernel/tap/dispatcher.js';
import { openSiteStore } from '../../src/kernel/storage/site-store.js';
import { openSite, type Site } from '../../src/site/site.js';
import { DEMO_USERS } from '../../src/site/roles.js';
import { QUEUE_NAMESPACE } from '../../src/kernel/host/queue.js';
import type { UserSpec } from '../../src/kernel/common/users.js';

export interface TapTestEnv {
  /** kitchen_sink, blog and categories, built. */
  sources(): PluginSource[];
  indexedDB: IDBFactory;
}

const [ANONYMOUS, EDITOR, ADMINISTRATOR] = DEMO_USERS.map((u): UserSpec => ({ ...u, roles: [...u.roles] }));
/** 2023-11-14T22:13:20Z, in Unix milliseconds: the tests' clock starts here. */
const T0 = 1_700_000_000_000;

interface Recorded {
  tap: string;
  keys: string[] | string;
  user: string;
  now: number;
  input: Record<string, unknown>;
}

let sequence = 0;

export function defineTapTests(env: TapTestEnv): void {
  /** A fresh site with a settable clock and every dispatch traced. */
  async function open(name = `taps-${Date.now()}-${sequence++}`, clockStart = T0) {
    const clock = { now: clockStart };
    const events: DispatchEvent[] = [];
    // The checks read back through beginWork, outside a kernel request: load everything at open.
    const store = await openSiteStore({ name, indexedDB: env.indexedDB, now: () => clock.now, loadAllAtOpen: true });
    const site = await openSite({ store, sources: env.sources(), kernel: { clock: () => clock.now, onDispatch: (event) => events.push(event) } });
    return { site, clock, events, name };
  }

  function calls(site: Site, tap: string): Recorded[] {
    const work = site.store.beginWork(site.kernel.user(ANONYMOUS));
    const text = work.getVariable('kitchen_sink', `calls.${tap}`);
    work.discard();
    return text === undefined ? [] : (JSON.parse(text) as Recorded[]);
  }

  function variable(site: Site, name: string): unknown {
    const work = site.store.beginWork(site.kernel.user(ANONYMOUS));
    const text = work.getVariable('kitchen_sink', name);
    work.discard();
    return text === undefined ? undefined : JSON.parse(text);
  }

  async function setVariable(site: Site, name: string, value: unknown): Promise<void> {
    await site.kernel.request(ADMINISTRATOR, (session) => (session.work as ReturnType<Site['store']['beginWork']>).setVariable('kitchen_sink', name, JSON.stringify(value)));
  }

  const text = (value: unknown): string => JSON.stringify(value);

  describe('every tap of the contract, at its moment (kitchen_sink)', () => {
    it('the kitchen sink implements every known tap, so each test below reaches a real handler', async () => {
      const { site } = await open();
      const status = site.report().plugins.find((p) => p.name === 'kitchen_sink');
      expect(status?.status).toBe('ok');
      expect([...(status?.taps ?? [])].sort()).toEqual([...KNOWN_TAPS].sort());
    });

    it('tap_install and tap_enable run once when the site first enables the plugin, as the administrator, with no input', async () => {
      const { site, name } = await open();
      for (const tap of ['tap_install', 'tap_enable']) {
        expect(calls(site, tap), tap).toEqual([expect.objectContaining({ keys: 'null', user: ADMINISTRATOR.id, now: T0 / 1000 })]);
      }
      await site.store.close();
      const again = await open(name);
      expect(calls(again.site, 'tap_install')).toHaveLength(1);
    });

    it('tap_disable when an administrator disables it; tap_uninstall when it is uninstalled', async () => {
      const { site, events } = await open();
      expect(await site.setPluginEnabled('kitchen_sink', false)).toMatchObject({ ok: true, errors: [] });
      expect(calls(site, 'tap_disable')).toEqual([expect.objectContaining({ keys: 'null', user: ADMINISTRATOR.id })]);
      expect(await site.uninstallPlugin('kitchen_sink')).toMatchObject({ ok: true, errors: [] });
      // Uninstalling drops the plugin's variables, so the record is in the trace, not the store.
      expect(events.filter((e) => e.name === 'tap_uninstall')).toEqual([expect.objectContaining({ kind: 'call', input: null, results: [expect.objectContaining({ plugin: 'kitchen_sink' })] })]);
      expect(calls(site, 'tap_disable')).toEqual([]);
    });

    it('tap_item_info, tap_menu, tap_perm and tap_queue_info when the plugins load, with no input', async () => {
      const { site } = await open();
      for (const tap of ['tap_item_info', 'tap_menu', 'tap_perm', 'tap_queue_info']) {
        expect(calls(site, tap).length, tap).toBeGreaterThan(0);
        expect(calls(site, tap).every((c) => c.keys === 'null'), tap).toBe(true);
      }
      expect((await site.contentTypes()).map((t) => t.machine_name)).toContain('ks_note');
      expect((await site.permissions()).map((p) => p.name)).toContain('use kitchen sink');
      expect(site.kernel.queues()).toEqual([{ name: 'ks_jobs', plugin: 'kitchen_sink', timeBudgetMs: 600000, maxAttempts: 2 }]);
    });

    it('tap_item_insert, tap_item_update and tap_item_delete with the item, as the user who saved it', async () => {
      const { site } = await open();
      const saved = await site.saveItem({ item_type: 'ks_note', title: 'One', status: 1, fields: { body: 'b' } }, EDITOR);
      if (!saved.ok) throw new Error(text(saved));
      await site.saveItem({ id: saved.item.id, item_type: 'ks_note', title: 'One, edited', status: 1, fields: { body: 'b' } }, EDITOR);
      await site.deleteItem(saved.item.id, ADMINISTRATOR);
      const itemKeys = ['author_id', 'changed', 'created', 'fields', 'id', 'item_type', 'revision_id', 'status', 'title'];
      expect(calls(site, 'tap_item_insert')).toEqual([expect.objectContaining({ keys: itemKeys, user: EDITOR.id, input: expect.objectContaining({ title: 'One' }) })]);
      expect(calls(site, 'tap_item_update')).toEqual([expect.objectContaining({ keys: itemKeys, user: EDITOR.id, input: expect.objectContaining({ title: 'One, edited' }) })]);
      expect(calls(site, 'tap_item_delete')).toEqual([expect.objectContaining({ keys: itemKeys, user: ADMINISTRATOR.id })]);
    });

    it('tap_item_access with {item, op} when an item is viewed, saved or read by a plugin', async () => {
      const { site } = await open();
      const saved = await site.saveItem({ item_type: 'ks_note', title: 'Seen', status: 1, fields: { body: 'b' } }, EDITOR);
      if (!saved.ok) throw new Error(text(saved));
      const before = calls(site, 'tap_item_access').length;
      await site.viewItem(saved.item.id, ANONYMOUS);
      const after = calls(site, 'tap_item_access').slice(before);
      expect(after).toEqual([expect.objectContaining({ keys: ['item', 'op'], user: ANONYMOUS.id, input: expect.objectContaining({ op: 'view' }) })]);
      expect(calls(site, 'tap_item_access').slice(0, before).map((c) => c.input.op)).toContain('create');
    });

    it('tap_categories_term_insert, _update and _delete with {term}, fired by categories through plugin-api.dispatch', async () => {
      const { site } = await open();
      const term = await site.saveItem({ item_type: 'category_term', title: 'News', status: 1, fields: {} }, ADMINISTRATOR);
      if (!term.ok) throw new Error(text(term));
      await site.saveItem({ id: term.item.id, item_type: 'category_term', title: 'Headlines', status: 1, fields: {} }, ADMINISTRATOR);
      await site.deleteItem(term.item.id, ADMINISTRATOR);
      expect(calls(site, 'tap_categories_term_insert')).toEqual([expect.objectContaining({ keys: ['term'], user: ADMINISTRATOR.id, input: { term: expect.objectContaining({ title: 'News' }) } })]);
      expect(calls(site, 'tap_categories_term_update')).toEqual([expect.objectContaining({ keys: ['term'], input: { term: expect.objectContaining({ title: 'Headlines' }) } })]);
      expect(calls(site, 'tap_categories_term_delete')).toEqual([expect.objectContaining({ keys: ['term'] })]);
      // Other items are not terms: no term tap for them.
      await site.saveItem({ item_type: 'ks_note', title: 'Not a term', status: 1, fields: { body: 'b' } }, ADMINISTRATOR);
      expect(calls(site, 'tap_categories_term_insert')).toHaveLength(1);
    });

    it('tap_form_alter with {form_id, form, path, plugin} on a plugin form in a page, and {form_id, form, item_type} on an item form', async () => {
      const { site } = await open();
      const page = await site.kernel.callRoute('/kitchen-sink', { user: ADMINISTRATOR });
      expect(page?.result.output).toMatchObject({ form: { '#type': 'form', '#form_id': 'ks_form', altered: { '#value': 'Altered by kitchen_sink' } } });
      expect(calls(site, 'tap_form_alter')).toEqual([expect.objectContaining({ keys: ['form', 'form_id', 'path', 'plugin'], input: expect.objectContaining({ form_id: 'ks_form', path: '/kitchen-sink', plugin: 'kitchen_sink' }) })]);
      const itemForm = await site.itemForm('ks_note', EDITOR);
      expect(itemForm?.form).toMatchObject({ '#form_id': 'item_ks_note_form', body: { '#name': 'body', '#title': 'Body (altered)' } });
      expect(calls(site, 'tap_form_alter')[1]).toMatchObject({ keys: ['form', 'form_id', 'item_type'], user: EDITOR.id });
    });

    it('tap_form_validate and tap_form_submit with {form_id, values} when a plugin form is submitted; messages name their field', async () => {
      const { site } = await open();
      const refused = await site.submitForm({ form_id: 'ks_form', plugin: 'kitchen_sink', path: '/kitchen-sink', values: { name: '' } }, ADMINISTRATOR);
      expect(refused).toEqual({ ok: false, fieldErrors: [{ field: 'name', message: 'Give a name.' }], errors: [] });
      expect(calls(site, 'tap_form_submit')).toEqual([]);
      const accepted = await site.submitForm({ form_id: 'ks_form', plugin: 'kitchen_sink', path: '/kitchen-sink', values: { name: 'Ada' } }, ADMINISTRATOR);
      expect(accepted).toEqual({ ok: true, messages: ['Thanks, Ada.'], errors: [] });
      expect(variable(site, 'submitted')).toEqual({ name: 'Ada' });
      expect(calls(site, 'tap_form_validate').map((c) => c.keys)).toEqual([['form_id', 'values'], ['form_id', 'values']]);
      expect(calls(site, 'tap_form_submit')).toEqual([expect.objectContaining({ keys: ['form_id', 'path', 'plugin', 'values'], user: ADMINISTRATOR.id })]);
    });

    it('tap_form_validate refuses an item save next to the field, before anything is written; tap_form_submit follows a save with the item', async () => {
      const { site } = await open();
      const refused = await site.saveItem({ item_type: 'ks_note', title: 'invalid', status: 1, fields: { body: 'b' } }, EDITOR);
      expect(refused).toMatchObject({ ok: false, errors: [{ field: 'title', message: 'The title may not be "invalid".' }] });
      expect((await site.listItems({ type: 'ks_note' }, ADMINISTRATOR)).total).toBe(0);
      const saved = await site.saveItem({ item_type: 'ks_note', title: 'fine', status: 1, fields: { body: 'b' } }, EDITOR);
      expect(saved.ok).toBe(true);
      const submits = calls(site, 'tap_form_submit');
      expect(submits).toEqual([expect.objectContaining({ keys: ['form_id', 'item', 'values'], input: expect.objectContaining({ form_id: 'item_ks_note_form' }) })]);
    });

    it('tap_preprocess_item with {item, variables} before tap_item_view, which gets {item, variables}', async () => {
      const { site } = await open();
      const saved = await site.saveItem({ item_type: 'ks_note', title: 'Pre', status: 1, fields: { body: 'b' } }, EDITOR);
      if (!saved.ok) throw new Error(text(saved));
      const page = await site.viewItem(saved.item.id, ANONYMOUS);
      expect(page.errors).toEqual([]);
      expect(page.render).toMatchObject({ note: { '#value': 'preprocessed Pre' } });
      expect(calls(site, 'tap_preprocess_item')).toEqual([expect.objectContaining({ keys: ['item', 'variables'], user: ANONYMOUS.id })]);
      expect(calls(site, 'tap_item_view').at(-1)).toMatchObject({ keys: ['item', 'variables'], input: { variables: { ks_note: 'preprocessed Pre' } } });
      expect(calls(site, 'tap_item_view_alter').at(-1)).toMatchObject({ keys: ['item', 'render'] });
    });

    it('tap_theme with {render, path, plugin} last, on route pages and item pages', async () => {
      const { site } = await open();
      const page = await site.kernel.callRoute('/kitchen-sink/now', { user: ANONYMOUS });
      expect(page?.result.output).toMatchObject({ ks_theme: { '#value': 'Themed by kitchen_sink' } });
      const saved = await site.saveItem({ item_type: 'ks_note', title: 'Themed', status: 1, fields: { body: 'b' } }, EDITOR);
      if (!saved.ok) throw new Error(text(saved));
      expect((await site.viewItem(saved.item.id, ANONYMOUS)).render).toMatchObject({ ks_theme: { '#value': 'Themed by kitchen_sink' } });
      const themed = calls(site, 'tap_theme');
      expect(themed[0]).toMatchObject({ keys: ['path', 'plugin', 'render'], input: { path: '/kitchen-sink/now', plugin: 'kitchen_sink' } });
      expect(themed[1]).toMatchObject({ keys: ['item', 'path', 'plugin', 'render'], input: { path: `/item/${saved.item.id}` } });
    });

    it('tap_item_update_index with {item} after a save; its text makes the item findable', async () => {
      const { site } = await open();
      await site.saveItem({ item_type: 'ks_note', title: 'Plain title', status: 1, fields: { body: 'zebra' } }, EDITOR);
      expect(calls(site, 'tap_item_update_index')).toEqual([expect.objectContaining({ keys: ['item'], user: EDITOR.id })]);
      const found = await site.listItems({ search: 'kitchen zebra' }, ANONYMOUS);
      expect(found.items.map((i) => i.title)).toEqual(['Plain title']);
    });

    it('tap_user_login with {user} when someone signs in through the user switcher', async () => {
      const { site } = await open();
      expect(await site.login(EDITOR)).toEqual({ errors: [] });
      expect(calls(site, 'tap_user_login')).toEqual([
        expect.objectContaining({ keys: ['user'], user: EDITOR.id, input: { user: { id: EDITOR.id, name: EDITOR.name, roles: ['editor'] } } }),
      ]);
    });

    it('tap_cron with {now, last_run}; tap_queue_worker drains the queue with {queue, item}', async () => {
      const { site, clock } = await open();
      const first = await site.runCron();
      expect(first.errors).toEqual([]);
      expect(calls(site, 'tap_cron')).toEqual([expect.objectContaining({ keys: ['last_run', 'now'], user: ADMINISTRATOR.id, input: { now: T0 / 1000, last_run: null } })]);
      expect(first.queues).toEqual([expect.objectContaining({ queue: 'ks_jobs', processed: 1, failed: 0, remaining: 0 })]);
      expect(calls(site, 'tap_queue_worker')).toEqual([
        expect.objectContaining({ keys: ['item', 'queue'], input: { queue: 'ks_jobs', item: expect.objectContaining({ data: { fail: false }, attempts: 0 }) } }),
      ]);
      expect(variable(site, 'worked')).toHaveLength(1);
      clock.now += 60_000;
      await site.runCron();
      expect(calls(site, 'tap_cron')[1].input).toEqual({ now: T0 / 1000 + 60, last_run: T0 / 1000 });
    });

    it('a failing queue item is kept with its attempts, retried at the next cron run, then dropped and logged', async () => {
      const { site } = await open();
      await setVariable(site, 'cron_fail', true);
      const first = await site.runCron();
      expect(first.queues[0]).toMatchObject({ processed: 0, failed: 1, dropped: 0, remaining: 1 });
      const kept = () => {
        const work = site.store.beginWork(site.kernel.user(ADMINISTRATOR));
        const rows = work.allRows(QUEUE_NAMESPACE, 'ks_jobs');
        work.discard();
        return rows;
      };
      expect(kept()).toEqual([expect.objectContaining({ attempts: 1, last_error: expect.stringContaining('job failed on purpose') })]);
      await setVariable(site, 'cron_fail', false);
      const second = await site.runCron();
      // The kept item fails its second (last) attempt and is dropped; the new one succeeds.
      expect(second.queues[0]).toMatchObject({ processed: 1, failed: 1, dropped: 1, remaining: 0 });
      expect(kept()).toEqual([]);
      const logs = await site.readLogs({ plugin: 'kitchen_sink', level: 'error' });
      expect(logs.map((l) => l.message).join('\n')).toMatch(/attempt 2 of 2; the item was dropped/);
    });

    it('automated cron runs at most once per interval: a tick runs it when due, not again until the interval has passed', async () => {
      const { site, clock } = await open();
      expect(await site.cronTick()).not.toBeNull();
      clock.now += 60_000;
      expect(await site.cronTick()).toBeNull();
      clock.now += 3600_000;
      expect(await site.cronTick()).not.toBeNull();
      expect(calls(site, 'tap_cron')).toHaveLength(2);
    });

    it("a clock: the route input's now, the SDK's now() and every recorded call see the request's time", async () => {
      const { site, clock } = await open();
      clock.now = T0 + 42_500;
      const page = await site.kernel.callRoute('/kitchen-sink/now', { user: ANONYMOUS });
      const seconds = String(Math.floor((T0 + 42_500) / 1000));
      expect(page?.result.output).toMatchObject({ input: { '#value': seconds }, sdk: { '#value': `${seconds} ${seconds}` } });
      expect(calls(site, 'tap_theme').at(-1)?.now).toBe(Number(seconds));
    });
  });

  describe('nothing leaks between users', () => {
    it("host reads apply tap_item_access: blog's listing does not show a post kitchen_sink denies", async () => {
      const { site } = await open();
      for (const title of ['Private diary', 'Public post']) {
        const slug = title.toLowerCase().replace(/ /g, '-');
        const saved = await site.saveItem({ item_type: 'blog', title, status: 1, fields: { body: { value: title, format: 'plain_text' }, slug } }, ADMINISTRATOR);
        if (!saved.ok) throw new Error(text(saved));
      }
      const listing = text((await site.kernel.callRoute('/blog', { user: ANONYMOUS }))?.result.output);
      expect(listing).toContain('Public post');
      expect(listing).not.toContain('Private diary');
      const post = text((await site.kernel.callRoute('/blog/private-diary', { user: ANONYMOUS }))?.result.output);
      expect(post).not.toContain('Private diary');
      // The administrator holds "bypass item access": the rule does not hide it from them.
      expect(text((await site.kernel.callRoute('/blog', { user: ADMINISTRATOR }))?.result.output)).toContain('Private diary');
    });

    it('cache contexts: a page cached for the administrator is never served to anonymous on the same route', async () => {
      const { site } = await open();
      const admin = text((await site.kernel.callRoute('/kitchen-sink/cached', { user: ADMINISTRATOR }))?.result.output);
      expect(admin).toContain('launch code');
      const anonymous = text((await site.kernel.callRoute('/kitchen-sink/cached', { user: ANONYMOUS }))?.result.output);
      expect(anonymous).not.toContain('launch code');
      expect(anonymous).toContain(`Rendered for ${ANONYMOUS.id}`);
      // Each keeps their own entry: the cache still works for both.
      expect(text((await site.kernel.callRoute('/kitchen-sink/cached', { user: ADMINISTRATOR }))?.result.output)).toMatch(/launch code.*from cache|from cache.*launch code/);
      expect(text((await site.kernel.callRoute('/kitchen-sink/cached', { user: ANONYMOUS }))?.result.output)).toContain('from cache');
    });

    it('role grants: a plugin permission granted to a role reaches its users, persists, and only an administrator can grant it', async () => {
      const { site, name } = await open();
      expect((await site.kernel.callRoute('/kitchen-sink', { user: EDITOR }))?.result.errorCode).toBe('ACCESS_DENIED');
      const editorRole = (await site.roles()).find((r) => r.role === 'editor')!;
      expect(await site.setRolePermissions('editor', [...editorRole.permissions, 'use kitchen sink'], EDITOR)).toMatchObject({ ok: false, error: expect.stringMatching(/administer site/) });
      expect(await site.setRolePermissions('editor', [...editorRole.permissions, 'no such permission'], ADMINISTRATOR)).toMatchObject({ ok: false, error: expect.stringMatching(/no such permission/) });
      expect(await site.setRolePermissions('editor', [...editorRole.permissions, 'use kitchen sink'], ADMINISTRATOR)).toEqual({ ok: true });
      expect((await site.kernel.callRoute('/kitchen-sink', { user: EDITOR }))?.result.error).toBeUndefined();
      expect((await site.users()).find((u) => u.id === EDITOR.id)?.permissions).toContain('use kitchen sink');
      expect((await site.kernel.callRoute('/kitchen-sink', { user: ANONYMOUS }))?.result.errorCode).toBe('ACCESS_DENIED');
      await site.store.close();
      const reopened = (await open(name)).site;
      expect((await reopened.kernel.callRoute('/kitchen-sink', { user: EDITOR }))?.result.error).toBeUndefined();
    });

    it('roles assigned to a user replace the roles the caller names', async () => {
      const { site } = await open();
      expect(await site.setUserRoles(ANONYMOUS.id!, ['anonymous', 'editor'], ADMINISTRATOR)).toEqual({ ok: true });
      expect((await site.users()).find((u) => u.id === ANONYMOUS.id)?.roles).toEqual(['anonymous', 'editor']);
      expect(await site.setUserRoles(ADMINISTRATOR.id!, ['editor'], ADMINISTRATOR)).toMatchObject({ ok: false, error: expect.stringMatching(/without an administrator/) });
      const saved = await site.saveItem({ item_type: 'ks_note', title: 'By anonymous', status: 1, fields: { body: 'b' } }, ANONYMOUS);
      expect(saved.ok).toBe(true);
    });
  });
}
