/**
 * The `trovato` command as a user runs it, for tests: a real Node process on bin/trovato.js,
 * and plugin folders written the way `trovato build` lays them out.
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PluginSource } from '../../src/kernel/plugin/loader.js';

const BIN = join(process.cwd(), 'bin', 'trovato.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `trovato <args>` with `stdin` as its input (colour off) and collects what it printed. */
export function trovato(args: string[], stdin = ''): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    // Decode as a stream: a multi-byte character may straddle two chunks.
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

/** Writes `source` as `<dir>/<name>/<name>.info.toml` and `.wasm`. */
export async function writePlugin(dir: string, source: PluginSource): Promise<void> {
  await mkdir(join(dir, source.name), { recursive: true });
  await writeFile(join(dir, source.name, `${source.name}.info.toml`), source.manifest);
  await writeFile(join(dir, source.name, `${source.name}.wasm`), source.wasm);
}
