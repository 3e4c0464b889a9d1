import { css, html, LitElement, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import type { MenuTreeNode } from '../site/protocol.js';
import type { Access } from './access.js';
import { hrefFor } from './router.js';

interface NavLink {
  path: string;
  title: string;
  children: NavLink[];
}

/** The UI's own pages, with the permission each needs. */
const ADMIN_LINKS: ReadonlyArray<{ path: string; title: string; allowed: (access: Access) => boolean }> = [
  { path: '/admin/content', title: 'Content', allowed: (access) => access.canManageContent() },
  { path: '/admin/plugins', title: 'Plugins', allowed: (access) => access.can('administer plugins') },
  { path: '/admin/people', title: 'People', allowed: (access) => access.can('administer site') },
  { path: '/admin/logs', title: 'Logs', allowed: (access) => access.can('view logs') },
  { path: '/admin/site', title: 'Export', allowed: (access) => access.can('administer site') },
];

/**
 * The main navigation: the plugins' menu tree (parents, children, weights) the user may visit,
 * then the admin pages the user may use. Collapses behind a button on narrow screens. Links are
 * real hrefs; the site intercepts plain clicks on them.
 */
export class TrovatoNav extends LitElement {
  static override properties: PropertyDeclarations = {
    menu: { attribute: false },
    access: { attribute: false },
    path: { attribute: false },
    base: { attribute: false },
    _open: { state: true },
  };

  static override styles = css`
    :host { display: block; }
    a { color: inherit; text-decoration: none; display: block; padding: 0.45rem 0.7rem; border-radius: 6px; }
    a:hover { background: rgba(255, 255, 255, 0.14); }
    a[aria-current='page'] { background: rgba(255, 255, 255, 0.22); font-weight: 600; }
    a:focus-visible, button:focus-visible { outline: 3px solid #ffd54f; outline-offset: 1px; }
    ul { list-style: none; margin: 0; padding: 0; }
    .top { display: flex; flex-wrap: wrap; gap: 0.15rem; align-items: center; }
    .top > li { position: relative; }
    .sub {
      display: none; position: absolute; inset-inline-start: 0; top: 100%; min-width: 11rem; z-index: 10;
      background: #24374d; border-radius: 6px; padding: 0.25rem; box-shadow: 0 6px 18px rgba(0, 0, 0, 0.25);
    }
    .top > li:hover > .sub, .top > li:focus-within > .sub { display: block; }
    .admin { margin-inline-start: 0.5rem; padding-inline-start: 0.5rem; border-inline-start: 1px solid rgba(255, 255, 255, 0.3); display: flex; gap: 0.15rem; }
    .toggle {
      display: none; font: inherit; color: inherit; background: transparent; cursor: pointer;
      border: 1px solid rgba(255, 255, 255, 0.6); border-radius: 6px; padding: 0.35rem 0.7rem;
    }
    @media (max-width: 48rem) {
      .toggle { display: inline-block; }
      .menu { display: none; margin-top: 0.5rem; }
      .menu.open { display: block; }
      .top, .admin { flex-direction: column; align-items: stretch; }
      .sub { display: block; position: static; background: none; box-shadow: none; padding: 0 0 0 1rem; }
      .admin { margin: 0.4rem 0 0; padding: 0.4rem 0 0; border-inline-start: none; border-top: 1px solid rgba(255, 255, 255, 0.3); }
    }
  `;

  /** The menu tree from the kernel. */
  declare menu: MenuTreeNode[];
  /** What the user may do: links they may not visit are left out. */
  declare access: Access | null;
  /** The current app path, for `aria-current`. */
  declare path: string;
  /** The app's base path. */
  declare base: string;
  declare private _open: boolean;

  constructor() {
    super();
    this.menu = [];
    this.access = null;
    this.path = '/';
    this.base = '/';
    this._open = false;
  }

  override render(): TemplateResult {
    const links = this.#links(this.menu);
    const access = this.access;
    const admin = access === null ? [] : ADMIN_LINKS.filter((link) => link.allowed(access));
    return html`<nav aria-label="Main">
      <button class="toggle" aria-expanded=${String(this._open)} aria-controls="menu" @click=${this._onToggle}>Menu</button>
      <div id="menu" class="menu ${this._open ? 'open' : ''}" @click=${this._onLinkClick}>
        <ul class="top">
          ${links.map((link) => html`<li>
            ${this.#link(link)}
            ${link.children.length > 0 ? html`<ul class="sub">${link.children.map((child) => html`<li>${this.#link(child)}</li>`)}</ul>` : nothing}
          </li>`)}
          ${admin.length > 0
            ? html`<li><ul class="admin" aria-label="Administration">${admin.map((link) => html`<li>${this.#link({ path: link.path, title: link.title, children: [] })}</li>`)}</ul></li>`
            : nothing}
        </ul>
      </div>
    </nav>`;
  }

  #link(link: NavLink): TemplateResult {
    const current = this.path === link.path || (link.path !== '/' && this.path.startsWith(`${link.path}/`));
    return html`<a href=${hrefFor(link.path, this.base)} aria-current=${current ? 'page' : nothing}>${link.title}</a>`;
  }

  #links(nodes: MenuTreeNode[]): NavLink[] {
    // The kernel's tree holds no routes with parameters and is in menu order (weight, then title).
    return nodes
      .filter((node) => this.access?.can(node.route.permission) === true)
      .map((node) => ({ path: node.route.path, title: node.route.title, children: this.#links(node.children) }));
  }

  private _onToggle(): void {
    this._open = !this._open;
  }

  private _onLinkClick(event: Event): void {
    if (event.composedPath().some((node) => node instanceof HTMLAnchorElement)) this._open = false;
  }
}

if (!customElements.get('trovato-nav')) customElements.define('trovato-nav', TrovatoNav);

declare global {
  interface HTMLElementTagNameMap {
    'trovato-nav': TrovatoNav;
  }
}
