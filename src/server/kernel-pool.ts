/**
 * The kernel worker threads of one `trovato serve` process. Each thread has its own kernel and
 * its own database connection and runs one request at a time, so a slow request or a slow query
 * holds up only its thread. A request that overruns its deadline (a plugin that loops) gets a
 * 503 naming the plugin, its thread is stopped (nothing it staged was committed: commits happen
 * only when a request ends) and a new thread takes its place.
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { SETTINGS_CHANNEL } from '../kernel/storage/sql/sql-store.js';
import { isPostgres } from './served-site.js';
import type { AppRequest, AppResponse } from './app-exchange.js';
import type { FromKernelThread, KernelThreadData, ToKernelThread } from './thread-protocol.js';

export interface KernelPoolOptions extends KernelThreadData {
  /** How many kernel threads. Default 2. */
  readonly threads?: number;
  /** How long one request may run before its thread is stopped. Default 10 s. */
  readonly requestTimeoutMs?: number;
  /** Called with problems worth a line in the server's output (plugins refused, threads replaced). */
  readonly onProblem?: (message: string) => void;
}

interface InFlight {
  readonly id: number;
  readonly resolve: (response: AppResponse) => void;
  readonly timer: NodeJS.Timeout;
  lastCall: string | null;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  current: InFlight | null;
}

interface Waiting {
  readonly request: AppRequest;
  readonly resolve: (response: AppResponse) => void;
}

// In the bundled CLI (dist-cli/) the thread is its own bundle beside this code; from the sources
// (tests importing the pool directly) it starts through tsx.
const BUNDLED_ENTRY = new URL('./kernel-thread.js', import.meta.url);
const THREAD_ENTRY = existsSync(BUNDLED_ENTRY) ? BUNDLED_ENTRY : new URL('./kernel-thread.mjs', import.meta.url);

export class KernelPool {
  readonly #options: KernelPoolOptions;
  readonly #slots: Slot[] = [];
  readonly #waiting: Waiting[] = [];
  #sequence = 0;
  #closed = false;
  #listener: pg.Client | null = null;

  private constructor(options: KernelPoolOptions) {
    this.#options = options;
  }

  /** Starts the threads and resolves once every one has opened the site; rejects with why not. */
  static async start(options: KernelPoolOptions): Promise<KernelPool> {
    const pool = new KernelPool(options);
    const count = Math.max(1, options.threads ?? 2);
    try {
      // The first thread runs the migrations and tap_install alone; the others then find them done.
      const first = await pool.#spawn();
      for (const problem of first) options.onProblem?.(problem);
      await Promise.all(Array.from({ length: count - 1 }, () => pool.#spawn()));
      if (isPostgres(options.database)) await pool.#listen();
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  /** Answers `request` on the first free thread (requests wait in arrival order). */
  handle(request: AppRequest): Promise<AppResponse> {
    if (this.#closed) return Promise.resolve(unavailable('The server is shutting down.'));
    return new Promise((resolve) => {
      this.#waiting.push({ request, resolve });
      this.#next();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const waiting of this.#waiting.splice(0)) waiting.resolve(unavailable('The server is shutting down.'));
    await this.#listener?.end().catch(() => undefined);
    await Promise.all(this.#slots.map((slot) => slot.worker.terminate()));
  }

  #next(): void {
    for (const slot of this.#slots) {
      if (this.#waiting.length === 0) return;
      if (!slot.ready || slot.current) continue;
      const { request, resolve } = this.#waiting.shift()!;
      const id = ++this.#sequence;
      const timeout = this.#options.requestTimeoutMs ?? 10_000;
      const timer = setTimeout(() => this.#overrun(slot, timeout), timeout);
      slot.current = { id, resolve, timer, lastCall: null };
      slot.worker.postMessage({ kind: 'request', id, request } satisfies ToKernelThread);
    }
  }

  /** Starts one thread; resolves with its plugin problems once it is ready. */
  #spawn(): Promise<string[]> {
    const worker = new Worker(THREAD_ENTRY, { workerData: { plugins: this.#options.plugins, database: this.#options.database, requestFuel: this.#options.requestFuel } satisfies KernelThreadData });
    const slot: Slot = { worker, ready: false, current: null };
    this.#slots.push(slot);
    return new Promise((resolve, reject) => {
      worker.on('message', (message: FromKernelThread) => {
        switch (message.kind) {
          case 'ready':
            slot.ready = true;
            resolve(message.problems);
            this.#next();
            break;
          case 'failed':
            reject(new Error(`A kernel thread could not open the site: ${message.message}`));
            break;
          case 'call':
            if (slot.current) slot.current.lastCall = `${message.plugin} (${message.exportName})`;
            break;
          case 'response':
            if (slot.current?.id !== message.id) break;
            clearTimeout(slot.current.timer);
            slot.current.resolve(message.response);
            slot.current = null;
            if (message.settingsChanged) this.#reloadOthers(slot);
            this.#next();
            break;
        }
      });
      worker.on('error', (error) => {
        if (!slot.ready) reject(error);
        this.#replace(slot, `The kernel thread failed: ${error.message}`);
      });
      worker.on('exit', () => {
        if (!slot.ready) reject(new Error('A kernel thread stopped while opening the site.'));
        this.#replace(slot, 'The kernel thread stopped.');
      });
    });
  }

  #overrun(slot: Slot, timeout: number): void {
    const culprit = slot.current?.lastCall;
    const message =
      `This request did not finish within ${timeout / 1000} s${culprit ? `: plugin ${culprit} was still running` : ''}, so it was stopped ` +
      'and nothing it wrote was saved. Other requests were not held up. If it happens again, disable that plugin in /admin/plugins.';
    this.#options.onProblem?.(message);
    this.#replace(slot, message);
  }

  /** Answers the slot's request (if any) with `reason`, stops its thread and starts another. */
  #replace(slot: Slot, reason: string): void {
    const index = this.#slots.indexOf(slot);
    if (index < 0) return;
    this.#slots.splice(index, 1);
    if (slot.current) {
      clearTimeout(slot.current.timer);
      slot.current.resolve(unavailable(reason));
      slot.current = null;
    }
    slot.worker.removeAllListeners();
    void slot.worker.terminate();
    if (this.#closed) return;
    this.#spawn().catch((error: unknown) => this.#options.onProblem?.(`Replacing a kernel thread failed: ${String(error)}`));
  }

  #reloadOthers(changed: Slot): void {
    for (const slot of this.#slots) if (slot !== changed) slot.worker.postMessage({ kind: 'reload' } satisfies ToKernelThread);
  }

  /**
   * PostgreSQL: other processes on the same database announce settings changes with NOTIFY
   * (SqlSiteStore.putSetting); every thread here then reloads its plugins. Reconnects by itself.
   */
  async #listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#options.database });
    const retry = (): void => {
      if (this.#listener !== client || this.#closed) return;
      this.#listener = null;
      setTimeout(() => void this.#listen().catch(() => retry()), 1000).unref();
    };
    this.#listener = client;
    client.on('error', retry);
    client.on('end', retry);
    client.on('notification', (note) => {
      // Our own changes come back too; a reload more is cheaper than telling processes apart.
      if (note.channel !== SETTINGS_CHANNEL) return;
      for (const slot of this.#slots) slot.worker.postMessage({ kind: 'reload' } satisfies ToKernelThread);
    });
    await client.connect();
    await client.query(`LISTEN ${SETTINGS_CHANNEL}`);
  }
}

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function unavailable(message: string): AppResponse {
  return {
    status: 503,
    headers: { 'content-type': 'text/html; charset=utf-8', 'retry-after': '2', 'cache-control': 'no-store' },
    body: `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Unavailable · Trovato</title></head><body><main><h1>This page is unavailable</h1><p role="alert">${escape(message)}</p></main></body></html>\n`,
  };
}
