/**
 * The playground's compiler, in a worker of its own: compiling takes seconds and the compiler
 * is ~15 MB, so neither should touch the page's thread or the kernel worker.
 */
import { compilePlugin } from '../src/build/compile-plugin.js';
import { loadAssemblyScript, onVendorProgress } from './vendor-loader.js';
import type { CompileRequest, CompileWorkerMessage } from './compile-protocol.js';

const post = (message: CompileWorkerMessage): void => self.postMessage(message);

onVendorProgress(({ loaded, total }) => post({ type: 'progress', loaded, total }));

// One compile at a time, in order: asc keeps global state between runs.
let queue: Promise<void> = Promise.resolve();

self.addEventListener('message', (event: MessageEvent<CompileRequest>) => {
  const request = event.data;
  queue = queue.then(() => compile(request));
});

async function compile({ id, files, entry }: CompileRequest): Promise<void> {
  try {
    await loadAssemblyScript();
    post({ type: 'compiling', id });
    const started = performance.now();
    const result = await compilePlugin({ files, entry });
    post({ type: 'result', id, result, ms: performance.now() - started });
  } catch (error) {
    post({ type: 'failed', id, error: error instanceof Error ? error.message : String(error) });
  }
}
