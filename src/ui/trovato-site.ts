import { css, html, LitElement, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import { PLUGIN_REBUILT_EVENT, type PluginRebuilt } from '../dev-protocol.js';
import { messageOf } from '../kernel/common/errors.js';
import type { ContentType, FieldError } from '../site/protocol.js';
import { createAccess, specOf, userForPick, type Access, type SiteUser } from './access.js';
import { KernelController } from './kernel-controller.js';
import { recipeFromFile, recipeFromLocation } from './recipe-location.js';
import type { RecipeResult } from '../recipe/recipe.js';
import type { RecipeLinkState, SiteTransferDetail, TransferMessage } from './trovato-site-transfer.js';
import { hrefFor, siteLocationOf, type UrlParts } from './router.js';
import { showTitle, titleOf, type Page } from './page.js';
import { inSiteTarget } from './site-links.js';
import { WorkerPageSource } from './worker-page-source.js';
import { changePlugin, exportLink, exportZip, importZipFile, saveRoleGrants, saveUserRoles } from './site-admin-actions.js';
import { sharedStyles } from './shared-styles.js';
import type { NavigateDetail } from '../render/types.js';
import type { ItemDeleteDetail, ItemSaveDetail } from './trovato-item-form.js';
import type { PluginActionDetail } from './trovato-plugin-admin.js';
import type { StatusLink } from './trovato-status-page.js';
import type { UserChangeDetail } from './trovato-user-switcher.js';
import './trovato-boot-panel.js';
import './trovato-content-admin.js';
import './trovato-item-form.js';
import './trovato-item-view.js';
import './trovato-log-viewer.js';
import './trovato-nav.js';
import './trovato-plugin-admin.js';
import './trovato-people-admin.js';
import type { RolesSaveDetail, UserRolesSaveDetail } from './trovato-people-admin.js';
import type { RenderSubmitDetail } from '../render/types.js';
import { holdsAnyForm, withFieldErrors } from './form-errors.js';
import { retireSnapshot } from './page-snapshot.js';
import { SnapshotKeeper } from './snapshot-keeper.js';
import { readUserChoice, writeUserChoice } from './user-choice.js';
import './trovato-site-transfer.js';
import './trovato-render.js';
import './trovato-status-page.js';
import './trovato-user-switcher.js';

const LOADING = html`<p class="loading" role="status">Loading…</p>`;
/** How long a page load runs before "Loading…" replaces the last page: most answer well within it. */
const LOADING_INDICATOR_DELAY_MS = 100;
/** The content types before the site is read. */
const NO_TYPES: readonly ContentType[] = [];

/** The pages a last-page snapshot is made of: those the data version covers (not the admin pages, whose logs are not data). */
const SNAPSHOT_PAGES: ReadonlySet<Page['kind']> = new Set(['plugin', 'home', 'item']);

/**
 * The site in the browser: boots the kernel worker, follows History API paths, and shows the
 * page its page source (worker-page-source.ts) builds for each, plugin routes and the UI's own
 * item and admin pages, as the user picked in the header; the admin pages' actions are
 * site-admin-actions.ts. Set `siteName` (the IndexedDB database) before connecting it.
 *
 * @example <trovato-site site-name="my-site"></trovato-site>
 */
export class TrovatoSite extends LitElement {
  static override properties: PropertyDeclarations = {
    siteName: { type: String, attribute: 'site-name' },
    siteTitle: { type: String, attribute: 'site-title' },
    pluginsUrl: { type: String, attribute: 'plugins-url' },
    base: { type: String },
    _location: { state: true },
    _userId: { state: true },
    _page: { state: true },
    _loading: { state: true },
    _loadingShown: { state: true },
    _notice: { state: true },
  };

  static override styles = [
    sharedStyles,
    css`
      :host { display: flex; flex-direction: column; min-height: 100vh; background: #f7f8fa; }
      .skip { position: absolute; left: -999px; top: 0.5rem; background: #fff; color: #0a58a8; padding: 0.5rem 0.75rem; border-radius: 6px; z-index: 20; }
      .skip:focus { left: 0.5rem; }
      header { background: #1f3349; color: #fff; }
      .bar { max-width: 64rem; margin: 0 auto; padding: 0.6rem 1.25rem; display: flex; align-items: center; gap: 1rem; flex-wrap: wrap; }
      .brand { color: #fff; text-decoration: none; font-weight: 700; font-size: 1.2rem; letter-spacing: 0.01em; margin-inline-end: 0.5rem; }
      .brand:hover { color: #fff; text-decoration: underline; }
      .brand:focus-visible { outline-color: #ffd54f; }
      trovato-nav { flex: 1; }
      main { flex: 1; width: 100%; max-width: 64rem; margin: 0 auto; padding: 1.75rem 1.25rem 3rem; box-sizing: border-box; }
      main:focus { outline: none; }
      .sheet { background: #fff; border: 1px solid #e1e5ea; border-radius: 10px; padding: 1.5rem 1.75rem; box-shadow: 0 1px 2px rgba(16, 24, 40, 0.04); }
      .loading { color: #5b636e; }
      .sheet[data-loading] > :not(.loading) { display: none; }
      footer { border-top: 1px solid #e1e5ea; background: #fff; }
      footer p { max-width: 64rem; margin: 0 auto; padding: 1rem 1.25rem; font-size: 0.875rem; color: #5b636e; }
      footer a { margin-left: 0.5rem; }
      .home ul { padding-inline-start: 1.25rem; }
      .recipe-banner { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; background: #eaf2fb; border-color: #8fb4dc; color: #12324f; }
      .recipe-banner span { flex: 1; min-width: 14rem; }
      :host([data-dragging]) main { outline: 3px dashed #0a58a8; outline-offset: -6px; }
      @media (max-width: 48rem) {
        .bar { padding: 0.6rem 1rem; }
        trovato-nav { order: 3; flex-basis: 100%; }
        trovato-user-switcher { margin-inline-start: auto; }
        main { padding: 1rem 0.75rem 2rem; }
        .sheet { padding: 1rem; border-radius: 8px; }
      }
    `,
  ];

  /** The IndexedDB database of this site. */
  declare siteName: string;
  /** Shown in the header and the window title. */
  declare siteTitle: string;
  /** Where plugins.json lives. */
  declare pluginsUrl: string;
  /** The path the site is served under (Vite's BASE_URL). */
  declare base: string;
  declare private _location: { path: string; search: string };
  declare private _userId: string | null;
  declare private _page: Page;
  /**
   * A page load is under way (the main column is aria-busy). The previous page stays in the DOM,
   * so that the next plugin page updates its <trovato-render> instead of building it anew (see
   * #pageInstance for the pages that are built anew).
   */
  declare private _loading: boolean;
  /**
   * The load has taken LOADING_INDICATOR_DELAY_MS: the previous page is hidden behind "Loading…".
   * A quicker one goes straight from the last page to the next, without hiding the last page
   * and showing it again (a style change over the whole page, twice) while the worker works.
   */
  declare private _loadingShown: boolean;
  declare private _notice: string | null;

  readonly #kernel = new KernelController(this, () => ({ siteName: this.siteName, pluginsUrl: this.pluginsUrl, recipe: this.#pendingRecipe }));
  /** The pages, from the kernel in this page's worker. */
  readonly #source = new WorkerPageSource(this.#kernel);
  /** The recipe the page was opened with (link fragment or ?recipe=), read once at connect. */
  #pendingRecipe: Promise<RecipeResult> | null = null;
  #loadedKey = '';
  #loadSeq = 0;
  /**
   * Changes with each loaded page that must be built afresh rather than update the last one's
   * element: every page but a plugin's without a form. A form, or an admin page's element,
   * would keep what was typed into the last one (after a submit, say).
   */
  #pageInstance = 0;
  #focusMain = false;
  /** Keeps the page shown last as the last-page snapshot when the page is left (page-snapshot.ts). */
  readonly #snapshots = new SnapshotKeeper(this);

  constructor() {
    super();
    this.siteName = 'trovato-site';
    this.siteTitle = 'Trovato';
    this.base = import.meta.env.BASE_URL;
    this.pluginsUrl = `${import.meta.env.BASE_URL}plugins/`;
    this._location = { path: '/', search: '' };
    this._userId = null;
    this._page = { kind: 'loading' };
    this._loading = false;
    this._loadingShown = false;
    this._notice = null;
    this.addEventListener('click', this._onClick);
    this.addEventListener('navigate', this._onNavigate as EventListener);
    this.addEventListener('dragover', this._onDragOver);
    this.addEventListener('dragleave', () => this.removeAttribute('data-dragging'));
    this.addEventListener('drop', (event) => void this._onDrop(event));
  }

  override connectedCallback(): void {
    this._location = this.#readLocation();
    this._userId = readUserChoice(this.siteName);
    // While the kernel boots, so the first page's data version is read before it is asked for.
    this.#snapshots.open();
    window.addEventListener('popstate', this._onPopState);
    // `trovato dev` announces a rebuilt plugin; only the dev server has import.meta.hot.
    import.meta.hot?.on(PLUGIN_REBUILT_EVENT, this._onPluginRebuilt);
    window.addEventListener('hashchange', this._onHashChange);
    this.#pendingRecipe = recipeFromLocation(location);
    this.#recipeAttempted = this.#pendingRecipe !== null;
    super.connectedCallback();
    this.#pendingRecipe = null;
  }

  /**
   * A plugin was rebuilt by `trovato dev`: the worker loads the new build (the database and the
   * page stay) and the current page is read again, so the change shows without a reload.
   */
  private _onPluginRebuilt = async ({ name }: PluginRebuilt): Promise<void> => {
    if (this.#kernel.phase !== 'ready') return;
    try {
      const report = await this.#kernel.call('reloadPlugin', name);
      const refused = report.plugins.find((p) => p.name === name && p.status === 'refused');
      this._notice = refused ? `${name} was rebuilt but refused: ${refused.errors.join(' ')}` : `${name} reloaded.`;
      await this.#kernel.refresh();
      await this.#load(location);
    } catch (error) {
      this._notice = `${name} could not be reloaded: ${messageOf(error)}`;
    }
  };

  override disconnectedCallback(): void {
    window.removeEventListener('popstate', this._onPopState);
    import.meta.hot?.off(PLUGIN_REBUILT_EVENT, this._onPluginRebuilt);
    window.removeEventListener('hashchange', this._onHashChange);
    this.#snapshots.close();
    super.disconnectedCallback();
  }

  /** The user requests run as: the one picked, else the anonymous user. */
  get user(): SiteUser | undefined {
    return userForPick(this.#kernel.site?.users ?? [], this._userId);
  }

  protected override updated(): void {
    // A site that cannot start shows why, never a snapshot of how it once was.
    if (this.#kernel.phase === 'failed') retireSnapshot(this);
    if (this.#kernel.phase !== 'ready') return;
    const landing = this.#kernel.landing;
    if (landing) {
      // A recipe was applied: sign in as its user (for this preview only) and open its landing page.
      this.#kernel.landing = null;
      this._userId = this.#kernel.site?.users.find((u) => u.roles.includes(landing.user))?.id ?? null;
      this.navigate(landing.path, { replace: true });
      return;
    }
    this.#loadIfChanged();
    if (this.#focusMain && !this.#busy) {
      this.#focusMain = false;
      this.renderRoot.querySelector<HTMLElement>('main')?.focus({ preventScroll: true });
    }
  }

  override render(): TemplateResult {
    const kernel = this.#kernel;
    const site = kernel.site;
    const home = hrefFor('/', this.base);
    return html`
      <header>
        <!-- In the banner, so it is inside a landmark like everything else on the page. -->
        <a class="skip" href="#main" @click=${this._onSkip}>Skip to content</a>
        <div class="bar">
          <a class="brand" href=${home}>${this.siteTitle}</a>
          <trovato-nav .menu=${site?.menu ?? []} .access=${site ? this.#access() : null} .path=${this._location.path} .base=${this.base}></trovato-nav>
          ${site ? html`<trovato-user-switcher .users=${site.users} .userId=${this.user?.id ?? ''} @user-change=${this._onUserChange}></trovato-user-switcher>` : nothing}
        </div>
      </header>
      <main id="main" tabindex="-1" aria-busy=${String(kernel.phase !== 'ready' || this.#busy)}>
        ${kernel.mode.kind === 'recipe' && kernel.phase === 'ready' ? this.#renderRecipeBanner() : nothing}
        <trovato-boot-panel .phase=${kernel.phase} .progress=${kernel.progress} .error=${kernel.error} .report=${site?.report ?? null}
          .step=${kernel.recipeStep ? `${kernel.recipeStep.done + 1} of ${kernel.recipeStep.total}: ${kernel.recipeStep.step}` : null}>
          ${kernel.phase === 'failed' && this.#openedRecipe ? html`<button slot="recover" id="back-to-site" @click=${() => void this.#backToOwnSite()}>Open my own site</button>` : nothing}
        </trovato-boot-panel>
        ${kernel.phase === 'ready'
          ? html`${this._notice ? html`<div class="notice ok site-notice" role="status">${this._notice}</div>` : nothing}
              <div class="sheet" ?data-loading=${this._loadingShown}>${this._loadingShown ? LOADING : nothing}${keyed(this.#pageInstance, this.#renderPage())}</div>`
          : nothing}
      </main>
      <footer>
        <p>${site
          ? `${site.report.order.length} plugin${site.report.order.length === 1 ? '' : 's'} running as WebAssembly in a Web Worker, data in this browser's IndexedDB.`
          : 'A content site whose every feature is a WebAssembly plugin.'}
          <a rel="external" href=${`${this.base}playground/`}>Write a plugin in the playground</a></p>
      </footer>
    `;
  }

  #renderPage(): TemplateResult {
    const page = this._page;
    switch (page.kind) {
      case 'loading':
        return LOADING;
      case 'home':
        return this.#renderHome();
      case 'plugin':
        return html`<trovato-render .element=${page.tree} .plugin=${page.plugin} @render-submit=${this._onRenderSubmit}></trovato-render>`;
      case 'status':
        return html`<trovato-status-page .status=${page.status} .message=${page.message} .links=${this.#links()} .base=${this.base}></trovato-status-page>`;
      case 'item':
        return html`<trovato-item-view .page=${page.page} .canEdit=${page.canEdit} .base=${this.base}></trovato-item-view>`;
      case 'form':
        return html`<trovato-item-form .contentType=${page.type} .item=${page.item} .references=${page.references} .errors=${page.errors}
          .busy=${page.busy} .canDelete=${page.canDelete} .base=${this.base}
          @item-save=${this._onItemSave} @item-delete=${this._onItemDelete}></trovato-item-form>`;
      case 'content': {
        const types = this.#kernel.site?.contentTypes ?? [];
        return html`<trovato-content-admin .items=${page.items} .total=${page.total} .filters=${page.filters} .types=${types}
          .creatable=${types.filter((t) => this.#access().canCreate(t.machine_name))} .base=${this.base}></trovato-content-admin>`;
      }
      case 'plugins':
        return html`<trovato-plugin-admin .plugins=${page.plugins} .message=${page.message} .busy=${page.busy}
          @plugin-action=${this._onPluginAction}></trovato-plugin-admin>`;
      case 'people':
        return html`<trovato-people-admin .roles=${page.roles} .permissions=${page.permissions} .users=${page.users} .message=${page.message} .busy=${page.busy}
          @roles-save=${this._onRolesSave} @user-roles-save=${this._onUserRolesSave}></trovato-people-admin>`;
      case 'site':
        return html`<trovato-site-transfer .busy=${page.busy} .message=${page.message} .link=${page.link}
          @site-transfer=${(e: CustomEvent<SiteTransferDetail>) => void this._onTransfer(e.detail)}></trovato-site-transfer>`;
      case 'logs':
        return html`<trovato-log-viewer .entries=${page.entries} .filters=${page.filters}
          .pluginNames=${this.#kernel.site?.report.plugins.map((p) => p.name) ?? []}></trovato-log-viewer>`;
    }
  }

  #renderRecipeBanner(): TemplateResult {
    const recipe = this.#kernel.mode.kind === 'recipe' ? this.#kernel.mode.recipe : null;
    return html`<div class="notice recipe-banner" id="recipe-banner" role="status">
      <span>You are looking at the recipe ${recipe?.title ? html`<strong>${recipe.title}</strong>` : nothing} in a fresh database of its own; your own site is untouched.</span>
      <button id="apply-to-site" class="secondary" @click=${() => void this.#applyToOwnSite()}>Apply it to my site</button>
      <button id="back-to-site" class="secondary" @click=${() => void this.#backToOwnSite()}>Back to my site</button>
    </div>`;
  }

  #renderHome(): TemplateResult {
    const links = this.#links().filter((link) => link.path !== '/');
    return html`<section class="home">
      <h1>Welcome to ${this.siteTitle}</h1>
      <p>Every page here is built by WebAssembly plugins running in your browser. Pick a user in the header to see what each one may do,
        or <a rel="external" href=${`${this.base}playground/`}>write a plugin in the playground</a> and share it with a link.</p>
      ${links.length > 0 ? html`<ul>${links.map((link) => html`<li><a href=${hrefFor(link.path, this.base)}>${link.title}</a></li>`)}</ul>` : nothing}
    </section>`;
  }

  /** Top-level pages the user may visit, for the home and error pages. */
  #links(): StatusLink[] {
    const menu = (this.#kernel.site?.menu ?? [])
      .filter((node) => this.#access().can(node.route.permission))
      .map((node) => ({ path: node.route.path, title: node.route.title }));
    const admin = this.#access().canManageContent() ? [{ path: '/admin/content', title: 'Content administration' }] : [];
    return [{ path: '/', title: 'Home' }, ...menu, ...admin];
  }

  /** The main column has no page to show yet, or is loading the next one. */
  get #busy(): boolean {
    return this._loading || this._page.kind === 'loading';
  }

  /**
   * What the current user may do, as far as the UI offers it. The same object until the user or
   * the site's content types change: the nav is given it, and a new one on every update of the
   * site (two per navigation) made the nav render again for nothing.
   */
  #access(): Access {
    const user = this.user;
    const types = this.#kernel.site?.contentTypes ?? NO_TYPES;
    const last = this.#lastAccess;
    if (last !== null && last.user === user && last.types === types) return last.access;
    const access = createAccess(user, types);
    this.#lastAccess = { user, types, access };
    return access;
  }

  #lastAccess: { user: SiteUser | undefined; types: readonly ContentType[]; access: Access } | null = null;

  /** `at`: the URL being loaded (navigate asks before it records it, so the document's location may not show it yet). */
  async #load(at: UrlParts): Promise<void> {
    const seq = ++this.#loadSeq;
    this._loading = true;
    // Before the page is asked for: a write the page might show is never older than this read.
    let candidate = this.#snapshots.beforeLoad(this._userId ?? '', at);
    let page: Page;
    // The first page may have been built by the worker while this page's code loaded; any
    // other is asked for at once.
    const early = this.#source.firstPage(this._location, this.user, candidate?.before ?? null);
    const loading = early === null ? this.#source.load(this._location, this.user) : null;
    // After the request is on its way: nothing of this is in the way of the worker starting.
    setTimeout(() => {
      if (seq === this.#loadSeq && this._loading) this._loadingShown = true;
    }, LOADING_INDICATOR_DELAY_MS);
    try {
      const built = await early;
      // Kept, like any page, as of the data version read before its request (the worker's).
      if (built !== null) candidate = this.#snapshots.builtAt(this._userId ?? '', built.before);
      page = built?.page ?? (await (loading ?? this.#source.load(this._location, this.user)));
    } catch (error) {
      page = { kind: 'status', status: 500, message: messageOf(error) };
    }
    // A later navigation (or user switch) wins over a slow earlier one.
    if (seq !== this.#loadSeq) return;
    if (page.kind !== 'plugin' || holdsAnyForm(page.tree)) this.#pageInstance++;
    this._page = page;
    this._loading = false;
    this._loadingShown = false;
    showTitle(`${titleOf(page)} · ${this.siteTitle}`);
    void this.#markRendered(seq).then((shown) => {
      // Pages of the own site the data version covers, without a passing notice.
      const keepable = this.#kernel.mode.kind === 'own' && SNAPSHOT_PAGES.has(page.kind) && this._notice === null;
      if (shown && keepable && candidate !== null) this.#snapshots.shown(candidate, () => seq === this.#loadSeq && !this._loading && this._notice === null);
    });
    this.#cronAfterPage();
  }

  /**
   * Automated cron: once the page is shown, ask the worker to run cron if it is due (at most
   * once per interval; the worker decides). Nothing waits for it; a failure is reported on the
   * page, not swallowed.
   */
  #cronAfterPage(): void {
    setTimeout(() => {
      this.#kernel.call('cronTick').then(
        (report) => {
          if (report && report.errors.length > 0) console.warn(`Cron ran with ${report.errors.length} error(s); see /admin/logs.`, report.errors);
        },
        (error: unknown) => {
          this._notice = `Cron could not run: ${messageOf(error)}`;
        },
      );
    }, 0);
  }

  /**
   * User Timing marks for `npm run bench`: `trovato:page` (detail: the path) once a LIVE page's
   * tree (the kernel's answer) is in the DOM, the page's own element included;
   * `trovato:first-page` the first time only. A last-page snapshot shown at boot sets
   * `trovato:snapshot` instead (page-snapshot.ts), never these. Resolves to whether the page was
   * shown (a later load may have overtaken it).
   */
  async #markRendered(seq: number): Promise<boolean> {
    await this.updateComplete;
    const shown = this.renderRoot.querySelector('.sheet > *');
    if (shown instanceof LitElement) await shown.updateComplete;
    if (seq !== this.#loadSeq) return false;
    // The live page replaces the last-page snapshot, if the boot script showed one.
    retireSnapshot(this);
    // One entry at a time: a long session must not grow the performance timeline.
    performance.clearMarks('trovato:page');
    performance.mark('trovato:page', { detail: this._location.path });
    if (performance.getEntriesByName('trovato:first-page').length === 0) performance.mark('trovato:first-page', { detail: this._location.path });
    return true;
  }

  /** Shows `path` (an app path with an optional query) and records it in the history. */
  navigate(path: string, options: { replace?: boolean } = {}): void {
    const url = new URL(hrefFor(path, this.base), location.href);
    this._notice = null;
    this.#focusMain = true;
    this._location = siteLocationOf(url, this.base);
    // Same URL again (a link to the current page): load it afresh.
    if (this.#pageKey() === this.#loadedKey) this.#loadedKey = '';
    // Asked for before anything else: the worker builds the page while this thread records the
    // history entry (a pushState takes 0.3-0.9 ms here) and renders the loading state.
    this.#loadIfChanged(url);
    if (options.replace) history.replaceState(null, '', url.pathname + url.search + url.hash);
    else if (url.pathname + url.search !== location.pathname + location.search) history.pushState(null, '', url.pathname + url.search + url.hash);
    window.scrollTo({ top: 0 });
  }

  /** What a loaded page depends on: the user and the location. */
  #pageKey(): string {
    return `${this.user?.id}|${this._location.path}?${this._location.search}`;
  }

  /** Loads the page for the current user and location, unless it is the one loaded or loading. */
  #loadIfChanged(at: UrlParts = location): void {
    if (this.#kernel.phase !== 'ready') return;
    const key = this.#pageKey();
    if (key === this.#loadedKey) return;
    this.#loadedKey = key;
    void this.#load(at);
  }

  #readLocation(): { path: string; search: string } {
    return siteLocationOf(location, this.base);
  }

  private _onPopState = (): void => {
    this._notice = null;
    this._location = this.#readLocation();
  };

  /** A recipe link pasted into the address bar of an open site changes only the fragment. */
  private _onHashChange = (): void => {
    const recipe = recipeFromLocation(location);
    if (recipe) this.openRecipe(recipe);
  };

  private _onNavigate = (event: CustomEvent<NavigateDetail>): void => {
    event.stopPropagation();
    this.navigate(event.detail.path);
  };

  /** Plain clicks on links to this site stay in the page; other clicks keep their browser meaning. */
  private _onClick = (event: MouseEvent): void => {
    const target = inSiteTarget(event, this.base);
    if (target === null) return;
    event.preventDefault();
    this.navigate(target);
  };

  private _onSkip(event: Event): void {
    event.preventDefault();
    this.renderRoot.querySelector<HTMLElement>('main')?.focus();
  }

  private _onUserChange(event: CustomEvent<UserChangeDetail>): void {
    this._userId = event.detail.userId;
    // A recipe preview's user is the preview's business, not the visitor's own site's.
    if (this.#kernel.mode.kind === 'own') writeUserChoice(this.siteName, event.detail.userId);
    this._notice = null;
    // Signing in through the switcher is a login: plugins hear of it through tap_user_login.
    this.#kernel.call('login', specOf(this.user)).then(
      (result) => {
        if (result.errors.length > 0) this._notice = `Signed in; a plugin's tap_user_login failed: ${result.errors.join(' ')}`;
      },
      (error: unknown) => {
        this._notice = `Signing in failed: ${messageOf(error)}`;
      },
    );
  }

  /** A plugin form was submitted: validate and submit through the page source; messages go next to the fields. */
  private async _onRenderSubmit(event: CustomEvent<RenderSubmitDetail>): Promise<void> {
    const page = this._page;
    if (page.kind !== 'plugin' || event.detail.formId === null) return;
    const seq = this.#loadSeq;
    const formId = event.detail.formId;
    try {
      const result = await this.#source.submitForm({ form_id: formId, plugin: event.detail.plugin, path: page.path, values: event.detail.values }, this.user);
      if (seq !== this.#loadSeq) return;
      if (result.ok) {
        this._notice = [...result.messages, ...result.errors].join(' ') || 'Submitted.';
        this.#loadedKey = '';
        this.requestUpdate();
        return;
      }
      this._page = { ...page, tree: withFieldErrors(page.tree, formId, result.fieldErrors) };
    } catch (error) {
      this._notice = `The form could not be submitted: ${messageOf(error)}`;
    }
  }

  private async _onRolesSave(event: CustomEvent<RolesSaveDetail>): Promise<void> {
    const page = this._page;
    if (page.kind !== 'people') return;
    this._page = { ...page, busy: true, message: null };
    this._page = await this.#source.people(await saveRoleGrants(this.#kernel, event.detail.grants, this.user));
  }

  private async _onUserRolesSave(event: CustomEvent<UserRolesSaveDetail>): Promise<void> {
    const page = this._page;
    if (page.kind !== 'people') return;
    this._page = { ...page, busy: true, message: null };
    this._page = await this.#source.people(await saveUserRoles(this.#kernel, event.detail.id, event.detail.roles, this.user));
  }

  private async _onItemSave(event: CustomEvent<ItemSaveDetail>): Promise<void> {
    const page = this._page;
    if (page.kind !== 'form') return;
    const seq = this.#loadSeq;
    this._page = { ...page, busy: true };
    let errors: FieldError[];
    try {
      const result = await this.#kernel.call('saveItem', event.detail.draft, specOf(this.user));
      if (seq !== this.#loadSeq) return;
      if (result.ok) {
        this.navigate(`/item/${encodeURIComponent(result.item.id)}`);
        this._notice = `Saved “${result.item.title}”.`;
        return;
      }
      errors = result.errors;
    } catch (error) {
      errors = [{ field: '', message: messageOf(error) }];
    }
    if (seq !== this.#loadSeq) return;
    this._page = { ...page, busy: false, errors };
  }

  private async _onItemDelete(event: CustomEvent<ItemDeleteDetail>): Promise<void> {
    const page = this._page;
    if (page.kind !== 'form') return;
    const seq = this.#loadSeq;
    this._page = { ...page, busy: true };
    let message: string;
    try {
      const result = await this.#kernel.call('deleteItem', event.detail.id, specOf(this.user));
      if (seq !== this.#loadSeq) return;
      if (result.ok) {
        this.navigate(this.#access().canManageContent() ? '/admin/content' : '/');
        this._notice = `Deleted “${page.item?.title ?? event.detail.id}”.`;
        return;
      }
      message = result.error;
    } catch (error) {
      message = messageOf(error);
    }
    if (seq !== this.#loadSeq) return;
    this._page = { ...page, busy: false, errors: [{ field: '', message }] };
  }

  /** Whether this page load opened a recipe (a failed one offers the way back to the visitor's site). */
  get #openedRecipe(): boolean {
    return this.#kernel.mode.kind === 'recipe' || this.#recipeAttempted;
  }

  #recipeAttempted = false;

  /** Opens a recipe in a fresh preview database, clearing the recipe link from the address bar. */
  openRecipe(recipe: Promise<RecipeResult> | RecipeResult): void {
    this.#recipeAttempted = true;
    this.#loadedKey = '';
    void this.#kernel.openRecipe(recipe);
  }

  async #backToOwnSite(): Promise<void> {
    this.#recipeAttempted = false;
    this.#loadedKey = '';
    this._userId = readUserChoice(this.siteName);
    history.replaceState(null, '', hrefFor('/', this.base));
    this._location = this.#readLocation();
    await this.#kernel.backToOwnSite();
  }

  async #applyToOwnSite(): Promise<void> {
    const title = this.#kernel.mode.kind === 'recipe' ? (this.#kernel.mode.recipe.title ?? 'this recipe') : 'this recipe';
    if (!confirm(`Apply ${title} to your own site? Your site is copied into a fresh database with the recipe applied on top; it replaces your site only if every step succeeds.`)) return;
    const result = await this.#kernel.applyRecipeToOwnSite();
    this._notice = result.ok ? `Applied ${title} to your site.` : null;
    if (!result.ok) alert(`The recipe was not applied to your site: ${result.error}`);
    this.#loadedKey = '';
    this.requestUpdate();
  }

  private _onDragOver = (event: DragEvent): void => {
    if (!event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    this.setAttribute('data-dragging', '');
  };

  /** A dropped recipe (.json) opens in a fresh database; a dropped export (.zip) goes to the import. */
  private async _onDrop(event: DragEvent): Promise<void> {
    this.removeAttribute('data-dragging');
    const file = event.dataTransfer?.files[0];
    if (!file) return;
    event.preventDefault();
    if (file.name.endsWith('.zip')) await this._onTransfer({ action: 'import-zip', file });
    else this.openRecipe(recipeFromFile(file));
  }

  private async _onTransfer(detail: SiteTransferDetail): Promise<void> {
    const page = this._page.kind === 'site' ? this._page : null;
    const show = (message: TransferMessage | null, link: RecipeLinkState = null): void => {
      if (this._page.kind === 'site') this._page = { kind: 'site', busy: false, message, link };
      else if (message) this._notice = message.text;
    };
    if (page) this._page = { ...page, busy: true, message: null };
    try {
      switch (detail.action) {
        case 'export-zip':
          show(await exportZip(this.#kernel, this.siteName));
          break;
        case 'export-link': {
          const site = { pluginsUrl: new URL(this.pluginsUrl, document.baseURI).href, title: this.siteTitle, siteUrl: `${location.origin}${hrefFor('/', this.base)}` };
          show(null, await exportLink(this.#kernel, site));
          break;
        }
        case 'import-zip':
          show(detail.file ? await importZipFile(this.#kernel, detail.file) : null);
          break;
        case 'open-recipe':
          if (detail.file) this.openRecipe(recipeFromFile(detail.file));
          break;
      }
    } catch (error) {
      show({ kind: 'error', text: messageOf(error) });
    }
  }

  private async _onPluginAction(event: CustomEvent<PluginActionDetail>): Promise<void> {
    const page = this._page;
    if (page.kind !== 'plugins') return;
    const seq = this.#loadSeq;
    this._page = { ...page, busy: event.detail.name, message: null };
    const message = await changePlugin(this.#kernel, event.detail);
    const plugins = await this.#kernel.call('plugins').catch(() => page.plugins);
    if (seq !== this.#loadSeq) return;
    this._page = { kind: 'plugins', plugins, message, busy: null };
  }
}

if (!customElements.get('trovato-site')) customElements.define('trovato-site', TrovatoSite);

declare global {
  interface HTMLElementTagNameMap {
    'trovato-site': TrovatoSite;
  }
}
