/**
 * An e2e file's handle on the site the e2e project built, serves and drives once for all files
 * (test/support/e2e-build.ts): the same `BuiltSite` shape as a site of its own, with a browser
 * connected to the shared Chromium. `close()` closes this file's contexts and disconnects; the
 * build, the server and Chromium stay for the next file.
 */
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Locator, type Page } from 'playwright';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import type { BuiltSite } from './built-site.js';
import type { SharedE2eSite } from './e2e-build.js';

export type { BuiltSite };

/**
 * Call it from `beforeAll` in a `*.e2e.test.ts` file (the e2e project's global setup provides
 * the site).
 *
 * @example
 * let site: BuiltSite;
 * beforeAll(async () => { site = await openE2eSite(); }, 120_000);
 * afterAll(() => site?.close());
 */
export async function openE2eSite(): Promise<BuiltSite> {
  const shared = sharedSite();
  const browser = await chromium.connect(shared.wsEndpoint);
  return {
    baseUrl: shared.baseUrl,
    outDir: shared.outDir,
    browser,
    close: () => browser.close(),
  };
}

/** One e2e file's site: its pages' addresses and fresh browser contexts closed after each test. */
export interface E2eSiteFixture {
  /** The site; read it inside tests and hooks (it is opened in `beforeAll`). */
  readonly site: BuiltSite;
  /** A fresh browser context (empty storage), closed after the test that made it. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /**
   * A page in a fresh context whose actions wait up to `timeoutMs`, with the uncaught errors it
   * collects (a scenario ends by checking there were none).
   */
  newPage(options?: BrowserContextOptions & { timeoutMs?: number }): Promise<{ context: BrowserContext; page: Page; errors: string[] }>;
  /** The absolute address of `path` (such as "/blog") on the site. */
  url(path: string): string;
}

/**
 * Registers the hooks every site e2e file needs: the site opened before its tests and closed
 * after them, and each test's contexts closed after that test. Call it at the top of the file.
 *
 * @example
 * const e2e = useE2eSite();
 * it('shows the blog', async () => { const page = await (await e2e.newContext()).newPage(); await page.goto(e2e.url('/blog')); });
 */
export function useE2eSite(openTimeoutMs = 120_000): E2eSiteFixture {
  let opened: BuiltSite | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    opened = await openE2eSite();
  }, openTimeoutMs);
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });
  afterAll(async () => {
    await opened?.close();
  });
  const site = (): BuiltSite => {
    if (!opened) throw new Error('The e2e site is not open yet: use it inside tests or hooks, not at the top of the file.');
    return opened;
  };
  return {
    get site() {
      return site();
    },
    async newContext(options) {
      const context = await site().browser.newContext(options);
      contexts.push(context);
      return context;
    },
    async newPage({ timeoutMs = 90_000, ...options } = {}) {
      const context = await this.newContext(options);
      context.setDefaultTimeout(timeoutMs);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      return { context, page, errors };
    },
    url: (path) => new URL(path.replace(/^\//, ''), site().baseUrl).href,
  };
}

/**
 * The live site's user switcher. While the last-page snapshot is shown it holds an inert copy of
 * the switcher (under a renamed element) beside the live one, so an unscoped
 * `getByLabel('Viewing as')` can match two selects during a boot.
 */
export function userSwitcher(page: Page): Locator {
  return page.locator('trovato-user-switcher').getByLabel('Viewing as');
}

/** The shared Chromium alone, for a file that serves something else (`trovato dev`); `close()` disconnects. */
export function connectE2eBrowser(): Promise<Browser> {
  return chromium.connect(sharedSite().wsEndpoint);
}

function sharedSite(): SharedE2eSite {
  const shared = inject('e2eSite');
  if (!shared) throw new Error('No shared site: e2e files run in the Vitest project "e2e" (npx vitest run --project e2e), whose global setup builds, serves and opens it.');
  return shared;
}
