/**
 * The e2e project's global setup: builds the site once (`vite build` into a temporary folder),
 * serves it once and starts one headless Chromium for every end-to-end file, which connect to
 * it (test/support/e2e-site.ts) instead of each building, serving and launching their own.
 * Each scenario still opens its own browser context. Everything stops and is removed when the
 * run ends.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright';
import type { TestProject } from 'vitest/node';
import { buildSite } from './site-build.js';
import { serveBuiltSite } from './built-site.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../src/chromium.js';

/** What every e2e file gets: the shared build, its server and the browser to connect to. */
export interface SharedE2eSite {
  /** The build folder: read it, never write to it. */
  outDir: string;
  /** The static server's root, ending in `/`. */
  baseUrl: string;
  /** Playwright's endpoint of the shared Chromium (`chromium.connect`). */
  wsEndpoint: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    e2eSite: SharedE2eSite;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const outDir = await mkdtemp(join(tmpdir(), 'trovato-e2e-site-'));
  const stops: Array<() => Promise<void>> = [() => rm(outDir, { recursive: true, force: true })];
  const teardown = async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  };
  try {
    await buildSite(outDir);
    const server = await serveBuiltSite(outDir);
    stops.push(() => server.close());
    const browser = await chromium.launchServer({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
    stops.push(() => browser.close());
    project.provide('e2eSite', { outDir, baseUrl: server.baseUrl, wsEndpoint: browser.wsEndpoint() });
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
