/**
 * The site services over the reference plugins as `npm run build:plugins` builds them into
 * public/plugins (the `pretest` script does so before `npm test`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PluginSource } from '../kernel/plugin/loader.js';
import { DEMO_USERS } from './roles.js';
import { siteName, testSite } from './site-fixtures.test-support.js';

const [ANONYMOUS, EDITOR, ADMINISTRATOR] = DEMO_USERS;
const BUILT = join(import.meta.dirname, '../../public/plugins');

function built(name: string): PluginSource {
  const dir = join(BUILT, name);
  if (!existsSync(join(dir, `${name}.wasm`))) throw new Error(`${dir}/${name}.wasm is missing: run \`npm run build:plugins\` first.`);
  return { name, manifest: readFileSync(join(dir, `${name}.info.toml`), 'utf8'), wasm: new Uint8Array(readFileSync(join(dir, `${name}.wasm`))) };
}

describe('the site with blog, categories and hello', () => {
  it("refuses hello's guarded route to users without its permission", async () => {
    const site = await testSite(['hello', 'categories', 'blog'].map(built));
    const denied = await site.kernel.callRoute('/hello/secret', { user: ANONYMOUS });
    expect(denied?.result).toMatchObject({ errorCode: 'ACCESS_DENIED', error: 'Access denied: /hello/secret needs the permission "see hello secrets".' });
    const granted = await site.kernel.callRoute('/hello/secret', { user: { ...ADMINISTRATOR, roles: [...ADMINISTRATOR.roles] } });
    expect(JSON.stringify(granted?.result.output)).toContain('every page here is a WebAssembly export');
  });

  it("greets a new site with blog's first post, written once by tap_install", async () => {
    const site = await testSite(['hello', 'categories', 'blog'].map(built));
    const listing = await site.kernel.callRoute('/blog', { user: ANONYMOUS });
    expect(JSON.stringify(listing?.result.output)).toContain('A first post, written by a plugin');
    const { items, total } = await site.listItems({ type: 'blog' }, ANONYMOUS);
    expect(total).toBe(1);
    expect(items[0]).toMatchObject({ status: 1, fields: { slug: 'welcome' } });
  });

  it('declares their content types, renders a post with blog, adds tag links with categories, and guards the dependency', async () => {
    const site = await testSite(['hello', 'categories', 'blog'].map(built));
    expect(site.report().order).toEqual(expect.arrayContaining(['blog', 'categories', 'hello']));
    const types = await site.contentTypes();
    expect(types.map((t) => t.machine_name).sort()).toEqual(expect.arrayContaining(['blog', 'category_term']));

    const term = await site.saveItem({ item_type: 'category_term', title: 'News', status: 1, fields: {} }, EDITOR);
    expect(term.ok).toBe(true);
    if (!term.ok) return;
    const missingSlug = await site.saveItem({ item_type: 'blog', title: 'Hello', status: 1, fields: { body: 'Hi' } }, EDITOR);
    expect(missingSlug).toMatchObject({ ok: false, errors: [{ field: 'slug', message: 'URL slug is required.' }] });
    const post = await site.saveItem(
      { item_type: 'blog', title: 'Hello world', status: 1, fields: { body: { value: 'First post', format: 'plain_text' }, slug: 'hello-world', tags: [term.item.id] } },
      EDITOR,
    );
    expect(post.ok).toBe(true);
    if (!post.ok) return;

    const page = await site.viewItem(post.item.id, ANONYMOUS);
    expect(page.access).toBe('granted');
    expect(page.renderPlugin).toBe('blog');
    expect(page.errors).toEqual([]);
    const rendered = JSON.stringify(page.render);
    expect(rendered).toContain('Hello world');
    expect(rendered).toContain(`/tags/${term.item.id}`);

    expect(await site.setPluginEnabled('categories', false)).toEqual({
      ok: false,
      error: 'Cannot disable "categories": blog depends on it. Disable blog first.',
    });
  });

  it('after reopening, the plugins read the items loaded on demand: a post page and the listing, with no error logged', async () => {
    const name = siteName();
    const first = await testSite(['hello', 'categories', 'blog'].map(built), name);
    for (const i of [1, 2]) {
      const saved = await first.saveItem({ item_type: 'blog', title: `Post ${i}`, status: 1, fields: { body: { value: `Body ${i}`, format: 'plain_text' }, slug: `post-${i}` } }, EDITOR);
      expect(saved.ok).toBe(true);
    }
    await first.store.close();

    // The store opens without its items: the first read of each runs its request again.
    const site = await testSite(['hello', 'categories', 'blog'].map(built), name);
    const post = await site.kernel.callRoute('/blog/post-2', { user: ANONYMOUS });
    expect(post?.result.error).toBeUndefined();
    expect(JSON.stringify(post?.result.output)).toContain('Body 2');
    const listing = await site.kernel.callRoute('/blog', { user: ANONYMOUS });
    const html = JSON.stringify(listing?.result.output);
    for (const title of ['Post 1', 'Post 2', 'A first post, written by a plugin']) expect(html).toContain(title);
    expect(await site.readLogs({ level: 'error' })).toEqual([]);
  });
});
