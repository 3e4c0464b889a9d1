/**
 * Recipes, exports and imports end to end, on the BUILT site in Debian's Chromium: the blog demo
 * opens from a link in a database of its own at its landing page as its user, leaving the
 * visitor's site untouched; a site exported as a zip imports in a fresh browser context with
 * the same items and the same pages; bad links are refused naming the step, and leave nothing.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright';
import { startBuiltSite, type BuiltSite } from '../support/built-site.js';
import { recipeToFragment, type Recipe } from '../../src/recipe/recipe.js';
import blogDemo from '../../src/recipe/examples/blog-demo.recipe.json' with { type: 'json' };

const WAIT = 90_000;
const BLOG_DEMO = blogDemo as Recipe;
const POSTS = ['Plugins all the way down', 'A recipe in a link', 'Export, import, identical'];

let site: BuiltSite;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  site = await startBuiltSite('recipes');
}, 180_000);

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});

afterAll(async () => {
  await site?.close();
});

function url(path: string): string {
  return new URL(path.replace(/^\//, ''), site.baseUrl).href;
}

async function newPage(): Promise<{ page: Page; errors: string[] }> {
  const context = await site.browser.newContext({ viewport: { width: 1200, height: 900 }, acceptDownloads: true });
  contexts.push(context);
  context.setDefaultTimeout(WAIT);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('dialog', (dialog) => void dialog.accept());
  return { page, errors };
}

async function booted(page: Page): Promise<void> {
  await page.getByLabel('Viewing as').waitFor();
  await page.locator('main[aria-busy="false"]').waitFor();
}

async function actAs(page: Page, name: string): Promise<void> {
  await page.getByLabel('Viewing as').selectOption({ label: name });
  await page.locator('main[aria-busy="false"]').waitFor();
}

/** Shows `path` through the site's own router (no reload) and returns the page's text. */
async function textOf(page: Page, path: string): Promise<string> {
  await page.locator('trovato-site').evaluate((el, p) => (el as HTMLElement & { navigate(path: string): void }).navigate(p), path);
  await page.waitForFunction((p) => location.pathname === p, path);
  await page.locator('main[aria-busy="false"]').waitFor();
  return page.locator('.sheet').evaluate(deepText);
}

/** The text of `root` and of every shadow root below it (innerText stops at shadow boundaries). */
function deepText(root: Node): string {
  const parts: string[] = [];
  const walk = (node: Node): void => {
    if (node.nodeType === Node.TEXT_NODE) {
      const text = node.textContent?.trim();
      if (text) parts.push(text);
      return;
    }
    if (node instanceof HTMLStyleElement || node instanceof HTMLScriptElement) return;
    if (node instanceof Element && node.shadowRoot) walk(node.shadowRoot);
    for (const child of node.childNodes) walk(child);
  };
  walk(root);
  return parts.join(' ');
}

async function databases(page: Page): Promise<string[]> {
  return page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name ?? '').sort());
}

/** The error the boot panel shows, once it mentions `expected`. */
async function bootError(page: Page, expected: string): Promise<string> {
  const alert = page.locator('trovato-boot-panel .notice.error').filter({ hasText: expected });
  await alert.waitFor();
  return alert.innerText();
}

describe('recipes on the built site', { timeout: 300_000 }, () => {
  it('opens the blog demo from a link in a fresh database, at /blog as the editor, and leaves the visitor\'s site untouched', async () => {
    const { page, errors } = await newPage();
    await page.goto(url('/'));
    await booted(page);
    await page.getByRole('heading', { name: 'Welcome to Trovato' }).waitFor();

    // Only the fragment changes: the open site notices and opens the recipe without a reload.
    await page.goto(url(`/#${recipeToFragment(BLOG_DEMO)}`));
    await page.locator('#recipe-banner').waitFor();
    await booted(page);
    await page.getByRole('heading', { name: 'Blog', exact: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/blog');
    for (const title of POSTS) await page.getByRole('link', { name: title }).waitFor();
    expect(await page.getByLabel('Viewing as').locator('option:checked').innerText()).toBe('Edna Editor');
    expect(await page.locator('#recipe-banner').innerText()).toContain('your own site is untouched');
    expect((await databases(page)).some((name) => name.startsWith('trovato-site~recipe-'))).toBe(true);

    await page.locator('#recipe-banner').getByRole('button', { name: 'Back to my site' }).click();
    await booted(page);
    const blog = await textOf(page, '/blog');
    expect(blog).toContain('A first post, written by a plugin');
    for (const title of POSTS) expect(blog).not.toContain(title);
    // The preview's database is deleted once the visitor is back on their own site.
    await expect.poll(() => databases(page), { timeout: WAIT }).toEqual(['trovato-site']);
    expect(errors).toEqual([]);
  });

  it('exports the site as a zip that imports in a fresh browser context with the same items and pages', async () => {
    const paths = ['/blog', '/blog/plugins', '/blog/recipe-link', '/blog/export-import', '/admin/content'];
    const first = await newPage();
    await first.page.goto(url(`/#${recipeToFragment(BLOG_DEMO)}`));
    await booted(first.page);
    await actAs(first.page, 'Ada Administrator');
    const before: Record<string, string> = {};
    for (const path of paths) before[path] = await textOf(first.page, path);
    for (const title of POSTS) expect(before['/blog']).toContain(title);
    expect(before['/blog/recipe-link']).toContain('A recipe in a link.');
    await textOf(first.page, '/admin/site');
    const [download] = await Promise.all([first.page.waitForEvent('download'), first.page.locator('#export-zip').click()]);
    const zip = await readFile(await download.path());
    expect(download.suggestedFilename()).toBe('trovato-site.trovato-site.zip');

    const second = await newPage();
    await second.page.goto(url('/'));
    await booted(second.page);
    await actAs(second.page, 'Ada Administrator');
    await textOf(second.page, '/admin/site');
    await second.page.locator('#import-zip').setInputFiles({ name: 'blog-demo.trovato-site.zip', mimeType: 'application/zip', buffer: zip });
    await second.page.locator('#transfer-message').filter({ hasText: 'Imported blog-demo.trovato-site.zip' }).waitFor();
    for (const path of paths) expect(await textOf(second.page, path), path).toBe(before[path]);
    // The import replaced the visitor's database by the imported one: one site database is left.
    const names = await databases(second.page);
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^trovato-site~import-/);
    // A reload opens the imported site again.
    await second.page.reload();
    await booted(second.page);
    expect(await textOf(second.page, '/blog')).toBe(before['/blog']);
    expect([...first.errors, ...second.errors]).toEqual([]);
  });

  it('refuses a damaged link, a failed integrity check and an unreachable recipe URL, naming the step and keeping nothing', async () => {
    const { page } = await newPage();
    await page.goto(url('/#recipe=v1.AAAA-not-a-recipe'));
    expect(await bootError(page, 'The recipe link is damaged')).toContain('The recipe was not applied');

    const hello = await readFile(new URL('../../public/plugins/hello/hello.wasm', import.meta.url));
    const manifest = await readFile(new URL('../../public/plugins/hello/hello.info.toml', import.meta.url), 'utf8');
    const tampered: Recipe = { recipe: 1, steps: [{ step: 'plugin', name: 'hello', manifest, wasm: hello.toString('base64'), sha256: 'f'.repeat(64) }] };
    await page.goto(url(`/#${recipeToFragment(tampered)}`));
    const integrity = await bootError(page, 'Integrity check failed');
    expect(integrity).toContain('step 1 (plugin "hello")');
    expect(integrity).toContain('Integrity check failed');
    expect(integrity).toContain('Nothing of the recipe was applied');

    await page.goto(url('/?recipe=http://127.0.0.1:9/recipe.json'));
    expect(await bootError(page, 'could not be fetched')).toContain('http://127.0.0.1:9/recipe.json');
    expect((await databases(page)).filter((name) => name.includes('~'))).toEqual([]);

    await page.locator('#back-to-site').click();
    await booted(page);
    await page.getByRole('heading', { name: 'Welcome to Trovato' }).waitFor();
  });
});
