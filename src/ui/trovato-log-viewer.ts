import { css, html, LitElement, type PropertyDeclarations, type TemplateResult } from 'lit';
import type { LogEntry } from '../site/protocol.js';
import { logsUrl, type LogFilters } from './router.js';
import { LOG_LEVELS } from '../kernel/common/log-entry.js';
import type { NavigateDetail } from '../render/types.js';
import { sharedStyles } from './shared-styles.js';

/**
 * /admin/logs: what plugins logged (and printed), newest first, filtered by level and plugin.
 * Filters live in the URL.
 *
 * @fires navigate - `CustomEvent<NavigateDetail>` (bubbles, composed) when a filter changes.
 */
export class TrovatoLogViewer extends LitElement {
  static override properties: PropertyDeclarations = {
    entries: { attribute: false },
    filters: { attribute: false },
    pluginNames: { attribute: false },
  };

  static override styles = [
    sharedStyles,
    css`
      .toolbar { display: flex; flex-wrap: wrap; gap: 1rem; margin: 0 0 1rem; }
      .toolbar label { display: grid; gap: 0.25rem; font-size: 0.9rem; font-weight: 600; }
      .toolbar select { font-weight: 400; }
      td.time { white-space: nowrap; font-variant-numeric: tabular-nums; }
      td.message { white-space: pre-wrap; word-break: break-word; }
      .level { font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.04em; }
      .level.error { background: #fdecea; border-color: #e3a29d; color: #5f100b; }
      .level.warning { background: #fff8e1; border-color: #e0c46c; color: #4d3c00; }
      .level.notice, .level.info { background: #e8f1fb; border-color: #9dbfe6; color: #0b3766; }
      .level.debug { background: #f1f3f5; border-color: #b9c0c8; color: #3c434b; }
    `,
  ];

  declare entries: LogEntry[];
  declare filters: LogFilters;
  /** Plugins to filter by. */
  declare pluginNames: string[];

  constructor() {
    super();
    this.entries = [];
    this.filters = {};
    this.pluginNames = [];
  }

  override render(): TemplateResult {
    return html`
      <h1>Logs</h1>
      <div class="toolbar" role="search" aria-label="Filter logs">
        <label>Level
          <select name="level" @change=${this._onLevel}>
            <option value="" ?selected=${!this.filters.level}>Any level</option>
            ${LOG_LEVELS.map((level) => html`<option value=${level} ?selected=${this.filters.level === level}>${level}</option>`)}
          </select>
        </label>
        <label>Plugin
          <select name="plugin" @change=${this._onPlugin}>
            <option value="" ?selected=${!this.filters.plugin}>Any plugin</option>
            ${this.pluginNames.map((name) => html`<option value=${name} ?selected=${this.filters.plugin === name}>${name}</option>`)}
          </select>
        </label>
      </div>
      ${this.entries.length === 0
        ? html`<p class="muted">No log lines match these filters.</p>`
        : html`<div class="table-wrap"><table>
            <thead><tr><th scope="col">Time</th><th scope="col">Level</th><th scope="col">Plugin</th><th scope="col">Message</th></tr></thead>
            <tbody>${this.entries.map((entry) => html`<tr>
              <td class="time">${new Date(entry.time).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' })}</td>
              <td><span class="badge level ${entry.level}">${entry.level}</span></td>
              <td>${entry.plugin}${entry.source !== 'log' ? html` <span class="muted">(${entry.source})</span>` : ''}</td>
              <td class="message">${entry.message}</td>
            </tr>`)}</tbody>
          </table></div>`}
    `;
  }

  private _onLevel(event: Event): void {
    const level = LOG_LEVELS.find((l) => l === (event.target as HTMLSelectElement).value);
    this.#go({ ...this.filters, level });
  }

  private _onPlugin(event: Event): void {
    this.#go({ ...this.filters, plugin: (event.target as HTMLSelectElement).value || undefined });
  }

  #go(filters: LogFilters): void {
    const detail: NavigateDetail = { path: logsUrl(filters) };
    this.dispatchEvent(new CustomEvent('navigate', { detail, bubbles: true, composed: true }));
  }
}

if (!customElements.get('trovato-log-viewer')) customElements.define('trovato-log-viewer', TrovatoLogViewer);

declare global {
  interface HTMLElementTagNameMap {
    'trovato-log-viewer': TrovatoLogViewer;
  }
}
