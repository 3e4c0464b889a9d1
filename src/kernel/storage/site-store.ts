/**
 * The site store: one IndexedDB database per site, its in-memory read model, units of work for
 * requests, site settings, and the bounded log.
 */
import { unwrap, type IDBPTransaction } from 'idb';
import { KernelError } from '../common/errors.js';
import type { LogLevel } from '../common/log-entry.js';
import type { CurrentUser } from '../common/users.js';
import { openSiteDatabase, storageFailure, type SiteDatabase } from './database.js';
import { isEmptyChangeSet, ReadModel, tableKey, type ChangeSet } from './read-model.js';
import { MIGRATIONS, type Item, type LogRecord, type Migration, type RowRecord, type SiteSchema, type SiteStoreName, type VariableRecord } from './schema.js';
import { UnitOfWork, type MissedReads, type WorkBackend } from './unit-of-work.js';
import { createSerialQueue } from '../common/serial-queue.js';
import { changesData, DATA_VERSION_KEY, DATA_VERSION_STORE, newDataVersion } from './data-version.js';

export interface SiteStoreOptions {
  /** The database name; the embedding page chooses one per site. */
  readonly name: string;
  /** Defaults to `globalThis.indexedDB`. In Node pass `nodeIndexedDB()` from ./node-indexeddb.js. */
  readonly indexedDB?: IDBFactory;
  /** How many log lines to keep; the oldest are dropped first. Default 5000. */
  readonly maxLogs?: number;
  /** Unix milliseconds; tests pass a fixed clock to check expiry without waiting. */
  readonly now?: () => number;
  /**
   * Load items, plugin tables and variables whole at open, as the read model once did. Off by
   * default: they are loaded as requests read them (README.md, "What is in memory"), which a
   * kernel request handles by running again. Turn it on to read through `beginWork` outside a
   * kernel request.
   */
  readonly loadAllAtOpen?: boolean;
  /**
   * Told each new data version (rule 10) once the write that made it has committed: the
   * browser's kernel worker announces it to the site's pages, which keep it beside their
   * last-page snapshots (src/ui/data-version-mirror.ts).
   */
  readonly onDataVersion?: (version: string) => void;
  /** @internal The schema history to open with (tests build older databases). */
  readonly migrations?: readonly Migration[];
}

export interface LogQuery {
  readonly plugin?: string;
  readonly level?: LogLevel | readonly LogLevel[];
  /** Default 100. */
  readonly limit?: number;
}

/** A site's storage. Only one kernel should have a site open at a time (see README.md). */
export interface SiteStore {
  readonly name: string;
  /** Starts a request's unit of work, reading the store as it is now. */
  beginWork(user: CurrentUser): UnitOfWork;
  /** A site setting (a copy), or undefined. */
  getSetting<T = unknown>(key: string): T | undefined;
  /**
   * Saves a site setting (`undefined` deletes it) in its own transaction, after pending commits.
   * `affectsPages: false` for bookkeeping no page shows (the time cron last ran): the data
   * version (rule 10) stays, so last-page snapshots stay valid.
   */
  putSetting(key: string, value: unknown, options?: { affectsPages?: boolean }): Promise<void>;
  /** Queues log lines for the log store; resolves when they are written. Not part of any unit of work. */
  appendLogs(entries: readonly LogRecord[]): Promise<void>;
  /** Log lines, newest first. */
  readLogs(query?: LogQuery): Promise<LogRecord[]>;
  /**
   * The site's data version (data-version.ts) as committed now, read in a transaction created
   * during this call; null for a store without one (the SQL stores: no page keeps snapshots of
   * a served site).
   */
  dataVersion(): Promise<string | null>;
  /**
   * Deletes every variable and table row of `plugin` (uninstalling it) in one transaction,
   * after pending commits. Items and cache entries are shared and stay.
   */
  dropPluginData(plugin: string): Promise<void>;
  /**
   * A copy of everything the site holds except its cache and logs (both are rebuilt or local),
   * as committed now: what an export writes. Waits for pending commits first.
   */
  snapshot(): Promise<SiteData>;
  /** Waits for pending commits and log writes, then closes the database. */
  close(): Promise<void>;
}

/** A site's content and settings as plain data (see `SiteStore.snapshot`). */
export interface SiteData {
  items: Item[];
  rows: RowRecord[];
  variables: VariableRecord[];
  /** Site settings by key (enabled plugins, role grants, ...). */
  settings: Record<string, unknown>;
}

type WriteTransaction = IDBPTransaction<SiteSchema, SiteStoreName[], 'readwrite'>;

/**
 * Every key of `plugin` in `rows` or `variables`: keys start with the plugin name, and an array
 * sorts after every string or number, so [plugin, []] bounds this plugin's keys and no other's.
 */
function pluginRange(plugin: string): IDBKeyRange {
  return IDBKeyRange.bound([plugin], [plugin, []]);
}

/**
 * How hard a commit's transaction waits for the disk (README.md, "Durability"). `relaxed`
 * completes once the browser has the writes, before they reach the disk: a power cut or an
 * OS crash right after can lose them (closing or reloading the tab cannot). That is allowed
 * only where losing the commit loses nothing a reader relied on: a commit that only SETS cache
 * entries (a lost entry is a miss, computed again). Content, and cache deletions (an
 * invalidation lost would bring a stale entry back), keep the browser's default.
 */
function durabilityOf(changes: ChangeSet): IDBTransactionDurability {
  if (changes.items.size + changes.rows.size + changes.variables.size > 0) return 'default';
  for (const { record } of changes.cache.values()) if (!record) return 'default';
  return 'relaxed';
}

export const DEFAULT_MAX_LOGS = 5000;

/**
 * Opens a site's database (creating or upgrading it) and loads it into memory.
 *
 * @example
 * const store = await openSiteStore({ name: 'trovato:my-site' });
 * const work = store.beginWork(user);
 * work.setVariable('hello', 'greeting', '"hi"');
 * await work.commit();
 */
export async function openSiteStore(options: SiteStoreOptions): Promise<SiteStore> {
  const factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!factory) {
    throw new KernelError(
      'STORAGE_FAILURE',
      `Cannot open the site database "${options.name}": this runtime has no IndexedDB. ` +
        'In Node, pass `indexedDB: nodeIndexedDB()` from src/kernel/storage/node-indexeddb.ts.',
    );
  }
  const now = options.now ?? Date.now;
  const db = await openSiteDatabase(options.name, factory, options.migrations ?? MIGRATIONS);
  try {
    const { model, expired } = await ReadModel.load(db, now(), options.loadAllAtOpen ?? false);
    if (expired.length > 0) {
      // Not a change of data (an expired entry already reads as a miss): no new data version.
      const tx = db.transaction('cache', 'readwrite');
      await Promise.all([...expired.map((key) => tx.store.delete(key)), tx.done]);
    }
    return new IndexedSiteStore(options.name, db, model, now, options.maxLogs ?? DEFAULT_MAX_LOGS, options.onDataVersion);
  } catch (error) {
    db.close();
    throw error instanceof KernelError ? error : storageFailure(`Loading the site database "${options.name}"`, error);
  }
}

class IndexedSiteStore implements SiteStore, WorkBackend {
  readonly name: string;
  readonly model: ReadModel;
  /** What units of work read: the in-memory read model. */
  get stored(): ReadModel {
    return this.model;
  }
  readonly now: () => number;
  readonly #db: SiteDatabase;
  readonly #maxLogs: number;
  /** Commits and setting writes run one after another, in call order. */
  readonly #writes = createSerialQueue();
  #logQueue: LogRecord[] = [];
  #logFlush: Promise<void> | null = null;

  readonly #onDataVersion: ((version: string) => void) | undefined;

  constructor(name: string, db: SiteDatabase, model: ReadModel, now: () => number, maxLogs: number, onDataVersion?: (version: string) => void) {
    this.name = name;
    this.#onDataVersion = onDataVersion;
    this.#db = db;
    this.model = model;
    this.now = now;
    this.#maxLogs = maxLogs;
  }

  beginWork(user: CurrentUser): UnitOfWork {
    return new UnitOfWork(this, user);
  }

  commit(changes: ChangeSet): Promise<void> {
    return this.#writes.run(async () => {
      if (isEmptyChangeSet(changes)) return;
      const stores = new Set<SiteStoreName>();
      if (changes.items.size) stores.add('items');
      if (changes.rows.size) stores.add('rows');
      if (changes.variables.size) stores.add('variables');
      if (changes.cache.size) stores.add('cache');
      await this.#transact([...stores], 'Saving the request\'s writes', (tx) => {
        // Raw requests, none awaited: the transaction's outcome covers them all (a failing
        // request aborts it), and a promise per request was a large share of a bulk import.
        const raw = unwrap(tx);
        if (changes.items.size) {
          const items = raw.objectStore('items');
          for (const [id, item] of changes.items) {
            if (item) items.put(item);
            else items.delete(id);
          }
        }
        if (changes.rows.size) {
          const rows = raw.objectStore('rows');
          for (const { plugin, table, rows: changed } of changes.rows.values()) {
            for (const [id, data] of changed) {
              if (data) rows.put({ plugin, table, id, data } satisfies RowRecord);
              else rows.delete([plugin, table, id]);
            }
          }
        }
        if (changes.variables.size) {
          const variables = raw.objectStore('variables');
          for (const record of changes.variables.values()) variables.put(record);
        }
        if (changes.cache.size) {
          const cache = raw.objectStore('cache');
          for (const { bin, key, record } of changes.cache.values()) {
            if (record) cache.put(record);
            else cache.delete([bin, key]);
          }
        }
      }, durabilityOf(changes));
      // Only now does anyone see the writes: memory never runs ahead of the database.
      this.model.apply(changes);
    });
  }

  loadMissed(missed: MissedReads, everything: boolean): Promise<void> {
    // In the write queue: a load never reads the database half-way through a commit, and a
    // commit after it applies on top, so memory stays a copy of what is committed.
    return this.#writes.run(async () => {
      const model = this.model;
      try {
        const tx = this.#db.transaction(['items', 'rows', 'variables'], 'readonly');
        const everyItem = !model.itemsComplete && (everything || missed.allItems);
        const itemIds = everyItem || model.itemsComplete ? [] : [...missed.itemIds];
        const everyRow = everything && !model.rowsComplete;
        const tables = everyRow ? [] : [...missed.tables.values()];
        const everyVariable = everything && !model.variablesComplete;
        const plugins = everyVariable ? [] : [...missed.variablePlugins];
        const [items, found, rows, tableRows, variables, pluginVariables] = await Promise.all([
          everyItem ? tx.objectStore('items').getAll() : null,
          Promise.all(itemIds.map((id) => tx.objectStore('items').get(id))),
          everyRow ? tx.objectStore('rows').getAll() : null,
          Promise.all(tables.map(([plugin, table]) => tx.objectStore('rows').getAll(IDBKeyRange.bound([plugin, table], [plugin, table, []])))),
          everyVariable ? tx.objectStore('variables').getAll() : null,
          Promise.all(plugins.map((plugin) => tx.objectStore('variables').getAll(pluginRange(plugin)))),
          tx.done,
        ]);
        if (items) model.loadEveryItem(items);
        model.loadItems(itemIds, found);
        if (rows) model.loadEveryRow(rows);
        tables.forEach(([plugin, table], i) => model.loadTable(plugin, table, tableRows[i]));
        if (variables) model.loadEveryVariable(variables);
        plugins.forEach((plugin, i) => model.loadPluginVariables(plugin, pluginVariables[i]));
      } catch (error) {
        throw storageFailure('Reading from the site database', error);
      }
    });
  }

  getSetting<T = unknown>(key: string): T | undefined {
    const value = this.model.site.get(key);
    return value === undefined ? undefined : (structuredClone(value) as T);
  }

  putSetting(key: string, value: unknown, options: { affectsPages?: boolean } = {}): Promise<void> {
    return this.#writes.run(async () => {
      const copy = value === undefined ? undefined : structuredClone(value);
      const what = `Saving the site setting "${key}"`;
      await this.#transact(['site'], what, (tx, track) => {
        track(copy === undefined ? tx.objectStore('site').delete(key) : tx.objectStore('site').put(copy, key));
      }, 'default', options.affectsPages !== false);
      if (copy === undefined) this.model.site.delete(key);
      else this.model.site.set(key, copy);
    });
  }

  appendLogs(entries: readonly LogRecord[]): Promise<void> {
    // A loop, not push(...entries): spreading a long list overflows the call stack.
    for (const entry of entries) this.#logQueue.push({ ...entry });
    // Lines logged in the same turn share one transaction.
    this.#logFlush ??= Promise.resolve().then(() => this.#flushLogs());
    return this.#logFlush;
  }

  async dataVersion(): Promise<string | null> {
    try {
      return (await this.#db.get(DATA_VERSION_STORE, DATA_VERSION_KEY)) ?? null;
    } catch (error) {
      throw storageFailure('Reading the data version', error);
    }
  }

  async readLogs(query: LogQuery = {}): Promise<LogRecord[]> {
    await this.#logFlush?.catch(() => undefined);
    const levels = query.level === undefined ? null : new Set<string>(typeof query.level === 'string' ? [query.level] : query.level);
    const limit = query.limit ?? 100;
    const result: LogRecord[] = [];
    try {
      let cursor = await this.#db.transaction('logs').store.openCursor(null, 'prev');
      while (cursor && result.length < limit) {
        const entry = cursor.value;
        if ((query.plugin === undefined || entry.plugin === query.plugin) && (!levels || levels.has(entry.level))) result.push(entry);
        cursor = await cursor.continue();
      }
    } catch (error) {
      throw storageFailure('Reading the log', error);
    }
    return result;
  }

  dropPluginData(plugin: string): Promise<void> {
    return this.#writes.run(async () => {
      const range = pluginRange(plugin);
      await this.#transact(['rows', 'variables'], `Removing the tables and variables of plugin "${plugin}"`, (tx, track) => {
        track(tx.objectStore('rows').delete(range));
        track(tx.objectStore('variables').delete(range));
      });
      const prefix = tableKey(plugin, '');
      for (const key of [...this.model.rows.keys()]) if (key.startsWith(prefix)) this.model.rows.delete(key);
      for (const key of [...this.model.variables.keys()]) if (key.startsWith(prefix)) this.model.variables.delete(key);
    });
  }

  snapshot(): Promise<SiteData> {
    // Straight from the database (memory holds only what requests read), in the write queue
    // so that every part is the same commit's.
    return this.#writes.run(async () => {
      try {
        const tx = this.#db.transaction(['items', 'rows', 'variables'], 'readonly');
        const [items, rows, variables] = await Promise.all([tx.objectStore('items').getAll(), tx.objectStore('rows').getAll(), tx.objectStore('variables').getAll(), tx.done]);
        return {
          items,
          rows,
          variables,
          settings: Object.fromEntries([...this.model.site].map(([key, value]) => [key, structuredClone(value)])),
        };
      } catch (error) {
        throw storageFailure('Reading the site for a copy of it', error);
      }
    });
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.#writes.idle(), this.#logFlush]);
    this.#db.close();
  }

  async #flushLogs(): Promise<void> {
    const entries = this.#logQueue;
    this.#logQueue = [];
    this.#logFlush = null;
    await this.#transact(['logs'], 'Saving log lines', (tx, track) => {
      const store = tx.objectStore('logs');
      for (const entry of entries) track(store.add(entry));
      track(
        (async () => {
          const excess = (await store.count()) - this.#maxLogs;
          if (excess <= 0) return;
          // Keys only grow, so the first `excess` keys are the oldest lines.
          const keys = await store.getAllKeys(null, excess);
          await store.delete(IDBKeyRange.upperBound(keys[keys.length - 1]));
        })(),
      );
    }, 'relaxed');
  }

  /**
   * Runs `body` in one readwrite transaction over `stores` and waits for it to complete. Every
   * request promise is tracked so an abort never leaves an unhandled rejection behind. The only
   * place the store writes: so a write of anything but log lines replaces the data version in
   * the same transaction here, and no write path can forget it (data-version.ts).
   */
  async #transact(
    stores: SiteStoreName[],
    what: string,
    body: (tx: WriteTransaction, track: (request: Promise<unknown>) => void) => void,
    durability: IDBTransactionDurability = 'default',
    /** False only for a setting no page shows (putSetting's `affectsPages`). */
    affectsPages = true,
  ): Promise<void> {
    let tx: WriteTransaction | undefined;
    let version: string | null = null;
    const pending: Promise<unknown>[] = [];
    const track = (request: Promise<unknown>): void => {
      request.catch(() => undefined);
      pending.push(request);
    };
    try {
      version = affectsPages && changesData(stores) ? newDataVersion() : null;
      tx = this.#db.transaction(version !== null ? [...stores, DATA_VERSION_STORE] : stores, 'readwrite', { durability });
      track(tx.done);
      if (version !== null) track(tx.objectStore(DATA_VERSION_STORE).put(version, DATA_VERSION_KEY));
      body(tx, track);
      await Promise.all(pending);
    } catch (error) {
      try {
        tx?.abort();
      } catch {
        // Already aborted or finished.
      }
      throw storageFailure(what, tx?.error ?? error);
    }
    if (version === null || this.#onDataVersion === undefined) return;
    try {
      this.#onDataVersion(version);
    } catch (error) {
      // The write is committed (and the read model follows it): a listener must not fail it.
      console.error(`The data version listener of site database "${this.name}" failed; the write itself is committed:`, error);
    }
  }
}
