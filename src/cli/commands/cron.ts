/**
 * `trovato cron --plugins <dir> [--runs <n>] [--json]`: loads the plugins on a fresh in-memory
 * site store and runs cron (tap_cron, then the queues) `n` times (default 1), as the
 * administrator. Exit 1 when a handler or a queue item failed, 2 on a usage error.
 */
import { parseArgs } from 'node:util';
import { runCron, type CronReport } from '../../kernel/cron.js';
import { createKernel } from '../../kernel/index.js';
import { colour, preview, table } from '../format.js';
import { createNodeStorage } from '../node-storage.js';
import { readPluginFolder } from '../../build/plugin-folder.js';
import { UsageError } from '../command.js';
import { printLogLine } from '../session.js';

const CRON_USER = { id: '00000000-0000-4000-8000-0000000000ad', name: 'cron', roles: ['administrator'] };

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { plugins: { type: 'string' }, runs: { type: 'string' }, json: { type: 'boolean' } } });
  const runs = values.runs === undefined ? 1 : Number(values.runs);
  if (!values.plugins) throw new UsageError('cron needs --plugins <dir>.');
  if (!Number.isInteger(runs) || runs < 1) throw new UsageError(`--runs must be a whole number from 1, got ${JSON.stringify(values.runs)}.`);
  const { sources, problems } = await readPluginFolder(values.plugins);
  for (const { message } of problems) console.error(`${colour.yellow('skipped')} ${message}`);
  const kernel = createKernel({ storage: await createNodeStorage(), onLog: printLogLine });
  const report = await kernel.load(sources);
  for (const p of report.plugins.filter((p) => p.status === 'refused')) console.error(`${colour.yellow('skipped')} ${p.name} was refused: ${p.errors.join(' ')}`);

  const reports: CronReport[] = [];
  let lastRun: number | null = null;
  for (let i = 0; i < runs; i++) {
    const run = await runCron(kernel, { user: CRON_USER, lastRun });
    lastRun = run.now;
    reports.push(run);
  }
  const failed = reports.some((r) => r.errors.length > 0);
  if (values.json) {
    console.log(JSON.stringify(reports.map((r) => ({ now: r.now, cron: r.cron.results.map(({ plugin, output, error }) => ({ plugin, output, ...(error === undefined ? {} : { error }) })), queues: r.queues, errors: r.errors }))));
    return failed ? 1 : 0;
  }
  reports.forEach((r, index) => {
    console.log(colour.bold(`cron run ${index + 1} at ${new Date(r.now * 1000).toISOString()}`));
    if (r.cron.results.length === 0) console.log('  No enabled plugin implements tap_cron.');
    else console.log(table(r.cron.results.map((h) => ['  tap_cron', colour.bold(h.plugin), h.error !== undefined ? colour.red(h.error) : preview(h.output)])));
    for (const q of r.queues) {
      console.log(`  queue ${colour.bold(q.queue)} (${q.plugin}): ${q.processed} done, ${q.failed} failed, ${q.dropped} dropped, ${q.remaining} left`);
      for (const error of q.errors) console.log(`    ${colour.red('error')} ${error}`);
    }
  });
  return failed ? 1 : 0;
}
