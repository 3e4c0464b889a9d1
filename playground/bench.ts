/**
 * The playground's compile benchmark, for `npm run bench` (Node side): opens the playground in
 * Chromium and times a cold and a warm compile of each template, and measures each template's
 * share-link length. Serve the built site (`vite preview`) or the dev server at `baseUrl`.
 */
import type { Browser } from 'playwright';
import type { CompileTiming } from './bench-hook.js';

export type { CompileTiming };

/**
 * @example
 * const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
 * console.table(await benchPlaygroundCompile(browser, 'http://127.0.0.1:4173/'));
 */
export async function benchPlaygroundCompile(browser: Browser, baseUrl: string): Promise<CompileTiming[]> {
  const page = await browser.newPage();
  try {
    await page.goto(new URL('playground/', baseUrl).href);
    await page.waitForFunction(() => window.trovatoPlaygroundBench !== undefined, undefined, { timeout: 60_000 });
    // The page compiles and runs its own state first; measuring beside it would time both.
    await page.waitForSelector('.status[data-status="ready"], .status[data-status="failed"]', { timeout: 120_000 });
    return await page.evaluate(() => (window.trovatoPlaygroundBench as NonNullable<Window['trovatoPlaygroundBench']>).measureCompiles());
  } finally {
    await page.close();
  }
}
