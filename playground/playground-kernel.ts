/**
 * The playground's kernel: a worker of its own, on its own IndexedDB database, never the site's.
 * Each run starts a fresh worker, so a plugin from a shared link cannot leave anything behind in
 * memory; its data stays in `trovato-playground`.
 */
import * as Comlink from 'comlink';
import { KernelError, kernelErrorTransferHandler } from '../src/kernel/errors.js';
import type { KernelWorkerApi, LoadReport, LogEntry, PluginSource, RegisteredRoute, RouteResponse, SiteWorkerApi, TraceEntry, UserProfile } from '../src/kernel/protocol.js';

Comlink.transferHandlers.set('throw', kernelErrorTransferHandler);

/** The playground's database; the site uses another name, so nothing here touches it. */
export const PLAYGROUND_SITE = 'trovato-playground';

type WorkerApi = KernelWorkerApi & SiteWorkerApi;

export interface BootedPlayground {
  report: LoadReport;
  routes: RegisteredRoute[];
  users: UserProfile[];
}

export class PlaygroundKernel {
  #worker: Worker | null = null;
  #api: Comlink.Remote<WorkerApi> | null = null;

  /** Starts a fresh kernel worker with the reference plugins `enabled` and the plugin under test. */
  async boot(pluginsUrl: string, enabled: string[], plugin: PluginSource): Promise<BootedPlayground> {
    this.dispose();
    this.#worker = new Worker(new URL('../src/kernel/worker.ts', import.meta.url), { type: 'module', name: 'trovato playground kernel' });
    const api = Comlink.wrap<WorkerApi>(this.#worker);
    this.#api = api;
    const report = await api.bootSite({
      siteName: PLAYGROUND_SITE,
      pluginsUrl: new URL(pluginsUrl, document.baseURI).href,
      enabled: enabled.filter((name) => name !== plugin.name),
      extra: [plugin],
    });
    const [routes, users] = await Promise.all([api.routes(), api.users()]);
    return { report, routes, users };
  }

  callRoute(path: string, user: UserProfile | undefined, query: Record<string, string>): Promise<RouteResponse | null> {
    return this.#running().callRoute(path, user, query);
  }

  trace(since: number): Promise<TraceEntry[]> {
    return this.#running().trace(since);
  }

  readLogs(): Promise<LogEntry[]> {
    return this.#running().readLogs({ limit: 200 });
  }

  dispose(): void {
    this.#api?.[Comlink.releaseProxy]();
    this.#worker?.terminate();
    this.#api = null;
    this.#worker = null;
  }

  #running(): Comlink.Remote<WorkerApi> {
    if (!this.#api) throw new KernelError('BAD_INPUT', 'The playground kernel is not running: press Run first.');
    return this.#api;
  }
}
