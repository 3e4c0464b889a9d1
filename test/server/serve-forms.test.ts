/**
 * Plugin forms (`#type: form`) on `trovato serve`, as a browser without scripts sends them: a
 * plain form post to the page that shows the form runs tap_form_validate and tap_form_submit;
 * a refusal shows the page again with the message next to its field and the entered values;
 * success redirects back (post, redirect, get) with the plugin's message shown once. The form
 * is kitchen_sink's ks_form (test/fixtures/host-probe/kitchen_sink), beside the reference plugins.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_USERS } from '../../src/site/roles.js';
import type { Site } from '../../src/site/site.js';
import { listen, type ListeningServer } from '../../src/server/http-server.js';
import { openServedSite } from '../../src/server/served-site.js';
import { createSiteApp } from '../../src/server/site-app.js';
import { fixturePlugin } from '../support/fixture-plugin.js';
import { REFERENCE_PLUGINS } from './served-process.js';

const [ANONYMOUS, , ADMIN] = DEMO_USERS;

let dir: string;
let site: Site;
let server: ListeningServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trovato-serve-forms-'));
  const opened = await openServedSite({ plugins: REFERENCE_PLUGINS, database: join(dir, 'site.db'), sources: [fixturePlugin('kitchen_sink')] });
  expect(opened.problems).toEqual([]);
  site = opened.site;
  server = await listen(createSiteApp(site), 0);
}, 120_000);

afterAll(async () => {
  await server?.close();
  await site?.store.close();
  await rm(dir, { recursive: true, force: true });
});

function post(path: string, form: Record<string, string>, cookie = `trovato_user=${encodeURIComponent(ADMIN.id)}`): Promise<Response> {
  return fetch(server.url + path, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
    redirect: 'manual',
  });
}

/** What the plugin's tap_form_submit stored: the values it was given, or null. */
function submitted(): unknown {
  const work = site.store.beginWork(site.kernel.user({ id: ADMIN.id, roles: [...ADMIN.roles] }));
  const text = work.getVariable('kitchen_sink', 'submitted');
  work.discard();
  return text === undefined ? null : JSON.parse(text);
}

describe('plugin forms on trovato serve', () => {
  it('render as a form that posts to its page, naming the form in a hidden field', async () => {
    const page = await (await fetch(`${server.url}/kitchen-sink`, { headers: { cookie: `trovato_user=${encodeURIComponent(ADMIN.id)}` } })).text();
    expect(page).toContain('<form method="post"><input type="hidden" name="trovato_form_id" value="ks_form">');
    expect(page).toContain('name="name"');
    expect(page).toContain('Altered by kitchen_sink');
  });

  it('a refused post shows the page again (422): the message next to its field, the entered values kept, nothing submitted', async () => {
    const response = await post('/kitchen-sink', { trovato_form_id: 'ks_form', name: '', city: 'Turin <b>' });
    expect(response.status).toBe(422);
    const page = await response.text();
    expect(page).toMatch(/name="name" value="">.*<p class="field-error">Give a name\.<\/p>/s);
    expect(page).toContain('name="city" value="Turin &lt;b&gt;"');
    expect(submitted()).toBeNull();
  });

  it('an accepted post redirects back (303) and the next page shows the plugin\'s message once', async () => {
    const response = await post('/kitchen-sink', { trovato_form_id: 'ks_form', name: 'Ada', city: 'Turin' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/kitchen-sink');
    const flash = response.headers.get('set-cookie') ?? '';
    expect(flash).toMatch(/^trovato_notice=Thanks%2C%20Ada\.; Path=\/; Max-Age=60; HttpOnly; SameSite=Lax$/);
    expect(submitted()).toEqual({ name: 'Ada', city: 'Turin' });

    const cookie = `trovato_user=${encodeURIComponent(ADMIN.id)}; ${flash.split(';')[0]}`;
    const next = await fetch(`${server.url}/kitchen-sink`, { headers: { cookie } });
    expect(await next.text()).toContain('<p class="notice" role="status">Thanks, Ada.</p>');
    expect(next.headers.get('set-cookie')).toContain('trovato_notice=; Path=/; Max-Age=0');
  });

  it('refuses a post of a form the page does not show, and the page\'s access holds for posts', async () => {
    const unknown = await post('/kitchen-sink', { trovato_form_id: 'other_form', name: 'x' });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('The page /kitchen-sink has no such form: it got a post of the form &quot;other_form&quot;.');
    const none = await post('/blog', { name: 'x' });
    expect(none.status).toBe(400);
    // The anonymous user may not see /kitchen-sink, so may not post its form either.
    const denied = await post('/kitchen-sink', { trovato_form_id: 'ks_form', name: 'Eve' }, `trovato_user=${encodeURIComponent(ANONYMOUS.id)}`);
    expect(denied.status).toBe(403);
    expect(submitted()).toEqual({ name: 'Ada', city: 'Turin' });
  });
});

describe('page data for the served site\'s scripts (GET and POST /_trovato/page)', () => {
  const get = async (path: string, user: { id: string } = ADMIN): Promise<{ status: number; body: Record<string, unknown> }> => {
    const response = await fetch(`${server.url}/_trovato/page?${new URLSearchParams({ path })}`, { headers: { cookie: `trovato_user=${encodeURIComponent(user.id)}` } });
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('answers a plugin page as its unrendered tree, with the route\'s title and plugin, and the query passed on', async () => {
    const { status, body } = await get('/blog?page=1');
    expect(status).toBe(200);
    expect(body).toMatchObject({ kind: 'plugin', path: '/blog', title: 'Blog', plugin: 'blog', tree: { '#type': 'container' } });
  });

  it('decides access on the server from the session cookie, never from the client', async () => {
    expect((await get('/kitchen-sink', ANONYMOUS)).body).toMatchObject({ kind: 'status', status: 403 });
    expect((await get('/kitchen-sink', ADMIN)).body).toMatchObject({ kind: 'plugin', plugin: 'kitchen_sink' });
    expect((await get('/no/such/page')).body).toMatchObject({ kind: 'status', status: 404, message: 'No page lives at /no/such/page.' });
  });

  it('answers an item page as its render, without the raw fields or the dispatch trace, and the pages it does not build as documents', async () => {
    const welcome = await site.listItems({ type: 'blog', limit: 1 }, { id: ADMIN.id, roles: [...ADMIN.roles] });
    const { body } = await get(`/item/${welcome.items[0].id}`);
    expect(body).toMatchObject({ kind: 'item', canEdit: true, page: { item: { id: welcome.items[0].id, title: welcome.items[0].title, fields: {} }, trace: [] } });
    expect(JSON.stringify(body)).toContain('"#type"');
    expect((await get('/admin/content?type=blog')).body).toEqual({ kind: 'document', href: '/admin/content?type=blog' });
    expect((await get('/')).body).toEqual({ kind: 'document', href: '/' });
    expect((await get('//evil.example/')).status).toBe(400);
  });

  it('serves the script that takes over its pages (bundled from the sources when run from them)', async () => {
    const response = await fetch(`${server.url}/assets/site.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await response.text()).toContain('trovato-served-site');
  });

  it('runs a posted plugin form and answers the form result as data', async () => {
    const post = (form: Record<string, string>) =>
      fetch(`${server.url}/_trovato/page?${new URLSearchParams({ path: '/kitchen-sink' })}`, {
        method: 'POST',
        headers: { cookie: `trovato_user=${encodeURIComponent(ADMIN.id)}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      });
    expect(await (await post({ trovato_form_id: 'ks_form', name: '' })).json()).toEqual({ ok: false, fieldErrors: [{ field: 'name', message: 'Give a name.' }], errors: [] });
    expect(await (await post({ trovato_form_id: 'ks_form', name: 'Lin', city: 'Oslo' })).json()).toEqual({ ok: true, messages: ['Thanks, Lin.'], errors: [] });
    expect(submitted()).toEqual({ name: 'Lin', city: 'Oslo' });
    const unknown = await post({ trovato_form_id: 'nope', name: 'x' });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ ok: false, errors: [expect.stringContaining('has no such form')] });
  });
});
