/**
 * Test support: a real `trovato serve` process (bin/trovato.js) on a temp plugin folder, and the
 * plugins the fault tests need, written as plugin folders.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import type { PluginSource } from '../../src/kernel/plugin/loader.js';
import { VARIABLES, data } from '../hostile/plugins.js';
import { constantJson, watPlugin } from '../support/wat-plugin.js';

const ROOT = resolve(import.meta.dirname, '../..');
export const REFERENCE_PLUGINS = join(ROOT, 'public/plugins');

/** runaway: `/runaway` sets its variable `spun` and then loops until fuel stops it; nothing of it may be committed. */
export async function runaway(name = 'runaway'): Promise<PluginSource> {
  const menu = constantJson(64, JSON.stringify([{ path: `/${name}`, title: 'Spin', callback: 'spin_page' }]));
  return watPlugin({
    name,
    imports: VARIABLES,
    fields: data(16, 'spun') + data(32, '"yes"') + menu.data,
    exports: {
      tap_menu: menu.body,
      spin_page: '(drop (call $vset (i32.const 16) (i32.const 4) (i32.const 32) (i32.const 5))) (loop $forever (br $forever)) (i64.const 0)',
    },
    taps: ['tap_menu'],
  });
}

/** Writes `sources` as plugin folders next to copies of the reference plugins; returns the folder. */
export async function pluginFolder(dir: string, sources: readonly PluginSource[]): Promise<string> {
  const folder = join(dir, 'plugins');
  await cp(REFERENCE_PLUGINS, folder, { recursive: true });
  for (const source of sources) {
    await mkdir(join(folder, source.name), { recursive: true });
    await writeFile(join(folder, source.name, `${source.name}.info.toml`), source.manifest);
    await writeFile(join(folder, source.name, `${source.name}.wasm`), source.wasm);
  }
  return folder;
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

export interface ServedProcess {
  readonly url: string;
  readonly child: ChildProcess;
  output(): string;
  /** SIGTERM, and waits for the exit. */
  stop(): Promise<void>;
  /** SIGKILL: the process dies wherever it is. */
  kill(): Promise<void>;
}

/** Starts `trovato serve` and resolves once it prints its URL (startup is slow on a busy machine). */
export async function startServe(options: { plugins: string; database: string; threads?: number; timeout?: number; requestFuel?: number }): Promise<ServedProcess> {
  const port = await freePort();
  const args = ['bin/trovato.js', 'serve', '--plugins', options.plugins, '--database', options.database, '--port', String(port)];
  if (options.threads) args.push('--threads', String(options.threads));
  if (options.timeout) args.push('--timeout', String(options.timeout));
  if (options.requestFuel) args.push('--request-fuel', String(options.requestFuel));
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  await new Promise<void>((ready, fail) => {
    const check = setInterval(() => {
      if (output.includes('trovato serve: http://')) {
        clearInterval(check);
        ready();
      }
    }, 100);
    void exited.then(() => {
      clearInterval(check);
      fail(new Error(`trovato serve exited before listening:\n${output}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    output: () => output,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A form POST as `userId`, not following the redirect. */
export function postForm(url: string, form: Record<string, string>, userId?: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(userId ? { cookie: `trovato_user=${encodeURIComponent(userId)}` } : {}) },
    body: new URLSearchParams(form).toString(),
    redirect: 'manual',
  });
}
