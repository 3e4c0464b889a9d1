// Warm boot A/B/C: built sites (dirs given), reloads of /blog in turns, one browser.
// Usage (from a worktree): npx tsx /work/ab/boot-abc.mts <runs> <dir>...
import { chromium, type Page } from 'playwright';
import { serveBuiltSite } from './test/support/built-site.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './src/chromium.js';
const [runsArg, ...dirs] = process.argv.slice(2);
const runs = Number(runsArg);
const servers = await Promise.all(dirs.map((d) => serveBuiltSite(d)));
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
const marks = async (p: Page) => {
  await p.waitForFunction(() => performance.getEntriesByName('trovato:first-page').length > 0, null, { timeout: 30000 });
  return p.evaluate(() => ({ live: performance.getEntriesByName('trovato:first-page')[0].startTime, snap: performance.getEntriesByName('trovato:snapshot')[0]?.startTime ?? null }));
};
const pages: Page[] = [];
for (const s of servers) { const ctx = await browser.newContext(); const p = await ctx.newPage(); await p.goto(`${s.baseUrl}blog`); await marks(p); await p.waitForTimeout(1500); await p.reload(); await marks(p); await p.waitForTimeout(1000); pages.push(p); }
const res = dirs.map(() => ({ live: [] as number[], snap: [] as number[] }));
for (let i = 0; i < runs; i++) {
  const order = dirs.map((_, k) => (k + i) % dirs.length);
  for (const k of order) { await pages[k].reload(); const m = await marks(pages[k]); res[k].live.push(m.live); if (m.snap !== null) res[k].snap.push(m.snap); await pages[k].waitForTimeout(600); }
}
const cold = dirs.map(() => [] as number[]);
for (let i = 0; i < Math.ceil(runs / 2); i++) {
  for (const k of dirs.map((_, k) => (k + i) % dirs.length)) { const ctx = await browser.newContext(); const p = await ctx.newPage(); await p.goto(`${servers[k].baseUrl}blog`); cold[k].push((await marks(p)).live); await ctx.close(); }
}
const med = (x: number[]) => { const s = [...x].sort((p, q) => p - q); return s.length ? s[Math.floor(s.length / 2)] : NaN; };
dirs.forEach((d, k) => console.log(d.padEnd(22), 'live', med(res[k].live).toFixed(1), ' snapshot', med(res[k].snap).toFixed(1), `(${res[k].snap.length}/${runs})`, ' cold', med(cold[k]).toFixed(1)));
await browser.close(); for (const s of servers) await s.close();
