/**
 * The served site's store over a SQL database (SQLite embedded, or PostgreSQL), through the
 * synchronous seam of sync-sql.ts. A unit of work reads the database itself at each host call
 * (no read model: a process's memory does not grow with the site's content), and `commit`
 * writes the request's surviving writes in ONE transaction. See README.md in this folder for
 * the consistency rules when several requests or processes share the database.
 */
import { KernelError } from '../../common/errors.js';
import type { CurrentUser } from '../../common/users.js';
import { isEmptyChangeSet, type ChangeSet } from '../read-model.js';
import type { CacheRecord, Item, LogRecord, Row, RowId, VariableRecord } from '../schema.js';
import { DEFAULT_MAX_LOGS, type LogQuery, type SiteData, type SiteStore } from '../site-store.js';
import { UnitOfWork, type ItemPrefilter, type StoredData, type WorkBackend } from '../unit-of-work.js';
import type { SqlStatement, SqlValue, SyncSql } from './sync-sql.js';

/** The channel a store notifies after writing site settings (plugins enabled, roles, ...). */
export const SETTINGS_CHANNEL = 'trovato_site_settings';

export interface SqlStoreOptions {
  /** How many log lines to keep; the oldest are dropped first. Default 5000. */
  readonly maxLogs?: number;
  /** Unix milliseconds; tests pass a fixed clock. */
  readonly now?: () => number;
}

interface CacheRow {
  bin: string;
  key: string;
  value: string;
  tags: string;
  expires: number;
}

// A row id is a string or a number, so it is keyed by its JSON text: 1 and "1" stay apart.
const rowKey = (id: RowId): string => JSON.stringify(id);

/** Every statement, in the SQL both SQLite and PostgreSQL accept (`?` placeholders). */
const SQL = {
  item: 'SELECT data FROM items WHERE id = ?',
  everyItem: 'SELECT data FROM items',
  putItem:
    'INSERT INTO items (id, item_type, status, author_id, created, changed, data) VALUES (?, ?, ?, ?, ?, ?, ?) ' +
    'ON CONFLICT (id) DO UPDATE SET item_type = excluded.item_type, status = excluded.status, author_id = excluded.author_id, ' +
    'created = excluded.created, changed = excluded.changed, data = excluded.data',
  deleteItem: 'DELETE FROM items WHERE id = ?',
  row: 'SELECT data FROM plugin_rows WHERE plugin = ? AND tbl = ? AND id = ?',
  everyRow: 'SELECT data FROM plugin_rows WHERE plugin = ? AND tbl = ?',
  putRow: 'INSERT INTO plugin_rows (plugin, tbl, id, data) VALUES (?, ?, ?, ?) ON CONFLICT (plugin, tbl, id) DO UPDATE SET data = excluded.data',
  deleteRow: 'DELETE FROM plugin_rows WHERE plugin = ? AND tbl = ? AND id = ?',
  variable: 'SELECT value FROM variables WHERE plugin = ? AND name = ?',
  putVariable: 'INSERT INTO variables (plugin, name, value) VALUES (?, ?, ?) ON CONFLICT (plugin, name) DO UPDATE SET value = excluded.value',
  cacheEntry: 'SELECT bin, key, value, tags, expires FROM cache WHERE bin = ? AND key = ?',
  cacheWithTag: 'SELECT c.bin, c.key, c.value, c.tags, c.expires FROM cache_tags t JOIN cache c ON c.bin = t.bin AND c.key = t.key WHERE t.tag = ?',
  putCache:
    'INSERT INTO cache (bin, key, value, tags, expires) VALUES (?, ?, ?, ?, ?) ' +
    'ON CONFLICT (bin, key) DO UPDATE SET value = excluded.value, tags = excluded.tags, expires = excluded.expires',
  deleteCache: 'DELETE FROM cache WHERE bin = ? AND key = ?',
  putCacheTag: 'INSERT INTO cache_tags (tag, bin, key) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
  deleteCacheTags: 'DELETE FROM cache_tags WHERE bin = ? AND key = ?',
  setting: 'SELECT value FROM site WHERE key = ?',
  putSetting: 'INSERT INTO site (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  deleteSetting: 'DELETE FROM site WHERE key = ?',
  appendLog: 'INSERT INTO logs (plugin, level, message, time, source, claimed) VALUES (?, ?, ?, ?, ?, ?)',
  trimLogs: 'DELETE FROM logs WHERE seq <= (SELECT seq FROM logs ORDER BY seq DESC LIMIT 1 OFFSET ?)',
  dropRows: 'DELETE FROM plugin_rows WHERE plugin = ?',
  dropVariables: 'DELETE FROM variables WHERE plugin = ?',
  expiredTags: 'DELETE FROM cache_tags WHERE (bin, key) IN (SELECT bin, key FROM cache WHERE expires != 0 AND expires <= ?)',
  expired: 'DELETE FROM cache WHERE expires != 0 AND expires <= ?',
} as const;

const statement = (sql: string, ...params: SqlValue[]): SqlStatement => ({ sql, params });

/**
 * A site's storage in a SQL database. Several processes may share the database (see README.md).
 *
 * @example
 * const store = createSqlStore(openSqlite('site.db'));
 * const kernel = createKernel({ storage: kernelStorage(store) });
 */
export class SqlSiteStore implements SiteStore, WorkBackend, StoredData {
  readonly name: string;
  readonly now: () => number;
  readonly #db: SyncSql;
  readonly #maxLogs: number;
  #closed = false;
  #failure: KernelError | null = null;

  constructor(db: SyncSql, options: SqlStoreOptions = {}) {
    this.name = db.label;
    this.#db = db;
    this.now = options.now ?? Date.now;
    this.#maxLogs = options.maxLogs ?? DEFAULT_MAX_LOGS;
    // Expired cache entries are misses; they are removed when a store opens.
    const now = this.now();
    this.#write('Removing expired cache entries', [statement(SQL.expiredTags, now), statement(SQL.expired, now)]);
  }

  get stored(): StoredData {
    return this;
  }

  beginWork(user: CurrentUser): UnitOfWork {
    return new UnitOfWork(this, user);
  }

  // --- StoredData: every read goes to the database ----------------------------------------

  item(id: string): Item | undefined {
    const [row] = this.#read<{ data: string }>('Reading an item', SQL.item, id);
    return row ? (JSON.parse(row.data) as Item) : undefined;
  }

  *everyItem(only: ItemPrefilter = {}): Iterable<Item> {
    // Read per call and not kept: a request holds the items it asked for, the process none.
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (only.type !== undefined) {
      where.push('item_type = ?');
      params.push(only.type);
    }
    if (only.status !== undefined) {
      where.push('status = ?');
      params.push(only.status);
    }
    const sql = where.length === 0 ? SQL.everyItem : `${SQL.everyItem} WHERE ${where.join(' AND ')}`;
    for (const row of this.#read<{ data: string }>('Reading the items', sql, ...params)) yield JSON.parse(row.data) as Item;
  }

  row(plugin: string, table: string, id: RowId): Row | undefined {
    const [row] = this.#read<{ data: string }>(`Reading a row of ${plugin}.${table}`, SQL.row, plugin, table, rowKey(id));
    return row ? (JSON.parse(row.data) as Row) : undefined;
  }

  everyRow(plugin: string, table: string): Iterable<Row> {
    return this.#read<{ data: string }>(`Reading the table ${plugin}.${table}`, SQL.everyRow, plugin, table).map((row) => JSON.parse(row.data) as Row);
  }

  variable(plugin: string, name: string): string | undefined {
    return this.#read<{ value: string }>(`Reading the variable ${plugin}.${name}`, SQL.variable, plugin, name)[0]?.value;
  }

  cacheEntry(bin: string, key: string): CacheRecord | undefined {
    const [row] = this.#read<CacheRow>('Reading the cache', SQL.cacheEntry, bin, key);
    return row ? cacheRecord(row) : undefined;
  }

  cacheWithTag(tag: string): Iterable<CacheRecord> {
    return this.#read<CacheRow>('Reading the cache', SQL.cacheWithTag, tag).map(cacheRecord);
  }

  // --- writes ------------------------------------------------------------------------------

  async commit(changes: ChangeSet): Promise<void> {
    if (isEmptyChangeSet(changes)) return;
    const statements: SqlStatement[] = [];
    for (const [id, item] of changes.items) {
      statements.push(
        item
          ? statement(SQL.putItem, item.id, item.item_type, item.status, item.author_id, item.created, item.changed, JSON.stringify(item))
          : statement(SQL.deleteItem, id),
      );
    }
    for (const { plugin, table, rows } of changes.rows.values()) {
      for (const [id, row] of rows) {
        statements.push(row ? statement(SQL.putRow, plugin, table, rowKey(id), JSON.stringify(row)) : statement(SQL.deleteRow, plugin, table, rowKey(id)));
      }
    }
    for (const { plugin, name, value } of changes.variables.values()) statements.push(statement(SQL.putVariable, plugin, name, value));
    for (const { bin, key, record } of changes.cache.values()) {
      statements.push(statement(SQL.deleteCacheTags, bin, key));
      if (!record) {
        statements.push(statement(SQL.deleteCache, bin, key));
        continue;
      }
      statements.push(statement(SQL.putCache, bin, key, record.value, JSON.stringify(record.tags), record.expires));
      for (const tag of record.tags) statements.push(statement(SQL.putCacheTag, tag, bin, key));
    }
    this.#write("Saving the request's writes", statements);
  }

  getSetting<T = unknown>(key: string): T | undefined {
    const [row] = this.#read<{ value: string }>(`Reading the site setting "${key}"`, SQL.setting, key);
    return row ? (decodeSetting(row.value) as T) : undefined;
  }

  // No data version here (see dataVersion): `affectsPages` changes nothing.
  async putSetting(key: string, value: unknown, _options?: { affectsPages?: boolean }): Promise<void> {
    const write = value === undefined ? statement(SQL.deleteSetting, key) : statement(SQL.putSetting, key, encodeSetting(value));
    // Other processes on the same database reload their plugins when told (PostgreSQL NOTIFY).
    this.#write(`Saving the site setting "${key}"`, [write], [SETTINGS_CHANNEL]);
  }

  async appendLogs(entries: readonly LogRecord[]): Promise<void> {
    if (entries.length === 0) return;
    this.#write('Saving log lines', [
      ...entries.map((e) => statement(SQL.appendLog, e.plugin, e.level, e.message, e.time, e.source, e.claimed ?? null)),
      statement(SQL.trimLogs, this.#maxLogs),
    ]);
  }

  async dataVersion(): Promise<null> {
    return null;
  }

  async readLogs(query: LogQuery = {}): Promise<LogRecord[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (query.plugin !== undefined) {
      where.push('plugin = ?');
      params.push(query.plugin);
    }
    if (query.level !== undefined) {
      const levels = typeof query.level === 'string' ? [query.level] : [...query.level];
      where.push(levels.length === 0 ? 'FALSE' : `level IN (${levels.map(() => '?').join(', ')})`);
      params.push(...levels);
    }
    params.push(query.limit ?? 100);
    const sql = `SELECT seq, plugin, level, message, time, source, claimed FROM logs${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
    const rows = this.#read<LogRecord & { claimed: string | null }>('Reading the log', sql, ...params);
    return rows.map(({ claimed, ...rest }) => (claimed === null ? rest : { ...rest, claimed }));
  }

  async dropPluginData(plugin: string): Promise<void> {
    this.#write(`Removing the tables and variables of plugin "${plugin}"`, [statement(SQL.dropRows, plugin), statement(SQL.dropVariables, plugin)]);
  }

  async snapshot(): Promise<SiteData> {
    const items = this.#read<{ data: string }>('Exporting the items', SQL.everyItem).map((row) => JSON.parse(row.data) as Item);
    const rows = this.#read<{ plugin: string; tbl: string; id: string; data: string }>('Exporting the tables', 'SELECT plugin, tbl, id, data FROM plugin_rows').map(
      (row) => ({ plugin: row.plugin, table: row.tbl, id: JSON.parse(row.id) as RowId, data: JSON.parse(row.data) as Row }),
    );
    const variables = this.#read<VariableRecord>('Exporting the variables', 'SELECT plugin, name, value FROM variables');
    const settings = Object.fromEntries(
      this.#read<{ key: string; value: string }>('Exporting the site settings', 'SELECT key, value FROM site').map((row) => [row.key, decodeSetting(row.value)]),
    );
    return { items, rows, variables, settings };
  }

  /**
   * Writes a whole site (a site export's data, see site-export.ts) into this store in ONE
   * transaction: every item, row, variable and setting, or none. The caller checks the store
   * is empty first (an import never merges into a site).
   */
  async importData(data: SiteData): Promise<void> {
    this.#write(
      'Importing the site',
      [
        ...data.items.map((item) => statement(SQL.putItem, item.id, item.item_type, item.status, item.author_id, item.created, item.changed, JSON.stringify(item))),
        ...data.rows.map((row) => statement(SQL.putRow, row.plugin, row.table, rowKey(row.id), JSON.stringify(row.data))),
        ...data.variables.map((v) => statement(SQL.putVariable, v.plugin, v.name, v.value)),
        ...Object.entries(data.settings).map(([key, value]) => statement(SQL.putSetting, key, encodeSetting(value))),
      ],
      [SETTINGS_CHANNEL],
    );
  }

  /**
   * Runs `body` while no other process on this database runs its own `exclusive` body: opening
   * a site (first-time tap_install, settings) happens once even when processes start together.
   */
  async exclusive<T>(body: () => Promise<T>): Promise<T> {
    this.#db.lockSite?.();
    try {
      return await body();
    } finally {
      this.#db.unlockSite?.();
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }

  /**
   * The first storage failure since the last call, then forgets it. A plugin may catch a failed
   * read (a -4) and still return a page; the server asks this after each request, so a page
   * built while the database was not answering is a 503, not a page with holes.
   */
  takeFailure(): KernelError | null {
    const failure = this.#failure;
    this.#failure = null;
    return failure;
  }

  #read<T>(what: string, sql: string, ...params: SqlValue[]): T[] {
    try {
      return this.#db.all<T>(sql, params);
    } catch (error) {
      throw (this.#failure ??= sqlFailure(`${what} in ${this.name}`, error));
    }
  }

  /** All of `statements` in one transaction, or none of them. */
  #write(what: string, statements: SqlStatement[], notify?: readonly string[]): void {
    try {
      this.#db.write(statements, notify);
    } catch (error) {
      throw (this.#failure ??= sqlFailure(`${what} in ${this.name}`, error));
    }
  }
}

// Settings are JSON in the database, but a site that carries its plugins keeps their wasm bytes
// in one (site_plugins): bytes are written as {"$bytes": base64} and read back as Uint8Array.
const BYTES_KEY = '$bytes';

function encodeSetting(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v instanceof Uint8Array ? { [BYTES_KEY]: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') } : v));
}

function decodeSetting(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const keys = Object.keys(v);
      const encoded = (v as Record<string, unknown>)[BYTES_KEY];
      if (keys.length === 1 && typeof encoded === 'string') return new Uint8Array(Buffer.from(encoded, 'base64'));
    }
    return v;
  });
}

function cacheRecord(row: CacheRow): CacheRecord {
  return { bin: row.bin, key: row.key, value: row.value, tags: JSON.parse(row.tags) as string[], expires: Number(row.expires) };
}

/** A KernelError for a failed statement; the databases' own errors already say what to do. */
function sqlFailure(what: string, error: unknown): KernelError {
  if (error instanceof KernelError) return error;
  return new KernelError('STORAGE_FAILURE', `${what} failed: ${error instanceof Error ? error.message : String(error)}`);
}
