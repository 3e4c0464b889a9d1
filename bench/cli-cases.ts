/**
 * The author's loop, timed as an author meets it, each next to a baseline measured in the same
 * run: `trovato --help` against a bare `node -e 0` (and against the CLI run through tsx, as it
 * was before it was compiled); a cold `trovato build plugins/hello` against a fresh process
 * that only imports the AssemblyScript compiler and compiles hello (bench/bare-compiler.mjs);
 * and `trovato dev`'s save-to-page time (write the source, the open page in Chromium shows the
 * new text) against the same compiler's warm compile of hello.
 */
import { execFile, spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../src/chromium.js';
import { summarize, type Stats } from './measure.js';
import { waitForMark } from './wait-for-mark.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'trovato.js');

export interface CliCaseResult {
  name: string;
  /** Milliseconds. */
  stats: Stats;
  baseline?: string;
  note?: string;
}

/** Wall time of one process run, in milliseconds. */
async function timed(args: string[]): Promise<number> {
  const started = performance.now();
  await run(process.execPath, args, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 16 * 1024 * 1024 });
  return performance.now() - started;
}

async function repeat(times: number, once: () => Promise<number>): Promise<Stats> {
  const values: number[] = [];
  for (let i = 0; i < times; i++) values.push(await once());
  return summarize(values);
}

export async function runCliCases(log: (line: string) => void): Promise<CliCaseResult[]> {
  const results: CliCaseResult[] = [];
  const work = await mkdtemp(join(tmpdir(), 'trovato-bench-cli-'));
  try {
    log('CLI start-up...');
    await timed([BIN, '--help']); // bundles the CLI if its sources changed: not part of start-up
    results.push({ name: 'node -e 0', stats: await repeat(10, () => timed(['-e', '0'])), note: 'bare Node start' });
    results.push({ name: 'trovato --help', stats: await repeat(10, () => timed([BIN, '--help'])), baseline: 'node -e 0', note: 'the compiled CLI' });
    // .mts: the temporary folder has no package.json saying the file is an ES module.
    const throughTsx = join(work, 'help-through-tsx.mts');
    await writeFile(throughTsx, `import { main } from ${JSON.stringify(join(ROOT, 'src/cli/main.ts'))};\nprocess.exitCode = await main(['--help']);\n`);
    results.push({
      name: 'trovato --help through tsx',
      stats: await repeat(5, () => timed(['--import', 'tsx', throughTsx])),
      baseline: 'node -e 0',
      note: 'the same source through a TypeScript loader, as bin/trovato.js ran it before',
    });

    log('cold builds of plugins/hello...');
    const bare: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { stdout } = await run(process.execPath, [join(ROOT, 'bench', 'bare-compiler.mjs'), '0', join(work, 'bare.wasm')], { cwd: ROOT });
      bare.push((JSON.parse(stdout) as { totalMs: number }).totalMs);
    }
    results.push({ name: 'bare compiler, cold', stats: summarize(bare), note: 'a process importing asc and compiling hello (-O3, shrink 1)' });
    const out = join(work, 'out');
    results.push({
      name: 'trovato build plugins/hello, cold',
      stats: await repeat(3, () => timed([BIN, 'build', 'plugins/hello', '--out', out, '--force'])),
      baseline: 'bare compiler, cold',
      note: 'a new process: start, compile, load checks, plugins.json',
    });

    log('trovato dev: save to page...');
    const { stdout } = await run(process.execPath, [join(ROOT, 'bench', 'bare-compiler.mjs'), '5', join(work, 'warm.wasm')], { cwd: ROOT });
    results.push({ name: 'bare compiler, warm', stats: summarize((JSON.parse(stdout) as { warmMs: number[] }).warmMs), note: 'hello compiled again in a process that already did' });
    const quick = await run(process.execPath, [join(ROOT, 'bench', 'bare-compiler.mjs'), '5', join(work, 'quick.wasm'), 'unoptimized'], { cwd: ROOT });
    results.push({ name: 'bare compiler, warm, unoptimized', stats: summarize((JSON.parse(quick.stdout) as { warmMs: number[] }).warmMs), note: 'the same without the optimizer' });
    results.push({
      name: 'trovato dev, save to page',
      stats: await devReloads(work, 5),
      baseline: 'bare compiler, warm, unoptimized',
      note: 'write index.ts -> the open page shows the new text (no page reload), from the unoptimized build dev makes first (the optimized one replaces it 5 s after the last save)',
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return results;
}

/** Starts `trovato dev` on a copy of hello, opens /hello, and times `times` edits to the page. */
async function devReloads(work: string, times: number): Promise<Stats> {
  const plugins = join(work, 'dev-plugins');
  const publicDir = join(work, 'dev-public');
  await cp(join(ROOT, 'plugins', 'hello'), join(plugins, 'hello'), { recursive: true });
  await mkdir(join(publicDir, 'plugins'), { recursive: true });
  const dev = spawn(process.execPath, [BIN, 'dev', '--port', '0', '--plugins', plugins, '--public', publicDir], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
  let output = '';
  dev.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  dev.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  try {
    const url = await until(() => /Local:\s+(http:\/\/\S+)/.exec(output)?.[1], () => `trovato dev did not start:\n${output}`);
    await until(() => (output.includes('watching') ? true : undefined), () => output);
    const page = await browser.newPage();
    page.setDefaultTimeout(120_000);
    await page.goto(new URL('hello', url).href);
    await page.getByText('Hello, world!').waitFor();
    const source = join(plugins, 'hello', 'index.ts');
    const original = await readFile(source, 'utf8');
    // The compiler warms up in the background after start: let it, as an author's first save would.
    await new Promise((done) => setTimeout(done, 3000));
    const values: number[] = [];
    for (let i = 1; i <= times; i++) {
      const greeting = `Greeting ${i}, `;
      const shown = page.getByText(`${greeting}world!`);
      // Timed to the site's own mark of the page it shows (trovato:page), not by polling for
      // the text: Playwright's retries wait 100, then 500 ms between looks, which made every
      // save read about 1.31 s, whenever the page changed.
      let since = await page.evaluate(() => performance.now());
      const started = performance.now();
      await writeFile(source, original.replace('"Hello, "', JSON.stringify(greeting)));
      for (;;) {
        since = await waitForMark(page, 'trovato:page', { after: since, timeoutMs: 120_000 });
        if ((await shown.count()) > 0) break;
      }
      values.push(performance.now() - started);
    }
    return summarize(values);
  } finally {
    await browser.close();
    dev.kill('SIGTERM');
  }
}

async function until<T>(probe: () => T | undefined, explain: () => string, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(explain());
    await new Promise((done) => setTimeout(done, 50));
  }
}
