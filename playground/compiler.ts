/**
 * The page's side of the compile worker: compiles a plugin from its source and manifest,
 * reporting download progress the first time.
 */
import type { CompileResult } from '../src/build/compile-plugin.js';
import type { CompileWorkerMessage } from './compile-protocol.js';
import { SDK_FILES } from './templates.js';

export type CompilePhase = { phase: 'downloading'; loaded: number; total: number } | { phase: 'compiling' };

export interface CompileOutcome {
  result: CompileResult;
  /** The source path diagnostics of the plugin file carry (`plugins/<name>/index.ts`). */
  entry: string;
  /** Compile time in the worker, without the download. */
  ms: number;
}

/** Compiles in a dedicated worker, created on the first compile. */
export class PlaygroundCompiler {
  #worker: Worker | null = null;
  #next = 1;
  #pending = new Map<number, { resolve: (o: { result: CompileResult; ms: number }) => void; reject: (e: Error) => void; progress: (p: CompilePhase) => void }>();

  /** Compiles `source` as `plugins/<name>/index.ts` with the SDK beside it. */
  compile(name: string, source: string, progress: (phase: CompilePhase) => void = () => undefined): Promise<CompileOutcome> {
    const entry = `plugins/${name}/index.ts`;
    const worker = this.#start();
    const id = this.#next++;
    return new Promise<{ result: CompileResult; ms: number }>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, progress });
      worker.postMessage({ id, files: { ...SDK_FILES, [entry]: source }, entry });
    }).then(({ result, ms }) => ({ result, ms, entry }));
  }

  /** Stops the worker (a later compile starts a new one, and downloads again from the HTTP cache). */
  dispose(): void {
    this.#worker?.terminate();
    this.#worker = null;
    for (const pending of this.#pending.values()) pending.reject(new Error('The compiler was stopped.'));
    this.#pending.clear();
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(new URL('./compile-worker.ts', import.meta.url), { type: 'module', name: 'trovato compiler' });
    worker.addEventListener('message', (event: MessageEvent<CompileWorkerMessage>) => {
      const message = event.data;
      if (message.type === 'progress') {
        for (const pending of this.#pending.values()) pending.progress({ phase: 'downloading', loaded: message.loaded, total: message.total });
        return;
      }
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      if (message.type === 'compiling') pending.progress({ phase: 'compiling' });
      else {
        this.#pending.delete(message.id);
        if (message.type === 'result') pending.resolve({ result: message.result, ms: message.ms });
        else pending.reject(new Error(`The compiler failed: ${message.error}`));
      }
    });
    worker.addEventListener('error', (event) => {
      for (const pending of this.#pending.values()) pending.reject(new Error(`The compiler worker failed to start: ${event.message || 'see the browser console'}`));
      this.#pending.clear();
      this.#worker = null;
    });
    this.#worker = worker;
    return worker;
  }
}
