import { css, html, LitElement, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import type { ItemPage } from '../site/protocol.js';
import { hrefFor } from './router.js';
import { sharedStyles } from './shared-styles.js';
import './trovato-render.js';

/**
 * One item as the plugins render it (`viewItem`): the render tree through `<trovato-render>`,
 * a small notice listing handler failures, and an edit link for users who may edit.
 * Access and not-found pages are the site's job; this shows a granted page.
 */
export class TrovatoItemView extends LitElement {
  static override properties: PropertyDeclarations = {
    page: { attribute: false },
    canEdit: { attribute: false },
    base: { attribute: false },
  };

  static override styles = [
    sharedStyles,
    css`
      .actions { display: flex; gap: 0.75rem; margin: 0 0 1rem; font-size: 0.95rem; }
      .notice.plugin-errors { font-size: 0.9rem; }
      .meta { font-size: 0.9rem; }
    `,
  ];

  declare page: ItemPage | null;
  declare canEdit: boolean;
  declare base: string;

  constructor() {
    super();
    this.page = null;
    this.canEdit = false;
    this.base = '/';
  }

  override render(): TemplateResult | typeof nothing {
    const page = this.page;
    if (page === null || page.item === null) return nothing;
    const item = page.item;
    return html`
      ${this.canEdit
        ? html`<div class="actions"><a class="edit" href=${hrefFor(`/item/${encodeURIComponent(item.id)}/edit`, this.base)}>Edit “${item.title}”</a></div>`
        : nothing}
      ${page.errors.length > 0
        ? html`<div class="notice warning plugin-errors" role="status">
            Some plugins failed while building this page:
            <ul>${page.errors.map((error) => html`<li>${error}</li>`)}</ul>
          </div>`
        : nothing}
      ${page.render === null || page.render === undefined
        ? html`<article>
            <h1>${item.title}</h1>
            <p class="muted meta">No plugin renders items of type <code>${item.item_type}</code>.</p>
          </article>`
        : html`<trovato-render .element=${page.render} .plugin=${page.renderPlugin || 'site'}></trovato-render>`}
    `;
  }
}

if (!customElements.get('trovato-item-view')) customElements.define('trovato-item-view', TrovatoItemView);

declare global {
  interface HTMLElementTagNameMap {
    'trovato-item-view': TrovatoItemView;
  }
}
