/**
 * The one thing the server's SQL store needs from a database: synchronous statements, because
 * host functions are synchronous. SQLite (better-sqlite3) is synchronous already; PostgreSQL
 * gets there through a worker thread (pg-sync.ts). Statements use `?` placeholders.
 */

export type SqlValue = string | number | null;

export interface SqlStatement {
  readonly sql: string;
  readonly params: readonly SqlValue[];
}

export interface SyncSql {
  /** Which database this is, for messages: "SQLite file site.db", "PostgreSQL 127.0.0.1:5432/site". */
  readonly label: string;
  /** The rows of one read. */
  all<T>(sql: string, params?: readonly SqlValue[]): T[];
  /**
   * Runs the statements in ONE transaction: all of them take effect, or (when one fails or the
   * connection drops) none. `notify` names channels to tell other processes about after commit.
   */
  write(statements: readonly SqlStatement[], notify?: readonly string[]): void;
  /**
   * Holds a lock shared by every process on this database until `unlockSite`, waiting for another
   * holder first (PostgreSQL: a session advisory lock). A database only one process opens (a
   * SQLite file) may leave these out.
   */
  lockSite?(): void;
  unlockSite?(): void;
  close(): void;
}
