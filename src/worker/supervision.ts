/**
 * The worker's half of supervision, shared by every kernel worker entry: it reports each plugin
 * call on the supervisor's port, answers pings, and holds back quarantined plugins. No comlink
 * here: the entry exposes these methods with the rest of its API.
 */
import type { Kernel, KernelOptions } from '../kernel/index.js';
import type { SupervisedWorkerApi } from '../site/protocol.js';

export interface WorkerSupervision {
  /** Options every kernel the worker creates must get (spread them into createKernel's). */
  kernelOptions(): Pick<KernelOptions, 'onCallStart' | 'quarantined'>;
  /** The supervised methods, for the entry's exposed API. */
  readonly api: SupervisedWorkerApi;
}

/**
 * @param kernels the worker's kernels now (a site boot may replace the kernel), so a new
 *   quarantine list reaches them.
 * @example
 * const supervision = createWorkerSupervision(() => [kernel]);
 * const kernel = createKernel({ ...supervision.kernelOptions() });
 * Comlink.expose({ ...api, ...supervision.api });
 */
export function createWorkerSupervision(kernels: () => readonly Kernel[]): WorkerSupervision {
  let port: MessagePort | null = null;
  let quarantined: Record<string, string> = {};
  /** The call last posted on `port`: the supervisor keeps only the latest, so it already holds this one. */
  let posted: readonly [string, string] | null = null;
  // A stuck thread cannot post, but messages it posted before the loop are delivered. A post
  // costs about as much as a small plugin call, on this thread and on the page's (a task per
  // message), so the same call again (one plugin's handlers over many items) is not re-posted.
  const onCallStart = (plugin: string, exportName: string): void => {
    if (posted !== null && posted[0] === plugin && posted[1] === exportName) return;
    posted = [plugin, exportName];
    // A boot the boot script started runs plugins before the supervisor's port arrives: the
    // port is told the latest call when it does.
    port?.postMessage(posted);
  };
  return {
    kernelOptions: () => ({ onCallStart, quarantined }),
    api: {
      async watchCalls(next) {
        port?.close();
        port = next;
        if (posted !== null) next.postMessage(posted);
        next.onmessage = (event: MessageEvent) => {
          if (event.data === 'ping') next.postMessage('pong');
        };
      },
      async setQuarantined(reasons) {
        quarantined = { ...reasons };
        for (const kernel of kernels()) kernel.setQuarantined(quarantined);
      },
    },
  };
}
