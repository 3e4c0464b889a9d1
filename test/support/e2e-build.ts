/**
 * The e2e project's global setup: builds the site once (`vite build` into a temporary folder)
 * for every end-to-end file, which serve it with their own server and browser
 * (test/support/built-site.ts), instead of one build per file. Removed when the run ends.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildSite } from './site-build.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The folder of the site built once for the e2e project. */
    builtSiteDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const outDir = await mkdtemp(join(tmpdir(), 'trovato-e2e-site-'));
  try {
    await buildSite(outDir);
  } catch (error) {
    await rm(outDir, { recursive: true, force: true });
    throw error;
  }
  project.provide('builtSiteDir', outDir);
  return () => rm(outDir, { recursive: true, force: true });
}
