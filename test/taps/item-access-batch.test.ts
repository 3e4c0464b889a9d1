/**
 * A host `query-items` decides item access for all its matching items together: each
 * `tap_item_access` handler runs over every item in a row (Dispatcher.dispatchEach), so a
 * supervisor told of each call start hears of one plugin at a time. The answers are the ones
 * `get-item` gives item by item. Node, with the prebuilt fixtures and a WAT access rule.
 */
import { expect, it } from 'vitest';
import { openSiteStore } from '../../src/kernel/storage/site-store.js';
import { nodeIndexedDB } from '../../src/kernel/storage/node-indexeddb.js';
import { openSite } from '../../src/site/site.js';
import { DEMO_USERS } from '../../src/site/roles.js';
import { fixturePlugin } from '../support/fixture-plugin.js';
import { constantJson, watPlugin } from '../support/wat-plugin.js';

const [ANONYMOUS, , ADMINISTRATOR] = DEMO_USERS.map((u) => ({ ...u, roles: [...u.roles] }));

/** `calls` without the repeats in a row. */
function runs(calls: readonly string[]): string[] {
  return calls.filter((call, i) => i === 0 || calls[i - 1] !== call);
}

it('query-items runs each access handler over all matching items in a row, and hides what get-item hides', async () => {
  const neutral = constantJson(16, '"Neutral"');
  const calls: string[] = [];
  const store = await openSiteStore({ name: `access-batch-${Date.now()}`, indexedDB: nodeIndexedDB() });
  const site = await openSite({
    store,
    sources: [
      fixturePlugin('kitchen_sink'),
      fixturePlugin('host_probe', 'reader'),
      await watPlugin({ name: 'neutral_rule', fields: neutral.data, exports: { tap_item_access: neutral.body } }),
    ],
    kernel: { onCallStart: (plugin, exportName) => calls.push(`${plugin} ${exportName}`) },
  });
  const ids: string[] = [];
  for (const title of ['Private plans', 'Public notes', 'Private diary', 'Public list']) {
    const saved = await site.saveItem({ item_type: 'ks_note', title, status: 1, fields: { body: 'b' } }, ADMINISTRATOR);
    if (!saved.ok) throw new Error(JSON.stringify(saved));
    ids.push(saved.item.id);
  }
  const read = (op: string, args: unknown) =>
    site.kernel.request(ANONYMOUS, (session) => session.call('reader', 'tap_queue_worker', { op, args }).output as { ok: boolean; result?: { items: Array<{ id: string; title: string }>; total: number } });

  calls.length = 0;
  const listed = await read('query-items', { query: { type: 'ks_note' } });
  expect(runs(calls)).toEqual(['reader tap_queue_worker', 'kitchen_sink tap_item_access', 'neutral_rule tap_item_access', 'reader tap_queue_worker']);
  // Each handler was asked once per item.
  expect(calls.filter((call) => call === 'kitchen_sink tap_item_access')).toHaveLength(ids.length);
  expect(calls.filter((call) => call === 'neutral_rule tap_item_access')).toHaveLength(ids.length);

  expect(listed.ok).toBe(true);
  expect(listed.result?.items.map((item) => item.title).sort()).toEqual(['Public list', 'Public notes']);
  expect(listed.result?.total).toBe(2);
  for (const id of ids) {
    const one = await read('get-item', { id });
    expect(one.ok).toBe(listed.result?.items.some((item) => item.id === id));
  }
  await store.close();
});
