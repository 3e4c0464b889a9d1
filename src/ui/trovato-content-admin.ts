import { css, html, LitElement, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import type { ContentType, Item } from '../site/protocol.js';
import { CONTENT_PAGE_SIZE, contentUrl, hrefFor, type ContentFilters } from './router.js';
import { sharedStyles } from './shared-styles.js';
import type { NavigateDetail } from '../render/types.js';

/** `detail` of the `navigate` events elements of the site send. */
/**
 * /admin/content: every item the user may see, filtered by type and status, 20 a page, with
 * view and edit links and "add" links for the types the user may create. Filters live in the
 * URL, so a filtered listing can be bookmarked and the back button undoes a filter.
 *
 * @fires navigate - `CustomEvent<NavigateDetail>` (bubbles, composed) when a filter changes.
 */
export class TrovatoContentAdmin extends LitElement {
  static override properties: PropertyDeclarations = {
    items: { attribute: false },
    total: { attribute: false },
    filters: { attribute: false },
    types: { attribute: false },
    creatable: { attribute: false },
    base: { attribute: false },
  };

  static override styles = [
    sharedStyles,
    css`
      .toolbar { display: flex; flex-wrap: wrap; gap: 1rem; align-items: end; margin: 0 0 1rem; }
      .toolbar label { display: grid; gap: 0.25rem; font-size: 0.9rem; font-weight: 600; }
      .toolbar select { font-weight: 400; }
      .add { display: flex; flex-wrap: wrap; gap: 0.5rem; margin: 0 0 1.25rem; }
      .pager { display: flex; gap: 1rem; align-items: center; justify-content: space-between; margin-top: 1rem; flex-wrap: wrap; }
      td.actions a { margin-inline-end: 0.75rem; }
      td.title { min-width: 10rem; }
      .empty { padding: 1rem 0; }
    `,
  ];

  declare items: Item[];
  /** Items matching the filters, over every page. */
  declare total: number;
  declare filters: ContentFilters;
  declare types: ContentType[];
  /** Types the user may add items of. */
  declare creatable: ContentType[];
  declare base: string;

  constructor() {
    super();
    this.items = [];
    this.total = 0;
    this.filters = { page: 1 };
    this.types = [];
    this.creatable = [];
    this.base = '/';
  }

  override render(): TemplateResult {
    const pages = Math.max(1, Math.ceil(this.total / CONTENT_PAGE_SIZE));
    const page = Math.min(this.filters.page, pages);
    const label = (type: string): string => this.types.find((t) => t.machine_name === type)?.label ?? type;
    return html`
      <h1>Content</h1>
      ${this.creatable.length > 0
        ? html`<div class="add">${this.creatable.map(
            (type) => html`<a class="button" href=${hrefFor(`/item/add/${encodeURIComponent(type.machine_name)}`, this.base)}>Add ${type.label.toLowerCase()}</a>`,
          )}</div>`
        : nothing}
      <div class="toolbar" role="search" aria-label="Filter content">
        <label>Type
          <select name="type" @change=${this._onTypeFilter}>
            <option value="" ?selected=${!this.filters.type}>Any type</option>
            ${this.types.map((t) => html`<option value=${t.machine_name} ?selected=${this.filters.type === t.machine_name}>${t.label}</option>`)}
          </select>
        </label>
        <label>Status
          <select name="status" @change=${this._onStatusFilter}>
            <option value="" ?selected=${this.filters.status === undefined}>Any status</option>
            <option value="1" ?selected=${this.filters.status === 1}>Published</option>
            <option value="0" ?selected=${this.filters.status === 0}>Unpublished</option>
          </select>
        </label>
      </div>
      ${this.items.length === 0
        ? html`<p class="empty muted">No content matches these filters.</p>`
        : html`<div class="table-wrap"><table>
            <caption class="visually-hidden">Content, page ${page} of ${pages}</caption>
            <thead><tr><th scope="col">Title</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col">Updated</th><th scope="col">Actions</th></tr></thead>
            <tbody>${this.items.map((item) => html`<tr>
              <td class="title"><a href=${hrefFor(`/item/${encodeURIComponent(item.id)}`, this.base)}>${item.title || '(untitled)'}</a></td>
              <td>${label(item.item_type)}</td>
              <td><span class="badge ${item.status === 1 ? 'on' : 'off'}">${item.status === 1 ? 'Published' : 'Unpublished'}</span></td>
              <td>${formatTime(item.changed)}</td>
              <td class="actions">
                <a href=${hrefFor(`/item/${encodeURIComponent(item.id)}`, this.base)} aria-label=${`View ${item.title}`}>View</a>
                <a href=${hrefFor(`/item/${encodeURIComponent(item.id)}/edit`, this.base)} aria-label=${`Edit ${item.title}`}>Edit</a>
              </td>
            </tr>`)}</tbody>
          </table></div>`}
      <nav class="pager" aria-label="Pages">
        <span class="muted">${this.total} item${this.total === 1 ? '' : 's'} · page ${page} of ${pages}</span>
        <span>
          ${page > 1 ? html`<a rel="prev" href=${hrefFor(contentUrl({ ...this.filters, page: page - 1 }), this.base)}>← Previous</a>` : nothing}
          ${page < pages ? html` <a rel="next" href=${hrefFor(contentUrl({ ...this.filters, page: page + 1 }), this.base)}>Next →</a>` : nothing}
        </span>
      </nav>
    `;
  }

  private _onTypeFilter(event: Event): void {
    const type = (event.target as HTMLSelectElement).value || undefined;
    this.#go({ ...this.filters, type, page: 1 });
  }

  private _onStatusFilter(event: Event): void {
    const value = (event.target as HTMLSelectElement).value;
    this.#go({ ...this.filters, status: value === '1' ? 1 : value === '0' ? 0 : undefined, page: 1 });
  }

  #go(filters: ContentFilters): void {
    const detail: NavigateDetail = { path: contentUrl(filters) };
    this.dispatchEvent(new CustomEvent('navigate', { detail, bubbles: true, composed: true }));
  }
}

function formatTime(seconds: number): string {
  if (!seconds) return '—';
  return new Date(seconds * 1000).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

if (!customElements.get('trovato-content-admin')) customElements.define('trovato-content-admin', TrovatoContentAdmin);

declare global {
  interface HTMLElementTagNameMap {
    'trovato-content-admin': TrovatoContentAdmin;
  }
}
