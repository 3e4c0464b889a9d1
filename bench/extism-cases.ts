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

async function extismPlugin(wasm: Uint8Array, runInWorker: boolean): Promise<Plugin> {
  // A copy, so the SDK owns a buffer of exactly the module's bytes.
  return createPlugin({ wasm: [{ data: wasm.slice() }] }, { useWasi: false, runInWorker });
}

async function callJson(plugin: Plugin, input: unknown): Promise<unknown> {
  const output = await plugin.call('tap_item_view', JSON.stringify(input));
  if (output === null) throw new Error('The Extism echo plugin returned no output.');
  return output.json();
}

/**
 * `workerMode: false` skips the worker-mode case: under tsx (the bench's Node process) Extism's
 * worker cannot start, so Node measures it in a plain process (extism-node-worker.ts).
 */
export async function runExtismCases(
  wasm: Uint8Array,
  input: unknown,
  log: (line: string) => void,
  options: { workerMode: boolean } = { workerMode: true },
): Promise<{ results: CaseResult[]; notes: string[] }> {
  const results: CaseResult[] = [];
  const notes: string[] = [];
  log('peer: Extism, default mode');
  const foreground = await extismPlugin(wasm, false);
  try {
    const echoed = await callJson(foreground, input);
    if (JSON.stringify(echoed) !== JSON.stringify(input)) throw new Error(`The Extism echo plugin answered ${JSON.stringify(echoed)}, not its input.`);
    results.push({ name: EXTISM_DEFAULT, stats: await measure(() => callJson(foreground, input), { batch: 200, batches: 30 }) });
  } finally {
    await foreground.close();
  }
  if (!options.workerMode) return { results, notes };
  if (!CAPABILITIES.hasWorkerCapability) {
    notes.push(`${EXTISM_WORKER}: skipped, this context is not cross-origin isolated (no SharedArrayBuffer).`);
    return { results, notes };
  }
  log('peer: Extism, worker mode');
  const background = await extismPlugin(wasm, true);
  try {
    await callJson(background, input);
    results.push({ name: EXTISM_WORKER, baselines: [EXTISM_DEFAULT], stats: await measure(() => callJson(background, input), { batch: 50, batches: 30 }) });
  } finally {
    await background.close();
  }
  return { results, notes };
}
