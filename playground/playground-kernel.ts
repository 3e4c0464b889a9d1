/**
 * The playground's kernel: a worker of its own, on its own IndexedDB database, never the site's.
 * Each run starts a fresh worker, so a plugin from a shared link cannot leave anything behind in
 * memory; its data stays in `trovato-playground`. Like the site's, the worker is owned by a
 * KernelSupervisor: a plugin that loops is stopped at the deadline and named, and the kernel is
 * re-booted with the same plugins.
 */
import { KernelError } from '../src/kernel/errors.js';
import type { KernelWorkerApi, LoadReport, LogEntry, PluginSource, RegisteredRoute, RouteResponse, SiteWorkerApi, TraceEntry, UserProfile } from '../src/kernel/protocol.js';
import { KernelSupervisor, memoryQuarantine, type SupervisedApi } from '../src/supervisor/kernel-supervisor.js';

/** The playground's database; the site uses another name, so nothing here touches it. */
export const PLAYGROUND_SITE = 'trovato-playground';

type WorkerApi = KernelWorkerApi & SiteWorkerApi;

export interface BootedPlayground {
  report: LoadReport;
  routes: RegisteredRoute[];
  users: UserProfile[];
}

export class PlaygroundKernel {
  #supervisor: KernelSupervisor<WorkerApi> | null = null;

  /** Starts a fresh kernel worker with the reference plugins `enabled` and the plugin under test. */
  async boot(pluginsUrl: string, enabled: string[], plugin: PluginSource): Promise<BootedPlayground> {
    this.dispose();
    // Quarantine lasts one run: the next run is a fresh supervisor, and the plugin is probably edited.
    this.#supervisor = new KernelSupervisor<WorkerApi>({
      createWorker: () => new Worker(new URL('../src/kernel/worker.ts', import.meta.url), { type: 'module', name: 'trovato playground kernel' }),
      quarantine: memoryQuarantine(),
    });
    const api = this.#supervisor.api;
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

  /** How often the supervisor replaced the worker in this run (a plugin hung): its trace starts over. */
  get restarts(): number {
    return this.#supervisor?.restarts ?? 0;
  }

  dispose(): void {
    this.#supervisor?.close();
    this.#supervisor = null;
  }

  #running(): SupervisedApi<WorkerApi> {
    if (!this.#supervisor) throw new KernelError('BAD_INPUT', 'The playground kernel is not running: press Run first.');
    return this.#supervisor.api;
  }
}
