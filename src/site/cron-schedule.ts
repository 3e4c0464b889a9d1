/**
 * Automated cron for an open site: after a page is served the UI calls `tick()`, which runs cron
 * when the interval has passed since the last run (persisted, so a reload does not rerun it)
 * and none is running. The page never waits for it: the UI does not await the tick before
 * showing the page, and a run is one request per queue item, queued behind the page's own.
 */
import { runCron, type CronReport } from '../kernel/cron.js';
import type { Kernel } from '../kernel/kernel.js';
import type { SiteStore } from '../kernel/storage/site-store.js';
import type { UserSpec } from '../kernel/common/users.js';

export const CRON_LAST_RUN_SETTING = 'cron_last_run';
export const CRON_INTERVAL_SETTING = 'cron_interval_seconds';
/** An hour, as Drupal's automated cron defaults to. */
export const DEFAULT_CRON_INTERVAL_SECONDS = 3600;

export interface CronSchedule {
  /** Runs cron now, whatever the interval; records the run. */
  run(): Promise<CronReport>;
  /** Runs cron if it is due and not running; null when it was not due. */
  tick(): Promise<CronReport | null>;
}

export function createCronSchedule(options: { store: SiteStore; kernel: Kernel; clock: () => number; user: UserSpec }): CronSchedule {
  const { store, kernel, clock, user } = options;
  let running: Promise<CronReport> | null = null;

  function run(): Promise<CronReport> {
    if (running) return running;
    const lastRun = store.getSetting<number>(CRON_LAST_RUN_SETTING) ?? null;
    running = (async () => {
      try {
        const report = await runCron(kernel, { user, lastRun });
        // Only tap_cron reads it (as last_run), no page shows it: last-page snapshots stay
        // valid across a cron run that changed nothing else.
        await store.putSetting(CRON_LAST_RUN_SETTING, report.now, { affectsPages: false });
        if (report.errors.length > 0) {
          await store.appendLogs(report.errors.map((message) => ({ plugin: 'cron', level: 'error' as const, message, time: clock(), source: 'log' as const })));
        }
        return report;
      } finally {
        running = null;
      }
    })();
    return running;
  }

  return {
    run,
    async tick() {
      if (running) return null;
      const lastRun = store.getSetting<number>(CRON_LAST_RUN_SETTING);
      const interval = store.getSetting<number>(CRON_INTERVAL_SETTING) ?? DEFAULT_CRON_INTERVAL_SECONDS;
      if (lastRun !== undefined && Math.floor(clock() / 1000) - lastRun < interval) return null;
      return run();
    },
  };
}
