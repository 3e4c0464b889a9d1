/**
 * `trovato dev` end to end: a real dev server over a copy of the hello plugin, Debian's
 * Chromium on its page. Saving the plugin's source rebuilds it and the page shows the new
 * version without reloading (a value set on `window` survives) while the worker keeps its
 * database; a compile error shows in Vite's overlay with file and line, and the last good
 * build keeps running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectE2eBrowser } from '../support/e2e-site.js';

// A cold compile and a booting worker on a loaded two-core machine.
const WAIT = 120_000;

let work: string;
let dev: ChildProcess;
let output = '';
let browser: Browser;
let baseUrl: string;

/** Resolves with the first match of `pattern` in the dev server's output from now on. */
function waitForOutput(pattern: RegExp, from = output.length): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`trovato dev never printed ${pattern}; it printed:\n${output}`)), WAIT);
    const poll = setInterval(() => {
      const match = output.slice(from).match(pattern);
      if (match) {
        clearTimeout(timer);
        clearInterval(poll);
        resolve(match);
      }
    }, 50);
  });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'trovato-dev-'));
  await cp('plugins/hello', join(work, 'plugins', 'hello'), { recursive: true });
  await mkdir(join(work, 'public', 'plugins'), { recursive: true });
  dev = spawn(process.execPath, ['bin/trovato.js', 'dev', '--port', '0', '--plugins', join(work, 'plugins'), '--public', join(work, 'public')], {
    env: { ...process.env, NO_COLOR: '1' },
  });
  dev.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  dev.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const [, url] = await waitForOutput(/Local:\s+(http:\/\/\S+)/, 0);
  baseUrl = url;
  await waitForOutput(/watching/, 0);
  browser = await connectE2eBrowser();
}, WAIT * 2);

afterAll(async () => {
  await browser?.close();
  dev?.kill('SIGTERM');
  await rm(work, { recursive: true, force: true });
});

describe('trovato dev', () => {
  it(
    'reloads a saved plugin in the open page without reloading the page, and shows a compile error in the overlay',
    async () => {
      const page = await browser.newPage();
      page.setDefaultTimeout(WAIT);
      await page.goto(new URL('hello', baseUrl).href);
      await page.getByText('Hello, world!').waitFor();
      await page.evaluate(() => ((window as unknown as { devMarker: string }).devMarker = 'same page'));

      const source = join(work, 'plugins', 'hello', 'index.ts');
      const original = await readFile(source, 'utf8');
      let from = output.length;
      await writeFile(source, original.replace('"Hello, "', '"Howdy, "'));
      await waitForOutput(/rebuilt hello in \d+ ms \(unoptimized/, from);
      await page.getByText('Howdy, world!').waitFor();
      expect(await page.evaluate(() => (window as unknown as { devMarker?: string }).devMarker)).toBe('same page');
      // Shown unoptimized first, dated before its source; then replaced by the optimized build.
      const built = join(work, 'public', 'plugins', 'hello', 'hello.wasm');
      const quick = await stat(built);
      expect(quick.mtimeMs).toBeLessThan((await stat(source)).mtimeMs);
      await waitForOutput(/optimized hello in \d+ ms/, from);
      const optimized = await stat(built);
      expect(optimized.size).toBeLessThan(quick.size);
      expect(optimized.mtimeMs).toBeGreaterThan((await stat(source)).mtimeMs);
      await page.getByText('Howdy, world!').waitFor();
      expect(await page.evaluate(() => (window as unknown as { devMarker?: string }).devMarker)).toBe('same page');

      from = output.length;
      await writeFile(source, original.replace('"Hello, "', '"Howdy, " +* '));
      await waitForOutput(/hello failed to build/, from);
      expect(output.slice(from)).toMatch(/hello[/\\]index\.ts:\d+:\d+: error:/);
      const overlay = page.locator('vite-error-overlay');
      await overlay.waitFor({ state: 'attached' });
      expect(await overlay.evaluate((el) => el.shadowRoot?.textContent ?? '')).toMatch(/hello failed to build; the last good build keeps running/);
      // The last good build still answers.
      expect(await page.getByText('Howdy, world!').count()).toBe(1);
      await page.close();
    },
    WAIT * 3,
  );
});
