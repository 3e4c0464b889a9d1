/**
 * The reference blog in pages: /blog with 1,000 published posts renders within the kernel's
 * default fuel, 20 posts a page with a pager, on the browser's store (IndexedDB, fake-indexeddb
 * here: the same kernel as the page's worker) and served over HTTP from SQLite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPluginFolder } from '../../src/build/plugin-folder.js';
import type { PluginSource } from '../../src/kernel/plugin/loader.js';
import { DEMO_USERS } from '../../src/site/roles.js';
import { openSite, type Site } from '../../src/site/site.js';
import { nodeIndexedDB } from '../../src/kernel/storage/node-indexeddb.js';
import { openSiteStore } from '../../src/kernel/storage/site-store.js';
import { listen, type ListeningServer } from '../../src/server/http-server.js';
import { openServedSite } from '../../src/server/served-site.js';
import { createSiteApp } from '../../src/server/site-app.js';
import { seedPublishedPosts } from '../support/blog-posts.js';
import { REFERENCE_PLUGINS } from './served-process.js';

const POSTS = 1000;
const ANONYMOUS = { id: DEMO_USERS[0].id, roles: [...DEMO_USERS[0].roles] };


let dir: string;
let sources: PluginSource[];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trovato-blog-pages-'));
  ({ sources } = await readPluginFolder(REFERENCE_PLUGINS));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('/blog with 1,000 posts in the kernel the page runs (IndexedDB store, default fuel)', () => {
  let site: Site;
  beforeAll(async () => {
    const store = await openSiteStore({ name: `blog-pages-${crypto.randomUUID()}`, indexedDB: nodeIndexedDB() });
    site = await openSite({ store, sources });
    await seedPublishedPosts(store, POSTS);
  }, 120_000);
  afterAll(async () => {
    await site?.store.close();
  });

  it('shows the newest 20 posts and a pager to page 2, within the default fuel', async () => {
    const response = await site.kernel.callRoute('/blog', { user: ANONYMOUS });
    expect(response?.result.error).toBeUndefined();
    const page = response!.result.output as Record<string, Record<string, unknown>>;
    const links = Object.values(page.posts).filter((v): v is Record<string, Record<string, unknown>> => typeof v === 'object' && v !== null && 'link' in v);
    expect(links).toHaveLength(20);
    expect(links[0].link['#title']).toBe('Post number 999');
    expect(page.pager).toEqual({ '#type': 'pager', '#url': '/blog', '#page': 1, '#more': true });
  });

  it('serves the last page and explains a page past the end or not a number', async () => {
    // The install-time welcome post is the 1,001st: page 51 is the last, with no Next link.
    const last = await site.kernel.callRoute('/blog', { user: ANONYMOUS, query: { page: '51' } });
    const lastPage = last!.result.output as Record<string, unknown>;
    expect(JSON.stringify(lastPage)).toContain('A first post, written by a plugin');
    expect(lastPage.pager).toEqual({ '#type': 'pager', '#url': '/blog', '#page': 51, '#more': false });
    const past = await site.kernel.callRoute('/blog', { user: ANONYMOUS, query: { page: '52' } });
    expect(JSON.stringify(past?.result.output)).toContain('There is no page 52; the blog has fewer posts than that.');
    const junk = await site.kernel.callRoute('/blog', { user: ANONYMOUS, query: { page: '2x' } });
    expect(JSON.stringify(junk?.result.output)).toContain('\\"2x\\" is not a page number');
  });
});

describe('/blog with 1,000 posts from `trovato serve` (SQLite, default fuel)', () => {
  let site: Site;
  let server: ListeningServer;
  beforeAll(async () => {
    ({ site } = await openServedSite({ plugins: REFERENCE_PLUGINS, database: join(dir, 'blog.db') }));
    await seedPublishedPosts(site.store, POSTS);
    server = await listen(createSiteApp(site), 0);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await site?.store.close();
  });

  it('renders page 1 and page 2 as HTML with rel="next" and rel="prev" links', async () => {
    const first = await fetch(`${server.url}/blog`);
    expect(first.status).toBe(200);
    const html = await first.text();
    expect(html.match(/href="\/blog\/post-\d+"/g)).toHaveLength(20);
    expect(html).toContain('href="/blog/post-999"');
    expect(html).toContain('<a href="/blog?page=2" data-route="/blog?page=2" rel="next">Next</a>');
    expect(html).not.toContain('rel="prev"');

    const second = await (await fetch(`${server.url}/blog?page=2`)).text();
    expect(second).toContain('href="/blog/post-979"');
    expect(second).toContain('<a href="/blog" data-route="/blog" rel="prev">Previous</a>');
    expect(second).toContain('<span aria-current="page">Page 2</span>');
  });
});
