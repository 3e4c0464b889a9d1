/**
 * The served site's scripts taking over a page `trovato serve` rendered (src/server/pages.ts
 * wraps its header and main in this element): the first page stays as the server sent it;
 * after that, links inside the site, the back and forward buttons and plugin forms go through
 * the server's page data (HttpPageSource) and are shown in place by the same Lit elements as
 * the in-browser site, with no document load. Pages the scripts do not build (admin pages, item
 * forms, the home page) load as documents, and so does every page when the server does not
 * answer page data. Without scripts the server's links and form posts do the same work.
 */
import { html, nothing, render, type TemplateResult } from 'lit';
import { messageOf } from '../kernel/common/errors.js';
import { FORM_ID_FIELD } from '../render/form-id.js';
import type { RenderSubmitDetail } from '../render/types.js';
import { withEnteredValues, withFieldErrors } from './form-errors.js';
import { HttpPageSource, type ServedPage } from './http-page-source.js';
import { showTitle, titleOf, type PluginPage } from './page.js';
import { siteLocationOf } from './router.js';
import { inSiteTarget } from './site-links.js';
import './trovato-item-view.js';
import './trovato-render.js';
import './trovato-status-page.js';

/** The served site lives at the root of its server. */
const BASE = '/';

export class TrovatoServedSite extends HTMLElement {
  readonly #source = new HttpPageSource();
  /** The page shown, once the scripts have shown one (the first is the server's HTML). */
  #page: ServedPage | null = null;
  #notice: string | null = null;
  #loadSeq = 0;
  #tookOver = false;

  connectedCallback(): void {
    this.addEventListener('click', this.#onClick);
    this.addEventListener('submit', this.#onPlainSubmit);
    this.addEventListener('render-submit', this.#onRenderSubmit as EventListener);
    window.addEventListener('popstate', this.#onPopState);
    // Tells tests (and curious readers of the DOM) that the scripts are in charge.
    this.setAttribute('data-scripted', '');
  }

  disconnectedCallback(): void {
    this.removeEventListener('click', this.#onClick);
    this.removeEventListener('submit', this.#onPlainSubmit);
    this.removeEventListener('render-submit', this.#onRenderSubmit as EventListener);
    window.removeEventListener('popstate', this.#onPopState);
  }

  /** Shows `target` (a path with an optional query) and records it in the history. */
  navigate(target: string): void {
    history.pushState(null, '', target);
    this.#notice = null;
    void this.#show({ focus: true });
  }

  get #main(): HTMLElement | null {
    return this.querySelector('main');
  }

  #here(): { path: string; search: string } {
    return siteLocationOf(location, BASE);
  }

  /** Loads the page at the current location from the server and shows it. */
  async #show(options: { focus: boolean }): Promise<void> {
    const seq = ++this.#loadSeq;
    this.#main?.setAttribute('aria-busy', 'true');
    let page: ServedPage;
    try {
      page = await this.#source.load(this.#here());
    } catch {
      // The server answered no page data (restarting, or an error page): let it answer the document.
      if (seq === this.#loadSeq) location.reload();
      return;
    }
    if (seq !== this.#loadSeq) return;
    if (page.kind === 'document') {
      location.replace(page.href);
      return;
    }
    this.#page = page;
    this.#render();
    showTitle(`${titleOf(page)} · Trovato`);
    if (options.focus) {
      this.#main?.focus({ preventScroll: true });
      window.scrollTo({ top: 0 });
    }
  }

  #render(): void {
    const main = this.#main;
    const page = this.#page;
    if (main === null || page === null || page.kind === 'document') return;
    if (!this.#tookOver) {
      // The server's HTML of the first page goes; Lit owns the main column from here on.
      main.replaceChildren();
      main.tabIndex = -1;
      this.#tookOver = true;
    }
    main.setAttribute('aria-busy', 'false');
    const notice = this.#notice ? html`<p class="notice" role="status">${this.#notice}</p>` : nothing;
    render(html`${notice}${pageTemplate(page)}`, main);
  }

  #onClick = (event: MouseEvent): void => {
    const target = inSiteTarget(event, BASE);
    if (target === null) return;
    event.preventDefault();
    this.navigate(target);
  };

  #onPopState = (): void => {
    this.#notice = null;
    void this.#show({ focus: false });
  };

  /** A plugin form of the page's Lit renderer was submitted. */
  #onRenderSubmit = (event: CustomEvent<RenderSubmitDetail>): void => {
    const page = this.#page;
    if (page?.kind !== 'plugin' || event.detail.formId === null) return;
    void this.#submit(page, event.detail.formId, event.detail.values);
  };

  /**
   * A plugin form of the server's first page (plain HTML, named by its hidden form id field):
   * sent through the page data too, so its answer shows without a document load. Forms with
   * an action (item forms, the user switcher) stay plain posts.
   */
  #onPlainSubmit = (event: SubmitEvent): void => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.hasAttribute('action')) return;
    const idField = form.elements.namedItem(FORM_ID_FIELD);
    if (!(idField instanceof HTMLInputElement)) return;
    event.preventDefault();
    const values = Object.fromEntries(
      [...new FormData(form)].filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[0] !== FORM_ID_FIELD),
    );
    void (async () => {
      // Messages go next to the fields of the plugin's tree: the first page's tree is needed.
      const page = this.#page ?? (await this.#source.load(this.#here()).catch(() => null));
      if (page?.kind !== 'plugin') {
        form.submit();
        return;
      }
      await this.#submit(page, idField.value, values);
    })();
  };

  async #submit(page: PluginPage, formId: string, values: Record<string, string>): Promise<void> {
    const seq = this.#loadSeq;
    try {
      const result = await this.#source.submitForm({ form_id: formId, plugin: page.plugin, path: page.path, values });
      if (seq !== this.#loadSeq) return;
      if (result.ok) {
        this.#notice = [...result.messages, ...result.errors].join(' ') || 'Submitted.';
        await this.#show({ focus: false });
        return;
      }
      this.#notice = result.errors.length > 0 ? result.errors.join(' ') : null;
      this.#page = { ...page, tree: withFieldErrors(withEnteredValues(page.tree, formId, values), formId, result.fieldErrors) };
    } catch (error) {
      this.#notice = `The form could not be submitted: ${messageOf(error)}`;
      this.#page = page;
    }
    this.#render();
  }
}

/** The main column of a page, with the elements the in-browser site uses for it. */
function pageTemplate(page: Exclude<ServedPage, { kind: 'document' }>): TemplateResult {
  switch (page.kind) {
    case 'plugin':
      return html`<h1>${page.title}</h1><div class="plugin-content"><trovato-render .element=${page.tree} .plugin=${page.plugin}></trovato-render></div>`;
    case 'item':
      return html`<trovato-item-view .page=${page.page} .canEdit=${page.canEdit} .base=${BASE}></trovato-item-view>`;
    case 'status':
      return html`<trovato-status-page .status=${page.status} .message=${page.message} .links=${[{ path: '/', title: 'Home' }]} .base=${BASE}></trovato-status-page>`;
  }
}

if (!customElements.get('trovato-served-site')) customElements.define('trovato-served-site', TrovatoServedSite);

declare global {
  interface HTMLElementTagNameMap {
    'trovato-served-site': TrovatoServedSite;
  }
}
