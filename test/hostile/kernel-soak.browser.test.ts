/**
 * The kernel's own heap over 10,000 dispatches, measured where Chromium lets us read it: the
 * same kernel code as the worker runs, on this page, over real IndexedDB, with the reference
 * plugins. (Workers get no performance.memory; soak.browser.test.ts covers the worker path.)
 * The browser runs with --expose-gc (src/chromium.ts), so "before" and "after" are live heaps.
 */
import { describe, expect, it } from 'vitest';
import { fetchPluginIndex, fetchPlugins } from '../../src/kernel/plugin/fetch-plugins.js';
import { openSite } from '../../src/site/site.js';
import { DEMO_USERS } from '../../src/site/roles.js';
import { openSiteStore } from '../../src/kernel/storage/site-store.js';
import { liveHeap, MiB } from './heap.js';

const DISPATCHES = 10_000;
/** Windows of DISPATCHES requests at most: warm-up settles within two or three. */
const MAX_WINDOWS = 5;

describe('kernel soak', () => {
  it(`keeps the kernel heap flat: once warm, ${DISPATCHES.toLocaleString('en')} more page requests and dispatches grow it by less than 1 MiB`, { timeout: 300_000 }, async () => {
    const name = `kernel-soak-${crypto.randomUUID()}`;
    const store = await openSiteStore({ name });
    try {
      const { plugins } = await fetchPluginIndex('/plugins/');
      const site = await openSite({ store, sources: await fetchPlugins('/plugins/', plugins) });
      const anonymous = { id: DEMO_USERS[0].id, roles: [...DEMO_USERS[0].roles] };
      const round = async (i: number) => {
        if (i % 2 === 0) await site.kernel.callRoute('/blog', { user: anonymous });
        else await site.kernel.dispatch('tap_perm', null, { user: anonymous });
      };
      for (let i = 0; i < 500; i++) await round(i);
      // Warm-up (code tiering up, caches filling) grows the heap for a while and then stops; on a
      // busy machine it lasts longer. A leak (an instance, trace or log kept per request) grows it
      // in every window: over 10,000 requests even 100 bytes each is 1 MiB. So windows run until
      // one grows by less than that, and a leak never gets there.
      const heaps = [liveHeap()];
      for (let window = 0; window < MAX_WINDOWS; window++) {
        for (let i = 0; i < DISPATCHES; i++) await round(i);
        heaps.push(liveHeap());
        if (heaps[heaps.length - 1] - heaps[heaps.length - 2] < 1 * MiB) break;
      }
      const mib = (n: number) => (n / MiB).toFixed(2);
      console.info(`kernel heap after each ${DISPATCHES} requests: ${heaps.map(mib).join(', ')} MiB`);
      expect(heaps[heaps.length - 1] - heaps[heaps.length - 2]).toBeLessThan(1 * MiB);
    } finally {
      await store.close();
      indexedDB.deleteDatabase(name);
    }
  });
});
