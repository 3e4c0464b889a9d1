import { describe, expect, it } from 'vitest';
import * as Comlink from 'comlink';
import type { KernelWorkerApi } from '../../src/site/protocol.js';
import { kernelErrorTransferHandler, KernelError } from '../../src/kernel/common/errors.js';
import { constantJson, ECHO, watPlugin } from '../support/wat-plugin.js';
import { sha256Hex } from '../../src/kernel/common/digest.js';

Comlink.transferHandlers.set('throw', kernelErrorTransferHandler);

function startKernelWorker(): { api: Comlink.Remote<KernelWorkerApi>; worker: Worker } {
  const worker = new Worker(new URL('../../src/worker/kernel-worker.ts', import.meta.url), { type: 'module' });
  return { api: Comlink.wrap<KernelWorkerApi>(worker), worker };
}

describe('the kernel in a Web Worker', () => {
  it('loads a plugin and dispatches a tap across the worker boundary', async () => {
    const { api, worker } = startKernelWorker();
    try {
      const menu = constantJson(16, JSON.stringify([{ path: '/hello/:name', title: 'Hello', callback: 'hello' }]));
      const report = await api.load([
        await watPlugin({ name: 'greeter', fields: menu.data, exports: { tap_item_view: ECHO, tap_menu: menu.body, hello: ECHO } }),
      ]);
      expect(report.order).toEqual(['greeter']);
      const result = await api.dispatch('tap_item_view', { title: 'Ciao, 世界' });
      expect(result.results).toEqual([expect.objectContaining({ plugin: 'greeter', output: { title: 'Ciao, 世界' } })]);
      const page = await api.callRoute('/hello/ada');
      // `now`: the request's time in Unix seconds (the worker's clock), the same for every handler.
      expect(page?.result.output).toEqual({ path: '/hello/ada', params: { name: 'ada' }, query: {}, now: expect.any(Number) });
    } finally {
      worker.terminate();
    }
  });

  it('keeps each rewritten module in IndexedDB, and the next worker loads it from there', async () => {
    // A module no earlier run kept: its own constant.
    const marker = crypto.getRandomValues(new Uint32Array(1))[0]! >>> 1;
    const source = await watPlugin({ name: 'kept', fields: `(global (mut i32) (i32.const ${marker}))`, exports: { tap_item_view: ECHO } });
    const digest = await sha256Hex(source.wasm);
    const loadIn = async () => {
      const { api, worker } = startKernelWorker();
      try {
        const report = await api.load([source]);
        const echoed = await api.dispatch('tap_item_view', { marker });
        return { report, echoed: echoed.results[0]?.output };
      } finally {
        worker.terminate();
      }
    };
    const first = await loadIn();
    expect(first.report.plugins[0]).toMatchObject({ name: 'kept', status: 'ok', warnings: [] });
    const kept = await keptRewrites(digest);
    expect(kept).toHaveLength(1);
    const second = await loadIn();
    expect(second.report.plugins[0]).toMatchObject({ status: 'ok', warnings: [] });
    expect(second.echoed).toEqual({ marker });
    // Read back, not rewritten and kept again (that would have stored it anew).
    expect(await keptRewrites(digest)).toEqual(kept);
  });

  it('keeps a KernelError code when boot fails across the boundary', async () => {
    const { api, worker } = startKernelWorker();
    try {
      const failure = await api.boot({ pluginsUrl: '/no-such-plugins-dir/' }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(KernelError);
      expect((failure as KernelError).code).toBe('PLUGIN_NOT_FOUND');
      expect((failure as KernelError).message).toContain('npm run build:plugins');
    } finally {
      worker.terminate();
    }
  });
});

/** The worker's kept rewrites of the module whose SHA-256 is `digest`, as [key, storedAt]. */
async function keptRewrites(digest: string): Promise<Array<[string, number]>> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open('trovato:rewritten-modules');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  try {
    const store = db.transaction('entries').objectStore('entries');
    const [keys, values] = await Promise.all(
      [store.getAllKeys(), store.getAll()].map((request) => new Promise<unknown[]>((resolve, reject) => {
        request.onsuccess = () => resolve(request.result as unknown[]);
        request.onerror = () => reject(request.error);
      })),
    );
    return keys.flatMap((key, i) => (String(key).endsWith(`/${digest}`) ? [[String(key), (values[i] as { storedAt: number }).storedAt] as [string, number]] : []));
  } finally {
    db.close();
  }
}
