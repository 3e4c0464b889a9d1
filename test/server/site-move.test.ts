/**
 * Moving a site: a site built on IndexedDB (the browser's store, fake-indexeddb here) exported
 * as the .zip the browser's /admin/site page downloads, imported into a served SQLite site with
 * `trovato import` and served over HTTP; then exported with `trovato export` and imported back
 * into IndexedDB the way the browser's import does (importSite).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPluginFolder } from '../../src/build/plugin-folder.js';
import { main } from '../../src/cli/main.js';
import { INSTALLED_SETTING } from '../../src/site/plugins.js';
import { DEMO_USERS } from '../../src/site/roles.js';
import { openSite } from '../../src/site/site.js';
import { collectSite, exportToZip, importSite, readSiteZip } from '../../src/site/site-export.js';
import { nodeIndexedDB } from '../../src/kernel/storage/node-indexeddb.js';
import { openSiteStore } from '../../src/kernel/storage/site-store.js';
import { listen } from '../../src/server/http-server.js';
import { openServedSite } from '../../src/server/served-site.js';
import { createSiteApp } from '../../src/server/site-app.js';
import { REFERENCE_PLUGINS } from './served-process.js';

const EDITOR = { id: DEMO_USERS[1].id, roles: [...DEMO_USERS[1].roles] };
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trovato-move-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('a browser site export imports into a served site with `trovato import`, and `trovato export` brings it back', async () => {
  const { sources } = await readPluginFolder(REFERENCE_PLUGINS);
  const browserStore = await openSiteStore({ name: `move-${crypto.randomUUID()}`, indexedDB: nodeIndexedDB() });
  const browserSite = await openSite({ store: browserStore, sources });
  const saved = await browserSite.saveItem(
    { item_type: 'blog', title: 'Written in the browser', status: 1, fields: { slug: 'from-browser', body: { value: 'moved', format: 'plain_text' } } },
    EDITOR,
  );
  expect(saved.ok).toBe(true);
  await browserSite.setPluginEnabled('hello', false);
  const exported = await collectSite(browserStore, sources);
  const file = join(dir, 'browser.trovato-site.zip');
  await writeFile(file, exportToZip(exported));
  await browserStore.close();

  const database = join(dir, 'served.db');
  expect(await main(['import', '--database', database, file])).toBe(0);
  // The served site runs the plugins the export carried, whatever the folder holds.
  const { site } = await openServedSite({ plugins: join(dir, 'no-plugins-here'), database });
  const server = await listen(createSiteApp(site), 0);
  try {
    const page = await (await fetch(`${server.url}/blog`)).text();
    expect(page).toContain('href="/blog/from-browser"');
    // tap_install does not run again: the browser site's settings came along, so one welcome post.
    expect(page.match(/href="\/blog\/welcome"/g)).toHaveLength(1);
    // hello stays disabled, as the browser left it.
    expect((await fetch(`${server.url}/hello`)).status).toBe(404);
  } finally {
    await server.close();
    await site.store.close();
  }
  // Importing again into the same database is refused: an import never merges.
  expect(await main(['import', '--database', database, file])).toBe(1);

  const back = join(dir, 'back.trovato-site.zip');
  expect(await main(['export', '--database', database, '--out', back])).toBe(0);
  const read = await readSiteZip(new Uint8Array(await readFile(back)));
  if (!read.ok) throw new Error(read.error);
  expect(read.site.plugins.map((p) => [p.name, p.sha256, p.enabled])).toEqual(exported.plugins.map((p) => [p.name, p.sha256, p.enabled]));
  expect(sortById(read.site.data.items)).toEqual(sortById(exported.data.items));
  expect(read.site.data.variables).toEqual(expect.arrayContaining(exported.data.variables));
  expect(read.site.data.settings).toEqual(exported.data.settings);

  const name = `move-back-${crypto.randomUUID()}`;
  const imported = await importSite(read.site, { openStore: () => openSiteStore({ name, indexedDB: nodeIndexedDB() }), deleteStore: async () => undefined });
  if (!imported.ok) throw new Error(imported.error);
  // The imported store loads items on demand: read them as committed, not through a unit of work.
  const titles = (await imported.site.store.snapshot()).items.map((item) => item.title).sort();
  expect(titles).toContain('Written in the browser');
  expect(titles).toEqual(exported.data.items.map((item) => item.title).sort());
  expect(imported.site.store.getSetting(INSTALLED_SETTING)).toEqual(exported.data.settings[INSTALLED_SETTING]);
  await imported.site.store.close();
}, 120_000);

it('refuses a file that is not a site export, saying what is wrong, and imports nothing', async () => {
  const file = join(dir, 'not-an-export.zip');
  await writeFile(file, JSON.stringify({ format: 'something-else' }));
  const database = join(dir, 'untouched.db');
  expect(await main(['import', '--database', database, file])).toBe(1);
  const { openServedStore } = await import('../../src/server/served-site.js');
  const store = openServedStore(database);
  expect((await store.snapshot()).items).toEqual([]);
  await store.close();
});

function sortById<T extends { id: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => (a.id < b.id ? -1 : 1));
}
