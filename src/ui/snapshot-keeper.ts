/**
 * The site's side of the last-page snapshot (page-snapshot.ts): reads the own site's data version
 * around each page load, and keeps a page as the snapshot only when no write came between asking
 * for it and showing it. One per <trovato-site>.
 */
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

export class SnapshotKeeper {
  readonly #site: HTMLElement & { siteName: string; base: string };
  #versions: { database: string; reader: DataVersionReader } | null = null;
  #opening: string | null = null;
  /**
   * A read of the data version made after the last page was shown, for the next load to use as
   * its `before`: any read whose transaction was created before the request will do (a write
   * between the two only means that page is not kept), and taking one already made spares the
   * navigation an IndexedDB transaction on the page's thread (about half a millisecond) before
   * its request can be posted. Used once.
   */
  #ahead: { database: string; read: Promise<string | null> } | null = null;

  constructor(site: HTMLElement & { siteName: string; base: string }) {
    this.#site = site;
  }

  /** Opens the data version's reader now (while the kernel boots), so the first page's load finds it open. */
  open(): void {
    void this.#read();
  }

  close(): void {
    this.#versions?.reader.close();
    this.#versions = null;
    this.#ahead = null;
  }

  /**
   * Call just before a page is requested, as `user` ('' for no pick). Null when the page cannot
   * be kept (no reader yet, a URL no snapshot is for).
   */
  beforeLoad(user: string): SnapshotCandidate | null {
    const ahead = this.#ahead;
    this.#ahead = null;
    const before = ahead !== null && ahead.database === this.#versions?.database && ahead.database === ownDatabase(this.#site.siteName) ? ahead.read : this.#read();
    const database = this.#versions?.database;
    const location = snapshotLocation(this.#site.base);
    if (before === null || database === undefined || location === null) return null;
    return { before, key: { database, user, location } };
  }

  /**
   * Keeps the page now shown as the snapshot, when the data version is still the one read
   * before it was requested; written when the page is idle, if `stillShown()` then.
   */
  async keep(candidate: SnapshotCandidate, stillShown: () => boolean): Promise<void> {
    const fingerprint = snapshotFingerprint(this.#site.siteName);
    if (fingerprint === null) return;
    const afterRead = this.#read();
    // Made after this page was shown, so before any later request: the next load's `before`.
    if (afterRead !== null && this.#versions !== null) this.#ahead = { database: this.#versions.database, read: afterRead };
    const [before, after] = await Promise.all([candidate.before, afterRead]);
    if (before === null || before !== after) return;
    // Not in the way of what the visitor does next.
    await new Promise<void>((resolve) => (typeof requestIdleCallback === 'function' ? requestIdleCallback(() => resolve(), { timeout: 2000 }) : setTimeout(resolve, 50)));
    if (!stillShown() || snapshotLocation(this.#site.base) !== candidate.key.location) return;
    try {
      saveSnapshot({ ...candidate.key, dataVersion: before, fingerprint, html: serializeSite(this.#site) });
    } catch (error) {
      // Costs the next boot its head start, nothing else.
      console.warn(`The page was not kept as the last-page snapshot: ${messageOf(error)}`);
    }
  }

  /**
   * The own site's data version, read in a transaction created during this call; null when it
   * cannot be read yet (its reader opens now, for the next page: a new site's database does not
   * exist before its first boot) or not at all.
   */
  #read(): Promise<string | null> | null {
    const database = ownDatabase(this.#site.siteName);
    const open = this.#versions;
    if (open !== null && open.database === database) return open.reader.read();
    if (this.#opening !== database) {
      this.#opening = database;
      open?.reader.close();
      this.#versions = null;
      // A first visit's database is made by the worker: not opened before it exists.
      void databaseExists(database).then((exists) => (exists ? openDataVersions(database) : null)).then((reader) => {
        if (this.#opening === database) this.#opening = null;
        if (reader === null) return;
        if (this.#site.isConnected && ownDatabase(this.#site.siteName) === database && this.#versions === null) this.#versions = { database, reader };
        else reader.close();
      });
    }
    return null;
  }
}
