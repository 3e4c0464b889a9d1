/**
 * The boot script: inlined into the site's index.html as a classic script at the top of its
 * head (src/build/browser/page-snapshot-boot.ts bundles it), so it starts reading before the
 * page's style sheet and modules load, and shows the last-page snapshot if one matches
 * (page-snapshot.ts). `__TROVATO_BASE__` (the site's base path) and `__TROVATO_SITE_NAME__` (its
 * <trovato-site>'s site-name) are set when it is bundled.
 */
import { showSnapshotAtBoot } from './page-snapshot.js';

declare const __TROVATO_BASE__: string;
declare const __TROVATO_SITE_NAME__: string;

showSnapshotAtBoot(__TROVATO_BASE__, __TROVATO_SITE_NAME__).catch((error: unknown) => {
  // A snapshot is only a head start: the live page comes all the same.
  console.warn('The last-page snapshot could not be shown:', error);
});
