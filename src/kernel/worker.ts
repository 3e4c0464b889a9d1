/**
 * The Web Worker entry: one kernel per worker, exposed to the page through comlink. Plugin code
 * runs here, off the page's thread, so a busy plugin never freezes the UI.
 *
 * `boot` gives a kernel without storage (the playground's dry runs); `bootSite` opens the site's
 * IndexedDB database and puts the site services (SiteWorkerApi) on a kernel that uses it. After
 * `bootSite`, the KernelWorkerApi calls go to the site's kernel.
 */
import * as Comlink from 'comlink';
import { createKernel, type Kernel } from './kernel.js';
import { fetchPluginIndex, fetchPlugins } from './plugin/fetch-plugins.js';
import { KernelError, kernelErrorTransferHandler } from './errors.js';
import { openSiteStore } from './storage/site-store.js';
import { openSite, type Site } from './site/site.js';
import { createWorkerSupervision } from '../supervisor/worker-side.js';
import type { HandlerResult, KernelWorkerApi, SiteWorkerApi, TraceEntry, UserSpec } from './protocol.js';

// The playground's tap inspector reads these; bounded so a long session does not grow the worker.
const TRACE_LIMIT = 500;
const traceBuffer: TraceEntry[] = [];
let traceSeq = 0;

function record(kind: TraceEntry['kind'], name: string, input: unknown, user: UserSpec | undefined, results: HandlerResult[]): void {
  traceBuffer.push({ seq: ++traceSeq, time: Date.now(), kind, name, input, user, results });
  if (traceBuffer.length > TRACE_LIMIT) traceBuffer.shift();
}

// The page's KernelSupervisor names hung plugins and holds back quarantined ones through this.
const supervision = createWorkerSupervision(() => [kernel]);
let kernel: Kernel = createKernel({ ...supervision.kernelOptions() });
let site: Site | null = null;

function opened(): Site {
  if (site) return site;
  throw new KernelError('BAD_INPUT', 'The site is not open yet: call bootSite({ siteName, pluginsUrl }) before the site services.');
}

const api: KernelWorkerApi & SiteWorkerApi = {
  ...supervision.api,
  async boot(options) {
    const names = options.enabled ?? (await fetchPluginIndex(options.pluginsUrl)).plugins;
    const sources = await fetchPlugins(options.pluginsUrl, names);
    return kernel.load([...sources, ...(options.extra ?? [])]);
  },
  load: (sources) => kernel.load(sources),
  async dispatch(tap, input, user) {
    const result = await kernel.dispatch(tap, input, { user });
    record('tap', tap, input ?? null, user, result.results);
    return result;
  },
  async dispatchOne(tap, input, user) {
    const result = await kernel.dispatchOne(tap, input, { user });
    record('tap', tap, input ?? null, user, result.results);
    return result;
  },
  route: async (path) => kernel.route(path),
  async callRoute(path, user, query) {
    const response = await kernel.callRoute(path, { user, query });
    if (response) record('route', response.match.route.callback, { path, params: response.match.params, query: query ?? {} }, user, [response.result]);
    return response;
  },
  routes: async () => kernel.routes(),
  menuTree: async () => kernel.menuTree(),
  status: async () => kernel.status(),
  trace: async (since = 0) => traceBuffer.filter((entry) => entry.seq > since),

  async bootSite(options) {
    // The site's plugins are every plugin offered; which of them run is the site's own setting.
    const names = options.enabled ?? (await fetchPluginIndex(options.pluginsUrl)).plugins;
    const sources = [...(await fetchPlugins(options.pluginsUrl, names)), ...(options.extra ?? [])];
    await site?.store.close();
    site = null;
    const store = await openSiteStore({ name: options.siteName });
    site = await openSite({ store, sources, kernel: supervision.kernelOptions() });
    kernel = site.kernel;
    return site.report();
  },
  contentTypes: () => opened().contentTypes(),
  permissions: () => opened().permissions(),
  users: () => opened().users(),
  viewItem: (id, user) => opened().viewItem(id, user),
  editableItem: (id, user) => opened().editableItem(id, user),
  saveItem: (item, user) => opened().saveItem(item, user),
  deleteItem: (id, user) => opened().deleteItem(id, user),
  listItems: (query, user) => opened().listItems(query, user),
  plugins: () => opened().plugins(),
  setPluginEnabled: (name, enabled) => opened().setPluginEnabled(name, enabled),
  uninstallPlugin: (name) => opened().uninstallPlugin(name),
  readLogs: (query) => opened().readLogs(query),
};

// KernelErrors keep their code across the worker boundary (comlink alone keeps only the message).
Comlink.transferHandlers.set('throw', kernelErrorTransferHandler);

Comlink.expose(api);
