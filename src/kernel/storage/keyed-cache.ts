/**
 * A bounded cache of values by string key in an IndexedDB database of its own, beside the sites'
 * databases: what the site's worker keeps between boots (the rewritten plugin modules). Entries
 * are never changed, only added; past `maxEntries` the oldest go first. Every failure rejects
 * with a KernelError saying what could not be read or kept; the caller decides what it costs.
 */
import { wrap, type DBSchema, type IDBPDatabase } from 'idb';
import { KernelError, messageOf } from '../common/errors.js';

export interface KeyedCache<T> {
  get(key: string): Promise<T | undefined>;
  put(key: string, value: T): Promise<void>;
}

export interface KeyedCacheOptions {
  /** The IndexedDB database's name. */
  readonly name: string;
  /** Entries kept at most (default 64); the oldest are removed first. */
  readonly maxEntries?: number;
  /** The IndexedDB to use (default the global one). */
  readonly indexedDB?: IDBFactory;
  /** Unix milliseconds, for the age of an entry (default Date.now). */
  readonly now?: () => number;
}

interface CacheSchema extends DBSchema {
  entries: { key: string; value: { value: unknown; storedAt: number }; indexes: { storedAt: number } };
}

const DEFAULT_MAX_ENTRIES = 64;

/**
 * The cache named `options.name`; its database opens on first use.
 *
 * @example
 * const cache = createKeyedCache<RewrittenModule>({ name: 'trovato:rewritten-modules' });
 * await cache.put(key, module);
 */
export function createKeyedCache<T>(options: KeyedCacheOptions): KeyedCache<T> {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const now = options.now ?? Date.now;
  let opening: Promise<IDBPDatabase<CacheSchema>> | null = null;
  const open = () => (opening ??= openCache(options.name, options.indexedDB));
  const fail = (what: string, error: unknown) =>
    error instanceof KernelError ? error : new KernelError('STORAGE_FAILURE', `${what} in the cache database "${options.name}" failed: ${messageOf(error)}`);

  return {
    async get(key) {
      try {
        const entry = await (await open()).get('entries', key);
        return entry === undefined ? undefined : (entry.value as T);
      } catch (error) {
        throw fail(`Reading "${key}"`, error);
      }
    },
    async put(key, value) {
      try {
        const tx = (await open()).transaction('entries', 'readwrite', { durability: 'relaxed' });
        // Losing an entry costs one rewrite at the next boot, nothing more: hence relaxed.
        await tx.store.put({ value, storedAt: now() }, key);
        let excess = (await tx.store.count()) - maxEntries;
        let oldest = excess > 0 ? await tx.store.index('storedAt').openCursor() : null;
        while (oldest && excess-- > 0) {
          await oldest.delete();
          oldest = await oldest.continue();
        }
        await tx.done;
      } catch (error) {
        throw fail(`Keeping "${key}"`, error);
      }
    },
  };
}

async function openCache(name: string, factory: IDBFactory | undefined): Promise<IDBPDatabase<CacheSchema>> {
  const indexedDB = factory ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!indexedDB) throw new KernelError('STORAGE_FAILURE', `The cache database "${name}" cannot be opened: this runtime has no IndexedDB.`);
  const request = indexedDB.open(name, 1);
  request.addEventListener('upgradeneeded', () => {
    request.result.createObjectStore('entries').createIndex('storedAt', 'storedAt');
  });
  const db = (await wrap(request)) as unknown as IDBPDatabase<CacheSchema>;
  // A newer kernel in another tab upgrading the cache must not wait for this one.
  db.addEventListener('versionchange', () => db.close());
  return db;
}
