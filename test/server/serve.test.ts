/**
 * `trovato serve` on the embedded store, over real HTTP: the reference plugins (public/plugins,
 * built by `npm test`'s pretest) on a SQLite file in a temp folder. The site flows a visitor, an
 * editor and an administrator go through, a failing route that commits nothing, and a restart
 * that keeps every committed write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { PluginSource } from '../../src/kernel/plugin/loader.js';
import { DEMO_USERS } from '../../src/site/roles.js';
import type { Site } from '../../src/site/site.js';
import { listen, type ListeningServer } from '../../src/server/http-server.js';
import { openServedSite } from '../../src/server/served-site.js';
import { createSiteApp } from '../../src/server/site-app.js';
import { VARIABLES, data } from '../hostile/plugins.js';
import { constantJson, watPlugin } from '../support/wat-plugin.js';

const PLUGINS = resolve(import.meta.dirname, '../../public/plugins');
const [ANONYMOUS, EDITOR, ADMIN] = DEMO_USERS;

/**
 * crasher: declares /crash, whose callback sets its variable `touched` and then traps; the
 * write must not survive the request.
 */
async function crasher(): Promise<PluginSource> {
  const menu = constantJson(64, JSON.stringify([{ path: '/crash', title: 'Crash', callback: 'crash_page' }]));
  return watPlugin({
    name: 'crasher',
    imports: VARIABLES,
    fields: data(16, 'touched') + data(32, '"yes"') + menu.data,
    exports: {
      tap_menu: menu.body,
      crash_page: '(drop (call $vset (i32.const 16) (i32.const 7) (i32.const 32) (i32.const 5))) (unreachable)',
    },
    taps: ['tap_menu'],
  });
}

let dir: string;
let database: string;
let site: Site;
let server: ListeningServer;
let extra: PluginSource[];

async function start(): Promise<void> {
  const opened = await openServedSite({ plugins: PLUGINS, database, sources: extra });
  expect(opened.problems).toEqual([]);
  site = opened.site;
  server = await listen(createSiteApp(site), 0);
}

async function stop(): Promise<void> {
  await server.close();
  await site.store.close();
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trovato-serve-'));
  database = join(dir, 'site.db');
  extra = [await crasher()];
  await start();
}, 120_000);

afterAll(async () => {
  await stop();
  await rm(dir, { recursive: true, force: true });
});

function as(user: { id: string } | null) {
  const cookie: Record<string, string> = user ? { cookie: `trovato_user=${encodeURIComponent(user.id)}` } : {};
  return {
    get: (path: string) => fetch(server.url + path, { headers: cookie, redirect: 'manual' }),
    post: (path: string, form: Record<string, string>) =>
      fetch(server.url + path, {
        method: 'POST',
        headers: { ...cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
        redirect: 'manual',
      }),
  };
}

describe('trovato serve (SQLite)', () => {
  it('serves plugin routes as server-rendered HTML, with the menu and the install-time post', async () => {
    const response = await as(null).get('/blog');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const page = await response.text();
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('<title>Blog · Trovato</title>');
    expect(page).toContain('<a href="/blog/welcome" data-route="/blog/welcome">A first post, written by a plugin</a>');
    expect(page).toMatch(/<nav aria-label="Site">.*href="\/blog"/s);
    // The visitor has no admin links.
    expect(page).not.toContain('/admin/content');
  });

  it('renders a post page through the same renderer: sanitized filtered_html, plugin links marked internal', async () => {
    const page = await (await as(null).get('/blog/welcome')).text();
    expect(page).toContain('<strong>blog</strong>');
    // The one script is the site's own; nothing from the post's markup runs.
    expect(page.match(/<script[^>]*>/g)).toEqual(['<script type="module" src="/assets/site.js">']);
    // The first filtered_html page of a thread loads jsdom for the sanitizer: seconds on a busy machine.
  }, 60_000);

  it('has a home page listing the pages the user may visit', async () => {
    const response = await as(null).get('/');
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('<h1>Welcome to Trovato</h1>');
    expect(page).toMatch(/<main id="main">.*<li><a href="\/blog">Blog<\/a><\/li>/s);
  });

  it('answers 404 for an unknown path and 403 when the user lacks the permission, naming it', async () => {
    const missing = await as(null).get('/no/such/page');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('No page is at /no/such/page.');
    const denied = await as(null).get('/item/add/blog');
    expect(denied.status).toBe(403);
    expect(await denied.text()).toContain('create blog content');
    expect((await as(null).get('/admin/plugins')).status).toBe(403);
  });

  it('switches user with a cookie through the header form', async () => {
    const response = await as(null).post('/user', { user: EDITOR.id, return: '/blog' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/blog');
    expect(response.headers.get('set-cookie')).toContain(`trovato_user=${encodeURIComponent(EDITOR.id)}`);
    const evil = await as(null).post('/user', { user: EDITOR.id, return: '//evil.example/' });
    expect(evil.headers.get('location')).toBe('/');
  });

  it('an editor writes a post through the form; text is escaped; it shows on /blog and at its own page', async () => {
    const editor = as(EDITOR);
    const form = await editor.get('/item/add/blog');
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('name="field.slug"');

    const invalid = await editor.post('/item/add/blog', { title: 'No body', 'field.slug': 'no-body', status: '1' });
    expect(invalid.status).toBe(422);
    expect(await invalid.text()).toMatch(/Body/);

    const saved = await editor.post('/item/add/blog', {
      title: 'Served <script>alert(1)</script>',
      'field.body': '<p onclick="x()">Hello from the server</p>',
      'field.body.format': 'filtered_html',
      'field.slug': 'served',
      status: '1',
    });
    expect(saved.status).toBe(303);
    const location = saved.headers.get('location')!;
    expect(location).toMatch(/^\/item\/[0-9a-f-]{36}$/);

    const item = await (await as(null).get(location)).text();
    expect(item).toContain('Served &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(item).toContain('<p>Hello from the server</p>');
    expect(item).not.toContain('onclick');
    const list = await (await as(null).get('/blog')).text();
    expect(list).toContain('href="/blog/served"');
    // The editor may edit their own post; the visitor may not.
    expect(item).not.toContain('/edit');
    expect(await (await editor.get(location)).text()).toContain(`${location}/edit`);
  });

  it('the administrator sees the content, plugins and logs pages', async () => {
    const admin = as(ADMIN);
    const content = await admin.get('/admin/content');
    expect(content.status).toBe(200);
    expect(await content.text()).toContain('A first post, written by a plugin');
    const plugins = await (await admin.get('/admin/plugins')).text();
    expect(plugins).toMatch(/<td>blog <small>/);
    expect((await admin.get('/admin/logs')).status).toBe(200);
    expect((await as(ANONYMOUS).get('/admin/content')).status).toBe(403);
  });

  it('a route whose callback traps answers 500 naming the plugin, and commits nothing it wrote', async () => {
    const response = await as(null).get('/crash');
    expect(response.status).toBe(500);
    expect(await response.text()).toMatch(/Plugin &quot;crasher&quot; failed|Plugin "crasher" failed/);
    expect(site.store.beginWork(site.kernel.user()).getVariable('crasher', 'touched')).toBeUndefined();
  });

  it('keeps every committed write across a restart on the same database file', async () => {
    await stop();
    await start();
    const list = await (await as(null).get('/blog')).text();
    expect(list).toContain('href="/blog/served"');
    // tap_install ran once: the welcome post is not written twice.
    expect(list.match(/href="\/blog\/welcome"/g)).toHaveLength(1);
  });
});
