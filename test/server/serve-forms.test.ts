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
import { DEMO_USERS } from '../../src/kernel/site/roles.js';
import type { Site } from '../../src/kernel/site/site.js';
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
