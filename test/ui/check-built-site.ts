/**
 * Checks a built site (`npm run build && npm run preview`) in Debian's Chromium: deep links,
 * booting from the built worker and plugins, an editor adding a post, and screenshots.
 *
 *   npx tsx test/ui/check-built-site.ts [http://localhost:4173/] [/tmp/shots]
 */
import { mkdirSync } from 'node:fs';
import { chromium, type Page } from 'playwright';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../src/chromium.js';

const base = process.argv[2] ?? 'http://localhost:4173/';
const shots = process.argv[3] ?? '/tmp/trovato-shots';
mkdirSync(shots, { recursive: true });

const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
const problems: string[] = [];
try {
  const context = await browser.newContext({ viewport: { width: 1200, height: 860 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });

  // A deep link straight into the site, as a static host hands it over.
  await page.goto(new URL('blog', base).href);
  await page.getByRole('heading', { name: 'Blog', exact: true }).waitFor({ timeout: 30_000 });
  await shot(page, 'blog-empty');

  await page.getByLabel('Viewing as').selectOption({ label: 'Edna Editor' });
  await page.getByRole('link', { name: 'Content', exact: true }).click();
  await page.getByRole('link', { name: 'Add blog post' }).click();
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Title is required').waitFor();
  await shot(page, 'form-errors');
  await page.getByRole('textbox', { name: 'Title', exact: true }).fill('A post from the built site');
  await page.getByRole('textbox', { name: 'Body' }).fill('Hello from a static host.');
  await page.getByRole('textbox', { name: 'URL slug' }).fill('built-site');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Hello from a static host.').waitFor();
  await shot(page, 'item');

  await page.goto(new URL('blog/built-site', base).href);
  await page.getByText('Hello from a static host.').waitFor({ timeout: 30_000 });
  await shot(page, 'post-deep-link');

  await page.getByLabel('Viewing as').selectOption({ label: 'Ada Administrator' });
  await page.goto(new URL('admin/plugins', base).href);
  await page.getByRole('button', { name: 'Disable categories' }).click({ timeout: 30_000 });
  await page.getByRole('alert').waitFor();
  await shot(page, 'plugins');

  await page.goto(new URL('admin/logs', base).href);
  await page.getByRole('heading', { name: 'Logs' }).waitFor({ timeout: 30_000 });
  await shot(page, 'logs');

  await page.goto(new URL('no/such/page', base).href);
  await page.getByRole('heading', { name: 'Page not found' }).waitFor({ timeout: 30_000 });
  await shot(page, 'not-found');

  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto(new URL('admin/content', base).href);
  await page.getByRole('heading', { name: 'Content' }).waitFor({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Menu' }).click();
  await shot(page, 'narrow-menu');
} catch (error) {
  problems.push(`check failed: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await browser.close();
}

if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exitCode = 1;
} else {
  console.log(`The built site works; screenshots in ${shots}.`);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
}
