import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSiteStore, type SiteStore } from '../kernel/storage/site-store.js';
import { readDataVersion } from '../kernel/storage/data-version.js';
import { PLUGINS_DIGEST_META, readSnapshot } from './page-snapshot.js';
import { SnapshotKeeper } from './snapshot-keeper.js';

/** A stand-in for <trovato-site>: what the keeper reads of it (name, base, its shadow DOM). */
type KeptSite = HTMLElement & { siteName: string; base: string };

const startUrl = location.href;
let site: KeptSite;
let store: SiteStore;
let keeper: SnapshotKeeper;
let digest: HTMLMetaElement;

function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
  });
}

/** Shows a page at `path` in the stand-in site, as <trovato-site> does before keeping it. */
function show(path: string): void {
  history.replaceState(null, '', path);
  site.shadowRoot!.innerHTML = `<main><h1>${path}</h1></main>`;
}

/** Counts the IndexedDB transactions created on this thread while `run` runs. */
function transactionsDuring<T>(run: () => T): { result: T; transactions: number } {
  const original = IDBDatabase.prototype.transaction;
  let transactions = 0;
  IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
    transactions++;
    return original.apply(this, args);
  };
  try {
    return { result: run(), transactions };
  } finally {
    IDBDatabase.prototype.transaction = original;
  }
}

beforeEach(async () => {
  const siteName = `trovato-keeper-test-${crypto.randomUUID()}`;
  // The database exists before the keeper looks, as the site's worker makes it at boot.
  store = await openSiteStore({ name: siteName });
  await store.putSetting('site_name', 'first');
  digest = document.createElement('meta');
  digest.name = PLUGINS_DIGEST_META;
  digest.content = 'test-digest';
  document.head.append(digest);
  site = Object.assign(document.createElement('div'), { siteName, base: '/' }) as KeptSite;
  site.attachShadow({ mode: 'open' });
  document.body.append(site);
  keeper = new SnapshotKeeper(site);
  keeper.open();
  // The reader opens in the background; a load before that cannot be kept.
  await expect.poll(() => keeper.beforeLoad('') !== null).toBe(true);
});

afterEach(async () => {
  keeper.close();
  site.remove();
  digest.remove();
  localStorage.removeItem(`trovato-snapshot:${JSON.stringify([store.name, ''])}`);
  await store.close();
  await deleteDatabase(store.name);
  history.replaceState(null, '', startUrl);
});

describe('SnapshotKeeper', () => {
  it('gives the load after a kept page a data version read before it, without an IndexedDB transaction on the way to its request', async () => {
    show('/first');
    const first = keeper.beforeLoad('');
    expect(first).not.toBeNull();
    await keeper.keep(first!, () => true);
    expect(readSnapshot(store.name, '')?.location).toBe('/first');

    show('/second');
    const { result: second, transactions } = transactionsDuring(() => keeper.beforeLoad(''));
    expect(transactions).toBe(0);
    expect(second).not.toBeNull();
    expect(await second!.before).toBe(await readDataVersion(store.name));
  });

  it('does not keep a page when a write came between the read made ahead and the page, and keeps the next one', async () => {
    show('/first');
    await keeper.keep(keeper.beforeLoad('')!, () => true);
    const firstVersion = readSnapshot(store.name, '')?.dataVersion;

    // A write after the first page was kept and before the second is asked for.
    await store.putSetting('site_name', 'second');
    show('/second');
    await keeper.keep(keeper.beforeLoad('')!, () => true);
    expect(readSnapshot(store.name, '')?.location).toBe('/first');

    show('/third');
    await keeper.keep(keeper.beforeLoad('')!, () => true);
    const kept = readSnapshot(store.name, '');
    expect(kept?.location).toBe('/third');
    expect(kept?.dataVersion).not.toBe(firstVersion);
    expect(kept?.dataVersion).toBe(await readDataVersion(store.name));
  });
});
