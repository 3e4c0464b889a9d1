/**
 * The playground's compiler, in a worker of its own: compiling takes seconds and the compiler
 * is ~15 MB, so neither should touch the page's thread or the kernel worker.
 */
import { compilePlugin } from '../compile-plugin.js';
import { loadAssemblyScript, onVendorProgress, timings } from './vendor-loader.js';
import type { CompileRequest, CompileWorkerMessage, CompileWorkerRequest } from './compile-protocol.js';

const post = (message: CompileWorkerMessage): void => self.postMessage(message);

onVendorProgress(({ loaded, total }) => post({ type: 'progress', loaded, total }));

// One compile at a time, in order: asc keeps global state between runs.
let queue: Promise<void> = Promise.resolve();

self.addEventListener('message', (event: MessageEvent<CompileWorkerRequest>) => {
  const request = event.data;
  if (request.type === 'warm-up') {
    ready().catch((error: unknown) => post({ type: 'unavailable', error: error instanceof Error ? error.message : String(error) }));
    return;
  }
  queue = queue.then(() => compile(request));
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

async function compile({ id, files, entry, optimize }: CompileRequest): Promise<void> {
  try {
    await ready();
    post({ type: 'compiling', id });
    const started = performance.now();
    const result = await compilePlugin({ files, entry, optimize });
    post({ type: 'result', id, result, ms: performance.now() - started });
  } catch (error) {
    post({ type: 'failed', id, error: error instanceof Error ? error.message : String(error) });
  }
}
