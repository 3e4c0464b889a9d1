/**
 * SnapshotKeeper in real Chromium, over a real site database (the site store, whose every write
 * replaces the data version): a navigation writes nothing; the page shown last is written once
 * when the page is hidden or left, with the data version read before its request, never a later
 * one; a page no longer shown, or loading, is not written.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSiteStore, type SiteStore } from '../../src/kernel/storage/site-store.js';
import { readDataVersion } from '../../src/kernel/storage/data-version.js';
import { PLUGINS_DIGEST_META, readSnapshot, snapshotKey } from '../../src/ui/page-snapshot.js';
import { SnapshotKeeper, type SnapshotCandidate } from '../../src/ui/snapshot-keeper.js';
import { deleteTestDatabase } from '../support/test-database.js';

const startUrl = location.href;
let store: SiteStore;
let site: HTMLElement & { siteName: string; base: string };
let keeper: SnapshotKeeper;
let digest: HTMLMetaElement;

/** A stand-in for <trovato-site>: what the keeper reads of it is its name, base and shadow DOM. */
function siteElement(siteName: string): HTMLElement & { siteName: string; base: string } {
  const element = Object.assign(document.createElement('div'), { siteName, base: '/' });
  element.attachShadow({ mode: 'open' });
  document.body.append(element);
  return element;
}

/** Shows `text` at `path` as a page load does: the read before the request, the page, then `shown`. */
async function showPage(path: string, text: string, stillShown: () => boolean = () => true): Promise<SnapshotCandidate> {
  history.replaceState(null, '', path);
  const candidate = keeper.beforeLoad('', location);
  if (candidate === null) throw new Error('The keeper could not keep this page (its reader is not open).');
  site.shadowRoot!.innerHTML = `<main><h1>${text}</h1></main>`;
  keeper.shown(candidate, stillShown);
  await candidate.before;
  return candidate;
}

function setHidden(hidden: boolean): void {
  Object.defineProperty(document, 'visibilityState', { value: hidden ? 'hidden' : 'visible', configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
}

function leave(): void {
  window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false }));
}

function kept(): ReturnType<typeof readSnapshot> {
  return readSnapshot(site.siteName, '');
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
  const name = `trovato-keeper-test-${crypto.randomUUID()}`;
  store = await openSiteStore({ name });
  // A first write: the database has a data version.
  await store.putSetting('site_name', 'Keeper test');
  digest = Object.assign(document.createElement('meta'), { name: PLUGINS_DIGEST_META, content: 'test-digest' });
  document.head.append(digest);
  site = siteElement(name);
  keeper = new SnapshotKeeper(site);
  keeper.open();
  // The reader opens in the background (the site's boot is that time); a load waits for nothing.
  await expect.poll(() => keeper.beforeLoad('', location) !== null).toBe(true);
});

afterEach(async () => {
  keeper.close();
  localStorage.removeItem(snapshotKey(site.siteName, ''));
  site.remove();
  digest.remove();
  delete (document as { visibilityState?: unknown }).visibilityState;
  await store.close();
  await deleteTestDatabase(site.siteName);
  history.replaceState(null, '', startUrl);
});

describe('SnapshotKeeper', () => {
  it('writes nothing while pages are shown, and the page shown last when the page is left', async () => {
    await showPage('/blog', 'The blog');
    await showPage('/hello', 'Hello, world!');
    expect(kept()).toBeNull();

    leave();
    const snapshot = kept();
    expect(snapshot?.location).toBe('/hello');
    expect(snapshot?.html).toContain('Hello, world!');
    expect(snapshot?.html).not.toContain('The blog');
    expect(snapshot?.dataVersion).toBe(await readDataVersion(site.siteName));
  });

  it('writes when hidden, once for a page hidden and then left, again once visible again or for the next page', async () => {
    await showPage('/blog', 'The blog');
    setHidden(true);
    expect(kept()?.location).toBe('/blog');
    // Hidden and then left (a page closed from the tab switcher): already written, not again.
    localStorage.setItem(snapshotKey(site.siteName, ''), 'written again?');
    leave();
    expect(localStorage.getItem(snapshotKey(site.siteName, ''))).toBe('written again?');

    // Visible again: another tab may have written its page meanwhile; leaving writes this one.
    setHidden(false);
    leave();
    expect(kept()?.location).toBe('/blog');

    await showPage('/hello', 'Hello, world!');
    leave();
    expect(kept()?.location).toBe('/hello');
  });

  it('writes again when the page is left after coming back from the back/forward cache', async () => {
    await showPage('/blog', 'The blog');
    window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }));
    expect(kept()?.location).toBe('/blog');
    // A later document of this tab kept its own page; then the visitor came back to this one.
    localStorage.setItem(snapshotKey(site.siteName, ''), 'a later page');
    window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
    leave();
    expect(kept()?.location).toBe('/blog');
  });

  it('keeps the data version read before the request, never a later one', async () => {
    await showPage('/blog', 'The blog');
    const shownFrom = await readDataVersion(site.siteName);
    await store.putSetting('site_name', 'Written while the page was shown');
    leave();
    expect(kept()?.dataVersion).toBe(shownFrom);
    expect(await readDataVersion(site.siteName)).not.toBe(shownFrom);
  });

  it('writes nothing for a page no longer shown, loading its successor, or at another location', async () => {
    let shown = true;
    await showPage('/blog', 'The blog', () => shown);
    shown = false;
    leave();
    expect(kept()).toBeNull();

    await showPage('/hello', 'Hello, world!');
    history.replaceState(null, '', '/hello#section');
    leave();
    expect(kept()).toBeNull();

    await showPage('/hello', 'Hello, world!');
    // The next page is requested, not yet shown.
    keeper.beforeLoad('', location);
    leave();
    expect(kept()).toBeNull();
  });

  it('gives the load after a page shown a data version read once it was shown: no IndexedDB transaction on the way to its request', async () => {
    await showPage('/first', 'First');
    history.replaceState(null, '', '/second');
    const { result: second, transactions } = transactionsDuring(() => keeper.beforeLoad('', location));
    expect(transactions).toBe(0);
    expect(second).not.toBeNull();
    expect(await second!.before).toBe(await readDataVersion(store.name));
  });

  it('a write between that read and the next page: that page is kept at the older version (so never shown), the one after at the new one', async () => {
    await showPage('/first', 'First');
    // A write after the first page was shown and before the second is asked for.
    await store.putSetting('site_name', 'changed');
    const second = await showPage('/second', 'Second');
    expect(await second.before).not.toBe(await readDataVersion(store.name));
    await showPage('/third', 'Third');
    leave();
    expect(kept()).toMatchObject({ location: '/third', dataVersion: await readDataVersion(store.name) });
  });

  it("keeps the worker's early first page at the version the worker read before building it, even before the page had a reader", async () => {
    history.replaceState(null, '', '/built');
    const built = keeper.builtAt('', 'version-before');
    expect(built).not.toBeNull();
    site.shadowRoot!.innerHTML = '<main><h1>Built by the worker</h1></main>';
    keeper.shown(built!, () => true);
    await built!.before;
    leave();
    expect(kept()).toMatchObject({ location: '/built', dataVersion: 'version-before' });
  });
});
