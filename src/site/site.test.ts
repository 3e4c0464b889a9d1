import { describe, expect, it } from 'vitest';
import type { ItemDraft } from './protocol.js';
import { DEMO_USERS } from './roles.js';
import {
  answering,
  lifecyclePlugin,
  openTestStore,
  recordingReactor,
  siteName,
  testSite,
  trapping,
  typesPlugin,
  wrappingAlter,
} from './site-fixtures.test-support.js';
import { openSite, type Site } from './site.js';
import { workOf } from './work.js';
import { CRON_LAST_RUN_SETTING } from './cron-schedule.js';
import type { UserSpec } from '../kernel/common/users.js';

const [ANONYMOUS, EDITOR, ADMIN] = DEMO_USERS;
const NOBODY: UserSpec = { id: 'nobody-1', roles: ['banned'] };

function article(title: string, status: 0 | 1 = 1, fields: Record<string, unknown> = {}): ItemDraft {
  return { item_type: 'article', title, status, fields: { body: { value: `${title} body`, format: 'plain_text' }, ...fields } };
}

async function create(site: Site, draft: ItemDraft, user: UserSpec = EDITOR): Promise<string> {
  const result = await site.saveItem(draft, user);
  if (!result.ok) throw new Error(`save failed: ${JSON.stringify(result.errors)}`);
  return result.item.id;
}

describe('item access (ABI §5 order)', () => {
  it('grants a user with "bypass item access" even when a plugin denies, without asking plugins', async () => {
    const site = await testSite([await typesPlugin(), await answering('block', { tap_item_access: 'Deny' })]);
    const id = await create(site, article('Secret'), ADMIN);
    const page = await site.viewItem(id, ADMIN);
    expect(page.access).toBe('granted');
    expect(page.trace.map((d) => d.tap)).not.toContain('tap_item_access');
  });

  it('denies a user without "access content" even when a plugin grants', async () => {
    const site = await testSite([await typesPlugin(), await answering('allow', { tap_item_access: 'Grant' })]);
    const id = await create(site, article('Public'));
    const page = await site.viewItem(id, NOBODY);
    expect(page).toMatchObject({ access: 'denied', item: null, render: null });
    expect(page.errors.join(' ')).toContain('"access content"');
  });

  it('lets any Deny beat any Grant, naming the plugin that denied', async () => {
    const site = await testSite([
      await typesPlugin(),
      await answering('allow', { tap_item_access: 'Grant' }),
      await answering('block', { tap_item_access: 'Deny' }),
    ]);
    const id = await create(site, article('Contested'), ADMIN);
    const page = await site.viewItem(id, EDITOR);
    expect(page.access).toBe('denied');
    expect(page.errors).toContain('Access denied by block (tap_item_access).');
    expect((await site.listItems({}, EDITOR)).total).toBe(0);
  });

  it('lets a Grant open an unpublished item the permissions would hide', async () => {
    const site = await testSite([await typesPlugin(), await answering('allow', { tap_item_access: 'Grant' })]);
    const id = await create(site, article('Draft', 0));
    expect((await site.viewItem(id, ANONYMOUS)).access).toBe('granted');
  });

  it('falls back to permissions: published for "access content", unpublished for authors and "view unpublished content"', async () => {
    const site = await testSite([await typesPlugin(), await answering('shrug', { tap_item_access: 'Neutral' })]);
    const published = await create(site, article('Out'));
    const draft = await create(site, article('In progress', 0));
    const writer: UserSpec = { id: 'writer-1', roles: ['authenticated'], permissions: ['create article content'] };
    const own = await create(site, article('Mine', 0), writer);

    expect((await site.viewItem(published, ANONYMOUS)).access).toBe('granted');
    const hidden = await site.viewItem(draft, ANONYMOUS);
    expect(hidden.access).toBe('denied');
    expect(hidden.errors.join(' ')).toContain('"view unpublished content"');
    expect((await site.viewItem(draft, EDITOR)).access).toBe('granted');
    expect((await site.viewItem(own, writer)).access).toBe('granted');
    expect((await site.viewItem(own, { id: 'writer-2', roles: ['authenticated'] })).access).toBe('denied');
    expect((await site.listItems({}, ANONYMOUS)).items.map((i) => i.title)).toEqual(['Out']);
  });

  it('counts a failing access handler as a Deny, and reports it', async () => {
    const site = await testSite([await typesPlugin(), await trapping('broken', ['tap_item_access'])]);
    const id = await create(site, article('Guarded'), ADMIN);
    const page = await site.viewItem(id, EDITOR);
    expect(page.access).toBe('denied');
    expect(page.errors.some((e) => e.includes('broken tap_item_access') && e.includes('counted as Deny'))).toBe(true);
  });

  it('answers not-found for a missing item', async () => {
    const site = await testSite([await typesPlugin()]);
    expect(await site.viewItem('no-such-id', ADMIN)).toMatchObject({ access: 'not-found', item: null });
  });
});

describe('item view and alters', () => {
  const VIEW = { '#type': 'markup', '#value': 'from viewer' };

  it('renders with the first view plugin that answers, then runs every alter in order; a failing alter is skipped', async () => {
    const site = await testSite([
      await typesPlugin(),
      await answering('silent', { tap_item_view: null }, { weight: -1 }),
      await answering('viewer', { tap_item_view: VIEW }),
      await wrappingAlter('alter_a', 0),
      await trapping('alter_bad', ['tap_item_view_alter'], 1),
      await wrappingAlter('alter_b', 2),
    ]);
    const id = await create(site, article('Shown'));
    const page = await site.viewItem(id, ANONYMOUS);

    expect(page.access).toBe('granted');
    expect(page.renderPlugin).toBe('viewer');
    expect(page.render).toEqual({
      '#type': 'container',
      '#attributes': { 'data-alter': 'alter_b' },
      inner: { '#type': 'container', '#attributes': { 'data-alter': 'alter_a' }, inner: VIEW },
    });
    expect(page.errors).toHaveLength(1);
    expect(page.errors[0]).toMatch(/alter_bad tap_item_view_alter trapped.*\(the alter was skipped\)/);
    expect(page.trace.map((d) => [d.tap, d.results.map((r) => r.plugin)])).toEqual([
      ['tap_item_access', []],
      ['tap_item_view', ['silent', 'viewer']],
      ['tap_item_view_alter', ['alter_a']],
      ['tap_item_view_alter', ['alter_bad']],
      ['tap_item_view_alter', ['alter_b']],
    ]);
  });

  it('falls back to a default render of the title and labelled fields when no plugin renders the type', async () => {
    const site = await testSite([await typesPlugin()]);
    const id = await create(site, article('Plain', 1, { count: 7, featured: true }));
    const page = await site.viewItem(id, ANONYMOUS);
    expect(page.renderPlugin).toBe('');
    expect(page.render).toMatchObject({
      '#type': 'container',
      title: { '#type': 'markup', '#tag': 'h1', '#value': 'Plain' },
      field_body: { '#type': 'item', '#title': 'Body', '#value': 'Plain body' },
      field_count: { '#type': 'item', '#title': 'Count', '#value': '7' },
      field_featured: { '#type': 'item', '#title': 'Featured', '#value': 'Yes' },
    });
  });
});

describe('saving items', () => {
  it('rejects each bad value with a message naming the field and what to enter', async () => {
    const site = await testSite([await typesPlugin()]);
    const note = await create(site, { item_type: 'note', title: 'A note', status: 1, fields: {} });
    const cases: Array<[string, unknown, RegExp]> = [
      ['subtitle', 'far too long here', /^Subtitle is 17 characters long; shorten it to 10 or fewer\.$/],
      ['count', '12.5', /^Count must be a whole number \(like 42\), got "12\.5"\.$/],
      ['ratio', 'abc', /^Ratio must be a number/],
      ['featured', 'maybe', /^Featured must be true or false/],
      ['due', '2024-02-30', /^Due date: 2024-02-30 is not a real date/],
      ['due', '31/05/2024', /^Due date must be a date like 2024-05-31/],
      ['contact', 'not an email', /^Contact must be an email address like name@example\.com/],
      ['related', 'missing-id', /^Related refers to the item "missing-id", which does not exist/],
      ['related', note, /^Related must refer to a "article" item; "A note" \(.*\) is a "note"\.$/],
      ['related', ['a', 'b', 'c'], /^Related takes at most 2 values; 3 were given\. Remove 1\.$/],
      ['subtitle', ['one', 'two'], /^Subtitle takes one value; 2 were given\.$/],
      ['body', { value: 'x', format: 'full_html' }, /^Body has the text format "full_html"; use "plain_text" or "filtered_html"\.$/],
      ['body', '', /^Body is required\.$/],
      ['colour', 'red', /^"colour" is not a field of Article; its fields are body, subtitle/],
    ];
    for (const [field, value, message] of cases) {
      const result = await site.saveItem(article('Bad', 1, { [field]: value }), EDITOR);
      expect(result.ok, `${field} = ${JSON.stringify(value)}`).toBe(false);
      if (result.ok) continue;
      expect(result.errors, `${field} = ${JSON.stringify(value)}`).toEqual([{ field, message: expect.stringMatching(message) }]);
    }
    const untitled = await site.saveItem({ ...article(''), title: '  ' }, EDITOR);
    expect(untitled).toMatchObject({ ok: false, errors: [{ field: 'title', message: 'Title is required.' }] });
    const untyped = await site.saveItem({ ...article('x'), item_type: 'blog' }, EDITOR);
    expect(untyped).toMatchObject({ ok: false, errors: [{ field: 'item_type', message: expect.stringContaining('"article", "note"') }] });
    expect((await site.listItems({ type: 'article' }, ADMIN)).total).toBe(0);
  });

  it('normalizes form values and stores the author, times and references', async () => {
    const site = await testSite([await typesPlugin()]);
    const first = await create(site, article('First'));
    const result = await site.saveItem(
      article('Second', 1, { count: '42', ratio: '2.5', featured: 'on', due: '2024-05-31', contact: ' a@b.org ', related: [first], tags: ['x', 'y'] }),
      EDITOR,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.item).toMatchObject({
      author_id: EDITOR.id,
      fields: { count: 42, ratio: 2.5, featured: true, due: '2024-05-31', contact: 'a@b.org', related: [{ target_id: first }], tags: ['x', 'y'] },
    });
    expect(result.item.created).toBeGreaterThan(0);
  });

  it('checks permissions: anonymous cannot create, an editor cannot edit another author\'s item', async () => {
    const site = await testSite([await typesPlugin()]);
    const anonymous = await site.saveItem(article('Nope'), ANONYMOUS);
    expect(anonymous).toMatchObject({ ok: false, errors: [{ field: '', message: expect.stringContaining('"create article content"') }] });
    const adminItem = await create(site, article('Admin post'), ADMIN);
    const stored = (await site.editableItem(adminItem, ADMIN))!;
    expect(await site.editableItem(adminItem, EDITOR)).toBeNull();
    const edit = await site.saveItem({ ...article('Hijacked'), id: stored.id }, EDITOR);
    expect(edit).toMatchObject({ ok: false, errors: [{ field: '', message: expect.stringContaining('"edit any article content"') }] });
    const deletion = await site.deleteItem(adminItem, EDITOR);
    expect(deletion).toMatchObject({ ok: false, error: expect.stringContaining('"delete any article content"') });
  });

  it('runs tap_item_insert, tap_item_update and tap_item_delete in the same request, whose writes commit with the item', async () => {
    const store = await openTestStore(siteName());
    const site = await openSite({
      store,
      sources: [await typesPlugin(), await recordingReactor('reactor', ['tap_item_insert', 'tap_item_update', 'tap_item_delete'])],
    });
    // Read as a request does: the store loads the plugin's variables on demand.
    const recorded = async (tap: string) => {
      const value = await site.kernel.request(ADMIN, (s) => workOf(s).getVariable('reactor', tap));
      return value === undefined ? undefined : JSON.parse(value);
    };
    const id = await create(site, article('Tracked'));
    expect(await recorded('tap_item_insert')).toMatchObject({ id, title: 'Tracked', author_id: EDITOR.id });
    expect(await recorded('tap_item_update')).toBeUndefined();

    const saved = await site.saveItem({ ...article('Tracked again'), id }, EDITOR);
    expect(saved.ok).toBe(true);
    expect(await recorded('tap_item_update')).toMatchObject({ id, title: 'Tracked again' });

    expect(await site.deleteItem(id, EDITOR)).toMatchObject({ ok: true, errors: [] });
    expect(await recorded('tap_item_delete')).toMatchObject({ id, title: 'Tracked again' });
    expect(await site.viewItem(id, ADMIN)).toMatchObject({ access: 'not-found' });
  });

  it('keeps the save when an insert reaction fails, and reports the failure', async () => {
    const site = await testSite([await typesPlugin(), await trapping('flaky', ['tap_item_insert'])]);
    const result = await site.saveItem(article('Survivor'), EDITOR);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { errors } = result as typeof result & { errors: string[] };
    expect(errors).toEqual([expect.stringMatching(/^flaky tap_item_insert trapped.*the item was saved; only this reaction failed/)]);
    expect((await site.viewItem(result.item.id, ANONYMOUS)).item?.title).toBe('Survivor');
  });
});

describe('listing items', () => {
  it('filters by type, status, author and title, pages, and counts the total before paging', async () => {
    const site = await testSite([await typesPlugin()]);
    for (let i = 1; i <= 5; i++) await create(site, article(`Post ${i}`, i === 5 ? 0 : 1));
    await create(site, { item_type: 'note', title: 'Note', status: 1, fields: {} }, ADMIN);
    const page = await site.listItems({ type: 'article', limit: 2, offset: 1 }, EDITOR);
    expect(page.total).toBe(5);
    expect(page.items).toHaveLength(2);
    expect((await site.listItems({ type: 'article' }, ANONYMOUS)).total).toBe(4);
    expect((await site.listItems({ status: 0 }, EDITOR)).items.map((i) => i.title)).toEqual(['Post 5']);
    expect((await site.listItems({ author: ADMIN.id }, EDITOR)).items.map((i) => i.title)).toEqual(['Note']);
    expect((await site.listItems({ search: 'post 3' }, EDITOR)).items.map((i) => i.title)).toEqual(['Post 3']);
  });
});

describe('users and content types', () => {
  it('offers anonymous, an editor and an administrator, with per-type permissions for the editor', async () => {
    const site = await testSite([await typesPlugin(), await answering('bad_types', { tap_item_info: [{ machine_name: 'Bad Name', label: 'x', fields: [] }] })]);
    expect((await site.users()).map((u) => u.roles)).toEqual([['anonymous'], ['editor'], ['administrator']]);
    const editor = site.kernel.user(EDITOR);
    for (const p of ['access content', 'view unpublished content', 'create note content', 'edit own article content', 'delete own note content']) {
      expect(editor.permissions.has(p), p).toBe(true);
    }
    expect(editor.permissions.has('edit any article content')).toBe(false);
    expect((await site.contentTypes()).map((t) => [t.machine_name, t.plugin])).toEqual([['article', 'types'], ['note', 'types']]);
    const bad = (await site.plugins()).find((p) => p.name === 'bad_types')!;
    expect(bad.warnings.join(' ')).toMatch(/bad_types tap_item_info: type 1 has machine_name "Bad Name"/);
    expect((await site.permissions()).map((p) => p.name)).toContain('edit any note content');
  });
});

describe('plugins admin', () => {
  async function plugins() {
    return [await typesPlugin(), await lifecyclePlugin('lib'), await lifecyclePlugin('app', ['lib'])];
  }
  const statusOf = async (site: Site) => Object.fromEntries((await site.plugins()).map((p) => [p.name, p.status]));
  const ran = async (site: Site, plugin: string) => (await site.readLogs({ plugin })).map((l) => l.message).reverse();

  it('runs tap_install and tap_enable the first time, and lists dependents', async () => {
    const site = await testSite(await plugins());
    expect(await ran(site, 'lib')).toEqual(['tap_install ran', 'tap_enable ran']);
    const lib = (await site.plugins()).find((p) => p.name === 'lib')!;
    expect(lib).toMatchObject({ status: 'enabled', dependents: ['app'], dependencies: [], version: '1.0.0' });
  });

  it('refuses to disable a plugin enabled plugins depend on, and to enable one whose dependency is disabled', async () => {
    const site = await testSite(await plugins());
    expect(await site.setPluginEnabled('lib', false)).toEqual({
      ok: false,
      error: 'Cannot disable "lib": app depends on it. Disable app first.',
    });
    expect(await site.setPluginEnabled('app', false)).toMatchObject({ ok: true, errors: [] });
    expect(await site.setPluginEnabled('lib', false)).toMatchObject({ ok: true });
    expect(await statusOf(site)).toEqual({ app: 'disabled', lib: 'disabled', types: 'enabled' });
    expect(await ran(site, 'app')).toEqual(['tap_install ran', 'tap_enable ran', 'tap_disable ran']);
    expect(await site.setPluginEnabled('app', true)).toEqual({
      ok: false,
      error: 'Cannot enable "app": it depends on "lib" (disabled). Enable lib first.',
    });
    expect(await site.setPluginEnabled('nope', true)).toMatchObject({ ok: false, error: expect.stringContaining('There is no plugin "nope"') });
  });

  it('remembers disabled plugins across reopening the store, and runs tap_install only once', async () => {
    const name = siteName();
    const first = await testSite(await plugins(), name);
    await first.setPluginEnabled('app', false);
    await first.store.close();

    const second = await testSite(await plugins(), name);
    expect(await statusOf(second)).toEqual({ app: 'disabled', lib: 'enabled', types: 'enabled' });
    expect(second.report().order).not.toContain('app');
    const enabled = await second.setPluginEnabled('app', true);
    expect(enabled).toMatchObject({ ok: true });
    expect(await ran(second, 'app')).toEqual(['tap_install ran', 'tap_enable ran', 'tap_disable ran', 'tap_enable ran']);
  });

  it('uninstalls only a disabled plugin: runs tap_uninstall and drops its variables and tables', async () => {
    const store = await openTestStore(siteName());
    const site = await openSite({ store, sources: await plugins() });
    const data = () =>
      site.kernel.request(ADMIN, (s) => {
        const work = workOf(s);
        return { variable: work.getVariable('app', 'marker'), rows: work.allRows('app', 'events').length, libRows: work.allRows('lib', 'events').length };
      });
    expect(await data()).toEqual({ variable: '"set"', rows: 1, libRows: 1 });

    expect(await site.uninstallPlugin('app')).toEqual({ ok: false, error: 'Disable "app" before uninstalling it.' });
    await site.setPluginEnabled('app', false);
    expect(await site.uninstallPlugin('app')).toMatchObject({ ok: true, errors: [] });
    expect(await data()).toEqual({ variable: undefined, rows: 0, libRows: 1 });
    expect((await ran(site, 'app')).at(-1)).toBe('tap_uninstall ran');
    expect(await statusOf(site)).toMatchObject({ app: 'disabled' });
    expect(site.report().order).not.toContain('app');

    // Enabling it again is a fresh install.
    await site.setPluginEnabled('app', true);
    expect((await ran(site, 'app')).slice(-2)).toEqual(['tap_install ran', 'tap_enable ran']);
    expect((await data()).rows).toBe(1);
  });
});

describe('requests sent together', () => {
  it('run one after another: a list sent with a save sees the saved item', async () => {
    const site = await testSite([await typesPlugin()]);
    const [saved, listed] = await Promise.all([site.saveItem(article('Sent together'), ADMIN), site.listItems({ type: 'article' }, ADMIN)]);
    expect(saved.ok).toBe(true);
    expect(listed.total).toBe(1);
  });
});

describe('replacing a plugin with a new build (trovato dev)', () => {
  it('loads the new build in place: items stay, the new version answers, a plugin new to the site is installed', async () => {
    const site = await testSite([await typesPlugin(), await answering('viewer', { tap_item_view: { '#type': 'markup', '#value': 'first build' } })]);
    const id = await create(site, article('Kept'));

    const report = await site.replacePlugin(await answering('viewer', { tap_item_view: { '#type': 'markup', '#value': 'second build' } }));
    expect(report.plugins.find((p) => p.name === 'viewer')?.status).toBe('ok');
    const page = await site.viewItem(id, ANONYMOUS);
    expect(page.item?.title).toBe('Kept');
    expect(page.render).toEqual({ '#type': 'markup', '#value': 'second build' });

    await site.replacePlugin(await lifecyclePlugin('late'));
    expect((await site.readLogs({ plugin: 'late' })).map((l) => l.message).reverse()).toEqual(['tap_install ran', 'tap_enable ran']);
    expect((await site.plugins()).map((p) => p.name)).toContain('late');
  });
});

describe('cron and the data version (what a last-page snapshot is checked against)', () => {
  it('keeps the data version when a cron run changes nothing a page shows, and changes it when a plugin writes in tap_cron', async () => {
    const quiet = await testSite([await typesPlugin()]);
    const before = await quiet.store.dataVersion();
    await quiet.runCron();
    // Its bookkeeping is saved all the same.
    expect(quiet.store.getSetting(CRON_LAST_RUN_SETTING)).toEqual(expect.any(Number));
    expect(await quiet.store.dataVersion()).toBe(before);

    const busy = await testSite([await recordingReactor('reactor', ['tap_cron'])]);
    const was = await busy.store.dataVersion();
    await busy.runCron();
    expect(await busy.store.dataVersion()).not.toBe(was);
  });
});
