/**
 * The `trovato` command as a user runs it: a real process over real plugin folders (WAT
 * fixtures written to a temporary directory, and the reference plugins in public/plugins).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constantJson, ECHO, watPlugin } from '../support/wat-plugin.js';
import type { PluginSource } from '../../src/kernel/plugin/loader.js';

// Each run starts a Node process with tsx; a loaded CI machine needs more than the default 5 s.
vi.setConfig({ testTimeout: 30_000 });

const BIN = join(process.cwd(), 'bin', 'trovato.js');

function trovato(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    // Decode as a stream: a multi-byte character may straddle two chunks.
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

async function writePlugin(dir: string, source: PluginSource): Promise<void> {
  await mkdir(join(dir, source.name), { recursive: true });
  await writeFile(join(dir, source.name, `${source.name}.info.toml`), source.manifest);
  await writeFile(join(dir, source.name, `${source.name}.wasm`), source.wasm);
}

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trovato-cli-'));
  const menu = constantJson(16, JSON.stringify([{ path: '/echo/:word', title: 'Echo', callback: 'echo_page' }]));
  await writePlugin(dir, await watPlugin({ name: 'echo', fields: menu.data, exports: { tap_item_view: ECHO, tap_menu: menu.body, echo_page: ECHO } }));
  await writePlugin(dir, await watPlugin({ name: 'needy', dependencies: ['absent'], exports: { tap_item_view: ECHO } }));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('trovato check', () => {
  it('prints every plugin with its status and errors as JSON, and exits 1 when any is refused', async () => {
    const { code, stdout } = await trovato(['check', dir, '--json']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.order).toEqual(['echo']);
    expect(report.plugins).toEqual(
      expect.arrayContaining([
        { name: 'echo', version: '1.0.0', status: 'ok', errors: [], warnings: [] },
        expect.objectContaining({ name: 'needy', status: 'refused', errors: [expect.stringContaining('absent')] }),
      ]),
    );
  });

  it('lists a folder without its wasm as refused, by folder name, saying how to build it', async () => {
    const broken = await mkdtemp(join(tmpdir(), 'trovato-cli-broken-'));
    try {
      await mkdir(join(broken, 'unbuilt'));
      await writeFile(join(broken, 'unbuilt', 'unbuilt.info.toml'), 'name = "unbuilt"');
      const { code, stdout } = await trovato(['check', broken, '--json']);
      expect(code).toBe(1);
      expect(JSON.parse(stdout).plugins).toEqual([
        { name: 'unbuilt', version: '', status: 'refused', errors: [expect.stringContaining('npx trovato build plugins/unbuilt')], warnings: [] },
      ]);
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  });

  it('exits 0 on the reference plugins', async () => {
    const { code, stdout } = await trovato(['check', 'public/plugins']);
    expect(stdout).toMatch(/categories/);
    expect(code).toBe(0);
  });

  it('explains a missing directory', async () => {
    const { code, stderr } = await trovato(['check', join(dir, 'nope')]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/Cannot read the plugins directory/);
  });
});

describe('trovato dispatch', () => {
  it('reads a large input from standard input and skips refused plugins with a note on stderr', async () => {
    const body = 'ü'.repeat(400_000); // 800 KB: more than a command-line argument may hold
    const { code, stdout, stderr } = await trovato(['dispatch', 'tap_item_view', '--plugins', dir, '--input', '-', '--json'], JSON.stringify({ body }));
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.tap).toBe('tap_item_view');
    expect(result.results).toHaveLength(1);
    expect(result.results[0]).toMatchObject({ plugin: 'echo', output: { body } });
    expect(typeof result.results[0].ms).toBe('number');
    expect(stderr).toMatch(/needy was refused/);
  });

  it('reads input from a file with @', async () => {
    const file = join(dir, 'input.json');
    await writeFile(file, '{"title":"from a file"}');
    const { stdout } = await trovato(['dispatch', 'tap_item_view', '--plugins', dir, '--input', `@${file}`, '--json']);
    expect(JSON.parse(stdout).results[0].output).toEqual({ title: 'from a file' });
  });

  it('rejects input that is not JSON with exit 2 and says where it came from', async () => {
    const { code, stderr } = await trovato(['dispatch', 'tap_item_view', '--plugins', dir, '--input', '{oops']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/The input from --input is not JSON/);
  });
});

describe('trovato route', () => {
  it('prints the matching route with its plugin and parameters', async () => {
    const { code, stdout } = await trovato(['route', '/echo/hi', '--plugins', dir, '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      route: { path: '/echo/:word', title: 'Echo', callback: 'echo_page', permission: 'access content', weight: 0, plugin: 'echo' },
      params: { word: 'hi' },
    });
  });

  it('exits 1 with the known routes when nothing matches', async () => {
    const { code, stderr } = await trovato(['route', '/missing', '--plugins', dir]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/No route matches \/missing\. Known routes: \/echo\/:word/);
  });
});

describe('trovato cron', () => {
  it('runs tap_cron, then drains the queues it filled, once per --runs, and reports each run as JSON', async () => {
    // kitchen_sink (built by `npm run build:fixtures`) queues one job per cron run.
    const { code, stdout } = await trovato(['cron', '--plugins', join(process.cwd(), 'test/fixtures/build'), '--runs', '2', '--json']);
    expect(code).toBe(0);
    const runs = JSON.parse(stdout) as Array<{ now: number; cron: Array<{ plugin: string }>; queues: unknown[]; errors: string[] }>;
    expect(runs).toHaveLength(2);
    for (const run of runs) {
      expect(run.cron.map((c) => c.plugin)).toContain('kitchen_sink');
      expect(run.queues).toEqual([{ queue: 'ks_jobs', plugin: 'kitchen_sink', processed: 1, failed: 0, dropped: 0, remaining: 0, errors: [] }]);
      expect(run.errors).toEqual([]);
    }
  });

  it('needs --plugins (exit 2, with the usage)', async () => {
    const { code, stderr } = await trovato(['cron']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/trovato cron --plugins <dir>/);
  });
});
