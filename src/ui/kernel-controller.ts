/**
 * The page's end of the kernel worker: starts the worker, boots the site and forwards calls.
 * The worker is owned by a KernelSupervisor (src/supervisor/), which holds comlink and gives
 * every call a deadline; elements reach the kernel through the host that owns this controller.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { KernelError, messageOf } from '../kernel/common/errors.js';
import { KernelSupervisor, localStorageQuarantine, type SupervisedApi } from '../supervisor/kernel-supervisor.js';
import { siteQuarantineKey } from '../supervisor/quarantine-store.js';
import type { DemoUser, FirstPage, KernelWorkerApi, Recipe, RecipeProgress, SiteBootOptions, SiteOverview, SiteTransferApi, SiteWorkerApi } from '../site/protocol.js';
import type { RecipeProblem, RecipeResult } from '../recipe/recipe.js';
import { compileRecipeSources } from './recipe-compile.js';
import { fetchIndexPlugins } from '../kernel/plugin/fetch-plugins.js';
import { freshDatabase, ownDatabase, previewDatabase, setOwnDatabase, setPreviewDatabase } from './site-databases.js';
import { siteBoot, sitePluginsUrl, takeEarlyKernelWorker, type EarlyKernelWorker } from './early-kernel-worker.js';

// KernelErrors keep their code across the worker boundary: the supervisor registers the handler.

/** Everything the worker answers. */
export type WorkerApi = KernelWorkerApi & SiteWorkerApi & SiteTransferApi;

type Method = {
  [K in keyof WorkerApi]: WorkerApi[K] extends (...args: never[]) => Promise<unknown> ? K : never;
}[keyof WorkerApi];

/** Where booting is; `ready` and `failed` are final until the host reconnects. */
export type BootPhase = 'idle' | 'starting' | 'loading-plugins' | 'applying-recipe' | 'reading-site' | 'ready' | 'failed';

/**
 * What the page shows: the visitor's own site, or a recipe applied into a preview database of
 * its own (the visitor's site untouched until they ask to apply the recipe to it).
 */
export type SiteMode = { kind: 'own' } | { kind: 'recipe'; recipe: Recipe; database: string };

/** Where to go once a recipe is applied: its landing route, signed in as its user. */
export interface Landing {
  path: string;
  user: DemoUser;
}

/** What every page needs about the site, read once at boot and after plugin changes. */
export type { SiteOverview };

export interface KernelControllerOptions {
  /** The IndexedDB database of the site. */
  siteName: string;
  /** Where plugins.json lives; relative URLs resolve against the page. */
  pluginsUrl: string;
  /** A recipe to open (from the link) instead of the visitor's own site. */
  recipe?: Promise<RecipeResult> | null;
}

const PHASE_PROGRESS: Record<BootPhase, number> = {
  idle: 0,
  starting: 0.1,
  'loading-plugins': 0.4,
  'applying-recipe': 0.6,
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
  site: SiteOverview | null = null;
  mode: SiteMode = { kind: 'own' };
  /** The recipe step being applied, while one is. */
  recipeStep: RecipeProgress | null = null;
  /** Set when a recipe was applied; the host navigates there and clears it. */
  landing: Landing | null = null;

  constructor(host: ReactiveControllerHost, options: () => KernelControllerOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  /** 0 to 1, for a progress bar. */
  get progress(): number {
    const step = this.recipeStep;
    if (this.phase === 'applying-recipe' && step) return 0.4 + 0.4 * (step.done / Math.max(1, step.total));
    return PHASE_PROGRESS[this.phase];
  }

  hostConnected(): void {
    const recipe = this.#options().recipe;
    void (recipe ? this.#openRecipe(recipe) : this.#boot());
  }

  /** Opens a recipe in a fresh preview database; the visitor's own site stays as it is. */
  openRecipe(recipe: Promise<RecipeResult> | RecipeResult): Promise<void> {
    this.hostDisconnected();
    return this.#openRecipe(Promise.resolve(recipe));
  }

  /** Shows the visitor's own site again (leaving a recipe preview, which is deleted). */
  async backToOwnSite(): Promise<void> {
    const preview = this.mode.kind === 'recipe' ? this.mode.database : null;
    this.hostDisconnected();
    await this.#boot();
    if (preview !== null && this.#api) {
      await this.#api.deleteSite(preview).catch(() => undefined);
      if (previewDatabase(this.#options().siteName) === preview) setPreviewDatabase(this.#options().siteName, null);
    }
  }

  /**
   * Applies the recipe being previewed to the visitor's own site: the site is copied into a
   * fresh database, the recipe applied on top, and only when every step succeeded does the
   * site switch to it (the old database is then deleted). On failure nothing changed.
   */
  async applyRecipeToOwnSite(): Promise<{ ok: true } | { ok: false; error: string }> {
    if (this.mode.kind !== 'recipe' || this.#api === null) return { ok: false, error: 'No recipe is open.' };
    const { recipe, database: preview } = this.mode;
    const { siteName, pluginsUrl } = this.#options();
    const compiled = await compileRecipeSources(recipe, () => undefined);
    if (!compiled.ok) return { ok: false, error: problemText(compiled.problem) };
    const own = ownDatabase(siteName);
    const target = freshDatabase(siteName, 'site');
    const result = await this.#api.applyRecipe({ recipe, siteName: target, pluginsUrl: sitePluginsUrl(pluginsUrl), compiled: compiled.compiled, baseSiteName: own, trace: false });
    if (!result.ok) return { ok: false, error: problemText(result.problem) };
    return this.#switchOwnSite(own, target, preview);
  }

  /** Replaces the visitor's own site by a site export (zip), built in a fresh database first. */
  async importZip(zip: Uint8Array): Promise<{ ok: true } | { ok: false; error: string }> {
    if (this.#api === null) return { ok: false, error: 'The kernel is not running.' };
    const { siteName } = this.#options();
    const own = ownDatabase(siteName);
    const target = freshDatabase(siteName, 'import');
    const result = await this.#api.importSite({ zip, siteName: target });
    if (!result.ok) return result;
    return this.#switchOwnSite(own, target, this.mode.kind === 'recipe' ? this.mode.database : null);
  }

  async #switchOwnSite(old: string, target: string, preview: string | null): Promise<{ ok: true }> {
    const { siteName, pluginsUrl } = this.#options();
    setOwnDatabase(siteName, target);
    this.#supervisor?.rememberBoot('bootSite', [siteBoot(target, pluginsUrl)]);
    this.mode = { kind: 'own' };
    for (const name of [old, preview]) if (name !== null && name !== target) await this.#api?.deleteSite(name).catch(() => undefined);
    if (preview !== null) setPreviewDatabase(siteName, null);
    await this.refresh();
    return { ok: true };
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

  /**
   * The first page, as the worker's early boot built it, until the page takes it (or a boot of
   * another kind replaces it).
   */
  #firstPage: FirstPage | null = null;

  /** The first page the worker built at boot, once: null when there is none or it was taken. */
  takeFirstPage(): FirstPage | null {
    const first = this.#firstPage;
    this.#firstPage = null;
    return first;
  }

  /**
   * A fresh supervised kernel worker for this generation: `early` (the boot script's) for its
   * first, then new ones (a restart).
   */
  #startWorker(generation: number, early: EarlyKernelWorker | null = null): SupervisedApi<WorkerApi> {
    const { siteName } = this.#options();
    let given = early?.worker ?? null;
    this.#firstPage = null;
    this.#supervisor = new KernelSupervisor<WorkerApi>({
      createWorker: () => {
        const worker = given ?? new Worker(new URL('../worker/kernel-worker.ts', import.meta.url), { type: 'module', name: `trovato ${siteName}` });
        given = null;
        return worker;
      },
      quarantine: localStorageQuarantine(siteQuarantineKey(siteName)),
    });
    // After a hang the worker was replaced and re-booted: read the site again (a plugin may be quarantined).
    this.#supervisor.on((event) => {
      if (event.type === 'restarted' && generation === this.#generation) void this.refresh();
    });
    this.#api = this.#supervisor.api;
    return this.#api;
  }

  async #openRecipe(source: Promise<RecipeResult>): Promise<void> {
    const generation = ++this.#generation;
    const { siteName, pluginsUrl } = this.#options();
    this.error = null;
    this.#setPhase('starting');
    try {
      // The boot script's worker, if it started one: it asked no boot of it for a recipe's address.
      const early = await takeEarlyKernelWorker(siteName);
      if (generation !== this.#generation) {
        early?.worker.terminate();
        return;
      }
      const api = this.#startWorker(generation, early);
      // The worker loads its recipe code while the page reads and compiles the recipe.
      const prepared = api.prepareRecipes();
      // Awaited before the recipe is applied; a refusal before that must not leave it unhandled.
      prepared.catch(() => undefined);
      const read = await source;
      if (generation !== this.#generation) return;
      if (!read.ok) throw new RecipeRefused(read.problem);
      const recipe = read.recipe;
      this.#setPhase('applying-recipe');
      const compiled = await compileRecipeSources(recipe, (step) => {
        this.recipeStep = { done: 0, total: recipe.steps.length + 1, step };
        this.#host.requestUpdate();
      });
      if (!compiled.ok) throw new RecipeRefused(compiled.problem);
      const database = freshDatabase(siteName, 'recipe');
      const watch = setInterval(() => {
        void api.recipeProgress().then((step) => {
          if (step && generation === this.#generation) {
            this.recipeStep = step;
            this.#host.requestUpdate();
          }
        }, () => undefined);
      }, 100);
      let result;
      try {
        await prepared;
        result = await api.applyRecipe({ recipe, siteName: database, pluginsUrl: sitePluginsUrl(pluginsUrl), compiled: compiled.compiled, trace: false });
      } finally {
        clearInterval(watch);
        this.recipeStep = null;
      }
      if (generation !== this.#generation) return;
      if (!result.ok) throw new RecipeRefused(result.problem);
      // A worker restarted after a hang re-opens this preview, not the visitor's site.
      this.#supervisor?.rememberBoot('bootSite', [siteBoot(database, pluginsUrl)]);
      const previous = previewDatabase(siteName);
      setPreviewDatabase(siteName, database);
      // The previous preview's database is only left over; failing to drop it costs storage, not data.
      if (previous !== null && previous !== database) {
        void api.deleteSite(previous).catch((error: unknown) => console.warn(`The previous recipe preview's database ${previous} was not deleted: ${messageOf(error)}`));
      }
      this.mode = { kind: 'recipe', recipe, database };
      this.landing = { path: result.landing, user: result.user };
      await this.#showSite(generation);
    } catch (error) {
      if (generation !== this.#generation) return;
      this.error = error instanceof RecipeRefused ? `The recipe was not applied. ${problemText(error.problem)}` : `The recipe could not be opened: ${messageOf(error)}`;
      this.#setPhase('failed');
    }
  }

  async #boot(): Promise<void> {
    const generation = ++this.#generation;
    const { siteName, pluginsUrl } = this.#options();
    this.mode = { kind: 'own' };
    this.error = null;
    this.#setPhase('starting');
    try {
      const boot = siteBoot(ownDatabase(siteName), pluginsUrl);
      const early = await takeEarlyKernelWorker(siteName);
      if (generation !== this.#generation) {
        early?.worker.terminate();
        return;
      }
      const api = this.#startWorker(generation, early);
      this.#setPhase('loading-plugins');
      // The boot script started the worker on this very boot: it may be done already.
      if (early?.request && sameBoot(early.request.boot, boot)) {
        // A restart while it runs (a plugin hung in it) re-boots the way the page would have.
        this.#supervisor?.rememberBoot('bootSite', [boot]);
        const taken = await api.takeEarlyBoot();
        if (generation !== this.#generation) return;
        if (taken !== null) {
          this.#firstPage = taken.first;
          this.site = taken.site;
          this.#setPhase('ready');
          return;
        }
      }
      // Fetched here while the worker loads its code, instead of by the worker after it.
      const fetching = fetchIndexPlugins(boot.pluginsUrl);
      // A failed fetch here is not the end: the worker fetches again and reports what failed.
      await api.bootSite({ ...boot, fetched: await fetching.catch(() => undefined) });
      if (generation !== this.#generation) return;
      // A restart re-boots from the plugins' URLs, not from bytes fetched for this boot.
      this.#supervisor?.rememberBoot('bootSite', [boot]);
      await this.#showSite(generation);
    } catch (error) {
      if (generation !== this.#generation) return;
      const code = error instanceof KernelError ? ` [${error.code}]` : '';
      this.error = `The site could not start${code}: ${messageOf(error)}`;
      this.#setPhase('failed');
    }
  }

  /** The last step of a boot: read the site, and show it unless a newer boot started meanwhile. */
  async #showSite(generation: number): Promise<void> {
    this.#setPhase('reading-site');
    const site = await this.#readSite();
    if (generation !== this.#generation) return;
    this.site = site;
    this.#setPhase('ready');
  }

  async #readSite(): Promise<SiteOverview> {
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

/** A recipe refused before or while it was applied. */
class RecipeRefused extends Error {
  constructor(readonly problem: RecipeProblem) {
    super(problem.message);
  }
}

/** "step 3 (plugin "x"): message", or the message alone for the whole recipe. */
export function problemText(problem: RecipeProblem): string {
  return problem.step === 'recipe' || problem.step === 'link' ? problem.message : `${problem.step}: ${problem.message}`;
}

/** Whether two boots (both made by siteBoot) open the same database from the same plugins. */
function sameBoot(a: SiteBootOptions, b: SiteBootOptions): boolean {
  return a.siteName === b.siteName && a.pluginsUrl === b.pluginsUrl;
}
