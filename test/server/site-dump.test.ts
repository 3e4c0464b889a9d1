/**
 * Moving a site: a site built on IndexedDB (the browser's store, fake-indexeddb here) dumped and
 * imported into a served SQLite site, served over HTTP; and back, from SQLite into IndexedDB.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPluginFolder } from '../../src/cli/plugin-folder.js';
import { main } from '../../src/cli/main.js';
import { INSTALLED_SETTING } from '../../src/kernel/site/plugins.js';
import { DEMO_USERS } from '../../src/kernel/site/roles.js';
import { openSite } from '../../src/kernel/site/site.js';
import { nodeIndexedDB } from '../../src/kernel/storage/node-indexeddb.js';
import { checkDump } from '../../src/kernel/storage/site-dump.js';
import { openSiteStore } from '../../src/kernel/storage/site-store.js';
import { listen } from '../../src/server/http-server.js';
import { openServedSite } from '../../src/server/served-site.js';
import { createSiteApp } from '../../src/server/site-app.js';
import { REFERENCE_PLUGINS } from './served-process.js';

const EDITOR = { id: DEMO_USERS[1].id, roles: [...DEMO_USERS[1].roles] };
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trovato-dump-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('a browser site moves to a served site with `trovato import`, and back with `trovato export`', async () => {
  const { sources } = await readPluginFolder(REFERENCE_PLUGINS);
  const browserStore = await openSiteStore({ name: `dump-${crypto.randomUUID()}`, indexedDB: nodeIndexedDB() });
  const browserSite = await openSite({ store: browserStore, sources });
  const saved = await browserSite.saveItem(
    { item_type: 'blog', title: 'Written in the browser', status: 1, fields: { slug: 'from-browser', body: { value: 'moved', format: 'plain_text' } } },
    EDITOR,
  );
  expect(saved.ok).toBe(true);
  const file = join(dir, 'site.json');
  await writeFile(file, JSON.stringify(await browserStore.exportDump()));
  await browserStore.close();

  const database = join(dir, 'served.db');
  expect(await main(['import', '--database', database, file])).toBe(0);
  const { site } = await openServedSite({ plugins: REFERENCE_PLUGINS, database });
  const server = await listen(createSiteApp(site), 0);
  try {
    const page = await (await fetch(`${server.url}/blog`)).text();
    expect(page).toContain('href="/blog/from-browser"');
    // tap_install does not run again: the browser site's settings came along, so one welcome post.
    expect(page.match(/href="\/blog\/welcome"/g)).toHaveLength(1);
  } finally {
    await server.close();
    await site.store.close();
  }

  const back = join(dir, 'back.json');
  expect(await main(['export', '--database', database, '--out', back])).toBe(0);
  const dump = checkDump(JSON.parse(await readFile(back, 'utf8')), back);
  const again = await openSiteStore({ name: `dump-back-${crypto.randomUUID()}`, indexedDB: nodeIndexedDB() });
  await again.importDump(dump);
  const titles = again.beginWork({ id: 'x', name: 'x', roles: [], permissions: new Set() }).allItems().map((item) => item.title).sort();
  expect(titles).toEqual(['A first post, written by a plugin', 'Written in the browser']);
  expect(again.getSetting(INSTALLED_SETTING)).toEqual(expect.arrayContaining(['blog', 'categories', 'hello']));
  await again.close();
}, 120_000);

it('refuses a file that is not a site dump, saying what is wrong', async () => {
  const file = join(dir, 'not-a-dump.json');
  await writeFile(file, JSON.stringify({ format: 'something-else' }));
  expect(() => checkDump({ format: 'something-else' }, file)).toThrow(/not a site dump this Trovato can import: its "format" is "something-else"/);
  expect(await main(['import', '--database', join(dir, 'x.db'), file])).toBe(1);
});
