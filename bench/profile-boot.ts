/**
 * Where a warm boot's time goes before the first page is shown, beside the static copy of the
 * same page (the baseline of the bench's target 4): `npx tsx bench/profile-boot.ts <reloads>
 * <built site folder>`. Reloads /blog and its static copy in turns and prints, for each, the
 * median time since navigation start of the navigation's own steps (first byte, last byte, the
 * document parsed) and of the page's: the first localStorage read, the first IndexedDB open
 * asked for and opened, the data version read, the last-page snapshot (and its withdrawal, if
 * IndexedDB contradicted the mirror), the worker's start and the live page. The IndexedDB
 * times come from wrapping `indexedDB.open` and `IDBObjectStore.get` before any of the page's
 * scripts run (so they are this page's first open and first get, whoever asked).
 *
 * `SETTLE_MS=500` waits that long after each page before reloading it (default 0, as the bench).
 * `FROM_BLANK=1` opens each page from a blank page of the origin instead of reloading it (the
 * bench's second warm boot: the previous page's unload is then the same small one for both).
 *
 * @example
 * npx vite build --outDir /tmp/site && npx tsx bench/profile-boot.ts 20 /tmp/site
 */
import { chromium, type Page } from 'playwright';
import { serveBuiltSite } from '../test/support/built-site.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../src/chromium.js';
import { summarize } from './measure.js';
import { buildProbes, writeStaticCopy } from './page-cases.js';
import { waitForMark } from './wait-for-mark.js';

const [runsArg, dir] = process.argv.slice(2);
const runs = Number(runsArg);
if (!Number.isInteger(runs) || runs < 1 || dir === undefined) {
  console.error('Usage: npx tsx bench/profile-boot.ts <reloads> <built site folder>');
  process.exit(2);
}

/**
 * Runs before any script of the page: marks its start, and the page's first IndexedDB open and
 * get, first localStorage read and first worker.
 */
const MARK_FIRST_STEPS = `(() => {
  const once = (name) => { if (performance.getEntriesByName(name).length === 0) performance.mark(name); };
  once('profile:init');
  const watch = (proto, method, asked, answered) => {
    const original = proto[method];
    proto[method] = function (...args) {
      once(asked);
      const request = original.apply(this, args);
      request.addEventListener('success', () => once(answered));
      return request;
    };
  };
  watch(IDBFactory.prototype, 'open', 'profile:idb-open', 'profile:idb-opened');
  watch(IDBObjectStore.prototype, 'get', 'profile:idb-get', 'profile:idb-got');
  const getItem = Storage.prototype.getItem;
  Storage.prototype.getItem = function (...args) {
    once('profile:storage-get');
    const value = getItem.apply(this, args);
    once('profile:storage-got');
    return value;
  };
  const NativeWorker = Worker;
  globalThis.Worker = class extends NativeWorker {
    constructor(...args) { once('profile:worker'); super(...args); }
  };
})()`;

/** Each step's time since navigation start in this load; absent steps are left out. */
type Steps = Record<string, number>;

const STEP_SCRIPT = `(() => {
  const [nav] = performance.getEntriesByType('navigation');
  const at = (name) => performance.getEntriesByName(name)[0]?.startTime;
  const steps = {
    'unload of the last page starts': nav.unloadEventStart || undefined,
    'unload of the last page ends': nav.unloadEventEnd || undefined,
    'first byte': nav.responseStart,
    'last byte': nav.responseEnd,
    'document parsed': nav.domInteractive,
    'page scripts can run': at('profile:init'),
    'first localStorage read asked': at('profile:storage-get'),
    'first localStorage read done': at('profile:storage-got'),
    'IndexedDB open asked': at('profile:idb-open'),
    'IndexedDB opened': at('profile:idb-opened'),
    'data version asked': at('profile:idb-get'),
    'data version read': at('profile:idb-got'),
    'snapshot shown': at('trovato:snapshot'),
    'snapshot withdrawn': at('trovato:snapshot-withdrawn'),
    'static page shown': at('static:shown'),
    'worker started': at('profile:worker'),
    'live page': at('trovato:first-page'),
  };
  return Object.fromEntries(Object.entries(steps).filter(([, v]) => typeof v === 'number'));
})()`;

async function steps(page: Page, done: string): Promise<Steps> {
  await waitForMark(page, done);
  return page.evaluate<Steps>(STEP_SCRIPT);
}

await buildProbes(dir);
const server = await serveBuiltSite(dir);
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
try {
  const context = await browser.newContext();
  await context.addInitScript(MARK_FIRST_STEPS);
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}blog`);
  await steps(page, 'trovato:first-page');
  await page.reload();
  await steps(page, 'trovato:first-page');
  const staticPage = await context.newPage();
  const staticUrl = await writeStaticCopy(page, dir, server.baseUrl);
  await staticPage.goto(staticUrl);
  const site: Steps[] = [];
  const still: Steps[] = [];
  const settle = Number(process.env.SETTLE_MS ?? 0);
  const blankUrl = process.env.FROM_BLANK === '1' ? `${server.baseUrl}bench-probes/index.html` : null;
  const load = async (target: Page, url: string): Promise<void> => {
    if (blankUrl === null) {
      await target.reload();
      return;
    }
    await target.goto(blankUrl);
    await target.goto(url);
  };
  for (let run = 0; run < runs; run++) {
    await page.waitForTimeout(settle);
    await load(page, `${server.baseUrl}blog`);
    site.push(await steps(page, 'trovato:first-page'));
    await load(staticPage, staticUrl);
    still.push(await steps(staticPage, 'static:shown'));
  }
  const print = (label: string, loads: Steps[]): void => {
    console.log(`${label} (${loads.length} ${blankUrl === null ? 'reloads' : 'loads from a blank page'}, median ms since navigation start):`);
    const names = [...new Set(loads.flatMap((load) => Object.keys(load)))];
    const rows = names.map((name) => {
      const values = loads.map((load) => load[name]).filter((v): v is number => v !== undefined);
      return { name, median: summarize(values).median, count: values.length };
    });
    for (const row of rows.sort((a, b) => a.median - b.median)) {
      console.log(`  ${row.median.toFixed(1).padStart(7)}  ${row.name}${row.count < loads.length ? ` (in ${row.count})` : ''}`);
    }
  };
  print('site /blog', site);
  print('static /blog', still);
} finally {
  await browser.close();
  await server.close();
}
