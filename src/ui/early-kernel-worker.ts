/**
 * The site's kernel worker, started by the boot script (page-snapshot-boot.ts) once the
 * last-page snapshot is shown or found not to match, usually before the page's own modules have
 * loaded (they wait for it, see `takeEarlyKernelWorker`), and given the boot the page's code would
 * ask for: open the visitor's site, read what every page needs and build the page the address
 * shows (EarlyBootRequest, the worker's first message). The worker then loads and boots while
 * the page loads its code, instead of after it. The kernel controller takes the worker for its
 * first one (kernel-controller.ts) and the boot's outcome from it; any later worker (a restart,
 * a recipe preview, going back to the own site) is a new one. Only the built site has one: in
 * dev the worker's URL is Vite's business, and the controller starts the worker itself.
 */
import type { EarlyBootPlugins, EarlyBootRequest, PluginSource, SiteBootOptions } from '../site/protocol.js';
import { fetchIndexPlugins } from '../kernel/plugin/fetch-plugins.js';
import { addressOpensRecipe } from '../recipe/recipe-address.js';
import { localStorageQuarantine, siteQuarantineKey } from '../supervisor/quarantine-store.js';
import { parseRoute, siteLocationOf } from './router.js';
import { ownDatabase } from './site-databases.js';
import { readUserChoice } from './user-choice.js';

/** Where the boot script leaves the worker for the controller: a property of the page's global. */
const EARLY = Symbol.for('trovato:early-kernel-worker');

/** The worker the boot script started, and the boot it asked of it (null: none, the address opens a recipe). */
export interface EarlyKernelWorker {
  readonly worker: Worker;
  readonly request: EarlyBootRequest | null;
}

/**
 * The boot script's promise of a worker: made first thing, kept once the snapshot is shown (or
 * found not to match), so a controller whose code ran sooner waits for it rather than start a
 * second worker and boot without the early boot. `taken`: a controller has it (or asked when
 * there was none: then no worker may start after).
 */
interface Reservation {
  readonly worker: Promise<(EarlyKernelWorker & { siteName: string }) | null>;
  keep(worker: (EarlyKernelWorker & { siteName: string }) | null): void;
  taken: boolean;
}

type Holder = { [EARLY]?: Reservation };

/**
 * Says a worker is coming (the boot script, before it looks for a snapshot); null when one was
 * reserved already or a controller has asked.
 */
export function reserveEarlyKernelWorker(): Reservation | null {
  const holder = globalThis as Holder;
  if (holder[EARLY] !== undefined) return null;
  let keep: Reservation['keep'] = () => undefined;
  const worker = new Promise<(EarlyKernelWorker & { siteName: string }) | null>((resolve) => (keep = resolve));
  const reservation: Reservation = { worker, keep: (given) => keep(given), taken: false };
  holder[EARLY] = reservation;
  return reservation;
}

/** The site's plugins URL, absolute: the worker resolves relative URLs against its own script. */
export function sitePluginsUrl(pluginsUrl: string): string {
  return new URL(pluginsUrl, document.baseURI).href;
}

/**
 * How the site's page boots the site database `database` (the own one, a recipe preview, an
 * import): untraced, since its pages never read the worker's trace and recording it is work on
 * every request. The boot script, the controller and a restart all boot through this.
 */
export function siteBoot(database: string, pluginsUrl: string): SiteBootOptions {
  return { siteName: database, pluginsUrl: sitePluginsUrl(pluginsUrl), trace: false };
}

/**
 * Starts the kernel worker at `url` for the site `siteName` served under `base`, as the
 * controller would, keeping `reservation`; and, unless the address opens a recipe, asks it for
 * the site's boot and first page. The plugin files are fetched here, in the page, where the boot
 * script has just preloaded them (plugin-file-preloads.ts), and posted after the request.
 */
export function startEarlyKernelWorker(reservation: Reservation, url: string, siteName: string, base: string): void {
  const worker = new Worker(url, { type: 'module', name: `trovato ${siteName}` });
  const request = addressOpensRecipe(location) ? null : earlyBootRequest(siteName, base);
  reservation.keep({ worker, request, siteName });
  if (request === null) return;
  // Posted now, so it is the worker's first message, ahead of everything comlink sends it.
  worker.postMessage(request);
  // Whatever happens, the worker hears of the plugins once: its boot waits for this message.
  // Without them it fetches them itself, and reports what failed as a boot would.
  void fetchIndexPlugins(request.boot.pluginsUrl)
    .then((fetched) => worker.postMessage(earlyPlugins(fetched), fetched.map((plugin) => plugin.wasm.buffer as ArrayBuffer)))
    .catch(() => worker.postMessage(earlyPlugins(undefined)));
}

/** The boot the site's controller would ask for now (kernel-controller.ts `#boot`), and the page the address shows. */
function earlyBootRequest(siteName: string, base: string): EarlyBootRequest {
  const boot = siteBoot(ownDatabase(siteName), `${base}plugins/`);
  const here = siteLocationOf(location, base);
  const route = parseRoute(here.path, here.search);
  return {
    type: 'trovato:early-boot',
    boot,
    quarantined: localStorageQuarantine(siteQuarantineKey(siteName)).load(),
    // Pages of the site's own UI (admin, item forms) need the page's code to be asked for.
    first: route.kind === 'plugin' ? { path: route.path, query: route.query, pick: readUserChoice(siteName) } : null,
  };
}

/** The second message: the plugin files, or undefined when fetching them failed. */
function earlyPlugins(fetched: PluginSource[] | undefined): EarlyBootPlugins {
  return { type: 'trovato:early-plugins', fetched };
}

/**
 * The worker the boot script started for `siteName`, once it has (it first shows the snapshot:
 * its style sheet and one IndexedDB read); null when there is none, it could not start, or it
 * was taken.
 */
export async function takeEarlyKernelWorker(siteName: string): Promise<EarlyKernelWorker | null> {
  const reservation = (globalThis as Holder)[EARLY];
  if (reservation === undefined) {
    // None is coming (dev, or no boot script): and none may start after this.
    const none = reserveEarlyKernelWorker();
    if (none !== null) none.taken = true;
    none?.keep(null);
    return null;
  }
  if (reservation.taken) return null;
  reservation.taken = true;
  const early = await reservation.worker;
  if (early === null) return null;
  if (early.siteName === siteName) return { worker: early.worker, request: early.request };
  // Started for another site than the page ended up showing: not this controller's.
  early.worker.terminate();
  return null;
}
