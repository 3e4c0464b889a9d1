/**
 * The boot script: inlined into the site's index.html as a classic script at the end of its
 * body (src/build/browser/page-snapshot-boot.ts bundles it), so it runs while the site's modules
 * are still loading and shows the last-page snapshot if one matches (page-snapshot.ts).
 * `__TROVATO_BASE__` is the site's base path, set when it is bundled.
 */
import { showSnapshotAtBoot } from './page-snapshot.js';

declare const __TROVATO_BASE__: string;

showSnapshotAtBoot(__TROVATO_BASE__).catch((error: unknown) => {
  // A snapshot is only a head start: the live page comes all the same.
  console.warn('The last-page snapshot could not be shown:', error);
});
