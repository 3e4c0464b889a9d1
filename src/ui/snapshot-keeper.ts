/**
 * The site's side of the last-page snapshot (page-snapshot.ts). Per page load it only reads
 * the own site's data version before the page is requested, and notes the page once it is
 * shown; the page shown last is serialized and written ONCE, when the page is left or hidden
 * (`pagehide`, or `visibilitychange` to hidden: mobile browsers may never fire pagehide). Only
 * the last page is ever used, so serializing every page shown was main-thread work for nothing.
 * One per <trovato-site>.
 *
 * Why the version read before the request is enough: every write to the site database replaces
 * the token with a new, unique one (data-version.ts). A snapshot is shown only while the
 * current token is the one it was saved with, so a page kept with the token read before it was
 * requested shows only if nothing was written since that read: then the page was built from
 * exactly that data. A write between the request and the page being shown, or after it, while
 * it is shown, or after it was left, changes the token and the snapshot never shows.
 */
import type { UrlParts } from './router.js';
import { databaseExists, openDataVersions, type DataVersionReader } from '../kernel/storage/data-version.js';
import { messageOf } from '../kernel/common/errors.js';
import { saveSnapshot, serializeSite, snapshotFingerprint, snapshotLocation, type PageSnapshot } from './page-snapshot.js';
import { ownDatabase } from './site-databases.js';

/** One page load, from just before its request: what keeping its page needs. */
export interface SnapshotCandidate {
  /** The data version, read in a transaction created before the page was requested. */
  readonly before: Promise<string | null>;
  readonly key: Pick<PageSnapshot, 'database' | 'user' | 'location'>;
}

/** The page shown now, kept when the page is left if `stillShown()` then. */
interface ShownPage {
  readonly key: SnapshotCandidate['key'];
  /** The data version read before its request, once that read has answered (null: none). */
  dataVersion: string | null | undefined;
  readonly stillShown: () => boolean;
}

type KeepableSite = HTMLElement & { siteName: string; base: string };

export class SnapshotKeeper {
  readonly #site: KeepableSite;
  #versions: { database: string; reader: DataVersionReader } | null = null;
  /** The database whose reader is being opened, if one is. */
  #opening: string | null = null;
  /** The page shown now, if it may be kept; null while the next one loads. */
  #shown: ShownPage | null = null;
  /**
   * A read of the data version made once the last page was shown, for the next load to use as
   * its `before`: any read whose transaction was created before the request will do (a write
   * between the two only means that page is not kept), and taking one already made spares the
   * navigation an IndexedDB transaction on the page's thread (about half a millisecond) before
   * its request can be posted. Used once.
   */
  #ahead: { database: string; read: Promise<string | null> } | null = null;
  /**
   * The page written since the document was last visible: hidden and then left (both events
   * fire as a page is closed), it is not serialized twice. Forgotten once the document is
   * visible again: another tab, or a later document of this one, may have written its own page
   * since, and this one is the last shown when it is left next.
   */
  #saved: ShownPage | null = null;

  constructor(site: KeepableSite) {
    this.#site = site;
  }

  /**
   * Opens the data version's reader now (while the kernel boots, so the first page's load finds
   * it open) and keeps the page shown when the page is left or hidden, until `close()`.
   */
  open(): void {
    this.#ensureReader();
    window.addEventListener('pagehide', this.#keepNow);
    window.addEventListener('pageshow', this.#onPageShow);
    document.addEventListener('visibilitychange', this.#onVisibilityChange);
  }

  close(): void {
    window.removeEventListener('pagehide', this.#keepNow);
    window.removeEventListener('pageshow', this.#onPageShow);
    document.removeEventListener('visibilitychange', this.#onVisibilityChange);
    this.#versions?.reader.close();
    this.#versions = null;
    this.#shown = null;
    this.#ahead = null;
  }

  /**
   * Call just before the page at `at` is requested, as `user` ('' for no pick): the page shown until now
   * is no longer the one to keep. Null when the new page cannot be kept (no reader yet, a URL
   * no snapshot is for).
   */
  beforeLoad(user: string, at: UrlParts): SnapshotCandidate | null {
    this.#shown = null;
    const ahead = this.#ahead;
    this.#ahead = null;
    const database = this.#versions?.database;
    const own = database === ownDatabase(this.#site.siteName);
    const before = own ? (ahead?.database === database ? ahead.read : this.#versions!.reader.read()) : this.#ensureReader();
    const location = snapshotLocation(this.#site.base, at);
    if (before === null || database === undefined || location === null) return null;
    return { before, key: { database, user, location } };
  }

  /**
   * The candidate of a page built before this load asked for anything (the worker's early boot
   * built the first page): `before` is the data version the worker read before that page's
   * request. It needs no reader of its own, so a first visit's first page is kept too. Null
   * for a URL no snapshot is for.
   */
  builtAt(user: string, before: string | null): SnapshotCandidate | null {
    const location = snapshotLocation(this.#site.base);
    if (location === null) return null;
    return { before: Promise.resolve(before), key: { database: ownDatabase(this.#site.siteName), user, location } };
  }

  /**
   * The page of `candidate` is now shown: it is the one kept when the page is left, if
   * `stillShown()` then. Nothing is written now; the data version is read for the next load.
   */
  shown(candidate: SnapshotCandidate, stillShown: () => boolean): void {
    const page: ShownPage = { key: candidate.key, dataVersion: undefined, stillShown };
    this.#shown = page;
    void candidate.before.then((version) => (page.dataVersion = version));
    // Made now, after this page was shown and before any later request: the next load's `before`.
    const versions = this.#versions;
    if (versions !== null && versions.database === candidate.key.database) this.#ahead = { database: versions.database, read: versions.reader.read() };
  }

  #onVisibilityChange = (): void => {
    if (document.visibilityState === 'hidden') this.#keepNow();
    else this.#saved = null;
  };

  /** Back from the back/forward cache: shown again, as after a visibility change. */
  #onPageShow = (event: PageTransitionEvent): void => {
    if (event.persisted) this.#saved = null;
  };

  /**
   * Writes the page shown as the snapshot, synchronously (nothing can be awaited while the page
   * is left): only when it is still the page shown, at the location it was loaded for, and its
   * data version has answered.
   */
  #keepNow = (): void => {
    const page = this.#shown;
    if (page === null || page === this.#saved || typeof page.dataVersion !== 'string') return;
    if (!page.stillShown() || snapshotLocation(this.#site.base) !== page.key.location) return;
    const fingerprint = snapshotFingerprint(this.#site.siteName);
    if (fingerprint === null) return;
    try {
      saveSnapshot({ ...page.key, dataVersion: page.dataVersion, fingerprint, html: serializeSite(this.#site) });
      this.#saved = page;
    } catch (error) {
      // Costs the next boot its head start, nothing else.
      console.warn(`The page was not kept as the last-page snapshot: ${messageOf(error)}`);
    }
  };

  /**
   * Starts opening the reader of the own site's database unless it is open or being opened, for
   * the next page; returns null (this page's read needs it open already). A first visit's
   * database is made by the worker, so it is not opened before it exists: that visit's first
   * page is kept only as the worker built it (`builtAt`).
   */
  #ensureReader(): null {
    const database = ownDatabase(this.#site.siteName);
    if (this.#versions?.database === database || this.#opening === database) return null;
    this.#versions?.reader.close();
    this.#versions = null;
    this.#opening = database;
    void databaseExists(database).then((exists) => (exists ? openDataVersions(database) : null)).then((reader) => {
      if (this.#opening === database) this.#opening = null;
      if (reader === null) return;
      if (this.#site.isConnected && ownDatabase(this.#site.siteName) === database && this.#versions === null) this.#versions = { database, reader };
      else reader.close();
    });
    return null;
  }
}
