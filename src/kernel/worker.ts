/**
 * The Web Worker entry: one kernel per worker, exposed to the page through comlink. Plugin code
 * runs here, off the page's thread, so a busy plugin never freezes the UI.
 */
import * as Comlink from 'comlink';
import { createKernel } from './kernel.js';
import { fetchPluginIndex, fetchPlugins } from './plugin/fetch-plugins.js';
import { kernelErrorTransferHandler } from './errors.js';
import type { KernelWorkerApi } from './protocol.js';

const kernel = createKernel();

const api: KernelWorkerApi = {
  async boot(options) {
    const names = options.enabled ?? (await fetchPluginIndex(options.pluginsUrl)).plugins;
    const sources = await fetchPlugins(options.pluginsUrl, names);
    return kernel.load([...sources, ...(options.extra ?? [])]);
  },
  load: (sources) => kernel.load(sources),
  dispatch: (tap, input, user) => kernel.dispatch(tap, input, { user }),
  dispatchOne: (tap, input, user) => kernel.dispatchOne(tap, input, { user }),
  route: async (path) => kernel.route(path),
  callRoute: (path, user, query) => kernel.callRoute(path, { user, query }),
  routes: async () => kernel.routes(),
  menuTree: async () => kernel.menuTree(),
  status: async () => kernel.status(),
};

// KernelErrors keep their code across the worker boundary (comlink alone keeps only the message).
Comlink.transferHandlers.set('throw', kernelErrorTransferHandler);

Comlink.expose(api);
