/**
 * Time limits for plugin code, kept from the page. A plugin stuck in a loop cannot be
 * interrupted inside its own thread, so the page owns the kernel worker: every call gets a
 * deadline, and a worker that passes it while busy (it does not answer a ping) is terminated,
 * replaced and re-booted with the last boot call. IndexedDB keeps everything committed; the stuck
 * request never committed, so its writes are gone. The plugin that hung is named (the worker
 * posts `[plugin, export]` on a port of its own before each call, and what a thread posted before
 * it started looping is still delivered) and quarantined when it hangs again.
 */
import * as Comlink from 'comlink';
import { KernelError, kernelErrorTransferHandler, messageOf } from '../kernel/common/errors.js';
import type { KernelWorkerApi, SupervisedWorkerApi, SupervisorMessage } from '../site/protocol.js';
import { localStorageQuarantine, type QuarantineStore } from './quarantine-store.js';

export { localStorageQuarantine, memoryQuarantine, type QuarantineStore } from './quarantine-store.js';

/** The worker API as the page uses it: supervision itself stays with the supervisor. */
export type SupervisedApi<Api> = Omit<Api, 'watchCalls' | 'setQuarantined'>;

export interface KernelSupervisorOptions {
  /** Creates a kernel worker, e.g. `() => new Worker(new URL('../worker/kernel-worker.ts', import.meta.url), { type: 'module' })`. */
  createWorker: () => Worker;
  /** How long a call may keep the worker busy, in ms. Default 5000. */
  deadlineMs?: number;
  /** Hangs (in this page load) after which a plugin is quarantined. Default 2. */
  quarantineAfter?: number;
  /** Where the quarantine list persists. Default: localStorage key `trovato:quarantine`. */
  quarantine?: QuarantineStore;
  /**
   * How long a worker that passed a deadline has to answer a ping. One that answers is waiting
   * (storage, fetch, compile), not looping, and gets more time. Default min(250, deadlineMs).
   */
  pingMs?: number;
  /** Even a worker that answers pings is restarted when one call waits this long. Default 60000. */
  maxWaitMs?: number;
}

export type SupervisorEvent =
  /** A call passed its deadline; `plugin` and `tap` are null when no plugin was running. */
  | { type: 'hang'; method: string; plugin: string | null; tap: string | null; hangs: number; message: string }
  | { type: 'quarantined'; plugin: string; reason: string }
  /** A fresh worker answers again; `ms` counts from the deadline to the end of the re-boot. */
  | { type: 'restarted'; ms: number; report: unknown }
  | { type: 'restart-failed'; message: string };

interface PendingCall {
  readonly method: string;
  readonly started: number;
  readonly reject: (error: unknown) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

type RemoteMethods = Record<string, (...args: unknown[]) => Promise<unknown>>;

const BOOT_METHODS = new Set(['boot', 'bootSite', 'load']);
/** Restarts in a row whose re-boot hangs again before the supervisor stops re-booting. */
const MAX_FAILED_RESTARTS = 3;

// KernelErrors thrown in the worker arrive with their code.
Comlink.transferHandlers.set('throw', kernelErrorTransferHandler);

/**
 * Owns a kernel worker and supervises every call to it.
 *
 * @example
 * const supervisor = new KernelSupervisor({ createWorker: () => new Worker(url, { type: 'module' }) });
 * supervisor.on((event) => { if (event.type === 'hang') showBanner(event.message); });
 * await supervisor.api.boot({ pluginsUrl: '/plugins/' });
 * await supervisor.api.dispatch('tap_cron'); // rejects with KernelError('TIMEOUT') if a plugin loops
 */
export class KernelSupervisor<Api extends KernelWorkerApi = KernelWorkerApi> {
  /** The worker's API; every call has a deadline. */
  readonly api: SupervisedApi<Api>;
  readonly #createWorker: () => Worker;
  readonly #deadlineMs: number;
  readonly #quarantineAfter: number;
  readonly #store: QuarantineStore;
  readonly #pingMs: number;
  readonly #maxWaitMs: number;
  readonly #pending = new Set<PendingCall>();
  readonly #hangs = new Map<string, number>();
  readonly #listeners = new Set<(event: SupervisorEvent) => void>();
  #quarantine: Record<string, string>;
  #worker!: Worker;
  #remote!: RemoteMethods & Comlink.Remote<SupervisedWorkerApi>;
  #port!: MessagePort;
  #lastCall: readonly [string, string] | null = null;
  /** False until the worker has loaded and taken its port: until then it cannot answer a ping. */
  #watching = false;
  #pongs: Array<() => void> = [];
  #lastBoot: { method: string; args: unknown[] } | null = null;
  #ready: Promise<void> = Promise.resolve();
  /** A restart (#ready) is under way: calls wait for it. */
  #restarting = false;
  #failedRestarts = 0;
  #restarts = 0;
  #closed = false;

  constructor(options: KernelSupervisorOptions) {
    this.#createWorker = options.createWorker;
    this.#deadlineMs = options.deadlineMs ?? 5000;
    this.#quarantineAfter = Math.max(1, options.quarantineAfter ?? 2);
    this.#store = options.quarantine ?? localStorageQuarantine('trovato:quarantine');
    this.#pingMs = options.pingMs ?? Math.min(250, this.#deadlineMs);
    this.#maxWaitMs = options.maxWaitMs ?? 60_000;
    this.#quarantine = this.#store.load();
    this.#start();
    this.api = new Proxy({} as SupervisedApi<Api>, {
      get: (_target, name) =>
        // Not a thenable: `await supervisor.api` must not call the worker.
        typeof name === 'string' && name !== 'then' ? (...args: unknown[]) => this.#call(name, args) : undefined,
    });
  }

  /** Listens to hangs, quarantines and restarts; returns the unsubscribe function. */
  on(listener: (event: SupervisorEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Quarantined plugins, name -> reason. */
  quarantined(): Record<string, string> {
    return { ...this.#quarantine };
  }

  /** How many times the worker was replaced. */
  get restarts(): number {
    return this.#restarts;
  }

  /** Calls waiting for the worker (0 when idle): a bounded structure the soak test watches. */
  get pendingCalls(): number {
    return this.#pending.size;
  }

  /**
   * Takes `plugin` out of quarantine (an administrator re-enabled it) and re-boots with the last
   * boot call, whose result is returned (null when nothing was booted yet).
   */
  async release(plugin: string): Promise<unknown> {
    delete this.#quarantine[plugin];
    this.#hangs.delete(plugin);
    this.#store.save(this.#quarantine);
    await this.#whenReady();
    await this.#remote.setQuarantined({ ...this.#quarantine });
    return this.#lastBoot ? this.#call(this.#lastBoot.method, this.#lastBoot.args) : null;
  }

  /**
   * Sets the call a restart re-boots with, without making it: after the page opened a site by
   * other means (a recipe applied, an import), the worker's site is that one.
   */
  rememberBoot(method: 'boot' | 'bootSite', args: unknown[]): void {
    this.#lastBoot = { method, args };
  }

  /** Terminates the worker; pending and later calls reject. */
  close(): void {
    this.#closed = true;
    this.#rejectAll(() => new KernelError('BAD_INPUT', 'The kernel was shut down (KernelSupervisor.close) before this call answered.'));
    this.#teardown();
  }

  #emit(event: SupervisorEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        console.error('A KernelSupervisor listener failed:', error);
      }
    }
  }

  /** A fresh worker, watched, with the quarantine list; booting is the caller's business. */
  #start(): void {
    this.#worker = this.#createWorker();
    this.#remote = Comlink.wrap<SupervisedWorkerApi>(this.#worker) as RemoteMethods & Comlink.Remote<SupervisedWorkerApi>;
    const channel = new MessageChannel();
    this.#port = channel.port1;
    this.#lastCall = null;
    this.#watching = false;
    const worker = this.#worker;
    this.#port.onmessage = (event: MessageEvent<SupervisorMessage>) => {
      if (event.data === 'pong') {
        const waiting = this.#pongs;
        this.#pongs = [];
        for (const resolve of waiting) resolve();
      } else {
        this.#lastCall = event.data;
      }
    };
    // Queued before any other call, so the worker is watched and holds plugins back from the start.
    void this.#remote.watchCalls(Comlink.transfer(channel.port2, [channel.port2])).then(
      () => {
        if (worker === this.#worker) this.#watching = true;
      },
      () => undefined,
    );
    void this.#remote.setQuarantined({ ...this.#quarantine }).catch(() => undefined);
  }

  #teardown(): void {
    this.#worker.terminate();
    this.#port.onmessage = null;
    this.#port.close();
    this.#pongs = [];
  }

  async #whenReady(): Promise<void> {
    let ready: Promise<void>;
    do {
      ready = this.#ready;
      await ready;
    } while (ready !== this.#ready);
  }

  #call(method: string, args: unknown[]): Promise<unknown> {
    // No restart under way: the call goes to the worker now. Awaiting the settled #ready first
    // would let the page's other queued work (a whole render) go before the worker can start.
    if (!this.#restarting) return this.#callNow(method, args);
    return this.#whenReady().then(() => this.#callNow(method, args));
  }

  #callNow(method: string, args: unknown[]): Promise<unknown> {
    if (this.#closed) return Promise.reject(new KernelError('BAD_INPUT', `The kernel was shut down (KernelSupervisor.close); ${method} was not run.`));
    if (BOOT_METHODS.has(method)) this.#lastBoot = { method, args };
    return this.#invoke(method, args);
  }

  /** Calls the current worker with a deadline (no waiting for a restart: restarts use it too). */
  #invoke(method: string, args: unknown[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const call: PendingCall = { method, started: performance.now(), reject, timer: undefined };
      this.#pending.add(call);
      call.timer = setTimeout(() => void this.#onDeadline(call), this.#deadlineMs);
      const settle = (action: () => void): void => {
        // A call already rejected by a restart stays rejected.
        if (!this.#pending.delete(call)) return;
        clearTimeout(call.timer);
        action();
      };
      const remote = this.#remote[method];
      if (typeof remote !== 'function') {
        settle(() => reject(new KernelError('BAD_INPUT', `The kernel worker has no method "${method}".`)));
        return;
      }
      remote(...args).then(
        (value) => settle(() => resolve(value)),
        (error: unknown) => settle(() => reject(error)),
      );
    });
  }

  async #onDeadline(call: PendingCall): Promise<void> {
    if (!this.#pending.has(call)) return;
    const firedAt = performance.now();
    const worker = this.#worker;
    // A worker still loading its modules cannot answer yet, and runs no plugin code either.
    const alive = !this.#watching || (await this.#ping());
    if (!this.#pending.has(call) || worker !== this.#worker) return;
    if (alive && performance.now() - call.started < this.#maxWaitMs) {
      // Waiting on storage or the network is slow, not stuck: plugin code is not running.
      call.timer = setTimeout(() => void this.#onDeadline(call), this.#deadlineMs);
      return;
    }
    this.#recover(call, alive, firedAt);
  }

  /** Whether the worker's thread is free to answer within pingMs. */
  #ping(): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pongs = this.#pongs.filter((waiting) => waiting !== answered);
        resolve(false);
      }, this.#pingMs);
      const answered = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      this.#pongs.push(answered);
      this.#port.postMessage('ping');
    });
  }

  #recover(stuck: PendingCall, alive: boolean, firedAt: number): void {
    const culprit = alive ? null : this.#lastCall;
    this.#teardown();
    let hangs = 0;
    let quarantinedNow = false;
    let message: string;
    if (culprit) {
      const [plugin, tap] = culprit;
      hangs = (this.#hangs.get(plugin) ?? 0) + 1;
      this.#hangs.set(plugin, hangs);
      const restarted = `${plugin} ${tap} did not finish within ${this.#deadlineMs} ms; the kernel was restarted, and this request's writes were discarded (everything committed before is kept).`;
      if (hangs >= this.#quarantineAfter) {
        quarantinedNow = true;
        this.#quarantine[plugin] = `it hung ${hangs} times (last in ${tap}, past the ${this.#deadlineMs} ms limit).`;
        this.#store.save(this.#quarantine);
        message = `${restarted} ${plugin} has hung ${hangs} times, so it is now quarantined: it stays off until an administrator re-enables it.`;
      } else {
        const left = this.#quarantineAfter - hangs;
        message = `${restarted} If ${plugin} hangs ${left === 1 ? 'once more' : `${left} more times`}, it will be quarantined.`;
      }
    } else if (alive) {
      message = `The kernel did not answer ${stuck.method} within ${this.#maxWaitMs} ms, though no plugin was running (storage or the network may be stuck); it was restarted. Try again.`;
    } else {
      message = `The kernel did not answer ${stuck.method} within ${this.#deadlineMs} ms and was busy outside any plugin call; it was restarted. Try again.`;
    }
    const location = culprit ? { plugin: culprit[0], tap: culprit[1] } : {};
    this.#pending.delete(stuck);
    clearTimeout(stuck.timer);
    stuck.reject(new KernelError('TIMEOUT', message, location));
    const cause = culprit ? `${culprit[0]} ${culprit[1]} hung` : 'the kernel stopped answering';
    this.#rejectAll(
      (call) => new KernelError('TIMEOUT', `The kernel was restarted because ${cause}; ${call.method} was cancelled before it answered. Try again.`, location),
    );
    this.#emit({ type: 'hang', method: stuck.method, plugin: culprit?.[0] ?? null, tap: culprit?.[1] ?? null, hangs, message });
    if (culprit && quarantinedNow) this.#emit({ type: 'quarantined', plugin: culprit[0], reason: this.#quarantine[culprit[0]] });
    const restart = this.#restart(firedAt);
    this.#ready = restart;
    this.#restarting = true;
    void restart.finally(() => {
      if (this.#ready === restart) this.#restarting = false;
    });
  }

  #rejectAll(error: (call: PendingCall) => KernelError): void {
    const calls = [...this.#pending];
    this.#pending.clear();
    for (const call of calls) {
      clearTimeout(call.timer);
      call.reject(error(call));
    }
  }

  async #restart(since: number): Promise<void> {
    this.#restarts++;
    this.#failedRestarts++;
    this.#start();
    if (!this.#lastBoot) {
      this.#failedRestarts = 0;
      this.#emit({ type: 'restarted', ms: performance.now() - since, report: null });
      return;
    }
    if (this.#failedRestarts > MAX_FAILED_RESTARTS) {
      this.#emit({
        type: 'restart-failed',
        message: `The kernel hung ${MAX_FAILED_RESTARTS} times in a row while booting; it was restarted without booting. Reload the page.`,
      });
      return;
    }
    const worker = this.#worker;
    try {
      const report = await this.#invoke(this.#lastBoot.method, this.#lastBoot.args);
      this.#failedRestarts = 0;
      this.#emit({ type: 'restarted', ms: performance.now() - since, report });
    } catch (error) {
      // A boot that hung again has started the next restart already (and quarantined at the limit).
      if (worker !== this.#worker) return;
      this.#emit({ type: 'restart-failed', message: `The kernel restarted but could not boot again: ${messageOf(error)}` });
    }
  }
}
