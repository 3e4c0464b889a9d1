import { css, html, LitElement, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import type { LoadReport } from '../site/protocol.js';
import type { BootPhase } from './kernel-controller.js';
import { sharedStyles } from './shared-styles.js';

const PHASE_TEXT: Record<BootPhase, string> = {
  idle: 'Waiting to start…',
  starting: 'Starting the kernel worker…',
  'loading-plugins': 'Loading and checking plugins…',
  'applying-recipe': 'Applying the recipe in a fresh database…',
  'reading-site': 'Reading the site…',
  ready: 'Ready.',
  failed: 'The site could not start.',
};

/**
 * How booting goes: a progress bar while the worker starts and plugins load, the boot failure,
 * and once booted, the plugins the kernel refused with its reasons (and route problems).
 */
export class TrovatoBootPanel extends LitElement {
  static override properties: PropertyDeclarations = {
    phase: { attribute: false },
    progress: { attribute: false },
    error: { attribute: false },
    report: { attribute: false },
    step: { attribute: false },
  };

  static override styles = [
    sharedStyles,
    css`
      .booting { padding: 3rem 0; text-align: center; }
      progress { width: min(24rem, 100%); height: 0.75rem; }
      .problem { margin-top: 0.5rem; }
      .problem strong { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
      .reasons { white-space: pre-wrap; }
    `,
  ];

  declare phase: BootPhase;
  /** 0 to 1. */
  declare progress: number;
  declare error: string | null;
  declare report: LoadReport | null;
  /** The recipe step being applied, shown under the phase. */
  declare step: string | null;

  constructor() {
    super();
    this.phase = 'idle';
    this.progress = 0;
    this.error = null;
    this.report = null;
    this.step = null;
  }

  override render(): TemplateResult | typeof nothing {
    if (this.phase === 'failed') {
      return html`<div class="notice error" role="alert">
        <strong>${PHASE_TEXT.failed}</strong>
        <p class="reasons">${this.error}</p>
        <p><slot name="recover">Reload the page to try again.</slot></p>
      </div>`;
    }
    if (this.phase !== 'ready') {
      return html`<div class="booting" role="status" aria-live="polite">
        <p>${PHASE_TEXT[this.phase]}</p>
        ${this.step ? html`<p class="step" id="recipe-step">${this.step}</p>` : nothing}
        <progress max="1" value=${this.progress} aria-label="Booting the site"></progress>
      </div>`;
    }
    const refused = this.report?.plugins.filter((plugin) => plugin.status === 'refused') ?? [];
    const routeProblems = this.report?.routeProblems ?? [];
    if (refused.length === 0 && routeProblems.length === 0) return nothing;
    return html`<section class="notice warning refused" aria-labelledby="refused-title">
      <strong id="refused-title">${refused.length > 0 ? `${refused.length} plugin${refused.length === 1 ? ' was' : 's were'} refused` : 'Some routes were refused'}</strong>
      ${refused.map((plugin) => html`<div class="problem" data-plugin=${plugin.name}>
        <strong>${plugin.name}</strong>
        <ul>${plugin.errors.map((error) => html`<li class="reasons">${error}</li>`)}</ul>
      </div>`)}
      ${routeProblems.length > 0
        ? html`<ul>${routeProblems.map((p) => html`<li><strong>${p.plugin}</strong> <code>${p.path}</code>: ${p.message}</li>`)}</ul>`
        : nothing}
    </section>`;
  }
}

if (!customElements.get('trovato-boot-panel')) customElements.define('trovato-boot-panel', TrovatoBootPanel);

declare global {
  interface HTMLElementTagNameMap {
    'trovato-boot-panel': TrovatoBootPanel;
  }
}
