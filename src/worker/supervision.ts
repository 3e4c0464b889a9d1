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
  // A stuck thread cannot post, but messages it posted before the loop are delivered.
  const onCallStart = (plugin: string, exportName: string): void => {
    port?.postMessage([plugin, exportName]);
  };
  return {
    kernelOptions: () => ({ onCallStart, quarantined }),
    api: {
      async watchCalls(next) {
        port?.close();
        port = next;
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
