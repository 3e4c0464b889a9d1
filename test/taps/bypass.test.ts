/**
 * Host item reads and the item-access bypass: a plugin's get-item and query-items apply
 * tap_item_access for the request's user, unless the plugin's manifest declares
 * `[access] bypass_item_access = true`. host_probe (a reader) and a copy of it that declares the
 * bypass (an indexer) read what kitchen_sink denies. Node, with the prebuilt fixtures.
 */
import { expect, it } from 'vitest';
import { openSiteStore } from '../../src/kernel/storage/site-store.js';
import { nodeIndexedDB } from '../../src/kernel/storage/node-indexeddb.js';
import { openSite } from '../../src/site/site.js';
import { DEMO_USERS } from '../../src/site/roles.js';
import { parseManifest } from '../../src/kernel/plugin/manifest.js';
import { fixturePlugin } from '../support/fixture-plugin.js';

const [ANONYMOUS, , ADMINISTRATOR] = DEMO_USERS.map((u) => ({ ...u, roles: [...u.roles] }));

it('a plugin reads only what item access lets the user see; a plugin that declared the bypass reads everything', async () => {
  const store = await openSiteStore({ name: `bypass-${Date.now()}`, indexedDB: nodeIndexedDB() });
  const site = await openSite({
    store,
    sources: [fixturePlugin('kitchen_sink'), fixturePlugin('host_probe', 'reader'), fixturePlugin('host_probe', 'indexer', '\n[access]\nbypass_item_access = true\n')],
  });
  const saved = await site.saveItem({ item_type: 'ks_note', title: 'Private plans', status: 1, fields: { body: 'b' } }, ADMINISTRATOR);
  if (!saved.ok) throw new Error(JSON.stringify(saved));
  const read = (plugin: string, op: string, args: unknown) =>
    site.kernel.request(ANONYMOUS, (session) => session.call(plugin, 'tap_queue_worker', { op, args }).output as { ok: boolean; code?: number; result?: { total: number } });

  expect(await read('reader', 'query-items', { query: {} })).toMatchObject({ ok: true, result: { total: 0 } });
  expect(await read('reader', 'get-item', { id: saved.item.id })).toMatchObject({ ok: false, code: -3 });
  expect(await read('indexer', 'query-items', { query: {} })).toMatchObject({ ok: true, result: { total: 1 } });
  expect(await read('indexer', 'get-item', { id: saved.item.id })).toMatchObject({ ok: true });
  await store.close();
});

it('the manifest refuses a bypass that is not true or false, naming the key', () => {
  const result = parseManifest('name = "x"\ndescription = "d"\nversion = "1.0.0"\n[access]\nbypass_item_access = "yes"\n', { file: 'x.info.toml', expectedName: 'x' });
  expect(result.ok).toBe(false);
  if (!result.ok) expect(result.errors.map((e) => e.key)).toContain('access.bypass_item_access');
});
