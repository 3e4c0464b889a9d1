/**
 * Queues (`tap_queue_info`, `tap_queue_worker`): work a plugin puts aside for later, drained
 * under cron. A plugin declares its queues in `tap_queue_info`; any plugin adds items with the
 * `queue.create-item` host function; items persist in the site store (as rows of the reserved
 * `_queue` namespace, which no plugin name can take) and commit with the request that made them.
 * Under cron, each queue's items go, oldest first, one request per item, to `tap_queue_worker`
 * of the plugin that declared the queue, until the queue's time budget is spent. An item whose
 * worker succeeds is deleted; one whose worker fails is kept with `attempts + 1` and its error,
 * and dropped (with an error log line) after `max_attempts`.
 */
import type { Kernel } from './kernel.js';
import type { RequestSession } from './request-session.js';
import type { QueueInfo } from './declarations.js';
import type { UserSpec } from './common/users.js';
import { UnitOfWork } from './storage/unit-of-work.js';
import { QUEUE_NAMESPACE, queueItems, type QueueItem } from './host/queue.js';
import type { Row } from './storage/schema.js';

export interface QueueRun {
  readonly queue: string;
  readonly plugin: string;
  readonly processed: number;
  readonly failed: number;
  readonly dropped: number;
  readonly remaining: number;
  readonly errors: string[];
}

/**
 * Drains every declared queue within its time budget. `elapsed` measures the budget (real time
 * by default); an item that has started always finishes.
 */
export async function runQueues(kernel: Kernel, user: UserSpec, clock: () => number = () => performance.now()): Promise<QueueRun[]> {
  const runs: QueueRun[] = [];
  for (const queue of kernel.queues()) {
    const started = clock();
    let processed = 0;
    let failed = 0;
    let dropped = 0;
    const errors: string[] = [];
    const pending = await kernel.request(user, (session) => queueItems(workOfSession(session), queue.name).map((item) => item.id));
    let done = 0;
    for (const id of pending) {
      if (clock() - started >= queue.timeBudgetMs) break;
      done++;
      const outcome = await kernel.request(user, (session) => workOne(session, queue, id));
      if (outcome === 'gone') continue;
      if (outcome === 'ok') processed++;
      else {
        failed++;
        errors.push(outcome.error);
        if (outcome.dropped) dropped++;
      }
    }
    runs.push({ queue: queue.name, plugin: queue.plugin, processed, failed, dropped, remaining: pending.length - done + (failed - dropped), errors });
  }
  return runs;
}

function workOne(session: RequestSession, queue: QueueInfo, id: string): 'ok' | 'gone' | { error: string; dropped: boolean } {
  const work = workOfSession(session);
  const row = work.getRow(QUEUE_NAMESPACE, queue.name, id);
  if (!row) return 'gone';
  const item = row as unknown as QueueItem;
  let data: unknown;
  try {
    data = JSON.parse(item.data);
  } catch {
    data = item.data;
  }
  const result = session.call(queue.plugin, 'tap_queue_worker', { queue: queue.name, item: { id: item.id, data, created: item.created, attempts: item.attempts } });
  if (result.error === undefined) {
    work.deleteRow(QUEUE_NAMESPACE, queue.name, id);
    return 'ok';
  }
  const attempts = item.attempts + 1;
  if (attempts >= queue.maxAttempts) {
    work.deleteRow(QUEUE_NAMESPACE, queue.name, id);
    const error = `${result.error} (queue "${queue.name}" item ${id}: attempt ${attempts} of ${queue.maxAttempts}; the item was dropped)`;
    session.state.record({ plugin: queue.plugin, level: 'error', message: error, time: session.now, source: 'log' });
    return { error, dropped: true };
  }
  work.putRow(QUEUE_NAMESPACE, queue.name, { ...item, attempts, last_error: result.error } as unknown as Row);
  return { error: `${result.error} (queue "${queue.name}" item ${id}: attempt ${attempts} of ${queue.maxAttempts}; it will be retried at the next cron run)`, dropped: false };
}

function workOfSession(session: RequestSession): UnitOfWork {
  if (session.work instanceof UnitOfWork) return session.work;
  throw new Error('Queues need a kernel with a site store: createKernel({ storage: kernelStorage(store) }).');
}
