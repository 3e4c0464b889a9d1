import { css, html, LitElement, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import '../ui/trovato-render.js';
import { KernelError, messageOf } from '../kernel/common/errors.js';
import type { KernelWorkerApi, LoadReport, RouteResponse, SiteTransferApi, SiteWorkerApi, UserProfile, UserSpec } from '../site/protocol.js';
import { fragmentHasRecipe, recipeFromFragment, type DemoUser, type Recipe } from '../recipe/recipe.js';
import type { NavigateDetail } from '../render/types.js';
import { KernelSupervisor, memoryQuarantine, type SupervisedApi } from '../supervisor/kernel-supervisor.js';
import { EMBED_PROTOCOL } from './client.js';
import type { EmbedCall, EmbedEvent, EmbedHello, EmbedPage, EmbedRequest, EmbedResponse } from './protocol.js';

type WorkerApi = KernelWorkerApi & SiteWorkerApi & SiteTransferApi;

/** Names of the frame's in-memory databases. */
const EMBED_PREFIX = 'trovato-embed-';

/**
 * `<trovato-embed>`: the `/embed/` page. A minimal frame (no header, no admin) showing one page
 * of a site that lives in memory, in the frame's own kernel worker (embed-worker.ts), and is
 * gone with the frame: the embedding page can apply a recipe, navigate, dispatch taps and read
 * the logs and the tap trace (src/embed/client.ts), but never reaches the main site's database:
 * this frame does not use its origin's storage at all. Messages are accepted only from the parent window, and only from
 * the origin in `?origin=` when the URL names one; answers go to the sender's origin only.
 */
export class TrovatoEmbed extends LitElement {
  static override properties: PropertyDeclarations = {
    _status: { state: true },
    _response: { state: true },
    _error: { state: true },
  };

  static override styles = css`
    :host { display: block; font: 15px/1.5 system-ui, sans-serif; color: #1c1e21; }
    .status { color: #5b636e; font-size: 0.85rem; padding: 0.25rem 0; }
    .error { background: #fdecea; border: 1px solid #e3a29d; color: #5f100b; border-radius: 6px; padding: 0.5rem 0.75rem; }
  `;

  declare _status: string;
  declare _response: RouteResponse | null;
  declare _error: string | null;

  #supervisor: KernelSupervisor<WorkerApi> | null = null;
  #database = '';
  #user: DemoUser = 'anonymous';
  #users: UserProfile[] = [];
  #booted: Promise<LoadReport> | null = null;
  /** The embedding origin the URL allows, or null for any parent. */
  readonly #allowedOrigin = new URLSearchParams(location.search).get('origin');
  readonly #pluginsUrl = new URL(`${import.meta.env.BASE_URL}plugins/`, document.baseURI).href;

  constructor() {
    super();
    this._status = 'Starting…';
    this._response = null;
    this._error = null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('message', this._onMessage);
    window.addEventListener('pagehide', this._onPageHide);
    this.#supervisor = new KernelSupervisor<WorkerApi>({
      createWorker: () => new Worker(new URL('./embed-worker.ts', import.meta.url), { type: 'module', name: 'trovato embed' }),
      quarantine: memoryQuarantine(),
    });
    this.#booted = this.#boot();
    void this.#booted.then(
      () => this.#post({ protocol: EMBED_PROTOCOL, type: 'ready' }),
      (error: unknown) => (this._error = `The embedded site could not start: ${messageOf(error)}`),
    );
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('message', this._onMessage);
    this._onPageHide();
  }

  override render(): TemplateResult {
    const response = this._response;
    return html`
      ${this._error ? html`<div class="error" role="alert">${this._error}</div>` : nothing}
      ${response && response.result.error === undefined
        ? html`<trovato-render .element=${response.result.output} .plugin=${response.result.plugin} @navigate=${this._onNavigate}></trovato-render>`
        : nothing}
      <div class="status" role="status">${this._status}</div>
    `;
  }

  /** The site the frame starts with: a recipe in its own fragment, else the reference plugins. */
  async #boot(): Promise<LoadReport> {
    const api = this.#api();
    if (fragmentHasRecipe(location.hash)) {
      const read = recipeFromFragment(location.hash);
      if (!read.ok) throw new KernelError('BAD_INPUT', `${read.problem.step}: ${read.problem.message}`);
      const applied = await this.#applyRecipe(read.recipe);
      await this.#show(applied.landing);
      return (await api.status());
    }
    this.#database = `${EMBED_PREFIX}${crypto.randomUUID()}`;
    const report = await api.bootSite({ siteName: this.#database, pluginsUrl: this.#pluginsUrl });
    this.#users = await api.users();
    await this.#show('/');
    return report;
  }

  async #applyRecipe(recipe: Recipe): Promise<{ landing: string; user: DemoUser; plugins: string[] }> {
    const api = this.#api();
    if (recipe.steps.some((step) => step.step === 'plugin' && step.source !== undefined)) {
      throw new KernelError('BAD_INPUT', 'The embed frame does not compile AssemblyScript; give the plugin as wasm (url with sha256, or inline).');
    }
    const previous = this.#database;
    const next = `${EMBED_PREFIX}${crypto.randomUUID()}`;
    this._status = 'Applying the recipe…';
    const result = await api.applyRecipe({ recipe, siteName: next, pluginsUrl: this.#pluginsUrl });
    if (!result.ok) throw new KernelError('BAD_INPUT', `The recipe was not applied: ${result.problem.step}: ${result.problem.message}`);
    this.#database = next;
    this.#supervisor?.rememberBoot('bootSite', [{ siteName: next, pluginsUrl: this.#pluginsUrl }]);
    if (previous !== '') await api.deleteSite(previous).catch(() => undefined);
    this.#user = result.user;
    this.#users = await api.users();
    return { landing: result.landing, user: result.user, plugins: result.report.order };
  }

  /** Shows `path` and tells the embedding page what it shows. */
  async #show(path: string, user: DemoUser = this.#user): Promise<EmbedPage> {
    this.#user = user;
    const [route, search = ''] = path.split('?');
    const response = await this.#api().callRoute(route, this.#spec(), Object.fromEntries(new URLSearchParams(search)));
    const error = response === null ? `No page lives at ${route}.` : (response.result.error ?? null);
    const status = response === null ? 404 : response.result.errorCode === 'ACCESS_DENIED' ? 403 : error !== null ? 500 : 200;
    this._response = response;
    this._error = error;
    this._status = `${path} · ${user}`;
    const page: EmbedPage = { path, status, title: response?.match.route.title ?? null, error };
    this.#post({ protocol: EMBED_PROTOCOL, type: 'page', page });
    return page;
  }

  async #run(call: EmbedCall): Promise<unknown> {
    await this.#booted;
    const api = this.#api();
    switch (call.type) {
      case 'applyRecipe': {
        const applied = await this.#applyRecipe(call.recipe);
        await this.#show(applied.landing);
        return applied;
      }
      case 'navigate':
        return this.#show(call.path, call.user ?? this.#user);
      case 'dispatch':
        return api.dispatch(call.tap, call.input, call.user ? this.#spec(call.user) : this.#spec());
      case 'logs':
        return api.readLogs({ limit: call.limit ?? 100 });
      case 'trace':
        return api.trace(call.since ?? 0);
    }
  }

  #spec(user: DemoUser = this.#user): UserSpec {
    const profile = this.#users.find((u) => u.roles.includes(user));
    return profile ? { id: profile.id, name: profile.name, roles: [...profile.roles] } : {};
  }

  #api(): SupervisedApi<WorkerApi> {
    if (!this.#supervisor) throw new KernelError('BAD_INPUT', 'The embed frame is not running.');
    return this.#supervisor.api;
  }

  /** Posts to the parent: to the allowed origin when one is set, else to the origin that last wrote. */
  #post(message: EmbedEvent | EmbedResponse, origin = this.#allowedOrigin ?? this.#parentOrigin): void {
    if (window.parent === window || origin === null) return;
    window.parent.postMessage(message, origin);
  }

  /** The origin of the parent, once it has sent a message (a `ready` before that goes nowhere). */
  #parentOrigin: string | null = null;

  private _onMessage = (event: MessageEvent): void => {
    // Only the embedding page (the parent window), and only the allowed origin when one is named.
    if (window.parent === window || event.source !== window.parent) return;
    if (this.#allowedOrigin !== null && event.origin !== this.#allowedOrigin) return;
    const data = event.data as EmbedRequest | EmbedHello;
    if (typeof data !== 'object' || data === null || data.protocol !== EMBED_PROTOCOL) return;
    this.#parentOrigin = event.origin;
    if (data.type === 'hello') {
      void this.#booted?.then(() => this.#post({ protocol: EMBED_PROTOCOL, type: 'ready' }, event.origin), () => undefined);
      return;
    }
    const { id } = data;
    this.#run(data).then(
      (result) => this.#post({ protocol: EMBED_PROTOCOL, id, ok: true, result }, event.origin),
      (error: unknown) => this.#post({ protocol: EMBED_PROTOCOL, id, ok: false, error: messageOf(error) }, event.origin),
    );
  };

  private _onNavigate = (event: CustomEvent<NavigateDetail>): void => {
    void this.#show(event.detail.path).catch((error: unknown) => (this._error = messageOf(error)));
  };

  /** The frame's site lives in its worker's memory: stopping the worker ends it. */
  private _onPageHide = (): void => {
    this.#supervisor?.close();
    this.#supervisor = null;
  };
}

if (!customElements.get('trovato-embed')) customElements.define('trovato-embed', TrovatoEmbed);

declare global {
  interface HTMLElementTagNameMap {
    'trovato-embed': TrovatoEmbed;
  }
}
