/**
 * The embed frame driven by the typed client, end to end in Debian's Chromium: a documentation
 * page on ANOTHER origin embeds the built site's /embed/ page, imports the client the site
 * publishes (/embed/client.js, served here from the documentation origin as a copy), applies the
 * blog demo recipe, navigates, dispatches a tap and reads the logs and the trace. The frame
 * keeps its site in memory (its origin's IndexedDB stays empty), messages from other windows are ignored, and a frame
 * that allows another origin does not answer this one.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import { openE2eSite, type BuiltSite } from '../support/e2e-site.js';
import type { Recipe } from '../../src/recipe/recipe.js';
import blogDemo from '../../src/recipe/examples/blog-demo.recipe.json' with { type: 'json' };
import { lifecyclePlugin } from '../../src/site/site-fixtures.test-support.js';
import { sha256Hex } from '../../src/kernel/common/digest.js';

const WAIT = 90_000;

let site: BuiltSite;
let docs: Server;
let docsBase = '';

/** The documentation site: a page with the frame (src given in the query) and the client copy. */
function docsPage(frameSrc: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Docs</title></head><body>
    <h1>Docs</h1>
    <iframe id="frame" src="${frameSrc}" width="800" height="600"></iframe>
    <script type="module">import { connectEmbed } from '/client.js'; window.trovato = { connectEmbed };</script>
  </body></html>`;
}

beforeAll(async () => {
  site = await openE2eSite();
  const client = await readFile(join(site.outDir, 'embed/client.js'));
  docs = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://docs.invalid');
    if (url.pathname === '/client.js') {
      res.setHeader('Content-Type', 'text/javascript');
      res.end(client);
      return;
    }
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(docsPage(url.searchParams.get('frame') ?? ''));
  });
  await new Promise<void>((done) => docs.listen(0, 'localhost', done));
  const address = docs.address();
  if (address === null || typeof address === 'string') throw new Error('The docs server has no port.');
  // localhost vs the site's 127.0.0.1: a different origin, as a real documentation site would be.
  docsBase = `http://localhost:${address.port}/`;
}, 180_000);

afterAll(async () => {
  await new Promise<void>((done) => (docs ? docs.close(() => done()) : done()));
  await site?.close();
});

async function openDocs(frameQuery = ''): Promise<{ page: Page; errors: string[] }> {
  const context = await site.browser.newContext();
  context.setDefaultTimeout(WAIT);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const frame = new URL(`embed/${frameQuery}`, site.baseUrl).href;
  await page.goto(`${docsBase}?frame=${encodeURIComponent(frame)}`);
  await page.waitForFunction(() => 'trovato' in window);
  return { page, errors };
}

describe('the embed frame and its client', { timeout: 300_000 }, () => {
  it('applies a recipe, navigates, dispatches a tap and reads logs and trace from another origin', async () => {
    const { page, errors } = await openDocs();
    // The blog demo plus a plugin given inline as wasm, whose tap_install logs a line.
    const chronicle = await lifecyclePlugin('chronicle');
    const recipe: Recipe = {
      ...(blogDemo as Recipe),
      steps: [...(blogDemo as Recipe).steps, { step: 'plugin', name: 'chronicle', manifest: chronicle.manifest, wasm: Buffer.from(chronicle.wasm).toString('base64'), sha256: await sha256Hex(chronicle.wasm) }],
    };
    expect(new URL(site.baseUrl).origin).not.toBe(new URL(docsBase).origin);
    const outcome = await page.evaluate(
      async ({ recipe, wait }) => {
        const { connectEmbed } = (window as unknown as { trovato: typeof import('../../src/embed/client.js') }).trovato;
        const frame = document.getElementById('frame') as HTMLIFrameElement;
        const client = await connectEmbed(frame, { timeoutMs: wait });
        const pages: string[] = [];
        client.onPage((p) => pages.push(p.path));
        const applied = await client.applyRecipe(recipe);
        const post = await client.navigate('/blog/recipe-link', { user: 'anonymous' });
        const missing = await client.navigate('/nowhere');
        const perms = await client.dispatch('tap_perm');
        const trace = await client.trace();
        const logs = await client.logs(50);
        const refused = await client.applyRecipe({ ...recipe, recipe: 2 } as unknown as typeof recipe).then(() => 'applied', (e: Error) => e.message);
        client.close();
        return { applied, post, missing, perms: perms.results.map((r) => r.plugin), traced: trace.map((t) => t.name), logs: logs.map((l) => `${l.plugin}: ${l.message}`), refused, pages };
      },
      { recipe, wait: WAIT },
    );
    expect(outcome.applied).toEqual({ landing: '/blog', user: 'editor', plugins: ['categories', 'blog', 'chronicle'] });
    expect(outcome.post).toMatchObject({ path: '/blog/recipe-link', status: 200, error: null });
    expect(outcome.missing).toMatchObject({ status: 404 });
    expect(outcome.perms).toEqual(['categories', 'blog']);
    expect(outcome.traced).toContain('tap_perm');
    expect(outcome.traced).toContain('blog_post');
    expect(outcome.logs).toContain('chronicle: tap_install ran');
    expect(outcome.refused).toContain('version');
    expect(outcome.pages).toEqual(['/blog', '/blog/recipe-link', '/nowhere']);

    const frame = page.frameLocator('#frame');
    // The frame shows the last page it was asked for... the refused recipe changed nothing.
    await frame.getByText('No page lives at /nowhere.').waitFor();
    // The frame keeps its site in memory: as a third-party frame it may not even open its
    // origin's IndexedDB (this Chromium refuses it), and where it may, it holds no database.
    const stored = await page.frames()[1].evaluate(() =>
      indexedDB.databases().then(
        (list) => list.map((db) => db.name ?? ''),
        (error: Error) => `refused: ${error.message}`,
      ),
    );
    expect(stored === 'refused: The user denied permission to access the database.' || (Array.isArray(stored) && stored.length === 0), String(stored)).toBe(true);
    expect(errors).toEqual([]);
  });

  it('ignores requests from windows other than the embedding page', async () => {
    const { page } = await openDocs();
    const seen = await page.evaluate(async (wait) => {
      const { connectEmbed } = (window as unknown as { trovato: typeof import('../../src/embed/client.js') }).trovato;
      const frame = document.getElementById('frame') as HTMLIFrameElement;
      const client = await connectEmbed(frame, { timeoutMs: wait });
      const pages: string[] = [];
      client.onPage((p) => pages.push(p.path));
      // A sibling frame (same origin as the docs) writes to the embed frame directly.
      const intruder = document.createElement('iframe');
      intruder.srcdoc = `<script>
        addEventListener('message', (e) => parent.postMessage({ intruderGot: e.data }, '*'));
        parent.document.getElementById('frame').contentWindow.postMessage({ protocol: 'trovato-embed/1', id: 99, type: 'navigate', path: '/hello' }, '*');
      <\/script>`;
      const answers: unknown[] = [];
      addEventListener('message', (e) => {
        if (e.data && typeof e.data === 'object' && 'intruderGot' in e.data) answers.push(e.data);
      });
      document.body.append(intruder);
      // The frame answers the real client in well under a second; give the intruder far longer.
      await new Promise((done) => setTimeout(done, 3000));
      const own = await client.navigate('/blog');
      return { answers, pages, own: own.path };
    }, WAIT);
    expect(seen.answers).toEqual([]);
    expect(seen.pages).toEqual(['/blog']);
    expect(seen.own).toBe('/blog');
  });

  it('does not answer an embedding page whose origin the frame does not allow', async () => {
    const { page } = await openDocs(`?origin=${encodeURIComponent('https://docs.example')}`);
    const error = await page.evaluate(async () => {
      const { connectEmbed } = (window as unknown as { trovato: typeof import('../../src/embed/client.js') }).trovato;
      return connectEmbed(document.getElementById('frame') as HTMLIFrameElement, { timeoutMs: 5000 }).then(() => 'connected', (e: Error) => e.message);
    });
    expect(error).toContain('did not become ready');
  });
});
