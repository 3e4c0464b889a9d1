/**
 * `trovato:kernel/queue` (an addition to ABI 1): `create-item(queue, payload)` puts a JSON
 * payload on a queue some enabled plugin declared in `tap_queue_info`. The item commits with the
 * request and is worked under cron (see ../queues.ts). The items live here, as rows of the unit
 * of work, because this is the layer that writes them; the kernel's queue runner reads them.
 */
import type { SiteStore } from '../storage/site-store.js';
import type { UnitOfWork } from '../storage/unit-of-work.js';
import { parseJsonArgument, type HostImpl } from './abi.js';
import { HostCode, HostFailure } from '../contract/host-codes.js';
import { workOf } from './storage-work.js';

export function queueHostFunctions(store: SiteStore): Record<string, HostImpl> {
  return {
    'create-item': (call, [queue, payload]) => {
      const work = workOf(call, store);
      const declared = call.request.services.queueNames?.() ?? [];
      if (!declared.includes(queue)) {
        throw new HostFailure(
          HostCode.notFound,
          `No enabled plugin declares the queue "${queue}" in tap_queue_info${declared.length > 0 ? `; the queues are ${declared.join(', ')}` : ''}.`,
        );
      }
      parseJsonArgument(payload, 'The queue item payload');
      enqueue(work, queue, payload, call.request.now);
      return 0;
    },
  };
}

/** The rows namespace queue items live in: starts with `_`, which no plugin name can. */
export const QUEUE_NAMESPACE = '_queue';
/** A queue item as stored and as `tap_queue_worker` receives it (`data` parsed). */
export interface QueueItem {
  readonly id: string;
  /** The payload as JSON text. */
  readonly data: string;
  /** Unix seconds. */
  readonly created: number;
  readonly attempts: number;
  readonly last_error?: string;
}

/** Stages a new item (commits with the request). Ids sort by creation time. */
export function enqueue(work: UnitOfWork, queue: string, data: string, nowMs: number): QueueItem {
  const item: QueueItem = { id: `${String(nowMs).padStart(15, '0')}-${crypto.randomUUID()}`, data, created: Math.floor(nowMs / 1000), attempts: 0 };
  work.putRow(QUEUE_NAMESPACE, queue, { ...item });
  return item;
}

/** The queue's items, oldest first. */
export function queueItems(work: UnitOfWork, queue: string): QueueItem[] {
  return work
    .allRows(QUEUE_NAMESPACE, queue)
    .map((row) => row as unknown as QueueItem)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
