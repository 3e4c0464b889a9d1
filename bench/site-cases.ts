/**
 * Site-level cases: booting plugins, and a full page request (route, callback, host queries,
 * render tree back) for the blog listing with 50 posts and with 1,000, on real IndexedDB in Chromium and on
 * fake-indexeddb in Node.
 */
import { createKernel } from '../src/kernel/kernel.js';
import { openSiteStore } from '../src/kernel/storage/site-store.js';
import { openSite } from '../src/site/site.js';
import { DEMO_USERS } from '../src/site/roles.js';
import type { PluginSource } from '../src/kernel/plugin/loader.js';
import { measure } from './measure.js';
import type { CaseResult } from './cases.js';
import { deleteDatabase, seedBlogPosts } from './seed.js';

const ANONYMOUS = { id: DEMO_USERS[0].id, roles: [...DEMO_USERS[0].roles] };

/** `count` plugins: the reference plugins plus renamed copies of `filler` up to the count. */
function pluginSet(reference: readonly PluginSource[], filler: PluginSource, count: number): PluginSource[] {
  const copies = Array.from({ length: Math.max(0, count - reference.length) }, (_, i) => {
    const name = `${filler.name}_copy_${i}`;
    return { name, wasm: filler.wasm, manifest: filler.manifest.replace(/^name = ".*"$/m, `name = "${name}"`) };
  });
  return [...reference, ...copies];
}

export async function runSiteCases(
  reference: readonly PluginSource[],
  filler: PluginSource,
  accessRule: PluginSource,
  indexedDB: IDBFactory,
  log: (line: string) => void,
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  const twenty = pluginSet(reference, filler, 20);

  log('boot: load 20 plugins (check, compile, rewrite, tap_menu, tap_perm)');
  results.push({
    name: 'boot, 20 plugins',
    stats: await measure(() => createKernel().load(twenty), { batch: 1, batches: 15 }),
  });

  const name = `trovato-bench-${Date.now()}`;
  const store = await openSiteStore({ name, indexedDB });
  try {
    log('boot: open a site with the reference plugins');
    const site = await openSite({ store, sources: reference });
    await seedBlogPosts(site, 50);
    const probe = await site.kernel.callRoute('/blog', { user: ANONYMOUS });
    if (!probe || probe.result.error !== undefined) throw new Error(`bench setup: /blog failed: ${probe?.result.error}`);

    log('page request: /blog listing 50 posts');
    results.push({
      name: 'page request, /blog with 50 posts',
      stats: await measure(() => site.kernel.callRoute('/blog', { user: ANONYMOUS }), { batch: 10, batches: 20 }),
    });
    // The same first page with 1,000 posts: the blog's query is not counted, so item access is
    // asked about the page's posts and one more, and the page should cost about the same.
    await seedBlogPosts(site, 950);
    log('page request: /blog listing page 1 of 1,000 posts');
    results.push({
      name: 'page request, /blog page 1 of 1,000 posts',
      stats: await measure(() => site.kernel.callRoute('/blog', { user: ANONYMOUS }), { batch: 10, batches: 20 }),
      baselines: ['page request, /blog with 50 posts'],
    });
    log('page request: /blog/:slug (route, callback, tag links)');
    results.push({
      name: 'page request, /blog/post-7',
      stats: await measure(() => site.kernel.callRoute('/blog/post-7', { user: ANONYMOUS }), { batch: 20, batches: 20 }),
    });
  } finally {
    await store.close();
    await deleteDatabase(indexedDB, name);
  }

  // Host item reads apply tap_item_access (issue 12): blog's query-items asks the access rule
  // about each of the 50 posts. Compared with the same listing on a site without the rule.
  const ruled = `trovato-bench-access-${Date.now()}`;
  const ruledStore = await openSiteStore({ name: ruled, indexedDB });
  try {
    log('page request: /blog listing 50 posts, with a tap_item_access rule');
    const site = await openSite({ store: ruledStore, sources: [...reference, accessRule] });
    await seedBlogPosts(site, 50);
    results.push({
      name: 'page request, /blog with 50 posts, one tap_item_access rule',
      stats: await measure(() => site.kernel.callRoute('/blog', { user: ANONYMOUS }), { batch: 10, batches: 20 }),
      baselines: ['page request, /blog with 50 posts'],
    });
  } finally {
    await ruledStore.close();
    await deleteDatabase(indexedDB, ruled);
  }
  return results;
}
