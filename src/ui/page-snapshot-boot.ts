/**
 * The boot script: inlined into the site's index.html as a classic script at the end of its
 * body (src/build/browser/page-snapshot-boot.ts bundles it), so the parser runs it once it has
 * read <trovato-site> and the style sheets, before the page's modules run. It shows the
 * last-page snapshot if one matches (page-snapshot.ts) there and then, while the document is
 * still being parsed, then starts the kernel worker and asks it for the site's boot and first page
 * (early-kernel-worker.ts), so the worker loads and boots beside the page's code, and asks for
 * the plugin files. Set when it is bundled: `__TROVATO_BASE__` (the site's base path),
 * `__TROVATO_SITE_NAME__` (its <trovato-site>'s site-name), `__TROVATO_KERNEL_WORKER__` (the
 * built kernel worker's URL; empty in dev) and `__TROVATO_PLUGIN_FILES__` (the plugin files'
 * paths, src/build/browser/plugin-preloads.ts).
 */
import { reserveEarlyKernelWorker, startEarlyKernelWorker } from './early-kernel-worker.js';
import { showSnapshotAtBoot } from './page-snapshot.js';
import { followDataVersions } from './data-version-mirror.js';
import { preloadPluginFiles } from './plugin-file-preloads.js';

declare const __TROVATO_BASE__: string;
declare const __TROVATO_SITE_NAME__: string;
declare const __TROVATO_KERNEL_WORKER__: string;
declare const __TROVATO_PLUGIN_FILES__: readonly string[];

// Before any worker starts: every data version a kernel worker announces from now on is kept,
// so that the next boot knows without IndexedDB whether its snapshot is current.
followDataVersions();

// Reserved first thing: the site's controller, if its code runs before the snapshot is done
// (the snapshot can wait for IndexedDB), waits for this worker instead of starting another.
const reservation = __TROVATO_KERNEL_WORKER__ === '' ? null : reserveEarlyKernelWorker();

function startWorker(): void {
  // Before the worker's own fetches (and the controller's, in dev), which then take these.
  preloadPluginFiles(__TROVATO_PLUGIN_FILES__);
  if (reservation === null) return;
  try {
    startEarlyKernelWorker(reservation, __TROVATO_KERNEL_WORKER__, __TROVATO_SITE_NAME__, __TROVATO_BASE__);
  } catch (error) {
    // The site's controller starts one then, and boots the site itself.
    reservation.keep(null);
    console.warn('The kernel worker could not be started early:', error);
  }
}

// The worker and the plugin files after the snapshot: on two busy cores its start (and the
// plugin files' fetch) delayed the snapshot by a sixth and brought the live page no sooner (24
// reloads of each build in turn at load 4-7, the method of bench/boot-builds.ts); the files'
// preloads, as tags in the page, delayed it by 4-11 ms (20 reloads of each build in turn). The snapshot waits for nothing when
// the mirrored data version vouches for it (this script runs after <trovato-site> and the style
// sheets are in), else for one IndexedDB read.
// A snapshot is only a head start: whatever fails here, the live page comes all the same.
const snapshotFailed = (error: unknown): void => console.warn('The last-page snapshot could not be shown:', error);
showSnapshotAtBoot(__TROVATO_BASE__, __TROVATO_SITE_NAME__).then(
  ({ confirmed }) => {
    // Once the snapshot is in (or known not to show), not once IndexedDB has confirmed it.
    startWorker();
    confirmed.catch(snapshotFailed);
  },
  (error: unknown) => {
    snapshotFailed(error);
    startWorker();
  },
);
