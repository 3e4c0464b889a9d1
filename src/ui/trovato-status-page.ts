import { css, html, LitElement, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import { hrefFor } from './router.js';
import { sharedStyles } from './shared-styles.js';

/** A link a status page offers. */
export interface StatusLink {
  path: string;
  title: string;
}

const HEADINGS: Record<number, string> = {
  403: 'Access denied',
  404: 'Page not found',
  500: 'Something went wrong',
};

/** The 403 / 404 / error page, with the reason and where to go instead. */
export class TrovatoStatusPage extends LitElement {
  static override properties: PropertyDeclarations = {
    status: { type: Number },
    message: { attribute: false },
    links: { attribute: false },
    base: { attribute: false },
  };

  static override styles = [
    sharedStyles,
    css`
      .code { font-size: 0.95rem; letter-spacing: 0.08em; color: #5b636e; margin: 0; }
      ul { padding-inline-start: 1.25rem; }
    `,
  ];

  /** 403, 404 or 500. */
  declare status: number;
  /** Why, as a sentence. */
  declare message: string;
  declare links: StatusLink[];
  declare base: string;

  constructor() {
    super();
    this.status = 404;
    this.message = '';
    this.links = [];
    this.base = '/';
  }

  override render(): TemplateResult {
    return html`<section>
      <p class="code">Error ${this.status}</p>
      <h1>${HEADINGS[this.status] ?? 'Error'}</h1>
      <p>${this.message}</p>
      ${this.status === 403 ? html`<p class="muted">Pick another user in the header to see the page as them.</p>` : nothing}
      ${this.links.length > 0
        ? html`<h2>Try one of these</h2>
            <ul>${this.links.map((link) => html`<li><a href=${hrefFor(link.path, this.base)}>${link.title}</a></li>`)}</ul>`
        : nothing}
    </section>`;
  }
}

if (!customElements.get('trovato-status-page')) customElements.define('trovato-status-page', TrovatoStatusPage);

declare global {
  interface HTMLElementTagNameMap {
    'trovato-status-page': TrovatoStatusPage;
  }
}
