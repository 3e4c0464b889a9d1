/**
 * The served site's embedded store: one SQLite file through better-sqlite3. Host functions are
 * synchronous and so is better-sqlite3, so a unit of work reads the database itself at each call
 * (no read model: a process's memory does not grow with the site's content), and `commit`
 * writes the request's surviving writes in ONE SQLite transaction. See README.md in this folder
 * for the consistency rules when several requests or processes share the file.
 */
import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';
import { KernelError, messageOf } from '../../errors.js';
import type { CurrentUser } from '../../tap/request-state.js';
import { isEmptyChangeSet, isExpired, type ChangeSet } from '../read-model.js';
import type { CacheRecord, Item, LogRecord, Row, RowId } from '../schema.js';
import { DEFAULT_MAX_LOGS, type LogQuery, type SiteStore } from '../site-store.js';
import { UnitOfWork, type StoredData, type WorkBackend } from '../unit-of-work.js';
import { migrateSqlite, type SqlMigration } from './sqlite-schema.js';

export interface SqliteStoreOptions {
  /** The database file (created if missing), or ':memory:' for a throwaway site. */
  readonly file: string;
  /** How many log lines to keep; the oldest are dropped first. Default 5000. */
  readonly maxLogs?: number;
  /** Unix milliseconds; tests pass a fixed clock. */
  readonly now?: () => number;
  /** How long a write waits for another process's transaction before failing. Default 5000 ms. */
  readonly busyTimeoutMs?: number;
  /** @internal The schema history to open with (tests build older databases). */
  readonly migrations?: readonly SqlMigration[];
}

/**
 * Opens (creating or migrating) a site's SQLite file.
 *
 * @example
 * const store = openSqliteStore({ file: 'site.db' });
 * const kernel = createKernel({ storage: kernelStorage(store) });
 */
export function openSqliteStore(options: SqliteStoreOptions): SqliteSiteStore {
  let db: Database;
  try {
    db = new BetterSqlite3(options.file);
  } catch (error) {
    throw sqlFailure(`Opening the site database ${options.file}`, error, 'Check that its folder exists and is writable.');
  }
  try {
    // WAL: readers never wait for a writer, and a killed process leaves no partial transaction.
    db.pragma('journal_mode = WAL');
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    db.pragma('synchronous = NORMAL');
    migrateSqlite(db, options.file, options.migrations);
    const store = new SqliteSiteStore(options.file, db, options.now ?? Date.now, options.maxLogs ?? DEFAULT_MAX_LOGS);
    store.dropExpiredCache();
    return store;
  } catch (error) {
    db.close();
    throw error instanceof KernelError ? error : sqlFailure(`Opening the site database ${options.file}`, error);
  }
}

interface Statements {
  item: Statement<[string], { data: string }>;
  everyItem: Statement<[], { data: string }>;
  putItem: Statement<[string, string, number, string, number, number, string]>;
  deleteItem: Statement<[string]>;
  row: Statement<[string, string, string], { data: string }>;
  everyRow: Statement<[string, string], { data: string }>;
  putRow: Statement<[string, string, string, string]>;
  deleteRow: Statement<[string, string, string]>;
  variable: Statement<[string, string], { value: string }>;
  putVariable: Statement<[string, string, string]>;
  cacheEntry: Statement<[string, string], CacheRow>;
  cacheWithTag: Statement<[string], CacheRow>;
  putCache: Statement<[string, string, string, string, number]>;
  deleteCache: Statement<[string, string]>;
  putCacheTag: Statement<[string, string, string]>;
  deleteCacheTags: Statement<[string, string]>;
  setting: Statement<[string], { value: string }>;
  putSetting: Statement<[string, string]>;
  deleteSetting: Statement<[string]>;
  appendLog: Statement<[string, string, string, number, string, string | null]>;
  trimLogs: Statement<[number]>;
}

interface CacheRow {
  bin: string;
  key: string;
  value: string;
  tags: string;
  expires: number;
}

const rowKey = (id: RowId): string => JSON.stringify(id);

/** A site's storage in one SQLite file. Several processes may open the same file (see README.md). */
export class SqliteSiteStore implements SiteStore, WorkBackend, StoredData {
  readonly name: string;
  readonly now: () => number;
  readonly #db: Database;
  readonly #maxLogs: number;
  readonly #sql: Statements;
  #closed = false;

  /** @internal Use openSqliteStore. */
  constructor(name: string, db: Database, now: () => number, maxLogs: number) {
    this.name = name;
    this.#db = db;
    this.now = now;
    this.#maxLogs = maxLogs;
    this.#sql = {
      item: db.prepare('SELECT data FROM items WHERE id = ?'),
      everyItem: db.prepare('SELECT data FROM items'),
      putItem: db.prepare(
        'INSERT INTO items (id, item_type, status, author_id, created, changed, data) VALUES (?, ?, ?, ?, ?, ?, ?) ' +
          'ON CONFLICT (id) DO UPDATE SET item_type = excluded.item_type, status = excluded.status, author_id = excluded.author_id, ' +
          'created = excluded.created, changed = excluded.changed, data = excluded.data',
      ),
      deleteItem: db.prepare('DELETE FROM items WHERE id = ?'),
      row: db.prepare('SELECT data FROM plugin_rows WHERE plugin = ? AND tbl = ? AND id = ?'),
      everyRow: db.prepare('SELECT data FROM plugin_rows WHERE plugin = ? AND tbl = ?'),
      putRow: db.prepare('INSERT INTO plugin_rows (plugin, tbl, id, data) VALUES (?, ?, ?, ?) ON CONFLICT (plugin, tbl, id) DO UPDATE SET data = excluded.data'),
      deleteRow: db.prepare('DELETE FROM plugin_rows WHERE plugin = ? AND tbl = ? AND id = ?'),
      variable: db.prepare('SELECT value FROM variables WHERE plugin = ? AND name = ?'),
      putVariable: db.prepare('INSERT INTO variables (plugin, name, value) VALUES (?, ?, ?) ON CONFLICT (plugin, name) DO UPDATE SET value = excluded.value'),
      cacheEntry: db.prepare('SELECT bin, key, value, tags, expires FROM cache WHERE bin = ? AND key = ?'),
      cacheWithTag: db.prepare(
        'SELECT c.bin, c.key, c.value, c.tags, c.expires FROM cache_tags t JOIN cache c ON c.bin = t.bin AND c.key = t.key WHERE t.tag = ?',
      ),
      putCache: db.prepare(
        'INSERT INTO cache (bin, key, value, tags, expires) VALUES (?, ?, ?, ?, ?) ' +
          'ON CONFLICT (bin, key) DO UPDATE SET value = excluded.value, tags = excluded.tags, expires = excluded.expires',
      ),
      deleteCache: db.prepare('DELETE FROM cache WHERE bin = ? AND key = ?'),
      putCacheTag: db.prepare('INSERT OR IGNORE INTO cache_tags (tag, bin, key) VALUES (?, ?, ?)'),
      deleteCacheTags: db.prepare('DELETE FROM cache_tags WHERE bin = ? AND key = ?'),
      setting: db.prepare('SELECT value FROM site WHERE key = ?'),
      putSetting: db.prepare('INSERT INTO site (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      deleteSetting: db.prepare('DELETE FROM site WHERE key = ?'),
      appendLog: db.prepare('INSERT INTO logs (plugin, level, message, time, source, claimed) VALUES (?, ?, ?, ?, ?, ?)'),
      trimLogs: db.prepare('DELETE FROM logs WHERE seq <= (SELECT seq FROM logs ORDER BY seq DESC LIMIT 1 OFFSET ?)'),
    };
  }

  get stored(): StoredData {
    return this;
  }

  beginWork(user: CurrentUser): UnitOfWork {
    return new UnitOfWork(this, user);
  }

  // --- StoredData: every read goes to the database ----------------------------------------

  item(id: string): Item | undefined {
    const row = this.#read('Reading an item', () => this.#sql.item.get(id));
    return row ? (JSON.parse(row.data) as Item) : undefined;
  }

  *everyItem(): Iterable<Item> {
    // Collected per call and not kept: a request holds the items it asked for, the process none.
    const rows = this.#read('Reading the items', () => this.#sql.everyItem.all());
    for (const row of rows) yield JSON.parse(row.data) as Item;
  }

  row(plugin: string, table: string, id: RowId): Row | undefined {
    const row = this.#read(`Reading a row of ${plugin}.${table}`, () => this.#sql.row.get(plugin, table, rowKey(id)));
    return row ? (JSON.parse(row.data) as Row) : undefined;
  }

  everyRow(plugin: string, table: string): Iterable<Row> {
    return this.#read(`Reading the table ${plugin}.${table}`, () => this.#sql.everyRow.all(plugin, table)).map((row) => JSON.parse(row.data) as Row);
  }

  variable(plugin: string, name: string): string | undefined {
    return this.#read(`Reading the variable ${plugin}.${name}`, () => this.#sql.variable.get(plugin, name))?.value;
  }

  cacheEntry(bin: string, key: string): CacheRecord | undefined {
    const row = this.#read('Reading the cache', () => this.#sql.cacheEntry.get(bin, key));
    return row ? cacheRecord(row) : undefined;
  }

  cacheWithTag(tag: string): Iterable<CacheRecord> {
    return this.#read('Reading the cache', () => this.#sql.cacheWithTag.all(tag)).map(cacheRecord);
  }

  // --- writes ------------------------------------------------------------------------------

  async commit(changes: ChangeSet): Promise<void> {
    if (isEmptyChangeSet(changes)) return;
    const sql = this.#sql;
    this.#write("Saving the request's writes", () => {
      for (const [id, item] of changes.items) {
        if (item) sql.putItem.run(item.id, item.item_type, item.status, item.author_id, item.created, item.changed, JSON.stringify(item));
        else sql.deleteItem.run(id);
      }
      for (const { plugin, table, rows } of changes.rows.values()) {
        for (const [id, row] of rows) {
          if (row) sql.putRow.run(plugin, table, rowKey(id), JSON.stringify(row));
          else sql.deleteRow.run(plugin, table, rowKey(id));
        }
      }
      for (const { plugin, name, value } of changes.variables.values()) sql.putVariable.run(plugin, name, value);
      for (const { bin, key, record } of changes.cache.values()) {
        sql.deleteCacheTags.run(bin, key);
        if (!record) {
          sql.deleteCache.run(bin, key);
          continue;
        }
        sql.putCache.run(bin, key, record.value, JSON.stringify(record.tags), record.expires);
        for (const tag of record.tags) sql.putCacheTag.run(tag, bin, key);
      }
    });
  }

  getSetting<T = unknown>(key: string): T | undefined {
    const row = this.#read(`Reading the site setting "${key}"`, () => this.#sql.setting.get(key));
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  async putSetting(key: string, value: unknown): Promise<void> {
    this.#write(`Saving the site setting "${key}"`, () => {
      if (value === undefined) this.#sql.deleteSetting.run(key);
      else this.#sql.putSetting.run(key, JSON.stringify(value));
    });
  }

  async appendLogs(entries: readonly LogRecord[]): Promise<void> {
    if (entries.length === 0) return;
    this.#write('Saving log lines', () => {
      for (const e of entries) this.#sql.appendLog.run(e.plugin, e.level, e.message, e.time, e.source, e.claimed ?? null);
      this.#sql.trimLogs.run(this.#maxLogs);
    });
  }

  async readLogs(query: LogQuery = {}): Promise<LogRecord[]> {
    const where: string[] = [];
    const params: Array<string | number> = [];
    if (query.plugin !== undefined) {
      where.push('plugin = ?');
      params.push(query.plugin);
    }
    if (query.level !== undefined) {
      const levels = typeof query.level === 'string' ? [query.level] : [...query.level];
      where.push(`level IN (${levels.map(() => '?').join(', ') || 'NULL'})`);
      params.push(...levels);
    }
    params.push(query.limit ?? 100);
    const sql = `SELECT seq, plugin, level, message, time, source, claimed FROM logs${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
    const rows = this.#read('Reading the log', () => this.#db.prepare(sql).all(...params)) as Array<LogRecord & { claimed: string | null }>;
    return rows.map(({ claimed, ...rest }) => (claimed === null ? rest : { ...rest, claimed }));
  }

  async dropPluginData(plugin: string): Promise<void> {
    this.#write(`Removing the tables and variables of plugin "${plugin}"`, () => {
      this.#db.prepare('DELETE FROM plugin_rows WHERE plugin = ?').run(plugin);
      this.#db.prepare('DELETE FROM variables WHERE plugin = ?').run(plugin);
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }

  /** @internal Expired cache entries are misses; they are removed when a store opens. */
  dropExpiredCache(): void {
    this.#write('Removing expired cache entries', () => {
      const now = this.now();
      this.#db.prepare('DELETE FROM cache_tags WHERE (bin, key) IN (SELECT bin, key FROM cache WHERE expires != 0 AND expires <= ?)').run(now);
      this.#db.prepare('DELETE FROM cache WHERE expires != 0 AND expires <= ?').run(now);
    });
  }

  /** Whether `record` has expired now (exposed for tests of the cache rules). */
  isExpired(record: CacheRecord): boolean {
    return isExpired(record, this.now());
  }

  #read<T>(what: string, body: () => T): T {
    try {
      return body();
    } catch (error) {
      throw sqlFailure(`${what} in ${this.name}`, error);
    }
  }

  /** Runs `body` in one IMMEDIATE transaction: all of it is written, or none of it. */
  #write(what: string, body: () => void): void {
    try {
      this.#db.transaction(body).immediate();
    } catch (error) {
      throw sqlFailure(`${what} in ${this.name}`, error);
    }
  }
}

function cacheRecord(row: CacheRow): CacheRecord {
  return { bin: row.bin, key: row.key, value: row.value, tags: JSON.parse(row.tags) as string[], expires: row.expires };
}

/** A KernelError for a failed SQLite call; a busy database and a full disk say what to do. */
function sqlFailure(what: string, error: unknown, hint = ''): KernelError {
  if (error instanceof KernelError) return error;
  const code = (error as { code?: string } | null)?.code;
  if (code === 'SQLITE_BUSY') {
    return new KernelError('STORAGE_FAILURE', `${what} failed: another process held the database's write lock for too long (SQLITE_BUSY); nothing was saved. Retry the request.`);
  }
  if (code === 'SQLITE_FULL') {
    return new KernelError('STORAGE_FAILURE', `${what} failed: the disk is full (SQLITE_FULL); nothing was saved. Free disk space and retry.`);
  }
  return new KernelError('STORAGE_FAILURE', `${what} failed: ${code ? `${code}: ` : ''}${messageOf(error)}${hint ? ` ${hint}` : ''}`);
}
