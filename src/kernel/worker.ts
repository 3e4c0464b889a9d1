/**
 * The Web Worker entry: one kernel per worker, exposed to the page through comlink. Plugin code
 * runs here, off the page's thread, so a busy plugin never freezes the UI.
 *
 * `boot` gives a kernel without storage (the playground's dry runs); `bootSite` opens the site's
 * IndexedDB database and puts the site services (SiteWorkerApi) on a kernel that uses it. After
 * `bootSite`, the KernelWorkerApi calls go to the site's kernel.
 */
import * as Comlink from 'comlink';
import { createKernel, type Kernel, type KernelOptions } from './kernel.js';
import type { DispatchEvent } from './tap/dispatcher.js';
import { fetchPluginIndex, fetchPlugins } from './plugin/fetch-plugins.js';
import { KernelError, kernelErrorTransferHandler } from './errors.js';
import { openSiteStore } from './storage/site-store.js';
import { openSite, type Site } from './site/site.js';
import { createWorkerSupervision } from '../supervisor/worker-side.js';
import type { BootOptions, KernelWorkerApi, PluginSource, SiteWorkerApi, TraceEntry } from './protocol.js';

// The playground's tap inspector reads these; bounded so a long session does not grow the worker.
const TRACE_LIMIT = 500;
const traceBuffer: TraceEntry[] = [];
let traceSeq = 0;

/** Every dispatch the kernel makes, boot and site services included, not only the page's own calls. */
function record(event: DispatchEvent): void {
  traceBuffer.push({ seq: ++traceSeq, time: Date.now(), ...event });
  if (traceBuffer.length > TRACE_LIMIT) traceBuffer.shift();
}

function kernelOptions(): KernelOptions {
  return { ...supervision.kernelOptions(), onDispatch: record };
}

// The page's KernelSupervisor names hung plugins and holds back quarantined ones through this.
const supervision = createWorkerSupervision(() => [kernel]);
let kernel: Kernel = createKernel(kernelOptions());
let site: Site | null = null;
/** Where the open site's plugins come from, for reloading one of them. */
let sitePluginsUrl = '';

/** The named plugins (or the index's), fetched, plus the ones given as bytes. */
async function offeredPlugins(options: BootOptions): Promise<PluginSource[]> {
  const names = options.enabled ?? (await fetchPluginIndex(options.pluginsUrl)).plugins;
  return [...(await fetchPlugins(options.pluginsUrl, names)), ...(options.extra ?? [])];
}

function opened(): Site {
  if (site) return site;
  throw new KernelError('BAD_INPUT', 'The site is not open yet: call bootSite({ siteName, pluginsUrl }) before the site services.');
}

const api: KernelWorkerApi & SiteWorkerApi = {
  ...supervision.api,
  async boot(options) {
    if (options.fuel !== undefined) kernel = createKernel({ ...kernelOptions(), fuel: options.fuel });
    return kernel.load(await offeredPlugins(options));
  },
  load: (sources) => kernel.load(sources),
  dispatch: (tap, input, user) => kernel.dispatch(tap, input, { user }),
  dispatchOne: (tap, input, user) => kernel.dispatchOne(tap, input, { user }),
  route: async (path) => kernel.route(path),
  callRoute: (path, user, query) => kernel.callRoute(path, { user, query }),
  routes: async () => kernel.routes(),
  menuTree: async () => kernel.menuTree(),
  status: async () => kernel.status(),
  trace: async (since = 0) => traceBuffer.filter((entry) => entry.seq > since),

  async bootSite(options) {
    // The site's plugins are every plugin offered; which of them run is the site's own setting.
    const sources = await offeredPlugins(options);
    await site?.store.close();
    site = null;
    const store = await openSiteStore({ name: options.siteName });
    site = await openSite({ store, sources, kernel: { ...kernelOptions(), ...(options.fuel !== undefined ? { fuel: options.fuel } : {}) } });
    sitePluginsUrl = options.pluginsUrl;
    kernel = site.kernel;
    return site.report();
  },
  contentTypes: () => opened().contentTypes(),
  permissions: () => opened().permissions(),
  users: () => opened().users(),
  viewItem: (id, user) => opened().viewItem(id, user),
  roles: () => opened().roles(),
  setRolePermissions: (role, permissions, actor) => opened().setRolePermissions(role, permissions, actor),
  setUserRoles: (id, roles, actor) => opened().setUserRoles(id, roles, actor),
  login: (user) => opened().login(user),
  itemForm: (type, user) => opened().itemForm(type, user),
  submitForm: (submission, user) => opened().submitForm(submission, user),
  runCron: () => opened().runCron(),
  cronTick: () => opened().cronTick(),
  editableItem: (id, user) => opened().editableItem(id, user),
  saveItem: (item, user) => opened().saveItem(item, user),
  deleteItem: (id, user) => opened().deleteItem(id, user),
  listItems: (query, user) => opened().listItems(query, user),
  plugins: () => opened().plugins(),
  async reloadPlugin(name) {
    const open = opened();
    const [source] = await fetchPlugins(sitePluginsUrl, [name], { fresh: true });
    return open.replacePlugin(source);
  },
  setPluginEnabled: (name, enabled) => opened().setPluginEnabled(name, enabled),
  uninstallPlugin: (name) => opened().uninstallPlugin(name),
  readLogs: (query) => opened().readLogs(query),
};

// KernelErrors keep their code across the worker boundary (comlink alone keeps only the message).
Comlink.transferHandlers.set('throw', kernelErrorTransferHandler);

Comlink.expose(api);
