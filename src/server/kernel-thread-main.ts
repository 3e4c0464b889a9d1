/**
 * One kernel worker thread of `trovato serve`: its own store connection, its own kernel and
 * site, one request at a time. The main thread stops it when a request overruns its deadline
 * (a plugin that loops), and starts another; the other threads go on serving.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { messageOf } from '../kernel/common/errors.js';
import { openServedSite } from './served-site.js';
import { createSiteApp } from './site-app.js';
import type { AppRequest, AppResponse } from './app-exchange.js';
import type { FromKernelThread, KernelThreadData, ToKernelThread } from './thread-protocol.js';

const port = parentPort!;
const data = workerData as KernelThreadData;
const post = (message: FromKernelThread): void => port.postMessage(message);
const kernelOptions = {
  onCallStart: (plugin: string, exportName: string) => post({ kind: 'call', plugin, exportName }),
  ...(data.requestFuel === undefined ? {} : { fuel: { perRequest: data.requestFuel } }),
};

try {
  let { site, problems } = await openServedSite({ ...data, kernel: kernelOptions });
  let app = createSiteApp(site);
  let queue: Promise<unknown> = Promise.resolve();
  const serial = (task: () => Promise<void>): void => {
    queue = queue.then(task, task);
  };
  port.on('message', (message: ToKernelThread) => {
    if (message.kind === 'reload') {
      serial(async () => {
        ({ site } = await openServedSite({ ...data, kernel: kernelOptions, store: site.store }));
        app = createSiteApp(site);
      });
      return;
    }
    serial(async () => {
      const response: AppResponse = await app(message.request);
      post({ kind: 'response', id: message.id, response, settingsChanged: changesSettings(message.request) });
    });
  });
  const report = site.report();
  const refused = report.plugins.filter((p) => p.status !== 'ok').map((p) => `plugin ${p.name} refused: ${p.errors.join(' ')}`);
  // A route problem (a tap_menu that failed, out of fuel, ...) leaves its pages out: say so at start.
  const routes = report.routeProblems.map((p) => `plugin ${p.plugin}${p.path ? ` route ${p.path}` : ''}: ${p.message}`);
  post({ kind: 'ready', problems: [...problems.map((p) => p.message), ...refused, ...routes] });
} catch (error) {
  post({ kind: 'failed', message: messageOf(error) });
}

/** Requests that change which plugins are enabled: the other threads must reload theirs. */
function changesSettings(request: AppRequest): boolean {
  return request.method === 'POST' && request.path.startsWith('/admin/plugins/');
}
