/**
 * PostgreSQL, synchronously: host functions are synchronous and `pg` is not, so each PostgreSQL
 * store gets a worker thread (pg-thread.mjs) that owns its connection. A statement is posted to
 * that thread and the calling thread blocks on `Atomics.wait` until the answer is there, then
 * takes it with `receiveMessageOnPort`. Only the calling thread waits (a kernel worker thread in
 * `trovato serve`), never the others, and there is no lock over the process.
 */
import { existsSync } from 'node:fs';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { KernelError } from '../../common/errors.js';
import type { SqlMigration } from './sqlite-schema.js';
import type { SqlStatement, SqlValue, SyncSql } from './sync-sql.js';

/** The advisory lock key the migrations take ("trov" in ASCII). */
const MIGRATION_LOCK = 0x74726f76;
/** The advisory lock a process holds while it opens the site ("site"). */
const SITE_LOCK = 0x73697465;

type Answer = { ok: true; value: unknown } | { ok: false; code: string; lost: boolean; message: string };

// The bundled CLI (dist-cli/) has the thread as pg-thread.js beside this code; the sources have
// pg-thread.mjs (plain JavaScript, so it needs no TypeScript loader either way).
const BUNDLED_ENTRY = new URL('./pg-thread.js', import.meta.url);
const PG_THREAD_ENTRY = existsSync(BUNDLED_ENTRY) ? BUNDLED_ENTRY : new URL('./pg-thread.mjs', import.meta.url);

export interface PgSyncOptions {
  /** A `postgres://user:password@host:port/database` URL. */
  readonly url: string;
  /** How long one statement may take before the caller gets a 503-style failure. Default 30 s. */
  readonly timeoutMs?: number;
}

/** The URL without its password, for messages. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
  } catch {
    return 'the PostgreSQL URL given';
  }
}

export class PgSync implements SyncSql {
  readonly label: string;
  readonly #worker: Worker;
  readonly #port: MessagePort;
  readonly #flag = new Int32Array(new SharedArrayBuffer(4));
  readonly #timeoutMs: number;
  #closed = false;
  #sequence = 0;

  constructor(options: PgSyncOptions) {
    this.label = `PostgreSQL ${displayUrl(options.url)}`;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    const { port1, port2 } = new MessageChannel();
    this.#port = port1;
    this.#worker = new Worker(PG_THREAD_ENTRY, {
      workerData: { url: options.url, port: port2, flag: this.#flag, lockKey: MIGRATION_LOCK },
      transferList: [port2],
    });
    // The thread only ever waits for our requests; it must not keep the process alive.
    this.#worker.unref();
    this.#port.unref();
  }

  all<T>(sql: string, params: readonly SqlValue[] = []): T[] {
    return this.#request({ kind: 'all', sql, params }, 'Reading') as T[];
  }

  write(statements: readonly SqlStatement[], notify: readonly string[] = []): void {
    if (statements.length === 0 && notify.length === 0) return;
    this.#request({ kind: 'write', statements, notify }, 'Writing');
  }

  /** Brings the schema up to date under an advisory lock (safe when processes start together). */
  migrate(migrations: readonly SqlMigration[]): void {
    const { newer } = this.#request({ kind: 'migrate', migrations }, 'Migrating') as { newer: number | null };
    if (newer !== null) {
      throw new KernelError(
        'STORAGE_FAILURE',
        `The site database (${this.label}) was written by a newer Trovato (schema version ${newer}). Serve it with that version.`,
      );
    }
  }

  lockSite(): void {
    // Another process may hold it while it opens the site (compiling plugins, tap_install).
    this.#request({ kind: 'lock', key: SITE_LOCK }, 'Waiting for the site lock on', 300_000);
  }

  unlockSite(): void {
    this.#request({ kind: 'unlock', key: SITE_LOCK }, 'Releasing the site lock on');
  }

  close(): void {
    if (this.#closed) return;
    try {
      this.#request({ kind: 'close' }, 'Closing');
    } finally {
      this.#closed = true;
      void this.#worker.terminate();
      this.#port.close();
    }
  }

  #request(message: Record<string, unknown>, what: string, timeoutMs = this.#timeoutMs): unknown {
    if (this.#closed) throw new KernelError('STORAGE_FAILURE', `${what} ${this.label} failed: the store is closed.`);
    const id = ++this.#sequence;
    this.#port.postMessage({ ...message, id });
    const answer = this.#await(id, what, timeoutMs);
    if (answer.ok) return answer.value;
    if (answer.lost) {
      throw new KernelError(
        'STORAGE_FAILURE',
        `${what} ${this.label} failed: the connection is lost (${answer.code || answer.message}); nothing of this request was saved. ` +
          'The server reconnects at the next request; check that PostgreSQL is running if this persists.',
      );
    }
    throw new KernelError('STORAGE_FAILURE', `${what} ${this.label} failed: ${answer.code ? `${answer.code}: ` : ''}${answer.message}`);
  }

  /**
   * Blocks until the answer to request `id` is on the port. The flag is cleared BEFORE the port
   * is checked, so an answer posted in between either is found by the check or sets the flag
   * and ends the wait at once. An answer to an earlier request that timed out is dropped.
   */
  #await(id: number, what: string, timeoutMs: number): Answer {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      Atomics.store(this.#flag, 0, 0);
      const received = receiveMessageOnPort(this.#port);
      if (received) {
        const answer = received.message as Answer & { id: number };
        if (answer.id === id) return answer;
        continue;
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new KernelError(
          'STORAGE_FAILURE',
          `${what} ${this.label} failed: no answer within ${timeoutMs / 1000} s; nothing of this request was saved. ` +
            'Check that the database is up and reachable; the server keeps retrying.',
        );
      }
      Atomics.wait(this.#flag, 0, 0, left);
    }
  }
}
