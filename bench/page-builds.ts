/**
 * Page changes of two or more builds of the site side by side in one browser, for telling
 * whether a change moved them on a machine whose load drifts: the bench's target 3a (a page
 * request through the worker and rendered, beside the same request in a kernel on the page's
 * thread: bench/page-probes.ts' `comparePageRequests`) and its route changes (nav link clicks
 * to /hello and /blog: `routeChanges`). Each build gets its own page on /blog with the listing
 * cases' 50 posts; every round runs both on each build in turn (the order rotating), and the
 * times of every round are pooled per build.
 *
 * @example
 * git worktree add /tmp/old <commit> && (cd /tmp/old && npx vite build --outDir /tmp/site-old)
 * npx vite build --outDir /tmp/site-new
 * npx tsx bench/page-builds.ts 12 /tmp/site-old /tmp/site-new
 */
import type { Page } from 'playwright';
import { summarize } from './measure.js';
import { buildProbes, LISTING_POSTS, openListing, probe, SITE_NAME } from './page-cases.js';
import type { PageRequestTimes } from './page-probes.js';
import { buildsArguments, serveBuilds } from './served-builds.js';

/** Requests of each kind, and clicks to each page, per build and round. */
const RUNS_PER_ROUND = 10;

const { count: rounds, dirs } = buildsArguments('npx tsx bench/page-builds.ts <rounds> <built site folder> <built site folder>...');

for (const dir of dirs) await buildProbes(dir);
const { servers, browser, close } = await serveBuilds(dirs);
try {
  const pages: Page[] = [];
  for (const server of servers) pages.push((await openListing(await browser.newContext(), server.baseUrl)).page);
  const pooled = dirs.map(() => ({ viaWorker: [] as number[], inKernel: [] as number[], hello: [] as number[], blog: [] as number[] }));
  for (let round = 0; round < rounds; round++) {
    for (let turn = 0; turn < dirs.length; turn++) {
      const build = (round + turn) % dirs.length;
      const times = await probe<PageRequestTimes>(pages[build], 'comparePageRequests', {
        // A site of its own per round, so that each round's page's kernel holds the same 50 posts.
        siteName: `${SITE_NAME}-in-page-${round}`,
        pluginsUrl: `${servers[build].baseUrl}plugins/`,
        count: LISTING_POSTS,
        runs: RUNS_PER_ROUND,
      });
      pooled[build].viaWorker.push(...times.viaWorker);
      pooled[build].inKernel.push(...times.inKernel);
      const clicks = await probe<{ hello: number[]; blog: number[] }>(pages[build], 'routeChanges', RUNS_PER_ROUND);
      pooled[build].hello.push(...clicks.hello);
      pooled[build].blog.push(...clicks.blog);
    }
    console.error(`round ${round + 1} of ${rounds}`);
  }
  dirs.forEach((dir, build) => {
    const { viaWorker, inKernel } = pooled[build];
    // Run by run: each request through the worker beside the page's kernel's in the same turn.
    const ratio = summarize(viaWorker.map((ms, run) => ms / inKernel[run]));
    console.log(
      `${dir}: via the worker ${summarize(viaWorker).median.toFixed(2)} ms, in the page's kernel ${summarize(inKernel).median.toFixed(2)} ms; ` +
        `run by run ${ratio.median.toFixed(2)}x (middle half ${ratio.p25.toFixed(2)}-${ratio.p75.toFixed(2)}, ${viaWorker.length} runs); ` +
        `nav link click to page in DOM: /hello ${summarize(pooled[build].hello).median.toFixed(2)} ms, /blog ${summarize(pooled[build].blog).median.toFixed(2)} ms`,
    );
  });
} finally {
  await close();
}
