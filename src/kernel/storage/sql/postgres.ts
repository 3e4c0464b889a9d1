/**
 * PostgreSQL as the served site's database, for several `trovato serve` processes on one
 * database. Statements run synchronously through pg-sync.ts; migrations take an advisory lock.
 */
import { PgSync } from './pg-sync.js';
import { SqlSiteStore, type SqlStoreOptions } from './sql-store.js';
import type { SqlMigration } from './sqlite-schema.js';

/** The PostgreSQL schema history; the same tables as SQLITE_MIGRATIONS, in PostgreSQL types. */
export const POSTGRES_MIGRATIONS: readonly SqlMigration[] = [
  {
    version: 1,
    description: 'items, plugin rows, variables, cache with its tags, logs and site settings',
    sql: `
      CREATE TABLE items (id TEXT PRIMARY KEY, item_type TEXT NOT NULL, status INTEGER NOT NULL, author_id TEXT NOT NULL,
        created BIGINT NOT NULL, changed BIGINT NOT NULL, data TEXT NOT NULL);
      CREATE INDEX items_by_type_created ON items (item_type, created);
      CREATE TABLE plugin_rows (plugin TEXT NOT NULL, tbl TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (plugin, tbl, id));
      CREATE TABLE variables (plugin TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (plugin, name));
      CREATE TABLE cache (bin TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, tags TEXT NOT NULL, expires BIGINT NOT NULL, PRIMARY KEY (bin, key));
      CREATE TABLE cache_tags (tag TEXT NOT NULL, bin TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (tag, bin, key));
      CREATE TABLE logs (seq BIGSERIAL PRIMARY KEY, plugin TEXT NOT NULL, level TEXT NOT NULL, message TEXT NOT NULL,
        time BIGINT NOT NULL, source TEXT NOT NULL, claimed TEXT);
      CREATE TABLE site (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `,
  },
];

export interface PostgresOptions extends SqlStoreOptions {
  /** `postgres://user:password@host:port/database` */
  readonly url: string;
  /** How long one statement may take. Default 30 s. */
  readonly timeoutMs?: number;
}

/**
 * Connects (lazily, and again after a lost connection), migrates under an advisory lock, and
 * returns the store.
 *
 * @example
 * const store = openPostgresStore({ url: 'postgres://trovato@localhost/site' });
 */
export function openPostgresStore(options: PostgresOptions): SqlSiteStore {
  const db = new PgSync({ url: options.url, timeoutMs: options.timeoutMs });
  try {
    db.migrate(POSTGRES_MIGRATIONS);
    return new SqlSiteStore(db, options);
  } catch (error) {
    db.close();
    throw error;
  }
}
