/**
 * Recipes, exports and imports end to end, on the BUILT site in Debian's Chromium: the blog demo
 * opens from a link in a database of its own at its landing page as its user, leaving the
 * visitor's site untouched; a site exported as a zip imports in a fresh browser context with
 * the same items and the same pages; bad links are refused naming the step, and leave nothing.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import { useE2eSite, userSwitcher } from '../support/e2e-site.js';
import { recipeToFragment, type Recipe } from '../../src/recipe/recipe.js';
import blogDemo from '../../src/recipe/examples/blog-demo.recipe.json' with { type: 'json' };
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { answering } from '../../src/site/site-fixtures.test-support.js';

const WAIT = 90_000;
const BLOG_DEMO = blogDemo as Recipe;
const POSTS = ['Plugins all the way down', 'A recipe in a link', 'Export, import, identical'];

const e2e = useE2eSite(180_000);

async function newPage(): Promise<{ page: Page; errors: string[] }> {
  const { page, errors } = await e2e.newPage({ viewport: { width: 1200, height: 900 }, acceptDownloads: true, timeoutMs: WAIT });
  page.on('dialog', (dialog) => void dialog.accept());
  return { page, errors };
}

async function booted(page: Page): Promise<void> {
  await userSwitcher(page).waitFor();
  await page.locator('main[aria-busy="false"]').waitFor();
}

async function actAs(page: Page, name: string): Promise<void> {
  await userSwitcher(page).selectOption({ label: name });
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

/** The site databases of the origin (the worker's cache of rewritten plugin modules is not one). */
async function databases(page: Page): Promise<string[]> {
  return page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name ?? '').filter((name) => name.startsWith('trovato-site')).sort());
}

/** The error the boot panel shows, once it mentions `expected`. */
async function bootError(page: Page, expected: string): Promise<string> {
  const alert = page.locator('trovato-boot-panel .notice.error').filter({ hasText: expected });
  await alert.waitFor();
  return alert.innerText();
}

describe('playground links with an upload', { timeout: 300_000 }, () => {
  async function settled(page: Page): Promise<string> {
    const status = page.locator('.status[data-status="ready"], .status[data-status="failed"]');
    await status.waitFor();
    return (await status.getAttribute('data-status')) ?? '';
  }

  it('carry an uploaded wasm in the link when it fits, and say why not when it does not', async () => {
    // A plugin built outside the playground, small enough for a link: one route.
    const tiny = await answering('tiny', {
      tap_menu: [{ path: '/tiny', title: 'Tiny', callback: 'tiny_page' }],
      tiny_page: { '#type': 'markup', '#value': '<p>A tiny plugin from a link</p>' },
    });
    await writeFile(join(e2e.site.outDir, 'tiny.wasm'), tiny.wasm);
    await writeFile(join(e2e.site.outDir, 'tiny.info.toml'), tiny.manifest);
    const { page, errors } = await newPage();
    await page.goto(e2e.url('/playground/'));
    expect(await settled(page)).toBe('ready');

    // hello.wasm is too large for a link: the page says so, naming the upload, and offers the file.
    const hello = new URL('../../public/plugins/hello/', import.meta.url).pathname;
    await page.setInputFiles('#upload-wasm', [`${hello}hello.wasm`, `${hello}hello.info.toml`]);
    await page.waitForSelector('#upload-note');
    await expect.poll(() => page.locator('#preview').evaluate(deepText), { timeout: WAIT }).toContain('Hello, world!');
    expect(await settled(page)).toBe('ready');
    await page.click('#copy-link');
    const tooLong = await page.locator('#link-too-long').innerText();
    expect(tooLong).toContain('too large for a link');
    expect(tooLong).toMatch(/the uploaded hello\.wasm \(\d+ KB\)/);
    expect(await page.locator('#link-too-long button').innerText()).toContain('Download');

    await page.setInputFiles('#upload-wasm', [join(e2e.site.outDir, 'tiny.wasm'), join(e2e.site.outDir, 'tiny.info.toml')]);
    await page.locator('#upload-note').filter({ hasText: 'tiny.wasm' }).waitFor();
    // The run it starts ends on the state's route (/hello here), which tiny does not have.
    await expect.poll(() => page.locator('#preview').evaluate(deepText), { timeout: WAIT }).toContain('No route matches /hello');
    expect(await settled(page)).toBe('ready');
    await page.fill('#address', '/tiny');
    await page.press('#address', 'Enter');
    await expect.poll(() => page.locator('#preview').evaluate(deepText), { timeout: WAIT }).toContain('A tiny plugin from a link');
    await page.click('#copy-link');
    const link = await page.locator('#share-link').inputValue();

    const fresh = await newPage();
    await fresh.page.goto(link);
    expect(await settled(fresh.page)).toBe('ready');
    expect(await fresh.page.locator('#upload-note').innerText()).toContain('tiny.wasm + tiny.info.toml (from the link)');
    await expect.poll(() => fresh.page.locator('#preview').evaluate(deepText), { timeout: WAIT }).toContain('A tiny plugin from a link');

    expect([...errors, ...fresh.errors]).toEqual([]);
  });
});

describe('recipes on the built site', { timeout: 300_000 }, () => {
  it('opens the blog demo from a link in a fresh database, at /blog as the editor, and leaves the visitor\'s site untouched', async () => {
    const { page, errors } = await newPage();
    await page.goto(e2e.url('/'));
    await booted(page);
    await page.getByRole('heading', { name: 'Welcome to Trovato' }).waitFor();
    // A boot without a recipe never loads the recipe reader (most of it is its schema checker):
    // its chunk is recipe-<8-character hash>.js (recipe-address-<hash>.js is another module).
    const readerLoaded = () => page.evaluate(() => performance.getEntriesByType('resource').some((entry) => /\/assets\/recipe-[\w-]{8}\.js$/.test(entry.name)));
    expect(await readerLoaded()).toBe(false);

    // Only the fragment changes: the open site notices and opens the recipe without a reload.
    await page.goto(e2e.url(`/#${recipeToFragment(BLOG_DEMO)}`));
    await page.locator('#recipe-banner').waitFor();
    await booted(page);
    await page.getByRole('heading', { name: 'Blog', exact: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/blog');
    for (const title of POSTS) await page.getByRole('link', { name: title }).waitFor();
    expect(await userSwitcher(page).locator('option:checked').innerText()).toBe('Edna Editor');
    expect(await page.locator('#recipe-banner').innerText()).toContain('your own site is untouched');
    expect((await databases(page)).some((name) => name.startsWith('trovato-site~recipe-'))).toBe(true);
    expect(await readerLoaded()).toBe(true);

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
    await first.page.goto(e2e.url(`/#${recipeToFragment(BLOG_DEMO)}`));
    await booted(first.page);
    await actAs(first.page, 'Ada Administrator');
    const before: Record<string, string> = {};
    for (const path of paths) before[path] = await textOf(first.page, path);
    for (const title of POSTS) expect(before['/blog']).toContain(title);
    expect(before['/blog/recipe-link']).toContain('A recipe in a link.');
    await textOf(first.page, '/admin/site');
    const [download] = await Promise.all([first.page.waitForEvent('download'), first.page.locator('#export-zip').click()]);
    // The browser is shared over Playwright's connection (test/support/e2e-site.ts): read the
    // download through it, not from the browser's folder.
    const zip = Buffer.concat(await (await download.createReadStream()).toArray());
    expect(download.suggestedFilename()).toBe('trovato-site.trovato-site.zip');

    const second = await newPage();
    await second.page.goto(e2e.url('/'));
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
    await page.goto(e2e.url('/#recipe=v1.AAAA-not-a-recipe'));
    expect(await bootError(page, 'The recipe link is damaged')).toContain('The recipe was not applied');

    const hello = await readFile(new URL('../../public/plugins/hello/hello.wasm', import.meta.url));
    const manifest = await readFile(new URL('../../public/plugins/hello/hello.info.toml', import.meta.url), 'utf8');
    const tampered: Recipe = { recipe: 1, steps: [{ step: 'plugin', name: 'hello', manifest, wasm: hello.toString('base64'), sha256: 'f'.repeat(64) }] };
    await page.goto(e2e.url(`/#${recipeToFragment(tampered)}`));
    const integrity = await bootError(page, 'Integrity check failed');
    expect(integrity).toContain('step 1 (plugin "hello")');
    expect(integrity).toContain('Integrity check failed');
    expect(integrity).toContain('Nothing of the recipe was applied');

    await page.goto(e2e.url('/?recipe=http://127.0.0.1:9/recipe.json'));
    expect(await bootError(page, 'could not be fetched')).toContain('http://127.0.0.1:9/recipe.json');
    expect((await databases(page)).filter((name) => name.includes('~'))).toEqual([]);

    await page.locator('#back-to-site').click();
    await booted(page);
    await page.getByRole('heading', { name: 'Welcome to Trovato' }).waitFor();
  });
});
