/**
 * The Web Worker entry: one kernel per worker, exposed to the page through comlink. Plugin code
 * runs here, off the page's thread, so a busy plugin never freezes the UI.
 *
 * `boot` gives a kernel without storage (the playground's dry runs); `bootSite` opens the site's
 * IndexedDB database and puts the site services (SiteWorkerApi) on a kernel that uses it. After
 * `bootSite`, the KernelWorkerApi calls go to the site's kernel.
 */
import * as Comlink from 'comlink';
import { createKernel, type Kernel, type KernelOptions } from '../kernel/kernel.js';
import type { DispatchEvent } from '../kernel/tap/dispatcher.js';
import { fetchPluginIndex, fetchPlugins } from '../kernel/plugin/fetch-plugins.js';
import { KernelError, kernelErrorTransferHandler } from '../kernel/common/errors.js';
import { openSiteStore, type SiteStore } from '../kernel/storage/site-store.js';
import { DATA_VERSION_CHANNEL, type DataVersionNotice } from '../kernel/storage/data-version.js';
import { createKeyedCache } from '../kernel/storage/keyed-cache.js';
import type { RewrittenModule } from '../kernel/plugin/module-rewrite.js';
import { openSite, type Site } from '../site/site.js';
import { storedPlugins } from '../site/plugins.js';
import type { SiteExport } from '../site/site-export.js';
import { sha256Hex } from '../kernel/common/digest.js';
import { createWorkerSupervision } from './supervision.js';
import { specOf, userForPick } from '../site/roles.js';
import type { BootOptions, EarlyBoot, EarlyBootPlugins, EarlyBootRequest, FirstPage, KernelWorkerApi, LoadReport, PluginSource, RecipeProgress, SiteBootOptions, SiteTransferApi, SiteWorkerApi, TraceEntry, UserProfile } from '../site/protocol.js';

/** The IndexedDB database of rewritten plugin modules, shared by every site of the origin. */
const REWRITE_CACHE_DATABASE = 'trovato:rewritten-modules';

// The playground's tap inspector reads these; bounded so a long session does not grow the worker.
const TRACE_LIMIT = 500;
const traceBuffer: TraceEntry[] = [];
let traceSeq = 0;

/** Every dispatch the kernel makes, boot and site services included, not only the page's own calls. */
function record(event: DispatchEvent): void {
  traceBuffer.push({ seq: ++traceSeq, time: Date.now(), ...event });
  if (traceBuffer.length > TRACE_LIMIT) traceBuffer.shift();
}

// Rewriting a plugin is most of loading it: a warm boot reads the rewrite of unchanged plugins back.
const rewriteCache = createKeyedCache<RewrittenModule>({ name: REWRITE_CACHE_DATABASE });

/** Whether the kernels made from now on record their dispatches for `trace()` (BootOptions.trace). */
let tracing = true;

function kernelOptions(): KernelOptions {
  return { ...supervision.kernelOptions(), ...(tracing ? { onDispatch: record } : {}), rewriteCache };
}

// The page's KernelSupervisor names hung plugins and holds back quarantined ones through this.
const supervision = createWorkerSupervision(() => [kernel]);
let kernel: Kernel = createKernel(kernelOptions());
let site: Site | null = null;
/** Where the open site's plugins come from, for reloading one of them. */
let sitePluginsUrl = '';
/** The plugins the open site was booted with (exports carry them). */
let siteSources: PluginSource[] = [];
let recipeProgress: RecipeProgress | null = null;

// Recipes, exports and imports are loaded when first used: with Ajv and fflate they are half of
// the worker's code, which every boot would otherwise download, parse and run before the site opens.
const recipes = () => import('../site/apply-recipe.js');
const transfers = () => import('../site/site-export.js');
const recipeFormat = () => import('../recipe/recipe.js');

/** The named plugins (or the index's, as the page fetched them or fetched now), plus the ones given as bytes. */
async function offeredPlugins(options: BootOptions): Promise<PluginSource[]> {
  if (options.enabled === undefined && options.fetched !== undefined) return [...options.fetched, ...(options.extra ?? [])];
  const names = options.enabled ?? (await fetchPluginIndex(options.pluginsUrl)).plugins;
  return [...(await fetchPlugins(options.pluginsUrl, names)), ...(options.extra ?? [])];
}

function opened(): Site {
  if (site) return site;
  throw new KernelError('BAD_INPUT', 'The site is not open yet: call bootSite({ siteName, pluginsUrl }) before the site services.');
}

/** Makes `next` the open site (closing the previous one). */
async function adopt(next: Site, sources: PluginSource[]): Promise<void> {
  if (site && site !== next) await site.store.close();
  site = next;
  siteSources = sources;
  kernel = next.kernel;
}

// Every write's new data version goes to the site's pages, which keep it for their next boot.
const dataVersions = typeof BroadcastChannel === 'function' ? new BroadcastChannel(DATA_VERSION_CHANNEL) : null;

function announce(database: string, version: string | null): void {
  dataVersions?.postMessage({ database, version } satisfies DataVersionNotice);
}

/** Opens the site database `name`, announcing each data version its writes make. */
function openStore(name: string): Promise<SiteStore> {
  return openSiteStore({ name, onDataVersion: (version) => announce(name, version) });
}

function deleteDatabase(name: string): Promise<void> {
  // Announced first: from now on no page shows a snapshot of it before reading it.
  announce(name, null);
  return new Promise((done, fail) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => done();
    request.onerror = () => fail(request.error);
    // Another connection (a tab on the same site) keeps it open: it is deleted once that closes.
    request.onblocked = () => done();
  });
}

/**
 * Opens the site database `options.siteName` as the worker's site (closing the one open).
 * `fetched`: the plugin files as the page fetched them, when they arrive apart from the options.
 */
async function openOwnSite(options: SiteBootOptions, fetched: Promise<PluginSource[] | undefined> = Promise.resolve(options.fetched)): Promise<LoadReport> {
  await site?.store.close();
  site = null;
  tracing = options.trace !== false;
  const store = await openStore(options.siteName);
  // A site made by a recipe or an import carries its plugins; the others run every plugin
  // offered, and which of them run is the site's own setting.
  const sources = storedPlugins(store) ?? (await offeredPlugins({ ...options, fetched: await fetched }));
  await adopt(await openSite({ store, sources, kernel: { ...kernelOptions(), ...(options.fuel !== undefined ? { fuel: options.fuel } : {}) } }), sources);
  sitePluginsUrl = options.pluginsUrl;
  return opened().report();
}

/**
 * The boot the boot script asked for (EarlyBootRequest) while the page's code loads: the site,
 * what every page needs about it, and the first page. Until the page takes it, null once taken.
 */
let earlyBoot: Promise<EarlyBoot> | null = null;
/** Settles with the early boot (never rejects): a boot the page asks for waits for it. */
let earlyBootSettled: Promise<unknown> = Promise.resolve();

async function bootEarly(request: EarlyBootRequest, fetched: Promise<PluginSource[] | undefined>): Promise<EarlyBoot> {
  // Before any plugin loads: a quarantined plugin must not run, not even once at boot.
  await supervision.api.setQuarantined(request.quarantined);
  await openOwnSite(request.boot, fetched);
  const open = opened();
  const [users, contentTypes] = await Promise.all([open.users(), open.contentTypes()]);
  const overview = { report: kernel.status(), users, contentTypes, menu: kernel.menuTree() };
  const first = request.first === null ? null : await buildFirstPage(request.first, users);
  return { site: overview, first };
}

/**
 * The first page as the page would ask for it, with the data version read before its request
 * and after it (the page shows it only if nothing was written since, and keeps it as a
 * last-page snapshot as of before). Null when it fails: the page then asks for it itself and
 * shows that failure as it shows any page's.
 */
async function buildFirstPage(first: NonNullable<EarlyBootRequest['first']>, users: UserProfile[]): Promise<FirstPage | null> {
  const store = opened().store;
  try {
    const before = await store.dataVersion();
    const user = userForPick(users, first.pick);
    // Answers once the request's writes are committed (storage rule 1).
    const answer = await kernel.callRoute(first.path, { user: specOf(user), query: first.query });
    const after = await store.dataVersion();
    return { path: first.path, query: first.query, userId: user?.id, before, after, answer };
  } catch {
    return null;
  }
}

function isMessage<T extends { type: string }>(data: unknown, type: T['type']): data is T {
  return typeof data === 'object' && data !== null && (data as { type?: unknown }).type === type;
}

// The boot script's request is the worker's first message, posted before comlink's, and the
// plugin files follow it; comlink ignores messages it does not know. Only the first of each is taken.
let earlyAsked = false;
let arrived: (fetched: PluginSource[] | undefined) => void = () => undefined;
const earlyPlugins = new Promise<PluginSource[] | undefined>((resolve) => (arrived = resolve));
addEventListener('message', function onEarlyBoot(event: MessageEvent) {
  if (isMessage<EarlyBootRequest>(event.data, 'trovato:early-boot') && !earlyAsked) {
    earlyAsked = true;
    const run = bootEarly(event.data, earlyPlugins);
    earlyBoot = run;
    earlyBootSettled = run.catch(() => undefined);
  } else if (isMessage<EarlyBootPlugins>(event.data, 'trovato:early-plugins')) {
    removeEventListener('message', onEarlyBoot);
    arrived(event.data.fetched);
  }
});

const api: KernelWorkerApi & SiteWorkerApi & SiteTransferApi = {
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
  async trace(since = 0) {
    if (!tracing) throw new KernelError('BAD_INPUT', 'This site was opened with trace: false, so its dispatches are not recorded; open it without that option to read them.');
    return traceBuffer.filter((entry) => entry.seq > since);
  },

  async bootSite(options) {
    // Not beside an early boot still opening a site: this one replaces it once it is done.
    await earlyBootSettled;
    return openOwnSite(options);
  },
  async takeEarlyBoot() {
    const taken = earlyBoot;
    earlyBoot = null;
    return taken;
  },
  async prepareRecipes() {
    const [, , { prepareRecipeChecks }] = await Promise.all([recipes(), transfers(), recipeFormat()]);
    prepareRecipeChecks();
  },
  async applyRecipe({ recipe: given, siteName, pluginsUrl, compiled, baseSiteName, trace }) {
    // Checked here too, whoever sent it (an embedding page sends objects): as text, so the size,
    // depth and forbidden-key guards apply as well as the schema.
    const [{ applyRecipe, fetchWasm }, { collectSite }, { parseRecipe }] = await Promise.all([recipes(), transfers(), recipeFormat()]);
    const read = parseRecipe(JSON.stringify(given) ?? '');
    if (!read.ok) return read;
    const recipe = read.recipe;
    if (trace !== undefined) tracing = trace;
    recipeProgress = { done: 0, total: recipe.steps.length + 1, step: 'starting' };
    try {
      let base: SiteExport | undefined;
      if (baseSiteName !== undefined) {
        // Read, never written: the recipe goes into the fresh database, the page swaps on success.
        const from = site?.store.name === baseSiteName ? site.store : await openStore(baseSiteName);
        try {
          base = await collectSite(from, storedPlugins(from) ?? (from === site?.store ? siteSources : await offeredPlugins({ pluginsUrl })));
        } finally {
          if (from !== site?.store) await from.close();
        }
      }
      const result = await applyRecipe(recipe, {
        openStore: () => openStore(siteName),
        deleteStore: () => deleteDatabase(siteName),
        referencePlugin: async (name) => (await fetchPlugins(pluginsUrl, [name]))[0],
        fetchBytes: fetchWasm,
        compiled,
        base,
        kernel: kernelOptions(),
        onProgress: (progress) => (recipeProgress = progress),
      });
      if (!result.ok) return result;
      await adopt(result.site, storedPlugins(result.site.store) ?? []);
      return { ok: true, report: result.site.report(), landing: result.landing, user: result.user };
    } finally {
      recipeProgress = null;
    }
  },
  recipeProgress: async () => recipeProgress,
  async exportSite() {
    const { collectSite, exportToZip } = await transfers();
    const zip = exportToZip(await collectSite(opened().store, siteSources));
    return Comlink.transfer(zip, [zip.buffer as ArrayBuffer]);
  },
  async exportRecipe({ pluginsUrl, landing, user, title }) {
    const { collectSite, siteToRecipe } = await transfers();
    const exported = await collectSite(opened().store, siteSources);
    const index = await fetchPluginIndex(pluginsUrl).catch(() => ({ plugins: [] as string[] }));
    const references = await fetchPlugins(pluginsUrl, exported.plugins.map((p) => p.name).filter((name) => index.plugins.includes(name)));
    const referenceHashes = Object.fromEntries(await Promise.all(references.map(async (p) => [p.name, await sha256Hex(p.wasm)] as const)));
    return siteToRecipe(exported, { referenceHashes, landing, user, title });
  },
  async importSite({ zip, siteName }) {
    const { importSite, readSiteZip } = await transfers();
    const read = await readSiteZip(zip);
    if (!read.ok) return read;
    const result = await importSite(read.site, { openStore: () => openStore(siteName), deleteStore: () => deleteDatabase(siteName), kernel: kernelOptions() });
    if (!result.ok) return result;
    await adopt(result.site, storedPlugins(result.site.store) ?? []);
    return { ok: true, report: result.site.report() };
  },
  async deleteSite(siteName) {
    if (site?.store.name === siteName) {
      await site.store.close();
      site = null;
    }
    await deleteDatabase(siteName);
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
