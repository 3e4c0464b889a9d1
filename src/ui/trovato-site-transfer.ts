import { css, html, LitElement, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import { sharedStyles } from './shared-styles.js';

/** What the page did last, for the message at the top. */
export type TransferMessage = { kind: 'ok' | 'error'; text: string };

/** A recipe link, or why the site does not fit in one. */
export type RecipeLinkState = { url: string } | { tooLong: number; budget: number } | null;

export interface SiteTransferDetail {
  action: 'export-zip' | 'export-link' | 'import-zip' | 'open-recipe';
  file?: File;
}

/**
 * `/admin/site`: export the whole site (a .zip with every plugin's wasm, the content, variables
 * and settings; or a recipe link when it fits), import a .zip into a fresh database (it
 * replaces this site only once it imported completely), and open a recipe file.
 *
 * @fires site-transfer - SiteTransferDetail: the button pressed, with the chosen file.
 */
export class TrovatoSiteTransfer extends LitElement {
  static override properties: PropertyDeclarations = {
    busy: { attribute: false },
    message: { attribute: false },
    link: { attribute: false },
  };

  static override styles = [
    sharedStyles,
    css`
      section { margin-bottom: 1.5rem; }
      .row { display: flex; gap: 0.5rem; flex-wrap: wrap; align-items: center; }
      #recipe-link { width: 100%; font-family: ui-monospace, monospace; margin-top: 0.5rem; box-sizing: border-box; }
      label.button input { display: none; }
    `,
  ];

  declare busy: boolean;
  declare message: TransferMessage | null;
  declare link: RecipeLinkState;

  constructor() {
    super();
    this.busy = false;
    this.message = null;
    this.link = null;
  }

  override render(): TemplateResult {
    const link = this.link;
    return html`
      <h1>Export and import</h1>
      ${this.message ? html`<div class="notice ${this.message.kind}" role=${this.message.kind === 'error' ? 'alert' : 'status'} id="transfer-message">${this.message.text}</div>` : nothing}
      <section>
        <h2>Export this site</h2>
        <p class="muted">Everything: every plugin with its wasm, the content, plugin variables and tables, and the site's settings.</p>
        <div class="row">
          <button id="export-zip" ?disabled=${this.busy} @click=${() => this.#fire('export-zip')}>Download .zip</button>
          <button id="export-link" class="secondary" ?disabled=${this.busy} @click=${() => this.#fire('export-link')}>Make a recipe link</button>
        </div>
        ${link && 'url' in link
          ? html`<label>Recipe link (${link.url.length.toLocaleString()} characters); it opens a copy of this site in a fresh database:
              <input id="recipe-link" readonly .value=${link.url} @focus=${(e: Event) => (e.target as HTMLInputElement).select()} /></label>`
          : nothing}
        ${link && 'tooLong' in link
          ? html`<p class="notice warning" id="link-too-long">This site is too large for a link (${link.tooLong.toLocaleString()} characters; links stop at
              ${link.budget.toLocaleString()}). Download the .zip instead; it imports here or on any Trovato site.</p>`
          : nothing}
      </section>
      <section>
        <h2>Import a site</h2>
        <p class="muted">A .zip exported from a Trovato site. It is restored into a fresh database and replaces this site only once every part of it was
          imported; if anything fails, this site stays exactly as it is.</p>
        <div class="row">
          <label class="button secondary">Import .zip…<input id="import-zip" type="file" accept=".zip,application/zip" ?disabled=${this.busy}
            @change=${(e: Event) => this.#fileChosen(e, 'import-zip')} /></label>
          <label class="button secondary">Open a recipe…<input id="open-recipe" type="file" accept=".json,application/json" ?disabled=${this.busy}
            @change=${(e: Event) => this.#fileChosen(e, 'open-recipe')} /></label>
        </div>
        <p class="muted">You can also drop a recipe (.json) or an export (.zip) anywhere on the page. A recipe opens in a fresh database of its own.</p>
      </section>
    `;
  }

  #fire(action: SiteTransferDetail['action'], file?: File): void {
    this.dispatchEvent(new CustomEvent<SiteTransferDetail>('site-transfer', { detail: { action, file }, bubbles: true, composed: true }));
  }

  #fileChosen(event: Event, action: 'import-zip' | 'open-recipe'): void {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (file) this.#fire(action, file);
  }
}

if (!customElements.get('trovato-site-transfer')) customElements.define('trovato-site-transfer', TrovatoSiteTransfer);

declare global {
  interface HTMLElementTagNameMap {
    'trovato-site-transfer': TrovatoSiteTransfer;
  }
}
