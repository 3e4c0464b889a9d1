/**
 * The site's kernel worker, started by the boot script (page-snapshot-boot.ts) before the page's
 * own modules have loaded (once the last-page snapshot is shown, or found not to match): the
 * worker's script and modules then load while the page's do, instead of after them. The kernel controller takes it for its
 * first worker (kernel-controller.ts); any later worker (a restart, a recipe preview, going back
 * to the own site) is a new one. Only the built site has one: in dev the worker's URL is Vite's
 * business, and the controller starts the worker itself.
 */

/** Where the boot script leaves the worker for the controller: a property of the page's global. */
const EARLY = Symbol.for('trovato:early-kernel-worker');

interface EarlyWorker {
  worker: Worker;
  siteName: string;
}

/** 'taken': the controller asked already (and started its own if there was none): none may start after. */
type Holder = { [EARLY]?: EarlyWorker | 'taken' };

/** Starts the kernel worker at `url` for the site `siteName`, as the controller would, unless the controller has asked already. */
export function startEarlyKernelWorker(url: string, siteName: string): void {
  const holder = globalThis as Holder;
  if (holder[EARLY] !== undefined) return;
  holder[EARLY] = { worker: new Worker(url, { type: 'module', name: `trovato ${siteName}` }), siteName };
}

/** The worker the boot script started for `siteName`, once; null when there is none (or it was taken). */
export function takeEarlyKernelWorker(siteName: string): Worker | null {
  const holder = globalThis as Holder;
  const early = holder[EARLY];
  holder[EARLY] = 'taken';
  if (early === undefined || early === 'taken') return null;
  if (early.siteName === siteName) return early.worker;
  // Started for another site than the page ended up showing: not this controller's.
  early.worker.terminate();
  return null;
}
