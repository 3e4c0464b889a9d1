/**
 * `<trovato-playground>`: write a plugin, compile it in the browser, run it in a kernel of its
 * own beside the reference plugins, inspect every tap, and share it all as a link. The state
 * and its transitions are the PlaygroundController's (playground-controller.ts); this element
 * renders its view and connects it to the page: the editor, the compiler and kernel workers,
 * the address bar, the clipboard, files and the saved draft.
 */
import { html, LitElement, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import '../src/ui/trovato-render.js';
import './playground-editor.js';
import type { NavigateDetail } from '../src/render/types.js';
import { PlaygroundCompiler } from '../src/build/browser/compiler.js';
import type { FileChangeDetail } from './playground-editor.js';
import { PlaygroundKernel } from './playground-kernel.js';
import { PlaygroundController } from './playground-controller.js';
import { MAX_LINK_LENGTH, stateFromFile, stateToFile, type PlaygroundState } from './share-link.js';
import { TEMPLATES, type TemplateName } from './templates.js';
import { formatJson, formatMicros } from './format.js';

export type { PlaygroundStatus } from './playground-controller.js';

const DRAFT_KEY = 'trovato-playground-draft';
const PLUGINS_URL = `${import.meta.env.BASE_URL}plugins/`;

export class TrovatoPlayground extends LitElement {
  static override properties: PropertyDeclarations = {
    _lowerTab: { state: true },
  };

  declare _lowerTab: 'inspector' | 'console' | 'plugins';

  // Preview builds: binaryen's optimizer would triple the wait between an edit and its result.
  readonly #compiler = new PlaygroundCompiler({ optimize: false });
  readonly #kernel = new PlaygroundKernel();
  readonly #controller = new PlaygroundController(this, {
    compiler: this.#compiler,
    kernel: this.#kernel,
    pluginsUrl: PLUGINS_URL,
    listReferences,
    drafts: { read: readDraft, write: writeDraft },
    editor: {
      setFiles: (state) => this.querySelector('playground-editor')?.setFiles(state),
      showDiagnostics: (diagnostics) => {
        const editor = this.querySelector('playground-editor');
        if (editor) editor.diagnostics = diagnostics;
      },
    },
  });

  constructor() {
    super();
    this._lowerTab = 'inspector';
  }

  // Light DOM: CodeMirror and the page stylesheet work on it directly.
  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // The compiler loads in its worker while the page and the preview's kernel boot.
    this.#compiler.warmUp().catch(() => undefined); // the first compile reports a failure
    void this.#controller.start(location.hash);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#compiler.dispose();
    this.#kernel.dispose();
  }

  /** Compiles (unless a built plugin was uploaded), boots a fresh kernel and opens the route. */
  run(): Promise<void> {
    return this.#controller.run();
  }

  /** Opens `path` (with an optional `?query`) in the preview. */
  navigate(path: string): Promise<void> {
    return this.#controller.navigate(path);
  }

  #onFileChange = (event: CustomEvent<FileChangeDetail>): void => {
    this.#controller.editFile(event.detail.tab, event.detail.text);
  };

  async #copyLink(): Promise<void> {
    const fragment = await this.#controller.makeLink(`${location.origin}${location.pathname}`);
    const link = this.#controller.view.link;
    if (fragment === null || !link) return;
    history.replaceState(null, '', `#${fragment}`);
    navigator.clipboard?.writeText(link.url).catch(() => undefined);
  }

  async #downloadState(): Promise<void> {
    const blob = new Blob([stateToFile(await this.#controller.shareableState())], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${this.#controller.manifestName('playground')}.trovato.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  }

  /** The files an input holds, and the input emptied (choosing the same file again fires again). */
  #takeFiles(event: Event): File[] {
    const input = event.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    input.value = '';
    return files;
  }

  async #openFile(event: Event): Promise<void> {
    const [file] = this.#takeFiles(event);
    if (file) await this.#controller.openFile(file);
  }

  override render(): TemplateResult {
    const v = this.#controller.view;
    return html`
      <header class="toolbar">
        <h1 class="brand">Trovato playground</h1>
        <label>Template
          <select id="template" @change=${(e: Event) => this.#controller.openTemplate((e.target as HTMLSelectElement).value as TemplateName)}>
            <option value="" disabled ?selected=${v.template === ''}>choose…</option>
            ${Object.keys(TEMPLATES).map((name) => html`<option value=${name} ?selected=${v.template === name}>${name}</option>`)}
          </select>
        </label>
        <button id="run" @click=${() => void this.run()} ?disabled=${v.status === 'compiling' || v.status === 'booting'}>
          ${v.upload ? 'Run uploaded plugin' : 'Compile & run'}
        </button>
        <button id="copy-link" class="secondary" @click=${() => void this.#copyLink()}>Copy link</button>
        <label class="button secondary">Open file<input id="open-file" type="file" accept=".json,application/json" hidden @change=${(e: Event) => void this.#openFile(e)} /></label>
        <label class="button secondary">Upload wasm<input id="upload-wasm" type="file" accept=".wasm,.toml" multiple hidden @change=${(e: Event) => void this.#controller.uploadWasm(this.#takeFiles(e))} /></label>
        <span class="status" role="status" data-status=${v.status} data-run=${v.run}>${v.status}</span>
      </header>
      ${this.#renderNotices()}
      <main class="panes">
        <section class="left">
          ${v.upload
            ? html`<p class="notice ${v.refused ? 'error' : 'info'}" id="upload-note">${v.refused ? `The uploaded ${v.upload.files} was refused (see above); the preview runs without it.` : `Running the uploaded ${v.upload.files};`} Links carry it when it fits.
                <button class="secondary" @click=${() => this.#controller.backToSource()}>Back to the source</button></p>`
            : nothing}
          <playground-editor @file-change=${this.#onFileChange}></playground-editor>
          ${this.#renderProgress()} ${this.#renderDiagnostics()}
        </section>
        <section class="right">${this.#renderPreview()}</section>
      </main>
      <section class="lower" aria-labelledby="lower-heading">
        <h2 class="visually-hidden" id="lower-heading">${{ inspector: 'Taps', console: 'Console', plugins: 'Plugins' }[this._lowerTab]}</h2>
        <nav class="lower-tabs" role="tablist" aria-label="Inspector">
          ${(['inspector', 'console', 'plugins'] as const).map(
            (tab) => html`<button role="tab" class="secondary" aria-selected=${this._lowerTab === tab} @click=${() => (this._lowerTab = tab)}>
              ${{ inspector: `Taps (${v.trace.length})`, console: `Console (${v.logs.length})`, plugins: 'Plugins' }[tab]}
            </button>`,
          )}
        </nav>
        ${this._lowerTab === 'inspector' ? this.#renderInspector() : this._lowerTab === 'console' ? this.#renderConsole() : this.#renderPlugins()}
      </section>
    `;
  }

  #renderNotices(): TemplateResult {
    const v = this.#controller.view;
    return html`<div class="notices" role="region" aria-label="Messages">
      ${v.pendingDraft
        ? html`<p class="notice info" id="draft-kept">Your own draft is kept: it was not replaced by what this page opened.
            <button class="secondary" @click=${() => this.#controller.restoreDraft()}>Restore my draft</button>
            <button class="secondary" @click=${() => this.#controller.keepLinkState()}>Replace my draft with this</button></p>`
        : nothing}
      ${v.notices.map(
        (n, i) => html`<p class="notice ${n.kind}" role=${n.kind === 'error' ? 'alert' : 'status'}>${n.text}
          <button class="close" aria-label="Dismiss" @click=${() => this.#controller.dismissNotice(i)}>×</button></p>`,
      )}
      ${this.#renderLink()}
    </div>`;
  }

  #renderLink(): TemplateResult | typeof nothing {
    const v = this.#controller.view;
    const link = v.link;
    if (!link) return nothing;
    if (link.tooLong) {
      return html`<p class="notice error" id="link-too-long">This playground is too large for a link (${link.url.length.toLocaleString()} characters; links stop at
        ${MAX_LINK_LENGTH.toLocaleString()}).${link.reason} Download it as a file instead; “Open file” opens it again.
        <button @click=${() => void this.#downloadState()}>Download .trovato.json</button></p>`;
    }
    return html`<p class="notice info">Link (${link.url.length} characters, copied to the clipboard where allowed):
      <input id="share-link" aria-label="Link to this playground" readonly .value=${link.url} @focus=${(e: Event) => (e.target as HTMLInputElement).select()} /></p>`;
  }

  #renderProgress(): TemplateResult | typeof nothing {
    const v = this.#controller.view;
    const p = v.progress;
    if (v.status !== 'compiling') return nothing;
    if (p?.phase === 'downloading') {
      return html`<div class="progress"><label>Downloading the compiler… ${(p.loaded / 1e6).toFixed(1)} / ${(p.total / 1e6).toFixed(1)} MB
        <progress id="compile-progress" max=${p.total} .value=${p.loaded}></progress></label></div>`;
    }
    return html`<div class="progress"><label>Compiling… <progress id="compile-progress"></progress></label></div>`;
  }

  #renderDiagnostics(): TemplateResult | typeof nothing {
    const v = this.#controller.view;
    if (v.diagnostics.length === 0) return nothing;
    return html`<ul class="diagnostics" id="diagnostics">
      ${v.diagnostics.map(
        (d) => html`<li class=${d.severity}>
          <button class="link" data-line=${d.line} @click=${() => this.querySelector('playground-editor')?.reveal(d.line, d.column)}>
            ${d.file}${d.line > 0 ? `:${d.line}:${d.column}` : ''}</button>
          <span class="severity">${d.severity}</span> ${d.message}
        </li>`,
      )}
    </ul>`;
  }

  #renderPreview(): TemplateResult {
    const v = this.#controller.view;
    const userRoles = ['anonymous', 'editor', 'administrator'];
    return html`
      <form class="address" @submit=${(e: Event) => { e.preventDefault(); void this.navigate(v.address || '/'); }}>
        <select id="route-list" aria-label="Routes" @change=${(e: Event) => void this.navigate((e.target as HTMLSelectElement).value)}>
          <option value="" selected disabled>routes…</option>
          ${v.routes.map((r) => html`<option value=${r.path}>${r.path} (${r.plugin})</option>`)}
        </select>
        <input id="address" aria-label="Address" .value=${v.address} @input=${(e: Event) => this.#controller.setAddress((e.target as HTMLInputElement).value)} />
        <button type="submit">Go</button>
        <select id="user" aria-label="User" @change=${(e: Event) => this.#controller.switchUser((e.target as HTMLSelectElement).value)}>
          ${userRoles.map((role) => html`<option value=${role} ?selected=${v.state.user === role}>${role}</option>`)}
        </select>
      </form>
      <div class="preview" id="preview" @navigate=${(e: CustomEvent<NavigateDetail>) => void this.navigate(e.detail.path)}>${this.#renderResponse()}</div>
    `;
  }

  #renderResponse(): TemplateResult | typeof nothing {
    const v = this.#controller.view;
    const response = v.response;
    if (response === undefined) return v.status === 'ready' || v.status === 'failed' ? nothing : html`<p class="muted">Starting…</p>`;
    if (response === null) {
      const own = v.routes.filter((r) => r.plugin === v.runPlugin);
      if (v.refused) return html`<p class="notice error" id="no-route">No route matches ${v.state.route}: the kernel refused ${v.runPlugin} (see above), so its routes are not there.</p>`;
      if (own.length === 0) {
        return html`<p class="notice info" id="no-route">${v.runPlugin} has no routes (it declares none in <code>tap_menu</code>), so there is no page to show. Its taps run
          all the same: see them in the Taps tab below, or open a route of an enabled reference plugin.</p>`;
      }
      return html`<p class="notice error" id="no-route">No route matches ${v.state.route}. ${v.runPlugin}'s routes: ${own.map((r) => r.path).join(', ')} (also in the list above).</p>`;
    }
    const { result } = response;
    if (result.error) {
      const at = result.location ? ` (${result.location.file}:${result.location.line}:${result.location.column})` : '';
      return html`<p class="notice error" id="route-error">${result.error}${at}</p>`;
    }
    return html`<trovato-render .element=${result.output} plugin=${result.plugin}></trovato-render>`;
  }

  #renderInspector(): TemplateResult {
    const v = this.#controller.view;
    if (v.trace.length === 0) return html`<p class="muted">No dispatches yet.</p>`;
    return html`<ol class="trace" id="trace">
      ${v.trace.map((entry) => {
        const failed = entry.results.some((r) => r.error);
        const micros = entry.results.reduce((sum, r) => sum + r.ms * 1000, 0);
        return html`<li class=${failed ? 'failed' : ''}>
          <details>
            <summary><code>${entry.kind === 'call' ? `call ${entry.name}` : entry.name}</code> · ${entry.results.length} handler(s) · ${formatMicros(micros)}
              ${failed ? html`<span class="severity error">error</span>` : nothing}</summary>
            <h3>Input</h3><pre>${formatJson(entry.input)}</pre>
            ${entry.results.map(
              (r, i) => html`<h3>${i + 1}. ${r.plugin} · ${formatMicros(r.ms * 1000)}</h3>
                ${r.error
                  ? html`<pre class="error">${r.error}${r.location ? `\n  at ${r.location.file}:${r.location.line}:${r.location.column}` : ''}</pre>`
                  : html`<pre>${formatJson(r.output)}</pre>`}`,
            )}
          </details>
        </li>`;
      })}
    </ol>`;
  }

  #renderConsole(): TemplateResult {
    const v = this.#controller.view;
    if (v.logs.length === 0) return html`<p class="muted">No log lines in this run.</p>`;
    return html`<ol class="console" id="console" tabindex="0" aria-label="Log lines">
      ${v.logs.map(
        (l) => html`<li class=${l.level}><span class="plugin">${l.plugin}</span> <span class="source">${l.source}</span>
          <span class="level">${l.level}</span> ${l.message}</li>`,
      )}
    </ol>`;
  }

  #renderPlugins(): TemplateResult {
    const v = this.#controller.view;
    const name = v.upload?.source.name ?? this.#controller.manifestName('');
    const statuses = new Map((v.report?.plugins ?? []).map((p) => [p.name, p]));
    return html`<div class="plugins" id="plugins">
      <p>Reference plugins to enable beside yours:</p>
      ${v.references
        .filter((ref) => ref !== name)
        .map(
          (ref) => html`<label><input type="checkbox" data-plugin=${ref} .checked=${v.state.enabled.includes(ref)}
            @change=${(e: Event) => this.#controller.toggleReference(ref, (e.target as HTMLInputElement).checked)} /> ${ref}</label>`,
        )}
      <h3>Load report</h3>
      <ul>
        ${[...statuses.values()].map(
          (p) => html`<li class=${p.status}><code>${p.name}</code> ${p.status}${p.errors.length ? html`: ${p.errors.join(' ')}` : nothing}
            ${p.warnings.length ? html`<br /><small>${p.warnings.join(' ')}</small>` : nothing}</li>`,
        )}
        ${(v.report?.routeProblems ?? []).map((p) => html`<li class="refused">${p.plugin} ${p.path}: ${p.message}</li>`)}
      </ul>
    </div>`;
  }
}

/** The names plugins.json lists (the reference plugins). */
async function listReferences(): Promise<string[]> {
  const response = await fetch(`${PLUGINS_URL}plugins.json`);
  const index = (await response.json()) as { plugins?: unknown };
  return Array.isArray(index.plugins) ? index.plugins.filter((p): p is string => typeof p === 'string') : [];
}

function readDraft(): PlaygroundState | null {
  try {
    const text = localStorage.getItem(DRAFT_KEY);
    if (!text) return null;
    const opened = stateFromFile(text);
    return opened.ok ? opened.state : null;
  } catch {
    return null;
  }
}

function writeDraft(state: PlaygroundState): void {
  try {
    localStorage.setItem(DRAFT_KEY, stateToFile(state));
  } catch {
    // Storage full or disabled: the draft is a convenience, the link and file still work.
  }
}

if (!customElements.get('trovato-playground')) customElements.define('trovato-playground', TrovatoPlayground);

declare global {
  interface HTMLElementTagNameMap {
    'trovato-playground': TrovatoPlayground;
  }
}
