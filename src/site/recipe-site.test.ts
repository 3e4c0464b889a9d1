/**
 * Recipes and site exports over the reference plugins (built into public/plugins by `pretest`),
 * on fake-indexeddb: a recipe builds a site, the site exports to a zip and to a recipe, each
 * imports into a fresh database with the same items and the same rendered pages; a recipe that
 * fails at any step leaves no database behind.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PluginSource } from '../kernel/plugin/loader.js';
import { nodeIndexedDB } from '../kernel/storage/node-indexeddb.js';
import { openSiteStore } from '../kernel/storage/site-store.js';
import blogDemo from '../recipe/examples/blog-demo.recipe.json' with { type: 'json' };
import { parseRecipe, recipeFromFragment, recipeToFragment, type Recipe } from '../recipe/recipe.js';
import { applyRecipe, fetchWasm, type RecipeEnvironment } from './apply-recipe.js';
import { sha256Hex } from '../kernel/common/digest.js';
import { DEMO_USERS } from './roles.js';
import { collectSite, exportToZip, importSite, readSiteZip, siteToRecipe } from './site-export.js';
import { siteName } from './site-fixtures.test-support.js';
import type { Site } from './site.js';

const [ANONYMOUS, EDITOR] = DEMO_USERS;
const BUILT = join(import.meta.dirname, '../../public/plugins');

function built(name: string): PluginSource {
  const dir = join(BUILT, name);
  if (!existsSync(join(dir, `${name}.wasm`))) throw new Error(`${dir}/${name}.wasm is missing: run \`npm run build:plugins\` first.`);
  return { name, manifest: readFileSync(join(dir, `${name}.info.toml`), 'utf8'), wasm: new Uint8Array(readFileSync(join(dir, `${name}.wasm`))) };
}

async function databaseExists(name: string): Promise<boolean> {
  return (await nodeIndexedDB().databases()).some((db) => db.name === name);
}

function environment(name: string, extra: Partial<RecipeEnvironment> = {}): RecipeEnvironment {
  const factory = nodeIndexedDB();
  return {
    openStore: () => openSiteStore({ name, indexedDB: factory }),
    deleteStore: () =>
      new Promise((done, fail) => {
        const request = factory.deleteDatabase(name);
        request.onsuccess = () => done();
        request.onerror = () => fail(request.error);
      }),
    referencePlugin: async (plugin) => built(plugin),
    fetchBytes: fetchWasm,
    ...extra,
  };
}

function post(title: string, slug: string, author: 'editor' | 'administrator' = 'editor'): Recipe['steps'][number] {
  return { step: 'item', item_type: 'blog', title, author, status: 1, fields: { slug, body: { value: `<p>${title}</p>`, format: 'filtered_html' } } };
}

/** The blog demo: three plugins, three posts, a grant and a variable, opening at /blog as the editor. */
const BLOG_DEMO = blogDemo as Recipe;

async function applied(recipe: Recipe, name = siteName(), extra: Partial<RecipeEnvironment> = {}): Promise<Site> {
  const result = await applyRecipe(recipe, environment(name, extra));
  if (!result.ok) throw new Error(`${result.problem.step}: ${result.problem.message}`);
  return result.site;
}

/** What a visitor sees: every item, and every page the blog renders, as anonymous and as the editor. */
async function pages(site: Site): Promise<unknown> {
  const items = (await site.listItems({}, EDITOR)).items;
  const rendered: Record<string, unknown> = {};
  for (const user of [ANONYMOUS, EDITOR]) {
    const spec = { id: user.id, roles: [...user.roles] };
    rendered[`${user.id} /blog`] = (await site.kernel.callRoute('/blog', { user: spec }))?.result.output;
    for (const item of items) {
      if (item.item_type === 'blog') rendered[`${user.id} /blog/${String(item.fields.slug)}`] = (await site.kernel.callRoute(`/blog/${String(item.fields.slug)}`, { user: spec }))?.result.output;
      rendered[`${user.id} /item/${item.id}`] = (await site.viewItem(item.id, spec)).render;
    }
  }
  return { items: [...items].sort((a, b) => (a.id < b.id ? -1 : 1)), rendered, plugins: (await site.plugins()).map((p) => [p.name, p.status]), users: await site.users() };
}

describe('a recipe builds a site', () => {
  it('with its plugins, enabled state, grants, variables and posts', async () => {
    const site = await applied(BLOG_DEMO);
    const statuses = Object.fromEntries((await site.plugins()).map((p) => [p.name, p.status]));
    expect(statuses).toEqual({ blog: 'enabled', categories: 'enabled', hello: 'disabled' });
    const { items } = await site.listItems({ type: 'blog' }, ANONYMOUS);
    expect(items.map((i) => i.title).sort()).toEqual(['A first post, written by a plugin', 'A recipe in a link', 'Export, import, identical', 'Plugins all the way down']);
    expect(items.find((i) => i.title === 'A recipe in a link')?.author_id).toBe(EDITOR.id);
    expect((await site.users()).find((u) => u.id === EDITOR.id)?.permissions).toContain('view logs');
    const listing = JSON.stringify((await site.kernel.callRoute('/blog', { user: ANONYMOUS }))?.result.output);
    expect(listing).toContain('Plugins all the way down');
    const snapshot = await site.store.snapshot();
    expect(snapshot.variables).toContainEqual({ plugin: 'hello', name: 'greeting', value: '"Hi from a recipe"' });
    await site.store.close();
  });
});

describe('a recipe applied onto an existing site', () => {
  it('starts from the site as exported, adds its steps, and leaves the original database as it was', async () => {
    const original = await applied(BLOG_DEMO);
    const base = await collectSite(original.store, []);
    const result = await applyRecipe({ recipe: 1, steps: [{ step: 'plugin', name: 'hello' }, post('Added later', 'later')] }, { ...environment(siteName()), base });
    if (!result.ok) throw new Error(result.problem.message);
    const titles = (await result.site.listItems({}, EDITOR)).items.map((i) => i.title);
    expect(titles).toHaveLength(5);
    expect(titles).toContain('Added later');
    expect(Object.fromEntries((await result.site.plugins()).map((p) => [p.name, p.status]))).toEqual({ blog: 'enabled', categories: 'enabled', hello: 'enabled' });
    expect((await original.listItems({}, EDITOR)).total).toBe(4);
    await Promise.all([original.store.close(), result.site.store.close()]);
  });
});

describe('export and import', () => {
  it('restores the zip into a fresh database: the same items and the same rendered pages', async () => {
    const original = await applied(BLOG_DEMO);
    const zip = exportToZip(await collectSite(original.store, []));
    const read = await readSiteZip(zip);
    if (!read.ok) throw new Error(read.error);
    const name = siteName();
    const imported = await importSite(read.site, environment(name));
    if (!imported.ok) throw new Error(imported.error);
    const seen = await pages(imported.site);
    expect(seen).toEqual(await pages(original));
    // The comparison is of real pages: four posts, each rendered by blog with its title.
    expect((seen as { items: unknown[] }).items).toHaveLength(4);
    expect(JSON.stringify((seen as { rendered: Record<string, unknown> }).rendered[`${ANONYMOUS.id} /blog/export-import`])).toContain('Export, import, identical');
    await Promise.all([original.store.close(), imported.site.store.close()]);
  });

  it('restores the recipe form of the export through a link: the same items and pages', async () => {
    const original = await applied(BLOG_DEMO);
    const references = Object.fromEntries(await Promise.all(['blog', 'categories', 'hello'].map(async (n) => [n, await sha256Hex(built(n).wasm)] as const)));
    const recipe = siteToRecipe(await collectSite(original.store, []), { referenceHashes: references, landing: '/blog' });
    expect(recipe.steps.filter((s) => s.step === 'plugin').every((s) => s.step === 'plugin' && s.wasm === undefined)).toBe(true);
    const fragment = recipeToFragment(recipe);
    const opened = recipeFromFragment(fragment);
    if (!opened.ok) throw new Error(opened.problem.message);
    const copy = await applied(opened.recipe);
    expect(await pages(copy)).toEqual(await pages(original));
    await Promise.all([original.store.close(), copy.store.close()]);
  });

  it('carries a plugin that is not a reference plugin inline, checked by its sha256', async () => {
    const original = await applied(BLOG_DEMO);
    const recipe = siteToRecipe(await collectSite(original.store, []), { referenceHashes: {} });
    const blog = recipe.steps.find((s) => s.step === 'plugin' && s.name === 'blog');
    expect(blog).toMatchObject({ wasm: expect.any(String), sha256: await sha256Hex(built('blog').wasm) });
    const copy = await applied(recipe, siteName(), { referencePlugin: () => Promise.reject(new Error('no reference plugins here')) });
    expect(await pages(copy)).toEqual(await pages(original));
    await Promise.all([original.store.close(), copy.store.close()]);
  });

  it('refuses a zip whose wasm was changed, and one that is not a zip', async () => {
    const original = await applied(BLOG_DEMO);
    const exported = await collectSite(original.store, []);
    exported.plugins[0] = { ...exported.plugins[0], wasm: built('hello').wasm };
    const read = await readSiteZip(exportToZip(exported));
    expect(read).toMatchObject({ ok: false, error: expect.stringContaining('was changed') });
    expect(await readSiteZip(new TextEncoder().encode('not a zip'))).toMatchObject({ ok: false, error: expect.stringContaining('not a zip') });
    await original.store.close();
  });
});

describe('a recipe that fails is not applied at all', () => {
  async function refusedAt(recipe: Recipe, extra: Partial<RecipeEnvironment> = {}): Promise<{ step: string; message: string }> {
    const name = siteName();
    const result = await applyRecipe(recipe, environment(name, extra));
    if (result.ok) throw new Error('expected the recipe to be refused');
    expect(await databaseExists(name)).toBe(false);
    expect(result.problem.message).toContain('Nothing of the recipe was applied');
    return result.problem;
  }

  it('when a wasm fails its integrity check', async () => {
    const wasm = Buffer.from(built('hello').wasm).toString('base64');
    const problem = await refusedAt({ recipe: 1, steps: [{ step: 'plugin', name: 'hello', manifest: built('hello').manifest, wasm, sha256: '0'.repeat(64) }] });
    expect(problem).toMatchObject({ step: 'step 1 (plugin "hello")', message: expect.stringContaining('Integrity check failed') });
  });

  it('when a wasm URL is unreachable', async () => {
    const problem = await refusedAt({ recipe: 1, steps: [{ step: 'plugin', name: 'far', manifest: 'name = "far"', url: 'http://127.0.0.1:9/far.wasm', sha256: '0'.repeat(64) }] });
    expect(problem).toMatchObject({ step: 'step 1 (plugin "far")', message: expect.stringContaining('could not be fetched') });
  });

  it('when a reference plugin does not exist', async () => {
    const problem = await refusedAt({ recipe: 1, steps: [{ step: 'plugin', name: 'nowhere' }] });
    expect(problem.step).toBe('step 1 (plugin "nowhere")');
  });

  it('when a late step fails after plugins and posts were already stored', async () => {
    const recipe: Recipe = { ...BLOG_DEMO, steps: [...BLOG_DEMO.steps, { step: 'item', item_type: 'blog', title: 'No slug', fields: { body: { value: 'x', format: 'plain_text' } } }] };
    const problem = await refusedAt(recipe);
    expect(problem).toMatchObject({ step: 'step 9 (item "No slug")', message: expect.stringContaining('slug') });
  });

  it('when an item names a content type no plugin declares', async () => {
    const problem = await refusedAt({ recipe: 1, steps: [{ step: 'plugin', name: 'hello' }, { step: 'item', item_type: 'gallery', title: 'Pics', fields: {} }] });
    expect(problem).toMatchObject({ step: 'step 2 (item "Pics")', message: expect.stringContaining('no content type "gallery"') });
  });

  it('when a grant names a permission no plugin, content type or the kernel declares', async () => {
    const problem = await refusedAt({ recipe: 1, steps: [{ step: 'plugin', name: 'hello' }, { step: 'grant', role: 'editor', permissions: ['see helo secrets'] }] });
    expect(problem).toMatchObject({ step: 'step 2 (grant to editor)', message: expect.stringContaining('Unknown permission "see helo secrets"') });
  });

  it('while the schema check refuses a recipe before any step runs', () => {
    expect(parseRecipe(JSON.stringify({ recipe: 1, steps: [{ step: 'plugin', name: 'x', url: 'https://example.org/x.wasm', manifest: 'name = "x"' }] }))).toMatchObject({ ok: false, problem: { step: 'step 1 (plugin "x")' } });
  });
});
