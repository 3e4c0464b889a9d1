/**
 * The page's side of the compile worker: compiles a plugin from its source and manifest,
 * reporting download progress the first time.
 */
import type { CompileResult } from '../compile-plugin.js';
import type { CompileWorkerMessage, CompileWorkerRequest } from './compile-protocol.js';
import type { WarmUpOutcome } from './compile-scheduler.js';
import { SDK_FILES } from './sdk-files.js';

export type CompilePhase = { phase: 'downloading'; loaded: number; total: number } | { phase: 'compiling' };

export interface CompileOutcome {
  result: CompileResult;
  /** The source path diagnostics of the plugin file carry (`plugins/<name>/index.ts`). */
  entry: string;
  /** Compile time in the worker, without the download. */
  ms: number;
}

/** Milliseconds from a compile worker's start to its compiler loaded, and two parts of it. */
export interface CompilerReady {
  ms: number;
  /** binaryen's wasm compiled (from the start of its download). */
  wasmCompiledMs: number;
  /** Every module of the compiler imported and started (from the same moment). */
  importedMs: number;
}

/** Compiles in a dedicated worker, created on the first compile or warm-up. */
export class PlaygroundCompiler {
  #worker: Worker | null = null;
  #next = 1;
  #ready: Promise<CompilerReady> | null = null;
  #onReady: (ready: CompilerReady) => void = () => undefined;
  #onReadyFailed: (error: Error) => void = () => undefined;
  #pending = new Map<number, { resolve: (o: { result: CompileResult; ms: number }) => void; reject: (e: Error) => void; progress: (p: CompilePhase) => void }>();
  #warmUps = new Map<number, { resolve: (o: WarmUpOutcome) => void; reject: (e: Error) => void }>();

  /**
   * `optimize: false` (the playground's own compiles) skips binaryen's optimizer: a compile
   * takes about a third of the time, for a plugin that is larger and somewhat slower but does
   * the same. Recipes, whose plugins then run as a site, keep it (the default).
   */
  constructor(readonly options: { optimize: boolean } = { optimize: true }) {}

  /** Compiles `source` as `plugins/<name>/index.ts` with the SDK beside it. */
  compile(name: string, source: string, progress: (phase: CompilePhase) => void = () => undefined, optimize = this.options.optimize): Promise<CompileOutcome> {
    const entry = `plugins/${name}/index.ts`;
    return new Promise<{ result: CompileResult; ms: number }>((resolve, reject) => {
      this.#send('compile', entry, source, optimize, (id) => this.#pending.set(id, { resolve, reject, progress }));
    }).then(({ result, ms }) => ({ result, ms, entry }));
  }

  /**
   * Starts the worker and has it load the compiler now, while the page does other things, so
   * that the first compile finds it ready. Resolves with where the time went.
   */
  warmUp(): Promise<CompilerReady> {
    const worker = this.#start();
    worker.postMessage({ type: 'warm-up' } satisfies CompileWorkerRequest);
    return this.#ready as Promise<CompilerReady>;
  }

  /**
   * Compiles `source` again in the background, a few times, while the user reads the result
   * of their last run: a new worker's first compiles run the compiler's JavaScript before the
   * engine has optimised it, so this makes the user's next compile about twice as fast. A
   * compile asked meanwhile goes first and cancels what is left (a warm-up compile already
   * running stops at its next file read: compile-scheduler.ts). Resolves with what ran; rejects
   * when a warm-up compile failed (the compiler crashed on this source, and the next may too).
   */
  warmUpWith(name: string, source: string): Promise<WarmUpOutcome> {
    return new Promise<WarmUpOutcome>((resolve, reject) => {
      this.#send('warm-up-compiles', `plugins/${name}/index.ts`, source, this.options.optimize, (id) => this.#warmUps.set(id, { resolve, reject }));
    });
  }

  /** Posts a request of `type` for `source` at `entry`, the SDK beside it, once `expect` has noted its id for the answer. */
  #send(type: 'compile' | 'warm-up-compiles', entry: string, source: string, optimize: boolean, expect: (id: number) => void): void {
    const worker = this.#start();
    const id = this.#next++;
    expect(id);
    worker.postMessage({ type, id, files: { ...SDK_FILES, [entry]: source }, entry, optimize } satisfies CompileWorkerRequest);
  }

  /** Stops the worker (a later compile starts a new one, and downloads again from the HTTP cache). */
  dispose(): void {
    this.#worker?.terminate();
    this.#worker = null;
    this.#ready = null;
    this.#rejectAll(new Error('The compiler was stopped.'));
  }

  #rejectAll(error: Error): void {
    for (const pending of [...this.#pending.values(), ...this.#warmUps.values()]) pending.reject(error);
    this.#pending.clear();
    this.#warmUps.clear();
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(new URL('./compile-worker.ts', import.meta.url), { type: 'module', name: 'trovato compiler' });
    this.#ready = new Promise<CompilerReady>((resolve, reject) => {
      this.#onReady = resolve;
      this.#onReadyFailed = reject;
    });
    // Nobody may be waiting for it: a failure is reported by the compile that needs the compiler.
    this.#ready.catch(() => undefined);
    worker.addEventListener('message', (event: MessageEvent<CompileWorkerMessage>) => {
      const message = event.data;
      if (message.type === 'ready') {
        this.#onReady({ ms: message.ms, wasmCompiledMs: message.wasmCompiledMs, importedMs: message.importedMs });
        return;
      }
      if (message.type === 'unavailable') {
        this.#onReadyFailed(new Error(`The compiler could not be loaded: ${message.error}`));
        return;
      }
      if (message.type === 'progress') {
        for (const pending of this.#pending.values()) pending.progress({ phase: 'downloading', loaded: message.loaded, total: message.total });
        return;
      }
      const warmUp = this.#warmUps.get(message.id);
      if (warmUp) {
        this.#warmUps.delete(message.id);
        if (message.type === 'warmed-up') warmUp.resolve({ ran: message.ran, ms: message.ms });
        else if (message.type === 'failed') warmUp.reject(new Error(`The compiler failed in a warm-up compile: ${message.error}`));
        return;
      }
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      if (message.type === 'compiling') pending.progress({ phase: 'compiling' });
      else {
        this.#pending.delete(message.id);
        if (message.type === 'result') pending.resolve({ result: message.result, ms: message.ms });
        else if (message.type === 'failed') pending.reject(new Error(`The compiler failed: ${message.error}`));
      }
    });
    worker.addEventListener('error', (event) => {
      const error = new Error(`The compiler worker failed to start: ${event.message || 'see the browser console'}`);
      this.#onReadyFailed(error);
      this.#rejectAll(error);
      this.#worker = null;
    });
    this.#worker = worker;
    return worker;
  }
}
