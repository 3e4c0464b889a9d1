/**
 * The served site's scripts in a real browser: Debian's Chromium (Playwright) against a real
 * `trovato serve` process on loopback (SQLite, the reference plugins and kitchen_sink's form).
 * The first page is the server's HTML; then links, the back button and a plugin form work
 * without a document load, through the server's page data, rendered by the site's Lit elements.
 * With JavaScript off, the same links and form posts work as plain HTML.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../src/chromium.js';
import { DEMO_USERS } from '../../src/site/roles.js';
import { fixturePlugin } from '../support/fixture-plugin.js';
import { pluginFolder, startServe, type ServedProcess } from './served-process.js';

const WAIT = 60_000;
const ADMIN = DEMO_USERS[2];

let dir: string;
let served: ServedProcess;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trovato-served-site-'));
  const plugins = await pluginFolder(dir, [fixturePlugin('kitchen_sink')]);
  served = await startServe({ plugins, database: join(dir, 'site.db'), threads: 1 });
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}, 180_000);

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** A page in a fresh context, as `user` (the session cookie the header's switcher sets). */
async function open(path: string, options: { user?: { id: string }; javaScript?: boolean } = {}): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ javaScriptEnabled: options.javaScript ?? true });
  contexts.push(context);
  context.setDefaultTimeout(WAIT);
  if (options.user) await context.addCookies([{ name: 'trovato_user', value: encodeURIComponent(options.user.id), url: served.url }]);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(served.url + path);
  return { page, errors };
}

/** Marks the document, so a later check tells a page shown in place from a document load. */
async function markDocument(page: Page): Promise<void> {
  await page.locator('trovato-served-site[data-scripted]').waitFor({ state: 'attached' });
  await page.evaluate(() => Object.assign(window, { trovatoSameDocument: true }));
}

/** axe's serious and critical findings on the page as it is now, one line each. */
async function accessibilityProblems(page: Page, name: string): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${name}: ${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' >>> ')).slice(0, 3).join('; ')})`);
}

const sameDocument = (page: Page): Promise<boolean> => page.evaluate(() => (window as { trovatoSameDocument?: boolean }).trovatoSameDocument === true);

describe('the served site with its scripts', () => {
  it('shows the server\'s page, then follows a link and the back button without a document load', async () => {
    const { page, errors } = await open('/blog');
    await page.locator('main h1', { hasText: 'Blog' }).first().waitFor();
    await markDocument(page);
    const problems = await accessibilityProblems(page, '/blog as served');

    await page.getByRole('link', { name: 'A first post, written by a plugin' }).click();
    await page.waitForURL(`${served.url}/blog/welcome`);
    // The post, rendered by the page's Lit renderer from the server's page data (sanitized filtered_html).
    await page.locator('trovato-render').getByRole('heading', { name: 'A first post, written by a plugin' }).waitFor();
    expect(await page.locator('trovato-render strong').first().textContent()).toBe('blog');
    expect(await page.title()).toBe('Blog post · Trovato');
    expect(await sameDocument(page)).toBe(true);
    problems.push(...(await accessibilityProblems(page, '/blog/welcome shown in place')));

    await page.goBack();
    await page.waitForURL(`${served.url}/blog`);
    await page.locator('trovato-render').getByRole('link', { name: 'A first post, written by a plugin' }).waitFor();
    expect(await page.title()).toBe('Blog · Trovato');
    expect(await sameDocument(page)).toBe(true);
    expect(errors).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('submits a plugin form without a document load: messages next to fields with the values kept, then the plugin\'s message', async () => {
    const { page, errors } = await open('/kitchen-sink', { user: ADMIN });
    await markDocument(page);
    // The first page's form is the server's plain HTML form; the scripts send it as page data.
    await page.getByLabel('City').fill('Turin');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('Give a name.').waitFor();
    expect(await page.getByLabel('City').inputValue()).toBe('Turin');
    expect(page.url()).toBe(`${served.url}/kitchen-sink`);
    expect(await accessibilityProblems(page, '/kitchen-sink with a refused form')).toEqual([]);

    // Now the form is the Lit renderer's.
    await page.getByLabel('Name').fill('Ada');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('status').filter({ hasText: 'Thanks, Ada.' }).waitFor();
    expect(await page.getByText('Give a name.').count()).toBe(0);
    expect(await sameDocument(page)).toBe(true);
    expect(errors).toEqual([]);
  });

  it('loads the pages its scripts do not build (admin pages) as documents', async () => {
    const { page } = await open('/blog', { user: ADMIN });
    await markDocument(page);
    await page.getByRole('link', { name: 'Content' }).click();
    await page.waitForURL(`${served.url}/admin/content`);
    await page.locator('main h1', { hasText: 'Content' }).waitFor();
    expect(await sameDocument(page)).toBe(false);
  });
});

describe('the served site without JavaScript', () => {
  it('works by links and plain form posts (post, redirect, get)', async () => {
    const { page } = await open('/blog', { user: ADMIN, javaScript: false });
    await page.getByRole('link', { name: 'A first post, written by a plugin' }).click();
    await page.waitForURL(`${served.url}/blog/welcome`);
    await page.getByRole('heading', { name: 'A first post, written by a plugin' }).waitFor();

    await page.goto(`${served.url}/kitchen-sink`);
    await page.getByLabel('City').fill('Turin');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('Give a name.').waitFor();
    expect(await page.getByLabel('City').inputValue()).toBe('Turin');
    await page.getByLabel('Name').fill('Grace');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.waitForURL(`${served.url}/kitchen-sink`);
    await page.getByRole('status').filter({ hasText: 'Thanks, Grace.' }).waitFor();
  });
});
