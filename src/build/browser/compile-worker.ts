/**
 * The playground's compiler, in a worker of its own: compiling takes seconds and the compiler
 * is ~15 MB, so neither should touch the page's thread or the kernel worker. The order of its
 * work (the page's compiles, and warm-up compiles in between) is compile-scheduler.ts'.
 */
import { compilePlugin } from '../compile-plugin.js';
import { loadAssemblyScript, onVendorProgress, timings } from './vendor-loader.js';
import { CompileScheduler, type CompileJob } from './compile-scheduler.js';
import type { CompileWorkerMessage, CompileWorkerRequest } from './compile-protocol.js';

const post = (message: CompileWorkerMessage): void => self.postMessage(message);
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

onVendorProgress(({ loaded, total }) => post({ type: 'progress', loaded, total }));

/** A compile, and what to tell the page once the compiler is loaded and it starts (warm-ups tell nothing). */
type Job = CompileJob & { started?: () => void };

const scheduler = new CompileScheduler<Job>(async ({ files, entry, optimize, started }, signal) => {
  await ready();
  started?.();
  return compilePlugin({ files, entry, optimize, signal });
});

self.addEventListener('message', (event: MessageEvent<CompileWorkerRequest>) => {
  const request = event.data;
  if (request.type === 'warm-up') {
    ready().catch((error: unknown) => post({ type: 'unavailable', error: messageOf(error) }));
    return;
  }
  const { id, files, entry, optimize } = request;
  if (request.type === 'warm-up-compiles') {
    scheduler.warmUp({ files, entry, optimize }).then(
      ({ ran, ms }) => post({ type: 'warmed-up', id, ran, ms }),
      (error: unknown) => post({ type: 'failed', id, error: messageOf(error) }),
    );
    return;
  }
  scheduler.compile({ files, entry, optimize, started: () => post({ type: 'compiling', id }) }).then(
    ({ result, ms }) => post({ type: 'result', id, result, ms }),
    (error: unknown) => post({ type: 'failed', id, error: messageOf(error) }),
  );
});

let loaded: Promise<void> | null = null;

/** Loads the compiler once, and tells the page when it is ready. */
function ready(): Promise<void> {
  loaded ??= loadAssemblyScript().then(
    () => post({ type: 'ready', ms: performance.now(), wasmCompiledMs: timings.wasmCompiledMs, importedMs: timings.importedMs }),
    (error: unknown) => {
      loaded = null;
      throw error;
    },
  );
  return loaded;
}
