import { css, html, LitElement, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import type { PluginInfo } from '../site/protocol.js';
import { sharedStyles } from './shared-styles.js';

export type PluginAction = 'enable' | 'disable' | 'uninstall';

/** `detail` of `plugin-action`. */
export interface PluginActionDetail {
  name: string;
  action: PluginAction;
}

/** The outcome of the last action, as the site reports it. */
export interface AdminMessage {
  kind: 'ok' | 'error';
  text: string;
}

/**
 * /admin/plugins: every plugin with its version, taps, dependencies, dependents and status, and
 * buttons to enable, disable or uninstall it (uninstalling asks first). The kernel decides;
 * its refusals (a plugin others need) show in `message`.
 *
 * @fires plugin-action - `CustomEvent<PluginActionDetail>` (bubbles, composed).
 */
export class TrovatoPluginAdmin extends LitElement {
  static override properties: PropertyDeclarations = {
    plugins: { attribute: false },
    message: { attribute: false },
    busy: { attribute: false },
    _confirm: { state: true },
  };

  static override styles = [
    sharedStyles,
    css`
      td.name strong { display: block; }
      td.name .muted { font-size: 0.875rem; }
      td.taps code { display: inline-block; margin: 0 0.25rem 0.2rem 0; background: #f1f3f5; padding: 0 0.3rem; border-radius: 4px; }
      .actions { display: flex; flex-wrap: wrap; gap: 0.4rem; }
      .actions button { padding: 0.3rem 0.7rem; font-size: 0.9rem; }
      .problems { margin: 0.35rem 0 0; padding-inline-start: 1.1rem; font-size: 0.875rem; color: #5f100b; }
      .warnings { color: #4d3c00; }
      .confirm { font-size: 0.9rem; display: grid; gap: 0.4rem; }
    `,
  ];

  declare plugins: PluginInfo[];
  declare message: AdminMessage | null;
  /** The plugin an action is running for, or null. */
  declare busy: string | null;
  declare private _confirm: string | null;

  constructor() {
    super();
    this.plugins = [];
    this.message = null;
    this.busy = null;
    this._confirm = null;
  }

  override render(): TemplateResult {
    return html`
      <h1>Plugins</h1>
      <div aria-live="polite">
        ${this.message
          ? html`<div class="notice ${this.message.kind} message" role=${this.message.kind === 'error' ? 'alert' : 'status'}>${this.message.text}</div>`
          : nothing}
      </div>
      <div class="table-wrap"><table>
        <thead><tr>
          <th scope="col">Plugin</th><th scope="col">Version</th><th scope="col">Taps</th>
          <th scope="col">Depends on</th><th scope="col">Needed by</th><th scope="col">Status</th><th scope="col">Actions</th>
        </tr></thead>
        <tbody>${this.plugins.map((plugin) => this.#row(plugin))}</tbody>
      </table></div>
    `;
  }

  #row(plugin: PluginInfo): TemplateResult {
    return html`<tr data-plugin=${plugin.name}>
      <td class="name"><strong>${plugin.name}</strong><span class="muted">${plugin.description}</span></td>
      <td>${plugin.version}</td>
      <td class="taps">${plugin.taps.map((tap) => html`<code>${tap}</code>`)}</td>
      <td>${plugin.dependencies.length > 0 ? plugin.dependencies.join(', ') : html`<span class="muted">—</span>`}</td>
      <td>${plugin.dependents.length > 0 ? plugin.dependents.join(', ') : html`<span class="muted">—</span>`}</td>
      <td>
        <span class="badge status ${plugin.status === 'enabled' ? 'on' : plugin.status === 'refused' ? 'bad' : 'off'}">${plugin.status}</span>
        ${plugin.quarantined ? html`<ul class="problems"><li>Quarantined: ${plugin.quarantined}</li></ul>` : nothing}
        ${plugin.errors.length > 0 ? html`<ul class="problems">${plugin.errors.map((e) => html`<li>${e}</li>`)}</ul>` : nothing}
        ${plugin.warnings.length > 0 ? html`<ul class="problems warnings">${plugin.warnings.map((w) => html`<li>${w}</li>`)}</ul>` : nothing}
      </td>
      <td>${this.#actions(plugin)}</td>
    </tr>`;
  }

  #actions(plugin: PluginInfo): TemplateResult | typeof nothing {
    if (plugin.status === 'refused') return html`<span class="muted">Fix the errors and rebuild.</span>`;
    const busy = this.busy !== null;
    if (this._confirm === plugin.name) {
      return html`<div class="confirm" role="group" aria-label=${`Confirm uninstalling ${plugin.name}`}>
        <span>Drop ${plugin.name}'s data for good?</span>
        <div class="actions">
          <button class="danger" data-plugin=${plugin.name} data-action="uninstall" ?disabled=${busy} @click=${this._onAction}>Uninstall</button>
          <button class="secondary" @click=${this._onCancel}>Cancel</button>
        </div>
      </div>`;
    }
    const toggle: PluginAction = plugin.status === 'enabled' ? 'disable' : 'enable';
    return html`<div class="actions">
      <button class=${toggle === 'disable' ? 'secondary' : ''} data-plugin=${plugin.name} data-action=${toggle} ?disabled=${busy}
        aria-label=${`${toggle === 'enable' ? 'Enable' : 'Disable'} ${plugin.name}`} @click=${this._onAction}>
        ${this.busy === plugin.name ? 'Working…' : toggle === 'enable' ? 'Enable' : 'Disable'}
      </button>
      <button class="secondary" data-plugin=${plugin.name} ?disabled=${busy} aria-label=${`Uninstall ${plugin.name}`} @click=${this._onAskUninstall}>Uninstall</button>
    </div>`;
  }

  private _onAskUninstall(event: Event): void {
    this._confirm = (event.currentTarget as HTMLElement).dataset.plugin ?? null;
  }

  private _onCancel(): void {
    this._confirm = null;
  }

  private _onAction(event: Event): void {
    const target = event.currentTarget as HTMLElement;
    const detail: PluginActionDetail = { name: target.dataset.plugin ?? '', action: target.dataset.action as PluginAction };
    this._confirm = null;
    this.dispatchEvent(new CustomEvent('plugin-action', { detail, bubbles: true, composed: true }));
  }
}

if (!customElements.get('trovato-plugin-admin')) customElements.define('trovato-plugin-admin', TrovatoPluginAdmin);

declare global {
  interface HTMLElementTagNameMap {
    'trovato-plugin-admin': TrovatoPluginAdmin;
  }
}
