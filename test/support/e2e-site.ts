/**
 * An e2e file's handle on the site the e2e project built, serves and drives once for all files
 * (test/support/e2e-build.ts): the same `BuiltSite` shape as a site of its own, with a browser
 * connected to the shared Chromium. `close()` closes this file's contexts and disconnects; the
 * build, the server and Chromium stay for the next file.
 */
import { chromium, type Browser } from 'playwright';
import { inject } from 'vitest';
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

/** The shared Chromium alone, for a file that serves something else (`trovato dev`); `close()` disconnects. */
export function connectE2eBrowser(): Promise<Browser> {
  return chromium.connect(sharedSite().wsEndpoint);
}

function sharedSite(): SharedE2eSite {
  const shared = inject('e2eSite');
  if (!shared) throw new Error('No shared site: e2e files run in the Vitest project "e2e" (npx vitest run --project e2e), whose global setup builds, serves and opens it.');
  return shared;
}
