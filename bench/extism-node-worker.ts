/**
 * Extism's worker mode in Node, measured in a plain `node` process. The bench runs under tsx,
 * whose loader also loads into every worker thread and turns source maps on there; Extism's
 * worker is a `data:` URL that names a relative `worker.js.map`, which Node then fails to
 * resolve, so the worker dies before it starts. This file is bundled with esbuild (packages
 * stay external) and run by plain Node: it measures Extism's default mode and its worker mode
 * in that one process, so their ratio is still a same-process ratio.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { CaseResult } from './cases.js';

export const EXTISM_DEFAULT_PLAIN_NODE = 'Extism call (default mode, plain node)';

/** The child's side: `node <bundle> <wasm file> <input JSON>` prints its CaseResult[] as JSON. */
async function child(): Promise<void> {
  const { readFile } = await import('node:fs/promises');
  const { runExtismCases } = await import('./extism-cases.js');
  const [wasmPath, inputJson] = process.argv.slice(2);
  const { results, notes } = await runExtismCases(new Uint8Array(await readFile(wasmPath)), JSON.parse(inputJson), () => undefined);
  process.stdout.write(JSON.stringify({ results, notes }));
}

/** Runs the worker-mode case (and its default-mode baseline) in a plain Node process. */
export async function runExtismWorkerModeInNode(wasm: Uint8Array, input: unknown, log: (line: string) => void): Promise<{ results: CaseResult[]; notes: string[] }> {
  log('peer: Extism, worker mode (plain node process)');
  // Inside the project, so that the bundle's imports resolve from its node_modules.
  const cache = join(process.cwd(), 'node_modules', '.cache');
  await mkdir(cache, { recursive: true });
  const dir = await mkdtemp(join(cache, 'trovato-extism-'));
  try {
    const bundle = join(dir, 'extism-node-worker.mjs');
    await build({
      entryPoints: [new URL(import.meta.url).pathname],
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      outfile: bundle,
      define: { 'process.env.TROVATO_EXTISM_CHILD': '"1"' },
      logLevel: 'error',
    });
    const wasmPath = join(dir, 'echo.wasm');
    await writeFile(wasmPath, wasm);
    const output = await new Promise<string>((resolve, reject) => {
      const proc = spawn(process.execPath, [bundle, wasmPath, JSON.stringify(input)], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      proc.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      proc.on('error', reject);
      proc.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`The Extism worker-mode bench exited with ${code}:\n${stderr}`))));
    });
    const parsed = JSON.parse(output) as { results: CaseResult[]; notes: string[] };
    // Renamed so that the in-process default-mode row stays the one our dispatch compares with.
    const renamed = parsed.results.map((r) => ({
      ...r,
      name: r.name.includes('default') ? EXTISM_DEFAULT_PLAIN_NODE : r.name,
      baselines: r.baselines?.map((b) => (b.includes('default') ? EXTISM_DEFAULT_PLAIN_NODE : b)),
    }));
    return { results: renamed, notes: parsed.notes };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.env.TROVATO_EXTISM_CHILD === '1') await child();
