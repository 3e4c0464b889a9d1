/**
 * Cron: `tap_cron` for every plugin in one request, then the queues (queues.ts), each item
 * in its own request. The site runs it on a schedule while a page is open (site/cron-schedule.ts)
 * and `trovato cron` runs it from the command line. It runs as the given user (the site passes
 * its administrator): cron is the site's own work, not a visitor's.
 *
 * `tap_cron` input: `{now, last_run}` in Unix seconds (`last_run` null the first time).
 */
import type { Kernel } from './kernel.js';
import { runQueues, type QueueRun } from './queues.js';
import type { DispatchResult } from './tap/dispatcher.js';
import type { UserSpec } from './common/users.js';

export interface CronReport {
  /** When this run started, Unix seconds (the request's time). */
  readonly now: number;
  readonly cron: DispatchResult;
  readonly queues: QueueRun[];
  /** Every handler and queue failure, as sentences. */
  readonly errors: string[];
}

export async function runCron(kernel: Kernel, options: { user: UserSpec; lastRun: number | null; budgetClock?: () => number }): Promise<CronReport> {
  const { now, cron } = await kernel.request(options.user, (session) => {
    const seconds = Math.floor(session.now / 1000);
    return { now: seconds, cron: session.dispatch('tap_cron', { now: seconds, last_run: options.lastRun }) };
  });
  const queues = await runQueues(kernel, options.user, options.budgetClock);
  const errors = [...cron.results.flatMap((r) => (r.error === undefined ? [] : [r.error])), ...queues.flatMap((q) => q.errors)];
  return { now, cron, queues, errors };
}
