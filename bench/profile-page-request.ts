/**
 * Where a page request's time goes, in both threads: `npx tsx bench/profile-page-request.ts [runs]`
 * builds and serves the site (as `npm run bench` does), seeds the listing cases' 50 posts, and
 * runs bench/page-probes.ts' `comparePageRequests` (navigate('/blog') through the worker, then
 * the same request in a kernel on the page's thread, in turns) while the Chromium CPU profiler
 * samples the site's kernel worker and the page's thread. It prints, per thread, the time under
 * `callRoute` and the functions with the most self time there, and writes the profiles to
 * /tmp/trovato-page-request-<thread>.cpuprofile (open them in Chromium's DevTools).
 *
 * The profiler slows what it samples (about 2x at the 50 µs interval used here): compare the
 * threads' shares, not their times with the bench's. `PROFILE=0` runs without it;
 * `TRACE=toplevel,devtools.timeline,blink.user_timing` records a Chromium trace of every thread
 * instead, to /tmp/trovato-page-request.trace.json (tasks, message hops, style and layout).
 */
import { writeFile } from 'node:fs/promises';
import type { CDPSession } from 'playwright';
import { startBuiltSite } from '../test/support/built-site.js';
import { buildProbes, openListing, probe, LISTING_POSTS, SITE_NAME } from './page-cases.js';
import type { PageRequestTimes } from './page-probes.js';
import { summarize } from './measure.js';
import { targetSession, type CpuProfile, type ProfileNode } from './cdp-target.js';

const runs = Number(process.argv[2] ?? 100);
const profiling = process.env.PROFILE !== '0' && process.env.TRACE === undefined;
const traceCategories = process.env.TRACE?.split(',');

/** Milliseconds under the outermost `callRoute` frames, and the functions with the most self time there. */
function underCallRoute(profile: CpuProfile): { total: number; top: Array<[string, number]> } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0)));
  const bySelf = new Map<string, number>();
  let total = 0;
  const walk = (id: number, inside: boolean): void => {
    const node = byId.get(id);
    if (node === undefined) return;
    const entering = !inside && node.callFrame.functionName === 'callRoute';
    if (inside || entering) {
      const name = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.split('/').pop() ?? ''}:${node.callFrame.lineNumber}`;
      const ms = (self.get(id) ?? 0) / 1000;
      bySelf.set(name, (bySelf.get(name) ?? 0) + ms);
      total += ms;
    }
    for (const child of node.children ?? []) walk(child, inside || entering);
  };
  walk(profile.nodes[0].id, false);
  return { total, top: [...bySelf].sort((a, b) => b[1] - a[1]).slice(0, 15) };
}

const site = await startBuiltSite('profile');
try {
  await buildProbes(site.outDir);
  const context = await site.browser.newContext();
  const { page } = await openListing(context, site.baseUrl);

  const browserSession = await site.browser.newBrowserCDPSession();
  const { targetInfos } = await browserSession.send('Target.getTargets');
  const threads: Array<{ name: string; send: ReturnType<typeof targetSession> }> = [];
  for (const info of targetInfos) {
    const name = info.type === 'worker' && info.url.includes('kernel-worker') ? 'kernel-worker' : info.type === 'page' && info.url.endsWith('/blog') ? 'page' : null;
    if (name === null) continue;
    const { sessionId } = await browserSession.send('Target.attachToTarget', { targetId: info.targetId, flatten: false });
    threads.push({ name, send: targetSession(browserSession, sessionId) });
  }
  if (profiling) {
    for (const { send } of threads) {
      await send('Profiler.enable');
      await send('Profiler.setSamplingInterval', { interval: 50 });
      await send('Profiler.start');
    }
  }
  if (traceCategories) await site.browser.startTracing(page, { categories: traceCategories });
  const times = await probe<PageRequestTimes>(page, 'comparePageRequests', { siteName: `${SITE_NAME}-in-page`, pluginsUrl: `${site.baseUrl}plugins/`, count: LISTING_POSTS, runs });
  if (traceCategories) {
    await writeFile('/tmp/trovato-page-request.trace.json', await site.browser.stopTracing());
    console.log('wrote /tmp/trovato-page-request.trace.json');
  }
  const paired = summarize(times.viaWorker.map((ms, i) => ms / times.inKernel[i]));
  console.log(`${runs} runs${profiling ? ', profiled' : ''}: via worker ${summarize(times.viaWorker).median.toFixed(2)} ms, in the page's kernel ${summarize(times.inKernel).median.toFixed(2)} ms, run by run ${paired.median.toFixed(2)}x`);
  if (profiling) {
    for (const { name, send } of threads) {
      const { profile } = await send<{ profile: CpuProfile }>('Profiler.stop');
      const file = `/tmp/trovato-page-request-${name}.cpuprofile`;
      await writeFile(file, JSON.stringify(profile));
      const { total, top } = underCallRoute(profile);
      console.log(`\n${name}: ${total.toFixed(1)} ms under callRoute (${file}); most self time there:`);
      for (const [fn, ms] of top) console.log(`${ms.toFixed(1).padStart(8)} ms  ${fn}`);
    }
  }
  await context.close();
} finally {
  await site.close();
}
