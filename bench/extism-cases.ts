/**
 * The peer in the benchmark: the Extism JS SDK running a plugin that does the same JSON work as
 * our one-handler dispatch (stringify, into the plugin, echoed back, parse). Extism's default
 * mode calls the plugin on the calling thread, in a long-lived instance that keeps its state
 * between calls (no isolation); its worker mode runs the plugin in a worker thread and waits for
 * it. Worker mode needs SharedArrayBuffer, so in a page it runs only when the page is
 * cross-origin isolated (the bench's server sends COOP/COEP); elsewhere it is reported as skipped.
 */
import createPlugin, { CAPABILITIES, type Plugin } from '@extism/extism';
import { measure } from './measure.js';
import type { CaseResult } from './cases.js';

export const EXTISM_DEFAULT = 'Extism call (default mode)';
export const EXTISM_WORKER = 'Extism call (worker mode)';

/** Calls between two of Extism's resets (see openExtismEcho). */
const RESET_EVERY = 1000;

/** The Extism echo, ready to call with JSON in and out. */
export interface ExtismEcho {
  call(): Promise<unknown>;
  close(): Promise<void>;
}

export async function openExtismEcho(wasm: Uint8Array, input: unknown, runInWorker: boolean): Promise<ExtismEcho> {
  // A copy, so the SDK owns a buffer of exactly the module's bytes.
  const plugin: Plugin = await createPlugin({ wasm: [{ data: wasm.slice() }] }, { useWasi: false, runInWorker });
  let calls = 0;
  const call = async (): Promise<unknown> => {
    // Extism keeps every call's input and output blocks until reset(); its block addresses
    // overflow after 2^15 blocks ("cannot assign to this block" about 16,000 calls in), so a
    // long-running host resets now and then, as this does (between calls, once in 1,000).
    if (++calls % RESET_EVERY === 0) await plugin.reset();
    const output = await plugin.call('tap_item_view', JSON.stringify(input));
    if (output === null) throw new Error('The Extism echo plugin returned no output.');
    return output.json();
  };
  const echoed = await call();
  if (JSON.stringify(echoed) !== JSON.stringify(input)) {
    await plugin.close();
    throw new Error(`The Extism echo plugin answered ${JSON.stringify(echoed)}, not its input.`);
  }
  return { call, close: () => plugin.close() };
}

/**
 * Extism's default mode (measured alone) and, where this process can run it, its worker mode
 * against it. The bench's main cases measure the default mode interleaved with our dispatch;
 * this is for a process that measures Extism only (extism-node-worker.ts).
 */
export async function runExtismCases(wasm: Uint8Array, input: unknown, log: (line: string) => void): Promise<{ results: CaseResult[]; notes: string[] }> {
  log('peer: Extism, default mode');
  const foreground = await openExtismEcho(wasm, input, false);
  const results: CaseResult[] = [];
  try {
    results.push({ name: EXTISM_DEFAULT, stats: await measure(() => foreground.call(), { batch: 200, batches: 30 }) });
  } finally {
    await foreground.close();
  }
  const worker = await runExtismWorkerMode(wasm, input, log);
  return { results: [...results, ...worker.results], notes: worker.notes };
}

/** Extism's worker mode, compared with its default mode; skipped (with a note) where it cannot run. */
export async function runExtismWorkerMode(wasm: Uint8Array, input: unknown, log: (line: string) => void): Promise<{ results: CaseResult[]; notes: string[] }> {
  if (!CAPABILITIES.hasWorkerCapability) {
    return { results: [], notes: [`${EXTISM_WORKER}: skipped, this context is not cross-origin isolated (no SharedArrayBuffer).`] };
  }
  log('peer: Extism, worker mode');
  const background = await openExtismEcho(wasm, input, true);
  try {
    return { results: [{ name: EXTISM_WORKER, baselines: [EXTISM_DEFAULT], stats: await measure(() => background.call(), { batch: 50, batches: 30 }) }], notes: [] };
  } finally {
    await background.close();
  }
}
