import { css, LitElement, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import { renderElement } from '../render/render-element.js';
import { safeUrl } from '../render/sanitize.js';
import type { NavigateDetail } from '../render/types.js';

/**
 * Shows a plugin's RenderElement tree (see `renderElement`). It renders into its own shadow
 * root, so a small default stylesheet comes along, page styles do not leak in, and ids from
 * plugins cannot shadow page globals. Set `element` (the tree, any value) and `plugin` (its name).
 *
 * @fires navigate - `CustomEvent<NavigateDetail>` (bubbles, composed) for a plain left click
 *   on an internal link; the browser's own navigation is prevented.
 * @fires render-submit - from a rendered form (bubbles, composed); see `RenderSubmitDetail`.
 */
export class TrovatoRender extends LitElement {
  static override properties: PropertyDeclarations = {
    element: { attribute: false },
    plugin: { type: String },
  };

  static override styles = css`
    :host { display: block; }
    .render-error {
      border: 2px solid #b00020; background: #fdecea; color: #5f0010;
      padding: 0.5em 0.75em; margin: 0.25em 0; border-radius: 4px; font: inherit;
    }
    .blocked-link { text-decoration: line-through dotted; cursor: not-allowed; }
    .item { display: block; margin: 0.25em 0; }
    .item .label { font-weight: bold; margin-inline-end: 0.5em; }
    table { border-collapse: collapse; }
    th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: start; }
    .pager { display: flex; flex-wrap: wrap; gap: 1em; align-items: baseline; margin: 1em 0; }
  `;

  /** The tree to render: a RenderElement from a plugin, unchecked. */
  declare element: unknown;
  /** The name of the plugin the tree came from. */
  declare plugin: string;

  constructor() {
    super();
    this.element = undefined;
    this.plugin = '';
    this.addEventListener('click', this._onClick);
  }

  override render(): TemplateResult | typeof nothing {
    if (this.element === undefined) return nothing;
    return renderElement(this.element, { plugin: this.plugin || '(unnamed plugin)' });
  }

  private _onClick = (event: MouseEvent): void => {
    // Modified clicks keep their browser meaning (new tab, download): the href is a real path.
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    const link = event
      .composedPath()
      .find((node): node is HTMLAnchorElement => node instanceof HTMLAnchorElement);
    const route = link?.getAttribute('data-route');
    if (route == null) return;
    const url = safeUrl(route);
    if (url === null || url.kind !== 'internal') return;
    event.preventDefault();
    const detail: NavigateDetail = { path: url.href };
    this.dispatchEvent(new CustomEvent('navigate', { detail, bubbles: true, composed: true }));
  };
}

if (!customElements.get('trovato-render')) customElements.define('trovato-render', TrovatoRender);

declare global {
  interface HTMLElementTagNameMap {
    'trovato-render': TrovatoRender;
  }
}
