// A/B warm boot: two built sites (dirs given), alternating reloads of /blog in one browser.
// Usage: npx tsx /work/ab/boot-ab.ts <dirA> <dirB> [runs]
import { chromium } from 'playwright';
import { serveBuiltSite } from './test/support/built-site.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './src/chromium.js';
const [dirA, dirB, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 15);
const a = await serveBuiltSite(dirA);
const b = await serveBuiltSite(dirB);
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
const marks = async (page: import('playwright').Page) => {
  await page.waitForFunction(() => performance.getEntriesByName('trovato:first-page').length > 0, null, { timeout: 20000 });
  return page.evaluate(() => ({ live: performance.getEntriesByName('trovato:first-page')[0].startTime, snap: performance.getEntriesByName('trovato:snapshot')[0]?.startTime ?? null }));
};
const open = async (url: string) => { const ctx = await browser.newContext(); const p = await ctx.newPage(); await p.goto(url); await marks(p); await p.waitForTimeout(1500); await p.reload(); await marks(p); await p.waitForTimeout(1000); return p; };
const pa = await open(`${a.baseUrl}blog`); const pb = await open(`${b.baseUrl}blog`);
const res: Record<string, { live: number[]; snap: number[] }> = { A: { live: [], snap: [] }, B: { live: [], snap: [] } };
for (let i = 0; i < runs; i++) {
  for (const [name, p] of (i % 2 ? [['B', pb], ['A', pa]] : [['A', pa], ['B', pb]]) as const) {
    await p.reload();
    const m = await marks(p);
    res[name].live.push(m.live); if (m.snap !== null) res[name].snap.push(m.snap);
    await p.waitForTimeout(700);
  }
}
const med = (x: number[]) => { const s = [...x].sort((p, q) => p - q); return s.length ? s[Math.floor(s.length / 2)] : NaN; };
for (const n of ['A', 'B']) console.log(n, 'live', med(res[n].live).toFixed(1), 'snap', med(res[n].snap).toFixed(1), `(${res[n].snap.length}/${runs})`, 'live:', res[n].live.map((x) => x.toFixed(0)).join(' '));
console.log('B/A live', (med(res.B.live) / med(res.A.live)).toFixed(2));
await browser.close(); await a.close(); await b.close();
