/**
 * SQLite through better-sqlite3, as the server's embedded default: synchronous like host calls,
 * one file, nothing to install or run. Several processes may open the same file: WAL mode lets
 * readers go on while one writes, and writers wait for each other (busy_timeout).
 */
import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';
import { KernelError, messageOf } from '../../common/errors.js';
import { migrateSqlite, type SqlMigration } from './sqlite-schema.js';
import type { SqlStatement, SqlValue, SyncSql } from './sync-sql.js';
import { SqlSiteStore, type SqlStoreOptions } from './sql-store.js';

export interface SqliteOptions extends SqlStoreOptions {
  /** The database file (created if missing). */
  readonly file: string;
  /** How long a write waits for another process's transaction before failing. Default 5000 ms. */
  readonly busyTimeoutMs?: number;
  /** @internal The schema history to open with (tests build older databases). */
  readonly migrations?: readonly SqlMigration[];
}

class SqliteSync implements SyncSql {
  readonly label: string;
  readonly #db: Database;
  readonly #statements = new Map<string, Statement>();

  constructor(file: string, db: Database) {
    this.label = `SQLite ${file}`;
    this.#db = db;
  }

  all<T>(sql: string, params: readonly SqlValue[] = []): T[] {
    return this.#statement(sql).all(...params) as T[];
  }

  /** One IMMEDIATE transaction: it takes the write lock first, so it never fails half-way on a lock. */
  write(statements: readonly SqlStatement[]): void {
    try {
      this.#db.transaction(() => {
        for (const { sql, params } of statements) this.#statement(sql).run(...params);
      }).immediate();
    } catch (error) {
      throw sqliteFailure(this.label, error);
    }
  }

  close(): void {
    this.#db.close();
  }

  #statement(sql: string): Statement {
    let prepared = this.#statements.get(sql);
    if (!prepared) this.#statements.set(sql, (prepared = this.#db.prepare(sql)));
    return prepared;
  }
}

/**
 * Opens (creating or migrating) a site's SQLite file as a store.
 *
 * @example
 * const store = openSqliteStore({ file: 'site.db' });
 */
export function openSqliteStore(options: SqliteOptions): SqlSiteStore {
  let db: Database;
  try {
    db = new BetterSqlite3(options.file);
  } catch (error) {
    throw new KernelError('STORAGE_FAILURE', `Opening the site database ${options.file} failed: ${messageOf(error)}. Check that its folder exists and is writable.`);
  }
  try {
    // WAL: readers never wait for a writer, and a killed process leaves no partial transaction.
    db.pragma('journal_mode = WAL');
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    db.pragma('synchronous = NORMAL');
    migrateSqlite(db, options.file, options.migrations);
    return new SqlSiteStore(new SqliteSync(options.file, db), options);
  } catch (error) {
    db.close();
    throw error instanceof KernelError ? error : sqliteFailure(`SQLite ${options.file}`, error);
  }
}

/** A busy database and a full disk say what to do. */
function sqliteFailure(label: string, error: unknown): KernelError {
  const code = (error as { code?: string } | null)?.code;
  if (code === 'SQLITE_BUSY') {
    return new KernelError('STORAGE_FAILURE', `${label}: another process held the write lock for too long (SQLITE_BUSY); nothing was saved. Retry the request.`);
  }
  if (code === 'SQLITE_FULL') {
    return new KernelError('STORAGE_FAILURE', `${label}: the disk is full (SQLITE_FULL); nothing was saved. Free disk space and retry.`);
  }
  return new KernelError('STORAGE_FAILURE', `${label}: ${code ? `${code}: ` : ''}${messageOf(error)}`);
}
