/**
 * `npm run bench -- --serve`: `trovato serve` on loopback, measured with autocannon (bounded in
 * time). Pages per second and p99 latency of `/blog` (its first page of 20) with 1,000 posts on the embedded SQLite
 * default and on PostgreSQL (one and two processes, when TROVATO_TEST_POSTGRES names a server),
 * against the same page built through the in-process kernel in this process (the baseline);
 * and the resident memory of a serve process with 1,000 and with 100,000 items.
 */
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openServedSite } from '../src/server/served-site.js';
import { renderHtml } from '../src/render/render-html.js';
import type { Item } from '../src/kernel/content/types.js';
import { BENCH_ADMIN, seedBlogPosts } from './seed.js';
import { REFERENCE_PLUGINS, startServe, type ServedProcess } from '../test/server/served-process.js';

// The reference plugins as they ship, at the kernel's default fuel: the blog lists 20 posts a
// page (/blog?page=N), so its first page costs the same with 1,000 posts as with 10.
const PLUGINS = REFERENCE_PLUGINS;

const POSTS = 1000;
const DURATION_S = 10;
const CONNECTIONS = 4;

interface Row {
  readonly name: string;
  readonly pagesPerSecond: number;
  readonly p99Ms: number;
  /** Requests that failed, timed out (30 s) or were not 2xx: reported rather than hidden. */
  readonly errors?: number;
  readonly rssMb?: number;
}

async function load(urls: readonly string[]): Promise<{ pagesPerSecond: number; p99Ms: number; errors: number }> {
  const results = await Promise.all(
    urls.map((url) => autocannon({ url: `${url}/blog`, connections: CONNECTIONS, duration: DURATION_S, timeout: 30 })),
  );
  return {
    pagesPerSecond: results.reduce((sum, r) => sum + r.requests.average, 0),
    p99Ms: Math.max(...results.map((r) => r.latency.p99)),
    // Connection errors, timeouts (30 s) and answers other than 2xx (a 503 past the deadline).
    errors: results.reduce((sum, r) => sum + r.errors + r.timeouts + r.non2xx, 0),
  };
}

/** Resident memory of a process and its threads, in MB. */
function rssMb(pid: number): number {
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) / 1024;
}

/**
 * The baseline: /blog through the in-process kernel and the server renderer, one after another.
 * Also returns the renderer's share: the median time to turn the page's tree into HTML.
 */
async function inProcess(database: string): Promise<{ row: Row; kernelMs: number; renderMs: number; htmlBytes: number }> {
  const { site } = await openServedSite({ plugins: PLUGINS, database });
  const latencies: number[] = [];
  const kernel: number[] = [];
  const render: number[] = [];
  let htmlBytes = 0;
  const end = performance.now() + DURATION_S * 1000;
  while (performance.now() < end) {
    const start = performance.now();
    const response = await site.kernel.callRoute('/blog', { user: {} });
    if (!response || response.result.error) throw new Error(`in-process /blog failed: ${response?.result.error ?? 'no route'}`);
    const built = performance.now();
    htmlBytes = renderHtml(response.result.output, { plugin: response.result.plugin }).text.length;
    const done = performance.now();
    latencies.push(done - start);
    kernel.push(built - start);
    render.push(done - built);
  }
  await site.store.close();
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  latencies.sort((a, b) => a - b);
  return {
    row: { name: 'in-process kernel (baseline)', pagesPerSecond: latencies.length / DURATION_S, p99Ms: latencies[Math.floor(latencies.length * 0.99)] },
    kernelMs: median(kernel),
    renderMs: median(render),
    htmlBytes,
  };
}

async function seed(database: string, posts: number, fillerItems = 0): Promise<void> {
  const { site } = await openServedSite({ plugins: PLUGINS, database });
  if (posts > 0) await seedBlogPosts(site, posts);
  // Filler of another type, written in big batches straight through units of work: /blog must not read them.
  for (let written = 0; written < fillerItems; ) {
    const work = site.store.beginWork(site.kernel.user(BENCH_ADMIN));
    const now = Math.floor(Date.now() / 1000);
    for (let i = 0; i < 5000 && written < fillerItems; i++, written++) {
      const item: Item = { id: `filler-${written}`, item_type: 'category_term', title: `Term ${written}`, fields: {}, status: 1, author_id: BENCH_ADMIN.id, created: now, changed: now };
      work.putItem(item);
    }
    await work.commit();
  }
  await site.store.close();
}

async function served(database: string, processes: number, log: (line: string) => void): Promise<{ row: Row; rss: number[] }> {
  const running: ServedProcess[] = [];
  try {
    for (let i = 0; i < processes; i++) running.push(await startServe({ plugins: PLUGINS, database, threads: 2 }));
    log(`  load: ${processes} process(es), ${CONNECTIONS} connections each, ${DURATION_S} s`);
    await load(running.map((p) => p.url)); // warm-up run (also JIT, statement caches)
    const measured = await load(running.map((p) => p.url));
    return { row: { name: '', ...measured }, rss: running.map((p) => rssMb(p.child.pid!)) };
  } finally {
    await Promise.all(running.map((p) => p.stop()));
  }
}

export async function runServeBench(log: (line: string) => void): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'trovato-serve-bench-'));
  const rows: Row[] = [];
  const memory: Array<[string, number]> = [];
  let split = '';
  try {
    const small = join(dir, 'posts.db');
    log(`seeding ${POSTS} posts (SQLite)...`);
    await seed(small, POSTS);
    log('in-process baseline...');
    const baseline = await inProcess(small);
    rows.push(baseline.row);
    split = `in-process /blog, median per page: kernel ${baseline.kernelMs.toFixed(1)} ms, HTML rendering ${baseline.renderMs.toFixed(1)} ms (${baseline.htmlBytes} bytes)`;
    log(`  ${split}`);
    log('trovato serve, SQLite...');
    const sqlite = await served(small, 1, log);
    rows.push({ ...sqlite.row, name: 'serve, SQLite, 1 process', rssMb: sqlite.rss[0] });
    memory.push([`SQLite, ${POSTS + 1} items`, sqlite.rss[0]]);

    const big = join(dir, 'big.db');
    log(`seeding ${POSTS} posts + ${100_000 - POSTS} other items (SQLite)...`);
    await seed(big, POSTS, 100_000 - POSTS);
    const bigRun = await served(big, 1, log);
    rows.push({ ...bigRun.row, name: 'serve, SQLite, 1 process, 100,000 items', rssMb: bigRun.rss[0] });
    memory.push([`SQLite, ${100_000 + 1} items`, bigRun.rss[0]]);

    const admin = process.env.TROVATO_TEST_POSTGRES;
    if (admin) {
      const name = `bench_${process.pid}`;
      const client = new pg.Client({ connectionString: admin });
      await client.connect();
      await client.query(`CREATE DATABASE ${name}`);
      const url = new URL(admin);
      url.pathname = `/${name}`;
      try {
        log(`seeding ${POSTS} posts (PostgreSQL)...`);
        await seed(url.toString(), POSTS);
        const one = await served(url.toString(), 1, log);
        rows.push({ ...one.row, name: 'serve, PostgreSQL, 1 process', rssMb: one.rss[0] });
        const two = await served(url.toString(), 2, log);
        rows.push({ ...two.row, name: 'serve, PostgreSQL, 2 processes', rssMb: Math.max(...two.rss) });
      } finally {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await client.end();
      }
    } else {
      log('PostgreSQL cases skipped: TROVATO_TEST_POSTGRES is not set (eval "$(scripts/ensure-postgres.sh)").');
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const baseline = rows[0].pagesPerSecond;
  console.log(`\ntrovato serve, GET /blog with ${POSTS} posts, loopback, autocannon ${CONNECTIONS} connections x ${DURATION_S} s per process (after a warm-up run); 2 kernel threads per process`);
  console.log('case | pages/s | ratio to baseline | p99 ms | errors | RSS MB (max per process)');
  for (const row of rows) {
    console.log(
      `${row.name} | ${row.pagesPerSecond.toFixed(1)} | ${(row.pagesPerSecond / baseline).toFixed(2)} | ${row.p99Ms.toFixed(1)} | ${row.errors ?? '-'} | ${row.rssMb?.toFixed(0) ?? '-'}`,
    );
  }
  console.log(`\n${split}`);
  console.log('\nmemory of one serve process after the load (RSS, MB):');
  for (const [what, mb] of memory) console.log(`${what}: ${mb.toFixed(0)}`);
}
