/**
 * The site's data version: a token the site store replaces, in the same transaction, with every
 * write to the site database except log lines (site-store.ts `#transact`, the one place the
 * store opens a readwrite transaction, so no write path can leave it out). Two reads that give the
 * same token saw the same data: the page shows its last-page snapshot only when the token it was
 * made at is still the current one (src/ui/page-snapshot.ts).
 *
 * The page reads it here without `idb` and without the rest of the storage layer: its boot
 * script reads it before any of the site's code has loaded. Reading never creates or upgrades a
 * database; a database without the token (new, or older than schema version 4) has none.
 */

/** The object store and key the token lives under (schema.ts, migration 4). */
export const DATA_VERSION_STORE = 'meta';
export const DATA_VERSION_KEY = 'data-version';

/**
 * The BroadcastChannel on which the browser's kernel workers announce each new data version
 * (and a deleted database) to every page of the origin: the pages keep the latest one beside
 * their last-page snapshots, so a boot can tell without IndexedDB whether a snapshot is still
 * current (src/ui/data-version-mirror.ts).
 */
export const DATA_VERSION_CHANNEL = 'trovato:data-version';

/** One announcement: `database` now holds `version` (null: it was deleted). */
export interface DataVersionNotice {
  readonly database: string;
  readonly version: string | null;
}

/** Whether a message on DATA_VERSION_CHANNEL is a notice (anything else on it is ignored). */
export function isDataVersionNotice(data: unknown): data is DataVersionNotice {
  if (data === null || typeof data !== 'object') return false;
  const { database, version } = data as Record<string, unknown>;
  return typeof database === 'string' && (typeof version === 'string' || version === null);
}

/** Whether a write to `stores` can change what a page shows: anything but the log can. */
export function changesData(stores: readonly string[]): boolean {
  return stores.some((store) => store !== 'logs');
}

/** A fresh token: unique, so equal tokens always mean the same write. */
export function newDataVersion(): string {
  return crypto.randomUUID();
}

/** A connection to a site database that reads its data version (see `openDataVersions`). */
export interface DataVersionReader {
  /**
   * The current token, or null when there is none or the connection was closed (another tab
   * upgrading the database). The read's transaction is created synchronously, during this call:
   * a write the kernel makes after it was called is never seen by it.
   */
  read(): Promise<string | null>;
  close(): void;
}

/**
 * Opens the existing database `name` for reading its data version; null when there is no such
 * database (it is not created) or it cannot be opened.
 *
 * @example const versions = await openDataVersions('trovato-site'); const v = await versions?.read();
 */
export function openDataVersions(name: string, factory: IDBFactory | undefined = globalThis.indexedDB): Promise<DataVersionReader | null> {
  return new Promise((resolve) => {
    if (factory === undefined) return resolve(null);
    let request: IDBOpenDBRequest;
    try {
      request = factory.open(name);
    } catch {
      return resolve(null);
    }
    // No database of that name: abort, so that reading leaves none behind (the site creates it).
    request.onupgradeneeded = () => request.transaction?.abort();
    request.onerror = (event) => {
      event.preventDefault();
      resolve(null);
    };
    request.onblocked = () => resolve(null);
    request.onsuccess = () => {
      const db = request.result;
      let open = true;
      // The site's worker upgrading the schema must not wait for this reader.
      db.onversionchange = () => {
        open = false;
        db.close();
      };
      resolve({
        read: () => (open && db.objectStoreNames.contains(DATA_VERSION_STORE) ? readToken(db) : Promise.resolve(null)),
        close: () => {
          open = false;
          db.close();
        },
      });
    };
  });
}

function readToken(db: IDBDatabase): Promise<string | null> {
  return new Promise((resolve) => {
    try {
      const get = db.transaction(DATA_VERSION_STORE, 'readonly').objectStore(DATA_VERSION_STORE).get(DATA_VERSION_KEY);
      get.onsuccess = () => resolve(typeof get.result === 'string' ? get.result : null);
      get.onerror = (event) => {
        event.preventDefault();
        resolve(null);
      };
    } catch {
      resolve(null);
    }
  });
}

/**
 * Whether database `name` exists, asked without opening it: opening a database that does not
 * exist creates one (here at once aborted), which costs a first visit's boot disk writes.
 * Runtimes without `databases()` answer true (opening then finds out).
 */
export async function databaseExists(name: string, factory: IDBFactory | undefined = globalThis.indexedDB): Promise<boolean> {
  if (factory === undefined) return false;
  if (typeof factory.databases !== 'function') return true;
  try {
    return (await factory.databases()).some((database) => database.name === name);
  } catch {
    return true;
  }
}

/** The data version of database `name` once, or null (see `openDataVersions`). */
export async function readDataVersion(name: string, factory?: IDBFactory): Promise<string | null> {
  const reader = await openDataVersions(name, factory);
  if (reader === null) return null;
  try {
    return await reader.read();
  } finally {
    reader.close();
  }
}
