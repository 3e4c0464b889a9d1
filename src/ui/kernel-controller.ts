/**
 * The page's end of the kernel worker: starts the worker, boots the site and forwards calls.
 * The worker is owned by a KernelSupervisor (src/supervisor/), which holds comlink and gives
 * every call a deadline; elements reach the kernel through the host that owns this controller.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { KernelError, messageOf } from '../kernel/errors.js';
import { KernelSupervisor, localStorageQuarantine, type SupervisedApi } from '../supervisor/kernel-supervisor.js';
import type { ContentType, KernelWorkerApi, LoadReport, MenuTreeNode, SiteWorkerApi, UserProfile } from '../kernel/protocol.js';

// KernelErrors keep their code across the worker boundary: the supervisor registers the handler.

/** Everything the worker answers. */
export type WorkerApi = KernelWorkerApi & SiteWorkerApi;

type Method = {
  [K in keyof WorkerApi]: WorkerApi[K] extends (...args: never[]) => Promise<unknown> ? K : never;
}[keyof WorkerApi];

/** Where booting is; `ready` and `failed` are final until the host reconnects. */
export type BootPhase = 'idle' | 'starting' | 'loading-plugins' | 'reading-site' | 'ready' | 'failed';

/** What every page needs about the site, read once at boot and after plugin changes. */
export interface SiteSnapshot {
  report: LoadReport;
  users: UserProfile[];
  contentTypes: ContentType[];
  menu: MenuTreeNode[];
}

export interface KernelControllerOptions {
  /** The IndexedDB database of the site. */
  siteName: string;
  /** Where plugins.json lives; relative URLs resolve against the page. */
  pluginsUrl: string;
}

const PHASE_PROGRESS: Record<BootPhase, number> = {
  idle: 0,
  starting: 0.1,
  'loading-plugins': 0.4,
  'reading-site': 0.8,
  ready: 1,
  failed: 1,
};

/**
 * Owns one kernel worker for its host: boots it when the host connects, terminates it when the
 * host disconnects, and calls `requestUpdate()` on the host whenever its state changes.
 *
 * @example
 * class MySite extends LitElement {
 *   #kernel = new KernelController(this, () => ({ siteName: 'demo', pluginsUrl: '/plugins/' }));
 * }
 */
export class KernelController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #options: () => KernelControllerOptions;
  /** Owns the worker: a plugin that hangs is stopped, named and, if it hangs again, quarantined. */
  #supervisor: KernelSupervisor<WorkerApi> | null = null;
  #api: SupervisedApi<WorkerApi> | null = null;
  #generation = 0;

  phase: BootPhase = 'idle';
  /** Boot failure as a sentence, with the kernel's error code when there is one. */
  error: string | null = null;
  /** Null until the site is read. */
  site: SiteSnapshot | null = null;

  constructor(host: ReactiveControllerHost, options: () => KernelControllerOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  /** 0 to 1, for a progress bar. */
  get progress(): number {
    return PHASE_PROGRESS[this.phase];
  }

  hostConnected(): void {
    void this.#boot();
  }

  hostDisconnected(): void {
    this.#generation++;
    this.#supervisor?.close();
    this.#supervisor = null;
    this.#api = null;
    this.phase = 'idle';
    this.site = null;
  }

  /**
   * Calls the worker. Rejects with the worker's error (a KernelError keeps its code).
   *
   * @example await kernel.call('viewItem', id, user)
   */
  call<K extends Method>(method: K, ...args: Parameters<WorkerApi[K]>): Promise<Awaited<ReturnType<WorkerApi[K]>>> {
    if (this.#api === null) {
      return Promise.reject(new KernelError('BAD_INPUT', `The kernel is not running (${this.phase}), so "${method}" cannot be called; wait for the site to boot.`));
    }
    const fn = (this.#api as unknown as Record<K, unknown>)[method] as unknown as (...a: unknown[]) => Promise<Awaited<ReturnType<WorkerApi[K]>>>;
    return fn(...args);
  }

  /** Reads the report, users, content types and menu again (after enabling or disabling plugins). */
  async refresh(): Promise<void> {
    const generation = this.#generation;
    const site = await this.#readSite();
    if (generation !== this.#generation) return;
    this.site = site;
    this.#host.requestUpdate();
  }

  async #boot(): Promise<void> {
    const generation = ++this.#generation;
    const { siteName, pluginsUrl } = this.#options();
    this.#setPhase('starting');
    try {
      this.#supervisor = new KernelSupervisor<WorkerApi>({
        createWorker: () => new Worker(new URL('../kernel/worker.ts', import.meta.url), { type: 'module', name: `trovato ${siteName}` }),
        quarantine: localStorageQuarantine(`trovato:quarantine:${siteName}`),
      });
      // After a hang the worker was replaced and re-booted: read the site again (a plugin may be quarantined).
      this.#supervisor.on((event) => {
        if (event.type === 'restarted' && generation === this.#generation) void this.refresh();
      });
      this.#api = this.#supervisor.api;
      this.#setPhase('loading-plugins');
      // Absolute, because the worker resolves relative URLs against its own script.
      await this.#api.bootSite({ siteName, pluginsUrl: new URL(pluginsUrl, document.baseURI).href });
      if (generation !== this.#generation) return;
      this.#setPhase('reading-site');
      const site = await this.#readSite();
      if (generation !== this.#generation) return;
      this.site = site;
      this.#setPhase('ready');
    } catch (error) {
      if (generation !== this.#generation) return;
      const code = error instanceof KernelError ? ` [${error.code}]` : '';
      this.error = `The site could not start${code}: ${messageOf(error)}`;
      this.#setPhase('failed');
    }
  }

  async #readSite(): Promise<SiteSnapshot> {
    const api = this.#api;
    if (api === null) throw new KernelError('BAD_INPUT', 'The kernel worker is not running.');
    const [report, users, contentTypes, menu] = await Promise.all([api.status(), api.users(), api.contentTypes(), api.menuTree()]);
    return { report, users, contentTypes, menu };
  }

  #setPhase(phase: BootPhase): void {
    this.phase = phase;
    this.#host.requestUpdate();
  }
}
