/**
 * Where the playground's first compiles spend the time later compiles do not:
 * `npx tsx bench/profile-compile.ts [template] [compiles] [rounds]` builds and serves the site
 * (as `npm run bench` does), opens the playground, and in each of `rounds` new compile workers
 * loads the compiler and compiles `template` `compiles` times while the Chromium CPU profiler
 * samples that worker, one profile per compile. It prints, per compile, its time and where the
 * samples fell: the compiler's JavaScript (assemblyscript.js), binaryen's wasm, binaryen's
 * JavaScript glue, the garbage collector, and the rest; and for the first, second and last
 * compile the functions with the most self time.
 *
 * `JS_FLAGS='--no-liftoff'` (or any V8 flags) starts Chromium with them, to test a guess about
 * the engine's tiering; `PROFILE=0` times the compiles without the profiler. The profiler slows
 * what it samples: compare shares and compiles with each other, not with the bench's times.
 */
import { chromium, type CDPSession } from 'playwright';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../src/chromium.js';
import { startBuiltSite } from '../test/support/built-site.js';
import type { TemplateName } from '../playground/templates.js';
import { targetSession, type CpuProfile, type ProfileNode } from './cdp-target.js';

const template = (process.argv[2] ?? 'hello') as TemplateName;
const compiles = Number(process.argv[3] ?? 6);
const rounds = Number(process.argv[4] ?? 3);
const profiling = process.env.PROFILE !== '0';
const jsFlags = process.env.JS_FLAGS;

type Bucket = 'asc js' | 'binaryen wasm' | 'binaryen js' | 'gc' | 'other';
const BUCKETS: readonly Bucket[] = ['asc js', 'binaryen wasm', 'binaryen js', 'gc', 'other'];

function bucketOf(node: ProfileNode): Bucket | null {
  const { functionName, url } = node.callFrame;
  if (functionName === '(idle)') return null;
  if (functionName === '(garbage collector)') return 'gc';
  // The vendored files sit under vendor/assemblyscript/: tell them apart by their names.
  const file = url.split('/').pop() ?? '';
  if (file.endsWith('.wasm') || url.startsWith('wasm://')) return 'binaryen wasm';
  if (file === 'assemblyscript.js' || file === 'asc.js' || file === 'long.js') return 'asc js';
  if (file.startsWith('binaryen')) return 'binaryen js';
  return 'other';
}

/** Milliseconds of samples per bucket, and the functions with the most self time. */
function summarizeProfile(profile: CpuProfile): { buckets: Record<Bucket, number>; top: Array<[string, number]> } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const buckets = Object.fromEntries(BUCKETS.map((b) => [b, 0])) as Record<Bucket, number>;
  const bySelf = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    if (node === undefined) return;
    const bucket = bucketOf(node);
    if (bucket === null) return;
    buckets[bucket] += ms;
    const name = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.split('/').pop() ?? ''}`;
    bySelf.set(name, (bySelf.get(name) ?? 0) + ms);
  });
  return { buckets, top: [...bySelf].sort((a, b) => b[1] - a[1]).slice(0, 12) };
}

type Stepped = NonNullable<Window['trovatoPlaygroundBench']>['stepped'];

const site = await startBuiltSite('profile-compile');
const browser = jsFlags ? await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, `--js-flags=--expose-gc ${jsFlags}`], headless: true }) : site.browser;
try {
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.error(`chromium: ${error.message}`));
  await page.goto(`${site.baseUrl}playground/`);
  await page.waitForSelector('.status[data-status="ready"], .status[data-status="failed"]', { timeout: 120_000 });
  const browserSession = await browser.newBrowserCDPSession();
  const perCompile: number[][] = Array.from({ length: compiles }, () => []);
  for (let round = 0; round < rounds; round++) {
    const before = new Set((await browserSession.send('Target.getTargets')).targetInfos.map((info) => info.targetId));
    const ready = await page.evaluate(() => (window.trovatoPlaygroundBench?.stepped as Stepped).open());
    const worker = (await browserSession.send('Target.getTargets')).targetInfos.find((info) => info.type === 'worker' && !before.has(info.targetId));
    if (worker === undefined) throw new Error('The new compile worker was not found among the browser targets.');
    const { sessionId } = await browserSession.send('Target.attachToTarget', { targetId: worker.targetId, flatten: false });
    const send = targetSession(browserSession, sessionId);
    console.log(`\nround ${round + 1}: compiler ready in ${ready.ms.toFixed(0)} ms (binaryen wasm ${ready.wasmCompiledMs.toFixed(0)}, imported ${ready.importedMs.toFixed(0)})`);
    if (profiling) {
      await send('Profiler.enable');
      await send('Profiler.setSamplingInterval', { interval: 100 });
    }
    for (let i = 0; i < compiles; i++) {
      if (profiling) await send('Profiler.start');
      const ms = await page.evaluate((name) => (window.trovatoPlaygroundBench?.stepped as Stepped).compile(name), template);
      perCompile[i].push(ms);
      if (!profiling) {
        console.log(`  compile ${i + 1}: ${ms.toFixed(0)} ms`);
        continue;
      }
      const { profile } = await send<{ profile: CpuProfile }>('Profiler.stop');
      const { buckets, top } = summarizeProfile(profile);
      console.log(`  compile ${i + 1}: ${ms.toFixed(0)} ms; sampled ${BUCKETS.map((b) => `${b} ${buckets[b].toFixed(0)}`).join(', ')}`);
      if (round === 0 && (i < 2 || i === compiles - 1)) for (const [fn, self] of top) console.log(`${self.toFixed(1).padStart(12)} ms  ${fn}`);
    }
    await page.evaluate(() => (window.trovatoPlaygroundBench?.stepped as Stepped).close());
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];
  console.log(`\n${template}, median over ${rounds} workers${jsFlags ? `, --js-flags=${jsFlags}` : ''}${profiling ? ', profiled' : ''}: ${perCompile.map((v, i) => `#${i + 1} ${median(v).toFixed(0)}`).join('  ')} ms`);
} finally {
  if (browser !== site.browser) await browser.close();
  await site.close();
}
