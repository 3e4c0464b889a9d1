/**
 * Warm and cold boot of two or more builds of the site, side by side in one browser: for
 * telling whether a change to the boot path moved it, on a machine whose load drifts. Each
 * build is served as `npm run bench` serves one; warm reloads of /blog go to each build in turn
 * (the order rotating every round), then fresh contexts open /blog cold, in turn too. Prints the
 * medians of the live first page (`trovato:first-page`), of the last-page snapshot
 * (`trovato:snapshot`) and of the cold first page, each since navigation start. The static copy
 * of the first build's /blog (the baseline of the bench's target 4, `writeStaticCopy`) is
 * reloaded in the same turns, and each warm median is also given as a ratio to it.
 *
 * @example
 * git worktree add /tmp/old <commit> && (cd /tmp/old && npx vite build --outDir /tmp/site-old)
 * npx vite build --outDir /tmp/site-new
 * npx tsx bench/boot-builds.ts 20 /tmp/site-old /tmp/site-new
 */
import type { Page } from 'playwright';
import { summarize } from './measure.js';
import { buildProbes, staticShown, writeStaticCopy } from './page-cases.js';
import { buildsArguments, serveBuilds } from './served-builds.js';
import { waitForMark } from './wait-for-mark.js';

const { count: runs, dirs } = buildsArguments('npx tsx bench/boot-builds.ts <reloads per build> <built site folder> <built site folder>...');

/** The marks of this load, once its live first page is in the DOM. */
async function marks(page: Page): Promise<{ live: number; snapshot: number | null }> {
  await waitForMark(page, 'trovato:first-page');
  return page.evaluate(() => ({
    live: performance.getEntriesByName('trovato:first-page')[0].startTime,
    // A snapshot withdrawn once IndexedDB answered was not a page shown.
    snapshot: performance.getEntriesByName('trovato:snapshot-withdrawn').length > 0 ? null : (performance.getEntriesByName('trovato:snapshot')[0]?.startTime ?? null),
  }));
}

await buildProbes(dirs[0]);

const { servers, browser, close } = await serveBuilds(dirs);
try {
  // A first visit and a reload each, so every build starts warm with a snapshot kept.
  const pages: Page[] = [];
  for (const server of servers) {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${server.baseUrl}blog`);
    await marks(page);
    await page.reload();
    await marks(page);
    pages.push(page);
  }
  const staticPage = await (await browser.newContext()).newPage();
  await staticPage.goto(await writeStaticCopy(pages[0], dirs[0], servers[0].baseUrl));
  await staticShown(staticPage);
  const staticTimes: number[] = [];
  const warm = dirs.map(() => ({ live: [] as number[], snapshot: [] as number[] }));
  const cold = dirs.map(() => [] as number[]);
  const inTurn = (round: number) => dirs.map((_, k) => (k + round) % dirs.length);
  // The static page takes its turn among the builds: index dirs.length.
  const warmTurn = (round: number) => [...dirs.keys(), dirs.length].map((k) => (k + round) % (dirs.length + 1));
  for (let round = 0; round < runs; round++) {
    for (const k of warmTurn(round)) {
      if (k === dirs.length) {
        await staticPage.reload();
        staticTimes.push(await staticShown(staticPage));
        continue;
      }
      await pages[k].reload();
      const { live, snapshot } = await marks(pages[k]);
      warm[k].live.push(live);
      if (snapshot !== null) warm[k].snapshot.push(snapshot);
    }
  }
  for (let round = 0; round < Math.ceil(runs / 2); round++) {
    for (const k of inTurn(round)) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${servers[k].baseUrl}blog`);
      cold[k].push((await marks(page)).live);
      await context.close();
    }
  }
  const median = (values: number[]) => (values.length === 0 ? 'none' : summarize(values).median.toFixed(1));
  const staticMedian = summarize(staticTimes).median;
  const ofStatic = (values: number[]) => (values.length === 0 ? '' : ` (${(summarize(values).median / staticMedian).toFixed(2)}× static)`);
  console.log(`static copy of /blog: ${staticMedian.toFixed(1)} ms`);
  dirs.forEach((dir, k) => {
    console.log(`${dir}: live ${median(warm[k].live)} ms${ofStatic(warm[k].live)}, snapshot ${median(warm[k].snapshot)} ms${ofStatic(warm[k].snapshot)} (in ${warm[k].snapshot.length} of ${runs}), cold ${median(cold[k])} ms`);
  });
} finally {
  await close();
}
