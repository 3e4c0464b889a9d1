/**
 * `<trovato-playground>`: write a plugin, compile it in the browser, run it in a kernel of its
 * own beside the reference plugins, inspect every tap, and share it all as a link.
 */
import { html, LitElement, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import { parse as parseToml } from 'smol-toml';
import '../src/ui/trovato-render.js';
import './playground-editor.js';
import type { Diagnostic } from '../src/build/compile-plugin.js';
import { messageOf } from '../src/kernel/common/errors.js';
import type { LoadReport, LogEntry, PluginSource, RegisteredRoute, RouteResponse, TraceEntry, UserProfile } from '../src/site/protocol.js';
import type { NavigateDetail } from '../src/render/types.js';
import { PlaygroundCompiler, type CompilePhase } from '../src/build/browser/compiler.js';
import type { FileChangeDetail, PlaygroundEditor } from './playground-editor.js';
import { PlaygroundKernel } from './playground-kernel.js';
import { decodeState, encodeState, MAX_LINK_LENGTH, stateFromFile, stateToFile, type PlaygroundState } from './share-link.js';
import { stateFromTemplate, TEMPLATES, type TemplateName } from './templates.js';
import { sharedUpload, tooLongReason, uploadedPlugin } from './share-extras.js';
import { formatJson, formatMicros, splitRoute } from './format.js';
import { MACHINE_NAME } from '../src/kernel/common/machine-name.js';

const DRAFT_KEY = 'trovato-playground-draft';
const PLUGINS_URL = `${import.meta.env.BASE_URL}plugins/`;

/**
 * What the page is doing; tests and the benchmark wait on `data-status`, and on `data-run` (the
 * number of runs started) to know that the status they see belongs to the run they started.
 */
export type PlaygroundStatus = 'idle' | 'compiling' | 'booting' | 'running' | 'ready' | 'failed';

interface Notice {
  kind: 'error' | 'info';
  text: string;
  /** Notices of a run are replaced by the next run's; the others stay until dismissed. */
  fromRun: boolean;
}

/** A plugin uploaded as built files (any language): run instead of the editor's source. */
interface Upload {
  source: PluginSource;
  files: string;
}

export class TrovatoPlayground extends LitElement {
  static override properties: PropertyDeclarations = {
    _status: { state: true },
    _state: { state: true },
    _notices: { state: true },
    _diagnostics: { state: true },
    _progress: { state: true },
    _report: { state: true },
    _routes: { state: true },
    _users: { state: true },
    _response: { state: true },
    _trace: { state: true },
    _logs: { state: true },
    _references: { state: true },
    _upload: { state: true },
    _link: { state: true },
    _pendingDraft: { state: true },
    _address: { state: true },
    _lowerTab: { state: true },
    _template: { state: true },
    _refused: { state: true },
  };

  declare _status: PlaygroundStatus;
  declare _state: PlaygroundState;
  declare _notices: Notice[];
  declare _diagnostics: Diagnostic[];
  declare _progress: CompilePhase | null;
  declare _report: LoadReport | null;
  declare _routes: RegisteredRoute[];
  declare _users: UserProfile[];
  declare _response: RouteResponse | null | undefined;
  declare _trace: TraceEntry[];
  declare _logs: LogEntry[];
  declare _references: string[];
  declare _upload: Upload | null;
  declare _link: { url: string; tooLong: boolean; reason: string } | null;
  /** A saved draft that the current state (from a link) must not overwrite without asking. */
  declare _pendingDraft: PlaygroundState | null;
  declare _address: string;
  declare _lowerTab: 'inspector' | 'console' | 'plugins';
  /** The template the editor was last filled from, shown by the picker ('' for a link or file). */
  declare _template: TemplateName | '';
  /** The kernel refused the plugin of the last run, so the preview runs without it. */
  declare _refused: boolean;

  // Preview builds: binaryen's optimizer would triple the wait between an edit and its result.
  readonly #compiler = new PlaygroundCompiler({ optimize: false });
  readonly #kernel = new PlaygroundKernel();
  #generation = 0;
  #runStarted = 0;
  #diagnosticsEntry = '';
  /** The plugin of the last run that compiled or was uploaded. */
  #runPlugin = '';
  /** The last trace entry read from the current worker, and how many restarts were seen. */
  #traceSeq = 0;
  #restartsSeen = 0;

  constructor() {
    super();
    this._status = 'idle';
    this._state = stateFromTemplate('hello');
    this._notices = [];
    this._diagnostics = [];
    this._progress = null;
    this._report = null;
    this._routes = [];
    this._users = [];
    this._response = undefined;
    this._trace = [];
    this._logs = [];
    this._references = [];
    this._upload = null;
    this._link = null;
    this._pendingDraft = null;
    this._address = '';
    this._lowerTab = 'inspector';
    this._template = 'hello';
    this._refused = false;
  }

  // Light DOM: CodeMirror and the page stylesheet work on it directly.
  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // The compiler loads in its worker while the page and the preview's kernel boot.
    this.#compiler.warmUp().catch(() => undefined); // the first compile reports a failure
    void this.#start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#compiler.dispose();
    this.#kernel.dispose();
  }

  /** Opens the state of the link, or the draft, or the default template, and runs it. */
  async #start(): Promise<void> {
    void this.#loadReferences();
    const draft = readDraft();
    const hash = location.hash;
    let state: PlaygroundState;
    if (hash.length > 1) {
      const decoded = decodeState(hash);
      if (decoded.ok) {
        state = decoded.state;
        this.#restoreUpload(state);
        this.#notify('info', 'Opened a shared playground. Its plugin runs in the sandboxed playground kernel, never on the site.', false);
      } else {
        state = stateFromTemplate('hello');
        this.#notify('error', decoded.error, false);
      }
      // Whatever the link held, the user's own draft stays until they choose.
      if (draft && !sameState(draft, state)) this._pendingDraft = draft;
    } else {
      state = draft ?? stateFromTemplate('hello');
    }
    this._template = templateOf(state);
    await this.updateComplete;
    this.#setState(state, { save: false });
    await this.run();
  }

  async #loadReferences(): Promise<void> {
    try {
      const response = await fetch(`${PLUGINS_URL}plugins.json`);
      const index = (await response.json()) as { plugins?: unknown };
      this._references = Array.isArray(index.plugins) ? index.plugins.filter((p): p is string => typeof p === 'string') : [];
    } catch (error) {
      this.#notify('error', `The reference plugins could not be listed (${PLUGINS_URL}plugins.json): ${messageOf(error)}`, false);
    }
  }

  /** Compiles (unless a built plugin was uploaded), boots a fresh kernel and opens the route. */
  async run(): Promise<void> {
    const generation = ++this.#generation;
    const stale = (): boolean => generation !== this.#generation;
    this._notices = this._notices.filter((n) => !n.fromRun);
    // The preview keeps showing the last good run until this one has something to show: a
    // compile error leaves that plugin running, and the page should say so, not go blank.
    let plugin: PluginSource;
    if (this._upload) {
      plugin = this._upload.source;
    } else {
      const name = pluginName(this._state.manifest);
      if (typeof name !== 'string') {
        this._status = 'failed';
        this.#notify('error', name.error);
        return;
      }
      this._status = 'compiling';
      this._progress = null;
      try {
        const outcome = await this.#compiler.compile(name, this._state.source, (phase) => {
          if (!stale()) this._progress = phase;
        });
        if (stale()) return;
        this._progress = null;
        this.#diagnosticsEntry = outcome.entry;
        this.#showDiagnostics(outcome.result.diagnostics);
        if (!outcome.result.ok) {
          this._status = 'failed';
          const kept = this._response !== undefined && this.#runPlugin !== '' ? ` The preview still runs the last build of ${this.#runPlugin} that compiled.` : '';
          this.#notify('error', `The plugin did not compile: ${outcome.result.diagnostics.filter((d) => d.severity === 'error').length} error(s), listed under the editor.${kept}`);
          return;
        }
        plugin = { name, manifest: this._state.manifest, wasm: outcome.result.wasm };
      } catch (error) {
        if (stale()) return;
        this._progress = null;
        this._status = 'failed';
        this.#notify('error', messageOf(error));
        return;
      }
    }
    this._status = 'booting';
    this._response = undefined;
    this.#runStarted = Date.now();
    try {
      const booted = await this.#kernel.boot(PLUGINS_URL, this._state.enabled, plugin, this._state.content);
      if (stale()) return;
      this._report = booted.report;
      this._routes = booted.routes;
      this._users = booted.users;
      this._trace = [];
      this.#traceSeq = 0;
      this.#restartsSeen = this.#kernel.restarts;
      this.#runPlugin = plugin.name;
      const refused = booted.report.plugins.find((p) => p.name === plugin.name && p.status === 'refused');
      this._refused = refused !== undefined;
      if (refused) this.#notify('error', `The kernel refused ${plugin.name}: ${refused.errors.join(' ')}`);
      // Read the boot's dispatches now: if the route hangs, this worker and its trace are gone.
      await this.#refreshInspector();
      await this.navigate(this._state.route);
      // The page answered, but without the plugin under test: that run did not succeed.
      if (refused && !stale()) this._status = 'failed';
    } catch (error) {
      if (stale()) return;
      this._status = 'failed';
      this.#notify('error', `The playground kernel failed: ${messageOf(error)}`);
    }
  }

  /** Opens `path` (with an optional `?query`) in the preview. */
  async navigate(path: string): Promise<void> {
    const generation = this.#generation;
    const { path: route, query } = splitRoute(path);
    this.#setState({ ...this._state, route: path });
    this._address = path;
    this._status = 'running';
    try {
      const user = this._users.find((u) => u.roles.includes(this._state.user)) ?? this._users[0];
      const response = await this.#kernel.callRoute(route, user, query);
      if (generation !== this.#generation) return;
      this._response = response;
      this._status = 'ready';
    } catch (error) {
      if (generation !== this.#generation) return;
      this._status = 'failed';
      this.#notify('error', `The route ${path} could not run: ${messageOf(error)}`);
      await this.#refreshInspector({ path, message: messageOf(error) });
      return;
    }
    await this.#refreshInspector();
  }

  async #refreshInspector(failure?: { path: string; message: string }): Promise<void> {
    try {
      const restarts = this.#kernel.restarts;
      let kept = this._trace;
      if (restarts !== this.#restartsSeen) {
        // The worker was replaced (a plugin hung): its trace starts again at 1. Keep what the
        // old one showed, with the call that hung, and read the new one from its start.
        this.#restartsSeen = restarts;
        this.#traceSeq = 0;
        const stopped = failure ?? { path: this._state.route, message: 'the kernel was restarted' };
        kept = [...kept, stoppedEntry(stopped.path, stopped.message, this.#runPlugin)];
      }
      const [entries, logs] = await Promise.all([this.#kernel.trace(this.#traceSeq), this.#kernel.readLogs()]);
      this.#traceSeq = entries.at(-1)?.seq ?? this.#traceSeq;
      this._trace = [...kept, ...entries].slice(-200);
      this._logs = logs.filter((entry) => entry.time >= this.#runStarted).reverse();
    } catch {
      // The inspector is a view: a stopped kernel (a newer run) leaves it as it was.
    }
  }

  #setState(state: PlaygroundState, { save = true } = {}): void {
    const filesChanged = state.source !== this._state.source || state.manifest !== this._state.manifest;
    this._state = state;
    this._link = null;
    if (filesChanged || !save) this.querySelector('playground-editor')?.setFiles(state);
    if (save && !this._pendingDraft) writeDraft(state);
  }

  #showDiagnostics(diagnostics: Diagnostic[]): void {
    this._diagnostics = diagnostics;
    const editor = this.querySelector('playground-editor');
    if (editor) editor.diagnostics = diagnostics.filter((d) => d.file === this.#diagnosticsEntry);
  }

  #notify(kind: Notice['kind'], text: string, fromRun = true): void {
    this._notices = [...this._notices, { kind, text, fromRun }];
  }

  #onFileChange = (event: CustomEvent<FileChangeDetail>): void => {
    const { tab, text } = event.detail;
    this._state = { ...this._state, [tab]: text };
    this._link = null;
    if (!this._pendingDraft) writeDraft(this._state);
  };

  #openTemplate(name: TemplateName): void {
    this._upload = null;
    this._template = name;
    this.#setState(stateFromTemplate(name));
    this.#showDiagnostics([]);
    void this.run();
  }

  /** A link or file carried an uploaded plugin: run it instead of the source. */
  #restoreUpload(state: PlaygroundState): void {
    if (!state.upload) return;
    const plugin = uploadedPlugin(state.upload);
    if ('error' in plugin) this.#notify('error', plugin.error, false);
    else this._upload = { source: plugin, files: `${plugin.name}.wasm + ${plugin.name}.info.toml (from the link)` };
  }

  /** The state with what a link carries beyond the files: the upload, and the preview's content. */
  async #shareableState(): Promise<PlaygroundState> {
    const { upload: _upload, content: _content, ...files } = this._state;
    // The preview's content as it is now, once a run has finished; during a run, what the state had.
    const content = this._status === 'ready' ? await this.#kernel.content(PLUGINS_URL).catch(() => this._state.content ?? []) : (this._state.content ?? []);
    return { ...files, ...(this._upload ? { upload: sharedUpload(this._upload.source) } : {}), ...(content.length > 0 ? { content } : {}) };
  }

  async #copyLink(): Promise<void> {
    const state = await this.#shareableState();
    const fragment = encodeState(state);
    const url = `${location.origin}${location.pathname}#${fragment}`;
    const tooLong = url.length > MAX_LINK_LENGTH;
    this._link = { url, tooLong, reason: tooLong ? tooLongReason(state.upload, JSON.stringify(state.content ?? []).length) : '' };
    if (tooLong) return;
    history.replaceState(null, '', `#${fragment}`);
    navigator.clipboard?.writeText(url).catch(() => undefined);
  }

  async #downloadState(): Promise<void> {
    const blob = new Blob([stateToFile(await this.#shareableState())], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${pluginNameOr(this._state.manifest, 'playground')}.trovato.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  }

  async #openFile(event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    const opened = stateFromFile(await file.text());
    if (!opened.ok) {
      this.#notify('error', `${file.name}: ${opened.error}`, false);
      return;
    }
    this._upload = null;
    this.#restoreUpload(opened.state);
    this.#setState(opened.state);
    await this.run();
  }

  async #uploadWasm(event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    input.value = '';
    const wasmFile = files.find((f) => f.name.endsWith('.wasm'));
    const tomlFile = files.find((f) => f.name.endsWith('.info.toml'));
    if (!wasmFile || !tomlFile) {
      this.#notify('error', 'Choose two files together: the plugin\'s <name>.wasm and its <name>.info.toml.', false);
      return;
    }
    const name = wasmFile.name.replace(/\.wasm$/, '');
    const source: PluginSource = { name, manifest: await tomlFile.text(), wasm: new Uint8Array(await wasmFile.arrayBuffer()) };
    this._upload = { source, files: `${wasmFile.name} + ${tomlFile.name}` };
    this.#showDiagnostics([]);
    await this.run();
  }

  #toggleReference(name: string, on: boolean): void {
    const enabled = on ? [...new Set([...this._state.enabled, name])].sort() : this._state.enabled.filter((n) => n !== name);
    this.#setState({ ...this._state, enabled });
    void this.run();
  }

  #restoreDraft(): void {
    const draft = this._pendingDraft;
    this._pendingDraft = null;
    if (!draft) return;
    this._upload = null;
    this.#setState(draft, { save: false });
    void this.run();
  }

  #keepLinkState(): void {
    this._pendingDraft = null;
    writeDraft(this._state);
  }

  override render(): TemplateResult {
    return html`
      <header class="toolbar">
        <h1 class="brand">Trovato playground</h1>
        <label>Template
          <select id="template" @change=${(e: Event) => this.#openTemplate((e.target as HTMLSelectElement).value as TemplateName)}>
            <option value="" disabled ?selected=${this._template === ''}>choose…</option>
            ${Object.keys(TEMPLATES).map((name) => html`<option value=${name} ?selected=${this._template === name}>${name}</option>`)}
          </select>
        </label>
        <button id="run" @click=${() => void this.run()} ?disabled=${this._status === 'compiling' || this._status === 'booting'}>
          ${this._upload ? 'Run uploaded plugin' : 'Compile & run'}
        </button>
        <button id="copy-link" class="secondary" @click=${() => void this.#copyLink()}>Copy link</button>
        <label class="button secondary">Open file<input id="open-file" type="file" accept=".json,application/json" hidden @change=${(e: Event) => void this.#openFile(e)} /></label>
        <label class="button secondary">Upload wasm<input id="upload-wasm" type="file" accept=".wasm,.toml" multiple hidden @change=${(e: Event) => void this.#uploadWasm(e)} /></label>
        <span class="status" role="status" data-status=${this._status} data-run=${this.#generation}>${this._status}</span>
      </header>
      ${this.#renderNotices()}
      <main class="panes">
        <section class="left">
          ${this._upload
            ? html`<p class="notice ${this._refused ? 'error' : 'info'}" id="upload-note">${this._refused ? `The uploaded ${this._upload.files} was refused (see above); the preview runs without it.` : `Running the uploaded ${this._upload.files};`} Links carry it when it fits.
                <button class="secondary" @click=${() => { this._upload = null; void this.run(); }}>Back to the source</button></p>`
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
              ${{ inspector: `Taps (${this._trace.length})`, console: `Console (${this._logs.length})`, plugins: 'Plugins' }[tab]}
            </button>`,
          )}
        </nav>
        ${this._lowerTab === 'inspector' ? this.#renderInspector() : this._lowerTab === 'console' ? this.#renderConsole() : this.#renderPlugins()}
      </section>
    `;
  }

  #renderNotices(): TemplateResult {
    return html`<div class="notices" role="region" aria-label="Messages">
      ${this._pendingDraft
        ? html`<p class="notice info" id="draft-kept">Your own draft is kept: it was not replaced by what this page opened.
            <button class="secondary" @click=${() => this.#restoreDraft()}>Restore my draft</button>
            <button class="secondary" @click=${() => this.#keepLinkState()}>Replace my draft with this</button></p>`
        : nothing}
      ${this._notices.map(
        (n, i) => html`<p class="notice ${n.kind}" role=${n.kind === 'error' ? 'alert' : 'status'}>${n.text}
          <button class="close" aria-label="Dismiss" @click=${() => (this._notices = this._notices.filter((_, j) => j !== i))}>×</button></p>`,
      )}
      ${this.#renderLink()}
    </div>`;
  }

  #renderLink(): TemplateResult | typeof nothing {
    const link = this._link;
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
    const p = this._progress;
    if (this._status !== 'compiling') return nothing;
    if (p?.phase === 'downloading') {
      return html`<div class="progress"><label>Downloading the compiler… ${(p.loaded / 1e6).toFixed(1)} / ${(p.total / 1e6).toFixed(1)} MB
        <progress id="compile-progress" max=${p.total} .value=${p.loaded}></progress></label></div>`;
    }
    return html`<div class="progress"><label>Compiling… <progress id="compile-progress"></progress></label></div>`;
  }

  #renderDiagnostics(): TemplateResult | typeof nothing {
    if (this._diagnostics.length === 0) return nothing;
    return html`<ul class="diagnostics" id="diagnostics">
      ${this._diagnostics.map(
        (d) => html`<li class=${d.severity}>
          <button class="link" data-line=${d.line} @click=${() => this.querySelector('playground-editor')?.reveal(d.line, d.column)}>
            ${d.file}${d.line > 0 ? `:${d.line}:${d.column}` : ''}</button>
          <span class="severity">${d.severity}</span> ${d.message}
        </li>`,
      )}
    </ul>`;
  }

  #renderPreview(): TemplateResult {
    const userRoles = ['anonymous', 'editor', 'administrator'];
    return html`
      <form class="address" @submit=${(e: Event) => { e.preventDefault(); void this.navigate(this._address || '/'); }}>
        <select id="route-list" aria-label="Routes" @change=${(e: Event) => void this.navigate((e.target as HTMLSelectElement).value)}>
          <option value="" selected disabled>routes…</option>
          ${this._routes.map((r) => html`<option value=${r.path}>${r.path} (${r.plugin})</option>`)}
        </select>
        <input id="address" aria-label="Address" .value=${this._address} @input=${(e: Event) => (this._address = (e.target as HTMLInputElement).value)} />
        <button type="submit">Go</button>
        <select id="user" aria-label="User" @change=${(e: Event) => { this.#setState({ ...this._state, user: (e.target as HTMLSelectElement).value }); void this.navigate(this._state.route); }}>
          ${userRoles.map((role) => html`<option value=${role} ?selected=${this._state.user === role}>${role}</option>`)}
        </select>
      </form>
      <div class="preview" id="preview" @navigate=${(e: CustomEvent<NavigateDetail>) => void this.navigate(e.detail.path)}>${this.#renderResponse()}</div>
    `;
  }

  #renderResponse(): TemplateResult | typeof nothing {
    const response = this._response;
    if (response === undefined) return this._status === 'ready' || this._status === 'failed' ? nothing : html`<p class="muted">Starting…</p>`;
    if (response === null) {
      const own = this._routes.filter((r) => r.plugin === this.#runPlugin);
      if (this._refused) return html`<p class="notice error" id="no-route">No route matches ${this._state.route}: the kernel refused ${this.#runPlugin} (see above), so its routes are not there.</p>`;
      if (own.length === 0) {
        return html`<p class="notice info" id="no-route">${this.#runPlugin} has no routes (it declares none in <code>tap_menu</code>), so there is no page to show. Its taps run
          all the same: see them in the Taps tab below, or open a route of an enabled reference plugin.</p>`;
      }
      return html`<p class="notice error" id="no-route">No route matches ${this._state.route}. ${this.#runPlugin}'s routes: ${own.map((r) => r.path).join(', ')} (also in the list above).</p>`;
    }
    const { result } = response;
    if (result.error) {
      const at = result.location ? ` (${result.location.file}:${result.location.line}:${result.location.column})` : '';
      return html`<p class="notice error" id="route-error">${result.error}${at}</p>`;
    }
    return html`<trovato-render .element=${result.output} plugin=${result.plugin}></trovato-render>`;
  }

  #renderInspector(): TemplateResult {
    if (this._trace.length === 0) return html`<p class="muted">No dispatches yet.</p>`;
    return html`<ol class="trace" id="trace">
      ${this._trace.map((entry) => {
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
    if (this._logs.length === 0) return html`<p class="muted">No log lines in this run.</p>`;
    return html`<ol class="console" id="console" tabindex="0" aria-label="Log lines">
      ${this._logs.map(
        (l) => html`<li class=${l.level}><span class="plugin">${l.plugin}</span> <span class="source">${l.source}</span>
          <span class="level">${l.level}</span> ${l.message}</li>`,
      )}
    </ol>`;
  }

  #renderPlugins(): TemplateResult {
    const name = this._upload?.source.name ?? pluginNameOr(this._state.manifest, '');
    const statuses = new Map((this._report?.plugins ?? []).map((p) => [p.name, p]));
    return html`<div class="plugins" id="plugins">
      <p>Reference plugins to enable beside yours:</p>
      ${this._references
        .filter((ref) => ref !== name)
        .map(
          (ref) => html`<label><input type="checkbox" data-plugin=${ref} .checked=${this._state.enabled.includes(ref)}
            @change=${(e: Event) => this.#toggleReference(ref, (e.target as HTMLInputElement).checked)} /> ${ref}</label>`,
        )}
      <h3>Load report</h3>
      <ul>
        ${[...statuses.values()].map(
          (p) => html`<li class=${p.status}><code>${p.name}</code> ${p.status}${p.errors.length ? html`: ${p.errors.join(' ')}` : nothing}
            ${p.warnings.length ? html`<br /><small>${p.warnings.join(' ')}</small>` : nothing}</li>`,
        )}
        ${(this._report?.routeProblems ?? []).map((p) => html`<li class="refused">${p.plugin} ${p.path}: ${p.message}</li>`)}
      </ul>
    </div>`;
  }
}

/** A trace line for a call the kernel never finished (it was stopped and the worker replaced). */
function stoppedEntry(path: string, message: string, plugin: string): TraceEntry {
  return { seq: 0, time: Date.now(), kind: 'call', name: `route ${path} (stopped)`, input: { path }, user: '', results: [{ plugin, output: null, error: message, ms: 0 }] };
}

/** The template whose source and manifest the state holds unchanged, or ''. */
function templateOf(state: PlaygroundState): TemplateName | '' {
  const names = Object.keys(TEMPLATES) as TemplateName[];
  return names.find((name) => TEMPLATES[name].source === state.source && TEMPLATES[name].manifest === state.manifest) ?? '';
}

function pluginName(manifest: string): string | { error: string } {
  let parsed: Record<string, unknown>;
  try {
    parsed = parseToml(manifest) as Record<string, unknown>;
  } catch (error) {
    return { error: `info.toml is not valid TOML: ${messageOf(error)}` };
  }
  const name = parsed.name;
  if (typeof name !== 'string' || !MACHINE_NAME.test(name)) {
    return { error: 'info.toml needs a `name` such as "my_plugin" (lowercase letters, digits and _, starting with a letter).' };
  }
  return name;
}

function pluginNameOr(manifest: string, fallback: string): string {
  const name = pluginName(manifest);
  return typeof name === 'string' ? name : fallback;
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

function sameState(a: PlaygroundState, b: PlaygroundState): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

if (!customElements.get('trovato-playground')) customElements.define('trovato-playground', TrovatoPlayground);

declare global {
  interface HTMLElementTagNameMap {
    'trovato-playground': TrovatoPlayground;
  }
}
