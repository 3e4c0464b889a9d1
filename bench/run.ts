/**
 * `npm run bench`: runs the cases in Node, then in headless Chromium (Debian's, through
 * Playwright, served by Vite), and prints one table with median, p95 and the ratio to each
 * case's baseline measured in the same run and the same engine. Then the page-level cases on
 * the built site (page-cases.ts) print a second table, in milliseconds (skip: --no-pages).
 */
import { createServer } from 'vite';
import { chromium } from 'playwright';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../src/chromium.js';
import { INPUT, runCases, type BenchRun, type BenchSubset, type CaseResult } from './cases.js';
import { runExtismWorkerModeInNode } from './extism-node-worker.js';
import { buildFixtures } from './fixtures.js';
import type { LimitFixtures } from './limit-cases.js';
import { nodeIndexedDB } from '../src/kernel/storage/node-indexeddb.js';
import { runPageCases, runPlaygroundCases, type PageBenchReport, type PageSection, type PlaygroundBenchReport } from './page-cases.js';
import { runCliCases, type CliCaseResult } from './cli-cases.js';
import type { CompileTiming } from '../playground/bench.js';
import type { PluginSource } from '../src/kernel/plugin/loader.js';

function toWire(source: PluginSource): { name: string; manifest: string; wasm: number[] } {
  return { name: source.name, manifest: source.manifest, wasm: Array.from(source.wasm) };
}

async function inChromium(fixtures: Awaited<ReturnType<typeof buildFixtures>>, only: BenchSubset | undefined): Promise<BenchRun> {
  // Cross-origin isolated, so that SharedArrayBuffer exists and the peer's worker mode can run.
  const server = await createServer({
    root: process.cwd(),
    logLevel: 'error',
    server: { port: 0, host: '127.0.0.1', headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } },
  });
  await server.listen();
  const address = server.httpServer?.address();
  const port = typeof address === 'object' && address ? address.port : 5173;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  try {
    const page = await browser.newPage();
    page.on('pageerror', (error) => console.error(`chromium: ${error.message}`));
    await page.goto(`http://127.0.0.1:${port}/bench/browser.html`);
    await page.waitForFunction(() => window.benchReady === true, undefined, { timeout: 60_000 });
    const wire = {
      echo: toWire(fixtures.echo),
      tenEchoes: fixtures.tenEchoes.map(toWire),
      reference: fixtures.reference.map(toWire),
      probe: toWire(fixtures.probe),
      spinner: toWire(fixtures.spinner),
      accessRule: toWire(fixtures.accessRule),
      limits: Object.fromEntries(Object.entries(fixtures.limits).map(([key, source]) => [key, toWire(source)])) as Record<keyof LimitFixtures, ReturnType<typeof toWire>>,
      extismEcho: Array.from(fixtures.extismEcho),
    };
    return await page.evaluate(([f, o]) => window.runBench(f, o), [wire, only] as const);
  } finally {
    await browser.close();
    await server.close();
  }
}

function format(results: CaseResult[]): Map<string, string[]> {
  const byName = new Map(results.map((r) => [r.name, r]));
  const rows = new Map<string, string[]>();
  for (const r of results) {
    const ratios = (r.baselines ?? [])
      .map((name) => byName.get(name))
      .filter((base): base is CaseResult => base !== undefined)
      .map((base) => {
        const paired = r.pairedRatios?.[base.name];
        // Measured in turns: the median of the round-by-round ratios, and its middle half.
        if (paired) return `${paired.median.toFixed(2)}x (${paired.p25.toFixed(2)}–${paired.p75.toFixed(2)})`;
        return `${(r.stats.median / base.stats.median).toFixed(2)}x`;
      });
    rows.set(r.name, [r.stats.median.toFixed(2), r.stats.p95.toFixed(2), ratios.join(' / ') || '-']);
  }
  return rows;
}

export async function runBench(args: string[]): Promise<number> {
  if (args.includes('--serve')) {
    // Its own run: it starts server processes and renders on a server DOM in this process.
    await (await import('./serve-cases.js')).runServeBench((line) => console.error(line));
    return 0;
  }
  if (args.includes('--playground-only')) {
    printPlayground(await runPlaygroundCases((text) => console.error(`  ${text}`)));
    return 0;
  }
  // Page cases alone: boot beside a static page; or a page through the worker and the tree render;
  // or the site with posts alone (its route changes, page requests and snapshot keeping).
  const pagesOnly: PageSection[] | undefined = args.includes('--boot-only')
    ? ['boot']
    : args.includes('--render-only')
      ? ['listing', 'render']
      : args.includes('--listing-only')
        ? ['listing']
        : undefined;
  if (pagesOnly) {
    printPages(await runPageCases((text) => console.error(`  ${text}`), new Set(pagesOnly)));
    return 0;
  }
  if (args.includes('--cli-only')) {
    printCli(await runCliCases((text) => console.error(`  ${text}`)));
    return 0;
  }
  const fixtures = await buildFixtures();
  console.error('Node: running cases...');
  // `--fuel-only`: just the fuel cases (fuel-cases.ts), then no page cases.
  // `--dispatch-only`: the one-handler cases and the peer, then no page cases.
  // `--storage-only`: the storage cases (storage-cases.ts), then no page cases.
  const subsets = { '--fuel-only': 'fuel', '--dispatch-only': 'dispatch', '--storage-only': 'storage' } as const;
  const only: BenchSubset | undefined = (Object.keys(subsets) as Array<keyof typeof subsets>).map((flag) => (args.includes(flag) ? subsets[flag] : undefined)).find((s) => s !== undefined);
  const nodeRun = await runCases(fixtures, { indexedDB: nodeIndexedDB(), extismWorkerMode: false }, (line) => console.error(`  ${line}`), only);
  const node = nodeRun.results;
  const notes = [...nodeRun.notes.map((n) => `node: ${n}`)];
  if (only !== 'fuel' && only !== 'storage') {
    const worker = await runExtismWorkerModeInNode(fixtures.extismEcho, INPUT, (line) => console.error(`  ${line}`));
    node.push(...worker.results);
    notes.push(...worker.notes.map((n) => `node: ${n}`));
  }
  let browser: CaseResult[] = [];
  if (!args.includes('--node-only')) {
    console.error('Chromium: running cases...');
    const browserRun = await inChromium(fixtures, only);
    browser = browserRun.results;
    notes.push(...browserRun.notes.map((n) => `chromium: ${n}`));
  }
  const nodeRows = format(node);
  const browserRows = format(browser);
  const header = ['case', 'compared with', 'node median µs', 'node p95 µs', 'node ratio', 'chromium median µs', 'chromium p95 µs', 'chromium ratio'];
  const rows = node.map((r) => [r.name, r.baselines?.join(' / ') ?? '(baseline)', ...(nodeRows.get(r.name) ?? []), ...(browserRows.get(r.name) ?? ['-', '-', '-'])]);
  printTable(header, rows, [0, 1]);
  for (const note of notes) console.log(`note: ${note}`);
  if (args.includes('--node-only') || args.includes('--no-pages') || only) {
    console.log('\nPage-level and CLI cases skipped (--node-only, --no-pages or a --*-only subset).');
    return 0;
  }
  console.error('Chromium, built site: running page cases...');
  printPages(await runPageCases((text) => console.error(`  ${text}`)));
  console.error('The author\'s loop: CLI start-up, cold build, dev reload...');
  printCli(await runCliCases((text) => console.error(`  ${text}`)));
  return 0;
}

function printCli(results: CliCaseResult[]): void {
  const byName = new Map(results.map((r) => [r.name, r]));
  console.log("\nThe author's loop (wall time of real processes; ratio to the baseline measured in this run)");
  printTable(
    ['case', 'compared with', 'median ms', 'p95 ms', 'runs', 'ratio', 'what'],
    results.map((r) => {
      const base = r.baseline ? byName.get(r.baseline) : undefined;
      return [
        r.name,
        r.baseline ?? '(baseline)',
        r.stats.median.toFixed(0),
        r.stats.p95.toFixed(0),
        String(r.stats.samples),
        base ? `${(r.stats.median / base.stats.median).toFixed(2)}x` : '-',
        r.note ?? '',
      ];
    }),
    [0, 1, 6],
  );
}

/** Prints rows under a header; the columns in `left` are text (left-aligned), the rest figures. */
function printTable(header: string[], rows: string[][], left: readonly number[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (left.includes(i) ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const row of rows) console.log(line(row));
}

function printPages(report: PageBenchReport): void {
  console.log('\nPage level: the built site in Chromium ("rendered" = the site\'s trovato:page mark, tree in the DOM)');
  printTable(
    ['case', 'median ms', 'p95 ms', 'runs', 'what'],
    report.cases.map((c) => [c.name, c.stats.median.toFixed(1), c.stats.p95.toFixed(1), String(c.stats.samples), c.note ?? '']),
    [0, 4],
  );
  if (report.playground) printPlayground(report.playground);
  for (const note of report.notes) console.log(`note: ${note}`);
}

function printPlayground({ compile, open }: PlaygroundBenchReport): void {
  printCompiles(compile);
  console.log('\nPlayground opened, warm (one context: HTTP and compiled-code caches filled; navigation start to the route shown)');
  printTable(
    ['case', 'median ms', 'p95 ms', 'runs', 'ratio'],
    [
      ['without a link (the hello template)', open.plain.median.toFixed(0), open.plain.p95.toFixed(0), String(open.plain.samples), '(baseline)'],
      [`from a share link (${open.linkChars} chars, an edited plugin)`, open.link.median.toFixed(0), open.link.p95.toFixed(0), String(open.link.samples), `${(open.link.median / open.plain.median).toFixed(2)}x`],
    ],
    [0],
  );
}

function printCompiles(compiles: CompileTiming[]): void {
  console.log('\nPlayground compile (built site; each template in a new compile worker, HTTP cache warm)');
  printTable(
    ['template', 'compiler ready ms', '(binaryen wasm compiled / all imported)', 'first compile ms', 'warm compile ms: median of 5 (the first)', 'warm, optimized ms', 'wasm bytes', 'link chars'],
    compiles.map((c) => [c.template, c.readyMs.toFixed(0), `${c.readyWasmMs.toFixed(0)} / ${c.readyImportMs.toFixed(0)}`, c.coldMs.toFixed(0), `${c.warmMs.toFixed(0)} (${c.warmFirstMs.toFixed(0)})`, c.warmOptimizedMs.toFixed(0), String(c.wasmBytes), String(c.linkChars)]),
    [0],
  );
  console.log('\nThe user\'s second compile (an edited source) in a new worker whose first compile was followed by the playground\'s warm-up compiles; the table above never warms up');
  printTable(
    ['template', 'after the warm-up ms', 'ratio to the compile right after the first, unwarmed', 'asked 50 ms into the warm-up ms', 'warm-up compiles ms'],
    compiles.map((c) => [c.template, c.nextWarmedMs.toFixed(0), `${(c.nextWarmedMs / c.warmFirstMs).toFixed(2)}x`, c.nextDuringWarmUpMs.toFixed(0), c.warmUpMs.map((ms) => ms.toFixed(0)).join(', ')]),
    [0],
  );
}
