import { describe, expect, it } from 'vitest';
import * as Comlink from 'comlink';
import type { KernelWorkerApi, SiteWorkerApi } from './protocol.js';
import { kernelErrorTransferHandler } from '../kernel/common/errors.js';
import { constantJson, watPlugin } from '../../test/support/wat-plugin.js';

Comlink.transferHandlers.set('throw', kernelErrorTransferHandler);

type Api = KernelWorkerApi & SiteWorkerApi;

function startWorker(): { api: Comlink.Remote<Api>; worker: Worker } {
  const worker = new Worker(new URL('../worker/kernel-worker.ts', import.meta.url), { type: 'module' });
  return { api: Comlink.wrap<Api>(worker), worker };
}

async function plugins() {
  const note = { machine_name: 'note', label: 'Note', description: '', fields: [{ field_name: 'text', field_type: 'TextLong', label: 'Text', required: true, cardinality: 1, settings: {} }] };
  const info = constantJson(1024, JSON.stringify([note]));
  const view = constantJson(8192, JSON.stringify({ '#type': 'markup', '#value': 'a note' }));
  return [
    await watPlugin({ name: 'notes', fields: info.data, exports: { tap_item_info: info.body } }),
    await watPlugin({ name: 'viewer', fields: view.data, exports: { tap_item_view: view.body } }),
  ];
}

describe('the site services in a Web Worker on real IndexedDB', () => {
  it('saves and views an item, disables a plugin, and finds both again in a new worker', async () => {
    const siteName = `site-worker-test-${crypto.randomUUID()}`;
    const editor = { id: 'e1', roles: ['editor'] };
    const first = startWorker();
    let id: string;
    try {
      await first.api.bootSite({ siteName, pluginsUrl: '/plugins/', enabled: [], extra: await plugins() });
      expect((await first.api.contentTypes()).map((t) => t.machine_name)).toEqual(['note']);
      const saved = await first.api.saveItem({ item_type: 'note', title: 'Kept', status: 1, fields: { text: 'hello' } }, editor);
      expect(saved.ok).toBe(true);
      id = saved.ok ? saved.item.id : '';
      expect(await first.api.viewItem(id, {})).toMatchObject({ access: 'granted', renderPlugin: 'viewer', render: { '#value': 'a note' } });
      expect(await first.api.setPluginEnabled('viewer', false)).toMatchObject({ ok: true });
    } finally {
      first.worker.terminate();
    }

    const second = startWorker();
    try {
      await second.api.bootSite({ siteName, pluginsUrl: '/plugins/', enabled: [], extra: await plugins() });
      const statuses = Object.fromEntries((await second.api.plugins()).map((p) => [p.name, p.status]));
      expect(statuses).toEqual({ notes: 'enabled', viewer: 'disabled' });
      const page = await second.api.viewItem(id, {});
      expect(page).toMatchObject({ access: 'granted', renderPlugin: '', item: { title: 'Kept' } });
    } finally {
      second.worker.terminate();
    }
  });

  it('records dispatches for trace() unless the site is opened with trace: false, which says why there is none', async () => {
    for (const trace of [undefined, false]) {
      const { api, worker } = startWorker();
      try {
        await api.bootSite({ siteName: `site-worker-test-${crypto.randomUUID()}`, pluginsUrl: '/plugins/', enabled: [], extra: await plugins(), trace });
        await api.dispatch('tap_item_info');
        if (trace === false) {
          await expect(api.trace()).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining('trace: false') });
        } else {
          const entries = await api.trace();
          const dispatched = entries.find((entry) => entry.kind === 'tap' && entry.name === 'tap_item_info' && entry.results.length === 1);
          expect(dispatched?.results[0]).toMatchObject({ plugin: 'notes', ms: expect.any(Number) });
        }
      } finally {
        worker.terminate();
      }
    }
  });

  it('boots from the plugins the page already fetched, without fetching the index again', async () => {
    const siteName = `site-worker-test-${crypto.randomUUID()}`;
    const { api, worker } = startWorker();
    try {
      // Nothing is served there: a fetch would fail the boot, so the plugins given must be the ones used.
      const report = await api.bootSite({ siteName, pluginsUrl: '/no-plugins-here/', fetched: await plugins() });
      expect(report.order).toEqual(['notes', 'viewer']);
      expect((await api.contentTypes()).map((t) => t.machine_name)).toEqual(['note']);
    } finally {
      worker.terminate();
    }
  });
});
