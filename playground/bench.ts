/**
 * The playground's benchmark, for `npm run bench` (Node side): opens the playground in Chromium
 * and times a cold and a warm compile of each template, and measures each template's share-link
 * length; and times opening the playground, warm, plainly and from a share link. Serve the built
 * site (`vite preview`) or the dev server at `baseUrl`.
 */
import type { Browser, BrowserContext } from 'playwright';
import type { CompileTiming } from './bench-hook.js';
import { WARM_UP_SETTLED_MARK } from './compiler-warm-up.js';
import { encodeState } from './share-link.js';
import type { PlaygroundState } from './share-link.js';

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
    // The page compiles and runs its own state first, then warms its compiler up on it;
    // measuring beside either would time both.
    await page.waitForSelector('.status[data-status="ready"], .status[data-status="failed"]', { timeout: 120_000 });
    await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, WARM_UP_SETTLED_MARK, { timeout: 120_000 });
    return await page.evaluate(() => (window.trovatoPlaygroundBench as NonNullable<Window['trovatoPlaygroundBench']>).measureCompiles());
  } finally {
    await page.close();
  }
}

/** Milliseconds from navigation start to the preview showing the route's page (status `ready`). */
export interface OpenTiming {
  /** The playground opened without a link: the default template compiled, booted, its route run. */
  plain: number[];
  /** A share link of an edited plugin (never compiled in this browser before) opened the same way. */
  link: number[];
  /** Characters of one of those links. */
  linkChars: number;
}

/**
 * Opening the playground warm (one browser context whose HTTP and compiled-code caches a first
 * visit filled), `runs` times each, alternating: plainly, and from a share link, as a person
 * clicking a link they were sent. Each link carries a source edited differently, so every link
 * open compiles a plugin this browser has not seen.
 */
export async function benchPlaygroundOpen(browser: Browser, baseUrl: string, helloState: PlaygroundState, runs: number): Promise<OpenTiming> {
  const context = await browser.newContext();
  const playground = new URL('playground/', baseUrl).href;
  const timing: OpenTiming = { plain: [], link: [], linkChars: 0 };
  try {
    await context.addInitScript(READY_OBSERVER);
    await openUntilReady(context, playground, 'Hello, world!');
    for (let run = 0; run < runs; run++) {
      timing.plain.push(await openUntilReady(context, playground, 'Hello, world!'));
      const name = `Reader ${run}`;
      const state: PlaygroundState = {
        ...helloState,
        source: `${helloState.source.replace('"Hello, "', '"Linked, "')}\n// link ${run}\n`,
        route: `/hello?name=${encodeURIComponent(name)}`,
      };
      const link = `${playground}#${encodeState(state)}`;
      timing.linkChars = link.length;
      timing.link.push(await openUntilReady(context, link, `Linked, ${name}!`));
    }
    return timing;
  } finally {
    await context.close();
  }
}

/** In each page: the time the playground's status first says `ready` (or `failed`). */
const READY_OBSERVER = `(() => {
  const observer = new MutationObserver(() => {
    const status = document.querySelector('.status')?.getAttribute('data-status');
    if (status !== 'ready' && status !== 'failed') return;
    window.__trovatoSettled = { status, ms: performance.now() };
    observer.disconnect();
  });
  observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
})();`;

/** Opens `url` in a new page of `context`; the milliseconds to the preview showing `expected`. */
async function openUntilReady(context: BrowserContext, url: string, expected: string): Promise<number> {
  const page = await context.newPage();
  try {
    await page.goto(url);
    await page.waitForFunction(() => (window as { __trovatoSettled?: unknown }).__trovatoSettled !== undefined, undefined, { timeout: 240_000 });
    const settled = await page.evaluate(() => (window as unknown as { __trovatoSettled: { status: string; ms: number } }).__trovatoSettled);
    const shown = (await page.locator('#preview trovato-render h1, #preview trovato-render p').allInnerTexts()).join('\n');
    if (settled.status !== 'ready' || !shown.includes(expected)) {
      throw new Error(`The playground at ${url.slice(0, 120)} ended ${settled.status} showing "${shown.slice(0, 200)}", not "${expected}".`);
    }
    return settled.ms;
  } finally {
    await page.close();
  }
}
