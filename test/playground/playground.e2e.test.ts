/**
 * The playground end to end, on the BUILT site in Debian's Chromium: the e2e project builds the
 * site once and serves it as a static host would (test/support/e2e-build.ts), and this file
 * drives the page with Playwright.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import { openE2eSite, type BuiltSite } from '../support/e2e-site.js';

const ROOT = resolve(import.meta.dirname, '../..');
let site: BuiltSite;

beforeAll(async () => {
  site = await openE2eSite();
}, 120_000);

afterAll(async () => {
  await site?.close();
});

/** Every response of the pages this file opens that was not found (a missing favicon, say). */
const notFound: string[] = [];

async function openPlayground(url = `${site.baseUrl}playground/`): Promise<Page> {
  const context = await site.browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`playground page error: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() === 404) notFound.push(response.url());
  });
  await page.goto(url);
  return page;
}

/** How many runs (compile, boot, open the route) the page has started: the status's `data-run`. */
async function runsStarted(page: Page): Promise<number> {
  return Number((await page.locator('.status').getAttribute('data-run')) ?? '0');
}

/**
 * Waits until a run after the first `before` runs has finished (ready or failed) and returns
 * how it ended. Counting runs, not watching the status change, means a run that finishes
 * between two looks is not missed and a finished earlier run is not taken for it.
 */
async function settled(page: Page, before = 0): Promise<string> {
  const status = page.locator('.status');
  // Compiling in the page on a busy two-core machine can take minutes; correctness, not speed, is tested here.
  await expect
    .poll(async () => (await runsStarted(page)) > before && ['ready', 'failed'].includes((await status.getAttribute('data-status')) ?? ''), { timeout: 240_000, interval: 100 })
    .toBe(true);
  return (await status.getAttribute('data-status')) ?? '';
}

/**
 * Waits until the page has started its first run: the editor then holds what the page opened,
 * so an edit is not overwritten. For a scenario that edits without waiting for the compile.
 */
async function started(page: Page): Promise<void> {
  await expect.poll(() => runsStarted(page), { timeout: 240_000, interval: 100 }).toBeGreaterThan(0);
}

/** Does `action`, which starts one run, and waits for that run to finish. */
async function runThrough(page: Page, action: () => Promise<unknown>): Promise<string> {
  const before = await runsStarted(page);
  await action();
  return settled(page, before);
}

async function runAndSettle(page: Page): Promise<string> {
  return runThrough(page, () => page.click('#run'));
}

/** The rendered page's text (it renders in trovato-render's shadow root, which Playwright's CSS pierces). */
async function previewText(page: Page): Promise<string> {
  return (await page.locator('#preview trovato-render h1, #preview trovato-render p, #preview .notice').allInnerTexts()).join('\n');
}

/** Replaces the source in CodeMirror the way a paste does. */
async function setSource(page: Page, text: string): Promise<void> {
  await page.click('playground-editor .editor-tabs button[data-tab="source"]');
  await page.click('playground-editor .cm-content');
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
}

const helloSource = await readFile(join(ROOT, 'plugins/hello/index.ts'), 'utf8');
const howdySource = helloSource.replace('"Hello, "', '"Howdy, "');

describe('the playground, built', { timeout: 600_000 }, () => {
  it('compiles an edited template in the browser, shows it in the preview, and a copied link restores it in a fresh page', async () => {
    const page = await openPlayground();
    expect(await settled(page)).toBe('ready');
    await expect.poll(() => previewText(page)).toContain('Hello, world!');
    // The picker names the template the editor holds; nothing the page asks for is missing.
    expect(await page.locator('#template').inputValue()).toBe('hello');
    expect(notFound).toEqual([]);

    await runThrough(page, () => page.selectOption('#template', 'hello'));
    await setSource(page, howdySource);
    expect(await runAndSettle(page)).toBe('ready');
    await expect.poll(() => previewText(page)).toContain('Howdy, world!');

    // The inspector lists the route call with its handler.
    expect(await page.locator('#trace').innerText()).toContain('call hello_page');

    // A query string goes to the route callback.
    await page.fill('#address', '/hello?name=Ada');
    await page.press('#address', 'Enter');
    await expect.poll(() => previewText(page)).toContain('Howdy, Ada!');

    // A copied link restores the same result in a fresh page (same page as above: each page
    // loads the compiler anew, which is most of this file's time on a busy machine).
    await page.fill('#address', '/hello?name=Link');
    await page.press('#address', 'Enter');
    await expect.poll(() => previewText(page)).toContain('Howdy, Link!');
    await page.click('#copy-link');
    const shared = await page.locator('#share-link').inputValue();
    expect(shared).toMatch(/#v1\./);
    await page.context().close();

    const fresh = await openPlayground(shared);
    expect(await settled(fresh)).toBe('ready');
    await expect.poll(() => previewText(fresh)).toContain('Howdy, Link!');
    await fresh.context().close();
  });

  it('shows a syntax error at its line, inline and in the list', async () => {
    const page = await openPlayground();
    await settled(page);
    const lines = helloSource.split('\n');
    const at = lines.findIndex((line) => line.includes('menu("/hello", "Hello", "hello_page"),'));
    expect(at).toBeGreaterThan(0);
    lines[at] = `${lines[at]} )`;
    await setSource(page, lines.join('\n'));
    expect(await runAndSettle(page)).toBe('failed');
    // The last good build still runs, and the preview keeps showing it.
    expect(await previewText(page)).toContain('Hello, world!');
    expect(await page.locator('.notice.error').allInnerTexts()).toEqual(
      expect.arrayContaining([expect.stringContaining('The preview still runs the last build of hello that compiled.')]),
    );
    // One mistake, one message.
    expect(await page.locator('#diagnostics li.error').count()).toBe(1);

    const list = await page.locator('#diagnostics').innerText();
    expect(list).toContain(`plugins/hello/index.ts:${at + 1}:`);
    // The inline mark sits on that line of the editor.
    const marked = page.locator('.cm-line:has(.cm-lintRange-error)').first();
    expect(await marked.innerText()).toBe(lines[at]);
    await page.context().close();
  });

  it('stops a route that loops forever inside the kernel (fuel), says which plugin and callback, and keeps the playground running', async () => {
    const page = await openPlayground();
    await settled(page);
    const looping = helloSource.replace('const request = RouteRequest.fromJson(input);', 'const request = RouteRequest.fromJson(input);\n  while (request.path.length >= 0) {}');
    expect(looping).not.toBe(helloSource);
    await setSource(page, looping);
    // The call runs out of fuel in the kernel, which answers with the error: no deadline, no restart.
    expect(await runAndSettle(page)).toBe('ready');
    await expect.poll(() => page.locator('#route-error').innerText()).toMatch(/^ran out of fuel \(\d+ instructions\) in hello hello_page: it may loop forever\./);
    // The inspector shows the call that was stopped, with the same error.
    const trace = page.locator('#trace');
    await expect.poll(() => trace.locator('li.failed').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('ran out of fuel')]));
    // The same kernel goes on: a route that does not loop still answers.
    await page.fill('#address', '/hello/secret');
    await page.press('#address', 'Enter');
    expect(await settled(page)).toBe('ready');
    await page.context().close();
  });

  it('opens the default template on a damaged link and keeps the draft', async () => {
    const page = await openPlayground();
    await started(page);
    await setSource(page, howdySource.replace('Howdy', 'Draft'));
    // A hash change alone does not reload the page; a link opened from elsewhere does.
    await page.goto(`${site.baseUrl}playground/#v1.not-a-real-link`);
    await page.reload();
    expect(await settled(page)).toBe('ready');
    expect(await page.locator('.notice.error').first().innerText()).toContain('damaged');
    await expect.poll(() => previewText(page)).toContain('Hello, world!');
    await runThrough(page, () => page.click('#draft-kept button:text("Restore my draft")'));
    await expect.poll(() => previewText(page)).toContain('Draft, world!');
    await page.context().close();
  });

  it('offers a file for a state too large for a link, and opens it again', async () => {
    // Incompressible comment lines: a link of this state would pass 8,000 characters.
    let seed = 7;
    const noise = Array.from({ length: 120 }, () =>
      `// ${Array.from({ length: 90 }, () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), 'abcdefghijklmnopqrstuvwxyz0123456789'[seed % 36])).join('')}`,
    ).join('\n');
    const page = await openPlayground();
    await started(page);
    await setSource(page, `${noise}\n${howdySource}`);
    await page.click('#copy-link');
    expect(await page.locator('#link-too-long').innerText()).toContain('too large for a link');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#link-too-long button')]);
    expect(download.suggestedFilename()).toBe('hello.trovato.json');
    const scratch = await mkdtemp(join(tmpdir(), 'trovato-playground-file-'));
    const saved = join(scratch, 'saved.trovato.json');
    await download.saveAs(saved);
    await page.context().close();

    const fresh = await openPlayground();
    await settled(fresh);
    expect(await runThrough(fresh, () => fresh.setInputFiles('#open-file', saved))).toBe('ready');
    await expect.poll(() => previewText(fresh)).toContain('Howdy, world!');
    await fresh.context().close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('runs an uploaded prebuilt wasm, and shows the kernel refusing a bad one', async () => {
    const page = await openPlayground();
    await settled(page);
    const built = join(ROOT, 'public/plugins/hello');
    expect(await runThrough(page, () => page.setInputFiles('#upload-wasm', [join(built, 'hello.wasm'), join(built, 'hello.info.toml')]))).toBe('ready');
    await page.waitForSelector('#upload-note');
    await expect.poll(() => previewText(page)).toContain('Hello, world!');

    // A manifest that names another plugin: the same check as the site refuses it.
    await runThrough(page, () => page.setInputFiles('#upload-wasm', [join(built, 'hello.wasm'), join(ROOT, 'public/plugins/blog/blog.info.toml')]));
    await expect.poll(() => page.locator('.notice.error').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining('The kernel refused hello')]));
    await page.context().close();
  });
});
