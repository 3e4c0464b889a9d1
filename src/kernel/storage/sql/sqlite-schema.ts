/**
 * The served site's SQLite schema and its history. Like the IndexedDB schema (../schema.ts), each
 * migration moves the database up one version without dropping data; never edit one that has
 * shipped. Values the kernel does not query on are stored as JSON text.
 */
import type { Database } from 'better-sqlite3';
import { KernelError } from '../../common/errors.js';

export interface SqlMigration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

export const SQLITE_MIGRATIONS: readonly SqlMigration[] = [
  {
    version: 1,
    description: 'items, plugin rows, variables, cache with its tags, logs and site settings',
    sql: `
      CREATE TABLE items (
        id TEXT PRIMARY KEY,
        item_type TEXT NOT NULL,
        status INTEGER NOT NULL,
        author_id TEXT NOT NULL,
        created INTEGER NOT NULL,
        changed INTEGER NOT NULL,
        data TEXT NOT NULL
      );
      CREATE INDEX items_by_type_created ON items (item_type, created);
      -- A row id is string or number, so it is keyed by its JSON text: 1 and "1" differ.
      CREATE TABLE plugin_rows (
        plugin TEXT NOT NULL,
        tbl TEXT NOT NULL,
        id TEXT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (plugin, tbl, id)
      );
      CREATE TABLE variables (
        plugin TEXT NOT NULL,
        name TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (plugin, name)
      );
      CREATE TABLE cache (
        bin TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        tags TEXT NOT NULL,
        expires INTEGER NOT NULL,
        PRIMARY KEY (bin, key)
      );
      CREATE TABLE cache_tags (
        tag TEXT NOT NULL,
        bin TEXT NOT NULL,
        key TEXT NOT NULL,
        PRIMARY KEY (tag, bin, key)
      );
      CREATE TABLE logs (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        plugin TEXT NOT NULL,
        level TEXT NOT NULL,
        message TEXT NOT NULL,
        time INTEGER NOT NULL,
        source TEXT NOT NULL,
        claimed TEXT
      );
      CREATE TABLE site (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
];

export const SQLITE_SCHEMA_VERSION = SQLITE_MIGRATIONS[SQLITE_MIGRATIONS.length - 1].version;

/**
 * Brings the database up to the newest version. The migrations run inside one IMMEDIATE
 * transaction, which takes SQLite's write lock before reading the version: two processes opening
 * the same file at once run them one after the other, and the second finds nothing to do.
 */
export function migrateSqlite(db: Database, file: string, migrations: readonly SqlMigration[] = SQLITE_MIGRATIONS): void {
  const newest = migrations[migrations.length - 1].version;
  db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS trovato_schema (version INTEGER NOT NULL)');
    const row = db.prepare('SELECT version FROM trovato_schema').get() as { version: number } | undefined;
    const current = row?.version ?? 0;
    if (current > newest) {
      throw new KernelError(
        'STORAGE_FAILURE',
        `The site database ${file} was written by a newer Trovato (schema version ${current}, this one knows up to ${newest}). ` +
          'Serve it with that version, or export the site there and import it here.',
      );
    }
    for (const migration of migrations) {
      if (migration.version > current) db.exec(migration.sql);
    }
    if (row === undefined) db.prepare('INSERT INTO trovato_schema (version) VALUES (?)').run(newest);
    else if (current < newest) db.prepare('UPDATE trovato_schema SET version = ?').run(newest);
  }).immediate();
}
