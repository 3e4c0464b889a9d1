/**
 * Opening the site database through `idb` with an explicit IDBFactory, running the migrations
 * it lacks, and turning IndexedDB failures into KernelErrors a user can act on.
 */
import { wrap, type IDBPDatabase } from 'idb';
import { KernelError, messageOf } from '../common/errors.js';
import { MIGRATIONS, type Migration, type SiteSchema } from './schema.js';

export type SiteDatabase = IDBPDatabase<SiteSchema>;

/**
 * Opens (creating or upgrading) the database `name` on `factory`, applying every migration whose
 * version is above the stored one, in order, inside the one upgrade transaction.
 *
 * @param migrations the schema history; tests pass a prefix to build an older database.
 */
export async function openSiteDatabase(
  name: string,
  factory: IDBFactory,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<SiteDatabase> {
  requireIdbClasses();
  const version = migrations[migrations.length - 1].version;
  const request = factory.open(name, version);
  let upgradeFailure: unknown = null;
  request.addEventListener('upgradeneeded', (event) => {
    const db = wrap(request.result);
    const tx = wrap(request.transaction as IDBTransaction) as unknown as Parameters<Migration['up']>[1];
    // An aborted upgrade rejects `done`; the open request reports it, so this copy is handled here.
    tx.done.catch(() => undefined);
    const pending = migrations.filter((m) => m.version > event.oldVersion);
    // Migrations run one after another; each may await requests of the upgrade transaction.
    void pending
      .reduce<Promise<void>>((previous, migration) => previous.then(() => migration.up(db, tx)), Promise.resolve())
      .catch((error: unknown) => {
        upgradeFailure = error;
        try {
          request.transaction?.abort();
        } catch {
          // Already finished: the open request reports the failure.
        }
      });
  });
  // A connection at an older version that does not close on `versionchange` (an old tab, another
  // tool) blocks the upgrade; the open request would then wait forever. Say so instead. Our own
  // connections close in their versionchange handler, which comes first, so they never block.
  let blocked = false;
  const whenBlocked = new Promise<never>((_resolve, reject) => {
    request.addEventListener('blocked', (event) => {
      blocked = true;
      reject(
        new KernelError(
          'STORAGE_FAILURE',
          `Opening the site database "${name}" is blocked: another tab or window has it open at schema version ${event.oldVersion} ` +
            `and does not let go, so it cannot be upgraded to version ${version}. Close the site's other tabs (or reload them), then reload this page.`,
        ),
      );
    });
  });
  // If the other connection closes later, the open completes: close it, since nobody awaits it.
  request.addEventListener('success', () => {
    if (blocked) request.result.close();
  });
  try {
    const db = (await Promise.race([wrap(request), whenBlocked])) as unknown as SiteDatabase;
    // Another tab wants a newer schema: step aside rather than block it forever.
    db.addEventListener('versionchange', () => db.close());
    return db;
  } catch (error) {
    if (error instanceof KernelError) throw error;
    if (upgradeFailure) {
      throw new KernelError(
        'STORAGE_FAILURE',
        `Upgrading the site database "${name}" to version ${version} failed: ${messageOf(upgradeFailure)}. ` +
          'The database was left at its previous version; nothing was lost.',
      );
    }
    if ((error as { name?: string } | null)?.name === 'VersionError') {
      throw new KernelError(
        'STORAGE_FAILURE',
        `The site database "${name}" was written by a newer Trovato (schema newer than version ${version}). ` +
          'Open it with that version, or delete the site data to start over.',
      );
    }
    throw storageFailure(`Opening the site database "${name}"`, error);
  }
}

/**
 * `idb` recognises IndexedDB objects by the global classes (IDBRequest, IDBDatabase, ...). A
 * browser or worker has them; Node needs `nodeIndexedDB()` from ./node-indexeddb.js first.
 */
function requireIdbClasses(): void {
  if (typeof (globalThis as { IDBRequest?: unknown }).IDBRequest === 'undefined') {
    throw new KernelError(
      'STORAGE_FAILURE',
      'IndexedDB is not available here: the IDBRequest/IDBDatabase classes are not defined. ' +
        'In Node, pass `indexedDB: nodeIndexedDB()` (src/kernel/storage/node-indexeddb.ts) to openSiteStore.',
    );
  }
}

/**
 * A KernelError for a failed IndexedDB operation. A full quota is named as such, with what to do,
 * because it is the one storage failure a user can fix.
 */
export function storageFailure(what: string, error: unknown): KernelError {
  const name = (error as { name?: string } | null)?.name;
  if (name === 'QuotaExceededError') {
    return new KernelError(
      'STORAGE_FAILURE',
      `${what} failed: the browser's storage quota for this site is full (QuotaExceededError), so nothing was saved. ` +
        'Free space by deleting items or clearing old logs, remove other sites\' data in the browser settings, ' +
        'or allow persistent storage for this page (navigator.storage.persist()).',
    );
  }
  if (name === 'InvalidStateError') {
    return new KernelError(
      'STORAGE_FAILURE',
      `${what} failed: the site database is closed (it was closed, or another tab upgraded it). Reload the page. ` +
        `(${messageOf(error)})`,
    );
  }
  return new KernelError('STORAGE_FAILURE', `${what} failed: ${name ? `${name}: ` : ''}${messageOf(error)}`);
}
