import { describe, expect, it } from 'vitest';
import * as Comlink from 'comlink';
import type { KernelWorkerApi } from '../../src/site/protocol.js';
import { kernelErrorTransferHandler, KernelError } from '../../src/kernel/common/errors.js';
import { constantJson, ECHO, watPlugin } from '../support/wat-plugin.js';

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
