/**
 * The playground's kernel: a worker of its own, on its own IndexedDB database, never the site's.
 * Each run starts a fresh worker, so a plugin from a shared link cannot leave anything behind in
 * memory; its data stays in `trovato-playground`. Like the site's, the worker is owned by a
 * KernelSupervisor: a plugin that loops is stopped at the deadline and named, and the kernel is
 * re-booted with the same plugins.
 */
import { KernelError } from '../src/kernel/common/errors.js';
import type { KernelWorkerApi, LoadReport, LogEntry, PluginSource, RegisteredRoute, RouteResponse, SiteTransferApi, SiteWorkerApi, TraceEntry, UserProfile } from '../src/site/protocol.js';
import type { RecipeStep } from '../src/recipe/recipe.js';
import { contentSteps, runRecipe } from './share-extras.js';
import { KernelSupervisor, memoryQuarantine, type SupervisedApi } from '../src/supervisor/kernel-supervisor.js';

/** The playground's database; the site uses another name, so nothing here touches it. */
export const PLAYGROUND_SITE = 'trovato-playground';

type WorkerApi = KernelWorkerApi & SiteWorkerApi & SiteTransferApi;

export interface BootedPlayground {
  report: LoadReport;
  routes: RegisteredRoute[];
  users: UserProfile[];
}

export class PlaygroundKernel {
  #supervisor: KernelSupervisor<WorkerApi> | null = null;

  /**
   * Starts a fresh kernel worker with the reference plugins `enabled` and the plugin under test.
   * With `content` (from a link), the preview is built by a recipe in a fresh database instead,
   * so it shows exactly that content.
   */
  async boot(pluginsUrl: string, enabled: string[], plugin: PluginSource, content: readonly RecipeStep[] = []): Promise<BootedPlayground> {
    this.dispose();
    // Quarantine lasts one run: the next run is a fresh supervisor, and the plugin is probably edited.
    this.#supervisor = new KernelSupervisor<WorkerApi>({
      createWorker: () => new Worker(new URL('../src/worker/kernel-worker.ts', import.meta.url), { type: 'module', name: 'trovato playground kernel' }),
      quarantine: memoryQuarantine(),
    });
    const api = this.#supervisor.api;
    if (content.length > 0) {
      const siteName = `${PLAYGROUND_SITE}~content`;
      await api.deleteSite(siteName);
      const applied = await api.applyRecipe({ recipe: runRecipe(enabled, plugin, content), siteName, pluginsUrl: new URL(pluginsUrl, document.baseURI).href });
      if (!applied.ok) throw new KernelError('BAD_INPUT', `The link's content could not be restored: ${applied.problem.step}: ${applied.problem.message}`);
      this.#supervisor.rememberBoot('bootSite', [{ siteName, pluginsUrl: new URL(pluginsUrl, document.baseURI).href }]);
      const [routes, users] = await Promise.all([api.routes(), api.users()]);
      return { report: applied.report, routes, users };
    }
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

  /** The preview's items, rows and variables now, as recipe steps (for a link). */
  async content(pluginsUrl: string): Promise<RecipeStep[]> {
    return contentSteps(await this.#running().exportRecipe({ pluginsUrl: new URL(pluginsUrl, document.baseURI).href }));
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
