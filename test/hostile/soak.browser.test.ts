/**
 * 10,000 dispatches in one page load through the supervisor and a real kernel worker on real
 * IndexedDB. What must stay bounded: calls waiting in the supervisor, worker restarts, and the
 * page's live heap, which holds the supervisor and comlink. The worker's heap cannot be read
 * here (Chromium gives workers no performance.memory);
 * kernel-soak.browser.test.ts bounds the kernel's own heap by running it on a page.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { KernelWorkerApi, SiteWorkerApi } from '../../src/site/protocol.js';
import { KernelSupervisor, memoryQuarantine } from '../../src/supervisor/kernel-supervisor.js';
import { ECHO, watPlugin } from '../support/wat-plugin.js';
import { liveHeap, MiB } from './heap.js';
import { keeper } from './plugins.js';

type Api = KernelWorkerApi & SiteWorkerApi;
const DISPATCHES = 10_000;
let supervisor: KernelSupervisor<Api> | undefined;

afterEach(() => supervisor?.close());

describe('soak', () => {
  it(`${DISPATCHES.toLocaleString('en')} dispatches leave no waiting calls, no restarts, and a bounded page heap`, { timeout: 120_000 }, async () => {
    supervisor = new KernelSupervisor<Api>({
      createWorker: () => new Worker(new URL('../../src/worker/kernel-worker.ts', import.meta.url), { type: 'module' }),
      quarantine: memoryQuarantine(),
    });
    const { api } = supervisor;
    await api.bootSite({
      siteName: `soak-${crypto.randomUUID()}`,
      pluginsUrl: '/plugins/',
      enabled: [],
      extra: [await keeper(), await watPlugin({ name: 'echo', exports: { tap_item_view: ECHO } })],
    });
    const input = { item: { title: 'Soak', body: 'x'.repeat(2000) } };
    // Warm up, so the baseline includes compiled code and pooled instances.
    for (let i = 0; i < 200; i++) await api.dispatch('tap_item_view', input);
    const before = liveHeap();
    for (let i = 0; i < DISPATCHES; i++) {
      if (i % 500 === 0) {
        await api.dispatch('tap_queue_worker', { round: i });
      } else {
        const { results } = await api.dispatch('tap_item_view', input);
        if (results[0].error !== undefined) throw new Error(results[0].error);
      }
    }
    const after = liveHeap();
    expect((await api.dispatch('tap_queue_info')).results[0].output).toEqual({ round: DISPATCHES - 500 });
    expect(supervisor.pendingCalls).toBe(0);
    expect(supervisor.restarts).toBe(0);
    console.info(`[figure] page heap before ${(before / MiB).toFixed(1)} MiB, after ${DISPATCHES} dispatches ${(after / MiB).toFixed(1)} MiB`);
    // 10,000 results of 2 KB each would be 20 MB if the page kept them.
    expect(after - before).toBeLessThan(4 * MiB);
  });
});
