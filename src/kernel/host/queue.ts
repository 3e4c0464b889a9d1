/**
 * `trovato:kernel/queue` (an addition to ABI 1): `create-item(queue, payload)` puts a JSON
 * payload on a queue some enabled plugin declared in `tap_queue_info`. The item commits with the
 * request and is worked under cron (see ../queues.ts).
 */
import type { SiteStore } from '../storage/site-store.js';
import { enqueue } from '../queues.js';
import { HostCode, HostFailure, parseJsonArgument, type HostImpl } from './abi.js';
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
