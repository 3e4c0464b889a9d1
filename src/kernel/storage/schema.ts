/**
 * The site database's shape and its history. Each migration moves the database up by one
 * version and never drops data: a site created by an older kernel opens in a newer one with
 * every item, row, variable and cache entry it had. Add a migration to change the shape; never
 * edit one that has shipped.
 */
import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { LogEntry } from '../common/log-entry.js';

/** An item as stored and as plugins see it (ABI §5). */
export interface Item {
  id: string;
  item_type: string;
  title: string;
  fields: Record<string, unknown>;
  status: 0 | 1;
  author_id: string;
  revision_id?: string;
  /** Unix seconds. */
  created: number;
  /** Unix seconds. */
  changed: number;
}

/** A row of a plugin's table: a JSON object whose `id` is its key within the table. */
export type Row = Record<string, unknown> & { id: RowId };
export type RowId = string | number;

/** A plugin's row wrapped with its namespace, so a column named `plugin` cannot clash. */
export interface RowRecord {
  plugin: string;
  table: string;
  id: RowId;
  data: Row;
}

export interface CacheRecord {
  bin: string;
  key: string;
  value: string;
  tags: string[];
  /** Unix milliseconds after which the entry is a miss; 0 for never. */
  expires: number;
}

export interface VariableRecord {
  plugin: string;
  name: string;
  value: string;
}

/** A persisted log line: the kernel's LogEntry with the sequence number the store gives it. */
export interface LogRecord extends LogEntry {
  seq?: number;
}

export interface SiteSchema extends DBSchema {
  items: {
    key: string;
    value: Item;
  };
  rows: {
    key: [string, string, RowId];
    value: RowRecord;
  };
  cache: {
    key: [string, string];
    value: CacheRecord;
  };
  variables: {
    key: [string, string];
    value: VariableRecord;
  };
  logs: {
    key: number;
    value: LogRecord;
  };
  /** Site settings (enabled plugins, role permissions, ...) under out-of-line string keys. */
  site: {
    key: string;
    value: unknown;
  };
  /** The data version (data-version.ts): a new one with every write but the log's. */
  meta: {
    key: string;
    value: string;
  };
}

export type SiteStoreName = StoreNames<SiteSchema>;

export interface Migration {
  /** The version the database has after this migration ran. */
  readonly version: number;
  readonly description: string;
  /**
   * Runs inside the upgrade transaction; may only await requests of that transaction. The
   * database is untyped here: a migration sees the shape of its own version (indexes a later
   * version dropped included), not the current `SiteSchema`.
   */
  up(db: IDBPDatabase, tx: IDBPTransaction<unknown, string[], 'versionchange'>): void | Promise<void>;
}

/** Every schema change in order; the database version is the last one's `version`. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'items, plugin rows, cache, variables and logs',
    up(db) {
      const items = db.createObjectStore('items', { keyPath: 'id' });
      items.createIndex('item_type', 'item_type');
      items.createIndex('status', 'status');
      items.createIndex('author_id', 'author_id');
      const rows = db.createObjectStore('rows', { keyPath: ['plugin', 'table', 'id'] });
      rows.createIndex('by_table', ['plugin', 'table']);
      const cache = db.createObjectStore('cache', { keyPath: ['bin', 'key'] });
      cache.createIndex('tags', 'tags', { multiEntry: true });
      db.createObjectStore('variables', { keyPath: ['plugin', 'name'] });
      db.createObjectStore('logs', { keyPath: 'seq', autoIncrement: true });
    },
  },
  {
    version: 2,
    description: 'site settings store; items indexed by `changed`',
    up(db, tx) {
      db.createObjectStore('site');
      // The index is built over the items already stored, so existing sites lose nothing.
      tx.objectStore('items').createIndex('changed', 'changed');
    },
  },
  {
    version: 3,
    description: 'drop the indexes no query uses (items, rows, cache tags)',
    up(_db, tx) {
      // Reads go to the read model (invalidation included), items load by key or all at once,
      // and bulk deletes use key ranges: these indexes were only upkeep on every write.
      const items = tx.objectStore('items');
      for (const name of ['item_type', 'status', 'author_id', 'changed']) {
        if (items.indexNames.contains(name)) items.deleteIndex(name);
      }
      const rows = tx.objectStore('rows');
      if (rows.indexNames.contains('by_table')) rows.deleteIndex('by_table');
      const cache = tx.objectStore('cache');
      if (cache.indexNames.contains('tags')) cache.deleteIndex('tags');
    },
  },
  {
    version: 4,
    description: 'the data version, which the page compares with its last-page snapshot',
    up(db) {
      db.createObjectStore('meta');
    },
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
