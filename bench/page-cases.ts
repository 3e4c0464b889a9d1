/**
 * Page-level cases for `npm run bench`, in Chromium against the BUILT site (built into a
 * temporary folder and served as a static host serves it, see test/support/built-site.ts):
 * boot to the first rendered page, route changes, a page request through the worker, a
 * 500-element tree in `<trovato-render>`, and the playground's compile timings.
 *
 * "Rendered" is the site's `trovato:page` / `trovato:first-page` User Timing mark: set when the
 * LIVE page's tree (the kernel's answer) is in the DOM (the site's and the page element's Lit
 * updates are done), before layout and paint. A last-page snapshot shown at boot sets
 * `trovato:snapshot` instead (src/ui/page-snapshot.ts); the warm boot reports both. Boot
 * figures are the mark's time since navigation start.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import type { BrowserContext, Page } from 'playwright';
import { startBuiltSite, type BuiltSite } from '../test/support/built-site.js';
import { benchPlaygroundCompile, benchPlaygroundOpen, type CompileTiming, type OpenTiming } from '../playground/bench.js';
import { summarize, type Stats } from './measure.js';
import { recipeToFragment, type Recipe } from '../src/recipe/recipe.js';
import type { KeepingTimes, PageRequestTimes, TreeComparison, TreeTimes } from './page-probes.js';
import { BENCH_ADMIN } from './seed.js';
import { userChoiceKey } from '../src/ui/user-choice.js';
import { EARLY_FIRST_PAGE_MARK } from '../src/ui/worker-page-source.js';
import blogDemo from '../src/recipe/examples/blog-demo.recipe.json' with { type: 'json' };
import { waitForMark } from './wait-for-mark.js';

const ROOT = resolve(import.meta.dirname, '..');
export const SITE_NAME = 'trovato-site';
/** Posts in the listing cases' site: more than one page of /blog. */
export const LISTING_POSTS = 50;
/** Posts on one page of /blog (POSTS_PER_PAGE in plugins/blog/index.ts). */
const BLOG_PAGE_SIZE = 20;
const COLD_RUNS = 7;
const WARM_RUNS = 12;
const ROUTE_RUNS = 20;
/** Page requests and their baseline, in turns. */
const REQUEST_RUNS = 40;
const TREE_ELEMENTS = 500;
const TREE_RUNS = 30;
/** Navigations (each way, each page) whose main-thread time is summed, and serializations of each kept page. */
const SETTLED_RUNS = 16;
const KEEPING_RUNS = 15;

/** One row of the page table: milliseconds. */
export interface PageCaseResult {
  name: string;
  stats: Stats;
  note?: string;
}

export interface PageBenchReport {
  cases: PageCaseResult[];
  /** Absent when the playground section was not asked for. */
  playground: PlaygroundBenchReport | undefined;
  /** What the figures rest on (post counts used, fallbacks), for the printout. */
  notes: string[];
}

interface Rendered {
  /** Milliseconds since navigation start. */
  ms: number;
  path: string;
  /** What the main column shows: the page element's tag. */
  shown: string;
  /** Links to blog posts in the rendered tree (a listing's length). */
  postLinks: number;
}

/** The playground's compiles, and opening it warm plainly and from a link. */
export interface PlaygroundBenchReport {
  compile: CompileTiming[];
  open: { plain: Stats; link: Stats; linkChars: number };
}

/** Warm opens of the playground, each way. */
const OPEN_RUNS = 7;

/** `--playground-only`: builds and serves the site, and runs the playground benchmark alone. */
export async function runPlaygroundCases(log: (line: string) => void): Promise<PlaygroundBenchReport> {
  log('building the site into a temporary folder...');
  const site = await startBuiltSite('bench');
  try {
    return await playgroundCases(site, log);
  } finally {
    await site.close();
  }
}

/** The groups of page cases; `npm run bench -- --boot-only`, `--render-only` or `--listing-only` runs some. */
export type PageSection = 'boot' | 'listing' | 'render' | 'playground';
const EVERY_SECTION: ReadonlySet<PageSection> = new Set(['boot', 'listing', 'render', 'playground']);

async function playgroundCases(site: BuiltSite, log: (line: string) => void): Promise<PlaygroundBenchReport> {
  log('playground: compiler ready, first and warm compiles');
  const compile = await benchPlaygroundCompile(site.browser, site.baseUrl);
  log(`playground: ${OPEN_RUNS} warm opens without a link and from a share link, alternating`);
  const hello = {
    source: await readFile(join(ROOT, 'plugins/hello/index.ts'), 'utf8'),
    manifest: await readFile(join(ROOT, 'plugins/hello/hello.info.toml'), 'utf8'),
    enabled: [],
    route: '/hello',
    user: 'anonymous',
  };
  const open: OpenTiming = await benchPlaygroundOpen(site.browser, site.baseUrl, hello, OPEN_RUNS);
  return { compile, open: { plain: summarize(open.plain), link: summarize(open.link), linkChars: open.linkChars } };
}

/**
 * Builds and serves the site, runs the page cases and the playground compile benchmark (or
 * the `sections` asked for).
 *
 * @example const report = await runPageCases((line) => console.error(line));
 */
export async function runPageCases(log: (line: string) => void, sections: ReadonlySet<PageSection> = EVERY_SECTION): Promise<PageBenchReport> {
  log('building the site into a temporary folder...');
  const site = await startBuiltSite('bench');
  try {
    await buildProbes(site.outDir);
    const cases: PageCaseResult[] = [];
    const notes: string[] = [];
    if (sections.has('boot')) cases.push(...(await bootCases(site, log, notes)));
    if (sections.has('listing')) cases.push(...(await listingCases(site, log, notes)));
    if (sections.has('render')) cases.push(...(await renderCases(site, log)));
    const playground = sections.has('playground') ? await playgroundCases(site, log) : undefined;
    return { cases, playground, notes };
  } finally {
    await site.close();
  }
}

/**
 * Boot to the first page, cold and warm; the warm boot beside its baseline, the same page as
 * static HTML from the same server (reloaded alternately with it, so load drifts weigh on both);
 * recipe links.
 */
async function bootCases(site: BuiltSite, log: (line: string) => void, notes: string[]): Promise<PageCaseResult[]> {
  const cases: PageCaseResult[] = [];
  log(`boot, cold: ${COLD_RUNS} fresh browser contexts (empty HTTP cache and IndexedDB) open /blog`);
  const cold: number[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const context = await site.browser.newContext();
    try {
      const page = await openPage(context, `${site.baseUrl}blog`);
      cold.push(expectListing(await firstPage(page)).ms);
    } finally {
      await context.close();
    }
  }
  cases.push({ name: 'boot → first page /blog, cold', stats: summarize(cold), note: 'fresh context: first visit, plugins installed' });

  log(`boot, warm: ${WARM_RUNS} reloads of /blog in one context, each beside a load of the same page as static HTML`);
  const context = await site.browser.newContext();
  try {
    const page = await openPage(context, `${site.baseUrl}blog`);
    expectListing(await firstPage(page));
    const staticUrl = await writeStaticCopy(page, site.outDir, site.baseUrl);
    const staticPage = await openPage(context, staticUrl);
    const warm: number[] = [];
    const shown: number[] = [];
    let snapshots = 0;
    let early = 0;
    const still: number[] = [];
    const codeRun: number[] = [];
    // The same loads opened from a blank page of the origin instead of reloaded: a reload also
    // waits for the page it replaces to unload, and the site's unload (its worker's thread torn
    // down, its live DOM, the snapshot kept) is heavier than the static page's.
    const blankUrl = `${site.baseUrl}bench-probes/index.html`;
    const shownFromBlank: number[] = [];
    const stillFromBlank: number[] = [];
    for (let i = 0; i < WARM_RUNS; i++) {
      await page.reload();
      const { live, snapshot, first } = await pageShown(page);
      codeRun.push(await pageCodeRun(page));
      if (await earlyFirstPageShown(page)) early++;
      warm.push(live);
      shown.push(first);
      if (snapshot !== null && snapshot < live) snapshots++;
      await staticPage.reload();
      still.push(await staticShown(staticPage));
      await page.goto(blankUrl);
      await page.goto(`${site.baseUrl}blog`);
      shownFromBlank.push((await pageShown(page)).first);
      await staticPage.goto(blankUrl);
      await staticPage.goto(staticUrl);
      stillFromBlank.push(await staticShown(staticPage));
    }
    const staticStats = summarize(still);
    const warmStats = summarize(warm);
    const shownStats = summarize(shown);
    const ofStatic = (stats: Stats) => `${(stats.median / staticStats.median).toFixed(2)}× the static page`;
    cases.push({ name: 'static page: the same /blog as HTML, warm', stats: staticStats, note: 'baseline: the shell, CSS and the page\'s DOM (declarative shadow roots) as one file from the same server, no script but the mark at the end of its body' });
    cases.push({
      name: 'boot → first page shown /blog, warm',
      stats: shownStats,
      note: `reload: the last-page snapshot (trovato:snapshot) or else the live page, whichever came first; snapshot in ${snapshots} of ${WARM_RUNS}; ${ofStatic(shownStats)}`,
    });
    const stillFromBlankStats = summarize(stillFromBlank);
    const shownFromBlankStats = summarize(shownFromBlank);
    cases.push({ name: 'static page, warm, opened from a blank page', stats: stillFromBlankStats, note: 'the static copy again, navigated to from a blank page of the origin rather than reloaded' });
    cases.push({
      name: 'boot → first page shown /blog, warm, opened from a blank page',
      stats: shownFromBlankStats,
      note: `as the reload above, navigated to from a blank page of the origin (the previous page's unload not in it); ${(shownFromBlankStats.median / stillFromBlankStats.median).toFixed(2)}× the static page opened so`,
    });
    const codeRunStats = summarize(codeRun);
    cases.push({
      name: 'boot → the page\'s own code run /blog, warm',
      stats: codeRunStats,
      note: `reload: DOMContentLoaded ended, so the site's module scripts have run (no live page can come sooner, whatever the kernel costs); ${ofStatic(codeRunStats)}`,
    });
    cases.push({ name: 'boot → live page /blog, warm', stats: warmStats, note: `reload: HTTP cache and IndexedDB warm, the kernel's answer in the DOM (trovato:first-page); built by the early boot in ${early} of ${WARM_RUNS}; ${ofStatic(warmStats)}` });
  } finally {
    await context.close();
  }

  cases.push(...(await recipeCases(site, log, notes, { cold: summarize(cold).median, warm: cases.at(-1)?.stats.median ?? NaN })));
  return cases;
}

/** A site with posts: warm boot, route changes, and a page request through the worker in turns with the same request in a page's kernel. */
async function listingCases(site: BuiltSite, log: (line: string) => void, notes: string[]): Promise<PageCaseResult[]> {
  const cases: PageCaseResult[] = [];
  const { page, posts, context } = await siteWithPosts(site, log, notes);
  try {
    cases.push({
      name: `boot → first page /blog, warm, ${posts} posts`,
      stats: summarize(await reloads(page, WARM_RUNS)),
      note: 'reload',
    });

    log(`route change: ${ROUTE_RUNS} clicks on the nav links /hello and /blog`);
    const clicks = await probe<{ hello: number[]; blog: number[] }>(page, 'routeChanges', ROUTE_RUNS);
    cases.push({ name: 'route change: click nav link → /hello', stats: summarize(clicks.hello), note: 'click to page in DOM' });
    cases.push({ name: `route change: click nav link → /blog (${posts} posts)`, stats: summarize(clicks.blog), note: 'click to page in DOM' });

    log(`page request through the worker, and the same request in a kernel on the page's thread, in turns: ${REQUEST_RUNS} × navigate('/blog') and callRoute('/blog')`);
    const requests = await probe<PageRequestTimes>(page, 'comparePageRequests', { siteName: `${SITE_NAME}-in-page`, pluginsUrl: `${site.baseUrl}plugins/`, count: posts, runs: REQUEST_RUNS });
    const inKernel = summarize(requests.inKernel);
    const viaWorker = summarize(requests.viaWorker);
    const paired = summarize(requests.viaWorker.map((ms, run) => ms / requests.inKernel[run]));
    cases.push({ name: `page request in the page's kernel, /blog with ${posts} posts`, stats: inKernel, note: 'baseline: callRoute, no worker, no render' });
    cases.push({
      name: `page request via worker, /blog with ${posts} posts`,
      stats: viaWorker,
      note: `callRoute in the worker + render; ${(viaWorker.median / inKernel.median).toFixed(2)}× the page's kernel (run by run: ${paired.median.toFixed(2)}×, middle half ${paired.p25.toFixed(2)}–${paired.p75.toFixed(2)})`,
    });
    cases.push(...(await keepingCases(page, context, site, log, posts)));
  } finally {
    await context.close();
  }
  return cases;
}

/**
 * What the last-page snapshot costs a navigation: the page's main-thread time per route change
 * (Chromium's TaskDuration, from the click until the page has been idle a while, so work left
 * for an idle moment is counted), and serializing + writing the page now shown as a snapshot
 * (the work the site does once per kept page, or once when it is left), for a small page, the
 * blog listing and an admin listing (shown to the admin; the user is switched last).
 */
async function keepingCases(page: Page, context: BrowserContext, site: BuiltSite, log: (line: string) => void, posts: number): Promise<PageCaseResult[]> {
  const cases: PageCaseResult[] = [];
  log(`route change, settled: ${SETTLED_RUNS} nav clicks each to /hello and /blog, plainly and with each page also kept when shown (what the site did before), in turns; the page's main-thread time from the click until idle`);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const taskSeconds = async (): Promise<number> => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    const task = metrics.find((metric) => metric.name === 'TaskDuration');
    if (task === undefined) throw new Error('Chromium reported no TaskDuration metric.');
    return task.value;
  };
  type Settled = { plain: number[]; kept: number[] };
  const settled: Record<'hello' | 'blog', Settled> = { hello: { plain: [], kept: [] }, blog: { plain: [], kept: [] } };
  // One warm-up round, then runs whose order of the two ways flips each time.
  for (let run = -1; run < SETTLED_RUNS; run++) {
    const ways: Array<keyof Settled> = run % 2 === 0 ? ['plain', 'kept'] : ['kept', 'plain'];
    for (const way of ways) {
      for (const target of ['hello', 'blog'] as const) {
        const before = await taskSeconds();
        await probe<void>(page, 'navigateAndSettle', { path: `/${target}`, keepOnShow: way === 'kept' });
        const after = await taskSeconds();
        if (run >= 0) settled[target][way].push((after - before) * 1000);
      }
    }
  }
  await cdp.detach();
  const settledRows = (target: 'hello' | 'blog', label: string): PageCaseResult[] => {
    const { plain, kept } = settled[target];
    const paired = summarize(kept.map((ms, run) => ms / plain[run]));
    return [
      { name: `route change → ${label}, main-thread time until idle`, stats: summarize(plain), note: 'Chromium TaskDuration from the click until 2 idle callbacks + 300 ms after the page mark' },
      {
        name: `route change → ${label}, the same + keeping it when shown`,
        stats: summarize(kept),
        note: `+ a data version read and, when idle, serialize + write (per page, as before); run by run ${paired.median.toFixed(2)}× (middle half ${paired.p25.toFixed(2)}–${paired.p75.toFixed(2)})`,
      },
    ];
  };
  cases.push(...settledRows('hello', '/hello'), ...settledRows('blog', `/blog (${posts} posts)`));

  const keep = async (path: string, label: string): Promise<void> => {
    const times = await probe<KeepingTimes>(page, 'snapshotKeepingCost', { path, runs: KEEPING_RUNS });
    cases.push({ name: `keep ${label} as snapshot: serialize`, stats: summarize(times.serialize), note: `serializeSite, ${times.chars} characters` });
    cases.push({ name: `keep ${label} as snapshot: write`, stats: summarize(times.write), note: 'saveSnapshot: JSON + localStorage.setItem' });
  };
  log(`keeping a snapshot: serialize + write, ${KEEPING_RUNS} runs each of /hello, /blog and /admin/content`);
  await keep('/hello', '/hello');
  await keep('/blog', `/blog (${posts} posts)`);
  await page.evaluate(([key, id]) => localStorage.setItem(key, id), [userChoiceKey(SITE_NAME), BENCH_ADMIN.id] as const);
  await page.goto(`${site.baseUrl}hello`);
  await waitForMark(page, 'trovato:first-page');
  await keep('/admin/content', `/admin/content (${posts} posts, as admin)`);
  return cases;
}

/**
 * A 500-element tree in `<trovato-render>` (new content each run, the same tree again, new
 * content whose bodies each hold a link, and a link with a `target`, which DOMPurify removes) beside the
 * same DOM built by hand, each into the document and then laid out.
 */
async function renderCases(site: BuiltSite, log: (line: string) => void): Promise<PageCaseResult[]> {
  const context = await site.browser.newContext();
  try {
    const page = await openPage(context, `${site.baseUrl}blog`);
    await firstPage(page);
    log(`<trovato-render>: a ${TREE_ELEMENTS}-element tree, new, the same again, new with a link, with an id and a link with a target, and with a &nbsp; in each body, each beside the same DOM built by hand, ${TREE_RUNS} runs in turn`);
    const trees = await probe<TreeComparison>(page, 'compareTrees', { elements: TREE_ELEMENTS, runs: TREE_RUNS });
    const ratio = (ms: number[], base: number[]): string => `${(summarize(ms).median / summarize(base).median).toFixed(2)}× by hand`;
    const rows = (label: string, tree: TreeTimes, hand: TreeTimes): PageCaseResult[] => [
      { name: `<trovato-render>, ${TREE_ELEMENTS}-element tree, ${label}, laid out`, stats: summarize(tree.laidOut), note: `${tree.nodes} DOM nodes; ${ratio(tree.laidOut, hand.laidOut)}` },
      { name: `<trovato-render>, ${TREE_ELEMENTS}-element tree, ${label}, to DOM`, stats: summarize(tree.dom), note: `before style and layout; ${ratio(tree.dom, hand.dom)}` },
    ];
    const baseline = (label: string, hand: TreeTimes): PageCaseResult[] => [
      { name: `the same DOM built by hand (${hand.nodes} nodes)${label}, laid out`, stats: summarize(hand.laidOut), note: 'baseline: createElement/setAttribute/append into a shadow root with the same styles, in the document, then layout' },
      { name: `the same DOM built by hand${label}, to DOM`, stats: summarize(hand.dom), note: 'baseline: the same, before style and layout' },
    ];
    return [
      ...baseline('', trees.hand),
      ...rows('new content', trees.fresh, trees.hand),
      ...rows('the same tree again', trees.again, trees.hand),
      ...baseline(', a link in each body', trees.linkedHand),
      ...rows('new content, a link in each body', trees.linkedFresh, trees.linkedHand),
      ...baseline(', an id and a link with a target in each body', trees.targetedHand),
      ...rows('new content, an id and a link with a target in each body (renamed, removed: built directly)', trees.targetedFresh, trees.targetedHand),
      ...baseline(', a &nbsp; in each body', trees.entityHand),
      ...rows('new content, a &nbsp; in each body (DOMPurify)', trees.entityFresh, trees.entityHand),
    ];
  } finally {
    await context.close();
  }
}

/**
 * Saves the page's DOM (shadow roots as declarative ones) as a static file of the build, with
 * the site's shell and CSS but none of its scripts (neither the boot script, which would start a
 * kernel worker beside the static page, nor the module script) and no preloads of the site's
 * code and plugin files, ending in a User Timing mark. Returns its URL.
 */
export async function writeStaticCopy(page: Page, outDir: string, baseUrl: string): Promise<string> {
  const body = await probe<string>(page, 'pageAsStaticHtml', null);
  const shell = await readFile(join(outDir, 'index.html'), 'utf8');
  const withoutScripts = body.replace(/<script\b[\s\S]*?<\/script>/g, '');
  const html = shell
    .replace(/<script\b[^>]*>[\s\S]*?<\/script>|<link rel="(?:module)?preload"[^>]*>/g, '')
    .replace(/<body>[\s\S]*<\/body>/, () => `<body>${withoutScripts}<script>performance.mark('static:shown')</script></body>`);
  await mkdir(join(outDir, 'bench-static'), { recursive: true });
  await writeFile(join(outDir, 'bench-static', 'blog.html'), html);
  return `${baseUrl}bench-static/blog.html`;
}

/** This load's live /blog page, its snapshot (null: none shown) and the first of the two, in ms since navigation start. */
async function pageShown(page: Page): Promise<{ live: number; snapshot: number | null; first: number }> {
  const live = expectListing(await firstPage(page)).ms;
  const snapshot = await snapshotShown(page);
  return { live, snapshot, first: Math.min(live, snapshot ?? Infinity) };
}

/** When this load's DOMContentLoaded ended: the page's module scripts (deferred) have all run by then. */
function pageCodeRun(page: Page): Promise<number> {
  return page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).domContentLoadedEventEnd);
}

/** When the boot script showed the last-page snapshot of /blog in this load, or null when it showed none. */
async function snapshotShown(page: Page): Promise<number | null> {
  return page.evaluate(() => {
    const mark = performance.getEntriesByName('trovato:snapshot')[0] as PerformanceMark | undefined;
    // Shown on the mirrored data version and withdrawn once IndexedDB answered: not a page shown.
    if (mark === undefined || performance.getEntriesByName('trovato:snapshot-withdrawn').length > 0) return null;
    if (mark.detail !== '/blog') throw new Error(`The boot showed a snapshot of ${String(mark.detail)}, not of /blog.`);
    return mark.startTime;
  });
}

/** Whether this load's first page is the one the worker built during its early boot (src/ui/worker-page-source.ts). */
function earlyFirstPageShown(page: Page): Promise<boolean> {
  return page.evaluate((mark) => performance.getEntriesByName(mark).length > 0, EARLY_FIRST_PAGE_MARK);
}

/** When the static copy's end-of-body mark was set in this load (writeStaticCopy). */
export function staticShown(page: Page): Promise<number> {
  return waitForMark(page, 'static:shown');
}

/**
 * The blog demo recipe (three plugins, three posts) opened from its link: link click to the
 * rendered landing page (/blog), cold (fresh context) and warm (same context, HTTP cache warm;
 * every open applies the recipe into a fresh database), as ratios of the plain site's boot to
 * /blog measured just before in the same run.
 */
async function recipeCases(site: BuiltSite, log: (line: string) => void, notes: string[], plain: { cold: number; warm: number }): Promise<PageCaseResult[]> {
  const link = `${site.baseUrl}#${recipeToFragment(blogDemo as Recipe)}`;
  notes.push(`recipe link of the blog demo (3 plugins by name, 3 posts, a grant, a variable): ${link.length} characters (${link.length - site.baseUrl.length} after the site's address)`);
  log(`recipe link, cold: ${COLD_RUNS} fresh contexts open the blog demo link`);
  const cold: number[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const context = await site.browser.newContext();
    try {
      cold.push(expectListing(await firstPage(await openPage(context, link))).ms);
    } finally {
      await context.close();
    }
  }
  log(`recipe link, warm: ${WARM_RUNS} opens of the link in one context`);
  const context = await site.browser.newContext();
  const warm: number[] = [];
  try {
    const page = await openPage(context, link);
    expectListing(await firstPage(page));
    for (let i = 0; i < WARM_RUNS; i++) {
      // From /blog to /#recipe=…: another path, so a full load, not a fragment change.
      await page.goto(link);
      warm.push(expectListing(await firstPage(page)).ms);
    }
  } finally {
    await context.close();
  }
  const ratio = (ms: number[], base: number): string => `×${(summarize(ms).median / base).toFixed(2)} the plain site's`;
  return [
    { name: 'recipe link → landing /blog, cold', stats: summarize(cold), note: `${ratio(cold, plain.cold)} cold boot; recipe applied into a fresh database` },
    { name: 'recipe link → landing /blog, warm', stats: summarize(warm), note: `${ratio(warm, plain.warm)} warm boot; HTTP cache warm, fresh database each time` },
  ];
}

/** Bundles page-probes.ts into the build, beside a blank page on the site's origin to seed from. */
export async function buildProbes(outDir: string): Promise<void> {
  const dir = join(outDir, 'bench-probes');
  await build({
    configFile: false,
    root: ROOT,
    logLevel: 'warn',
    build: {
      outDir: dir,
      emptyOutDir: false,
      target: 'es2022',
      minify: false,
      lib: { entry: join(ROOT, 'bench/page-probes.ts'), formats: ['es'], fileName: () => 'probes.js' },
    },
  });
  await writeFile(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>bench probes</title>');
}

async function openPage(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`chromium: ${error.message}`));
  await page.goto(url);
  return page;
}

/** Waits for the site's first rendered page and describes it. */
async function firstPage(page: Page): Promise<Rendered> {
  await waitForMark(page, 'trovato:first-page');
  return page.evaluate(() => {
    const mark = performance.getEntriesByName('trovato:first-page')[0] as PerformanceMark;
    const shown = document.querySelector('trovato-site')?.shadowRoot?.querySelector('.sheet > *');
    const links = shown?.shadowRoot?.querySelectorAll('a[href^="/blog/"]').length ?? 0;
    return { ms: mark.startTime, path: String(mark.detail), shown: shown?.localName ?? '(nothing)', postLinks: links };
  });
}

function expectListing(rendered: Rendered): Rendered {
  if (rendered.path !== '/blog' || rendered.shown !== 'trovato-render') {
    throw new Error(`The first page was ${rendered.path} showing <${rendered.shown}>, not the /blog listing; open the built site to see why.`);
  }
  return rendered;
}

async function reloads(page: Page, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    await page.reload();
    times.push(expectListing(await firstPage(page)).ms);
  }
  return times;
}

/**
 * A context whose site holds LISTING_POSTS posts, more than one page of the blog's listing:
 * seeded from a blank page of the same origin before the site first opens the database.
 */
async function siteWithPosts(site: BuiltSite, log: (line: string) => void, notes: string[]): Promise<{ page: Page; posts: number; context: BrowserContext }> {
  log(`seeding ${LISTING_POSTS} posts...`);
  const context = await site.browser.newContext();
  try {
    const { page, total, postLinks } = await openListing(context, site.baseUrl);
    notes.push(`The listing cases' site holds ${total} blog posts (${LISTING_POSTS} seeded, 1 from tap_install); /blog shows its first page, ${postLinks} post links.`);
    return { page, posts: LISTING_POSTS, context };
  } catch (error) {
    await context.close();
    throw error;
  }
}

/**
 * Seeds the site served at `baseUrl` with LISTING_POSTS posts (from a blank page of its origin,
 * before the site first opens its database), then opens /blog in that page and checks that it
 * shows its first page of posts. For the listing cases, bench/page-builds.ts and
 * bench/profile-page-request.ts.
 */
export async function openListing(context: BrowserContext, baseUrl: string): Promise<{ page: Page; total: number; postLinks: number }> {
  const page = await openPage(context, `${baseUrl}bench-probes/index.html`);
  const total = await probe<number>(page, 'seedPosts', { siteName: SITE_NAME, pluginsUrl: `${baseUrl}plugins/`, count: LISTING_POSTS });
  await page.goto(`${baseUrl}blog`);
  const rendered = await firstPage(page);
  if (rendered.shown !== 'trovato-render' || rendered.postLinks < BLOG_PAGE_SIZE) {
    const why = await page.evaluate(() => document.querySelector('trovato-site')?.shadowRoot?.querySelector('.sheet')?.textContent?.trim().slice(0, 300) ?? '');
    throw new Error(`/blog with ${LISTING_POSTS} posts did not render its first page of ${BLOG_PAGE_SIZE} posts (${rendered.postLinks} post links in ${rendered.shown}): ${why}`);
  }
  return { page, total, postLinks: rendered.postLinks };
}

/**
 * Calls an export of page-probes.ts in the page. The probes are bundled by Vite rather than sent
 * as function text: tsx's name helpers would not exist in the page.
 */
export async function probe<T>(page: Page, name: string, arg: unknown): Promise<T> {
  return page.evaluate(
    async ({ name, arg }) => {
      const probes = (await import('/bench-probes/probes.js' as string)) as Record<string, (arg: unknown) => Promise<unknown>>;
      return probes[name](arg);
    },
    { name, arg },
  ) as Promise<T>;
}
