/**
 * What the side-by-side build tools (boot-builds.ts, page-builds.ts) share: their arguments (a
 * count, then two or more built site folders) and the builds served, each as `npm run bench`
 * serves one, with one headless Chromium for all of them.
 */
import { chromium, type Browser } from 'playwright';
import { serveBuiltSite, type ServedSite } from '../test/support/built-site.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../src/chromium.js';

/** The count and the folders from the command line; prints `usage` and exits when they are not there. */
export function buildsArguments(usage: string): { count: number; dirs: string[] } {
  const [countArg, ...dirs] = process.argv.slice(2);
  const count = Number(countArg);
  if (!Number.isInteger(count) || count < 1 || dirs.length < 2) {
    console.error(`Usage: ${usage}`);
    process.exit(2);
  }
  return { count, dirs };
}

/** Each folder served on a port of its own, and a browser; `close()` stops them all. */
export async function serveBuilds(dirs: readonly string[]): Promise<{ servers: ServedSite[]; browser: Browser; close(): Promise<void> }> {
  const servers = await Promise.all(dirs.map((dir) => serveBuiltSite(dir)));
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  return {
    servers,
    browser,
    async close() {
      await browser.close();
      await Promise.all(servers.map((server) => server.close()));
    },
  };
}
