/**
 * The playground's state and its transitions: what the page shows (status, notices, the run's
 * report, routes, response, trace and logs, the share link, a kept draft) and what changes it
 * (run, navigate, open a template, a file, an upload, a link). `<trovato-playground>` renders
 * `view` and forwards the user's actions; everything that touches the page (the editor, the
 * clipboard, the address bar, file inputs) stays in the element, so this class runs in Node
 * with a compiler and a kernel that run there.
 */
import type { ReactiveControllerHost } from 'lit';
import { parse as parseToml } from 'smol-toml';
import type { Diagnostic } from '../src/build/compile-plugin.js';
import type { CompileOutcome, CompilePhase } from '../src/build/browser/compiler.js';
import { messageOf } from '../src/kernel/common/errors.js';
import { MACHINE_NAME } from '../src/kernel/common/machine-name.js';
import type { LoadReport, LogEntry, PluginSource, RegisteredRoute, RouteResponse, TraceEntry, UserProfile } from '../src/site/protocol.js';
import { splitRoute } from './format.js';
import type { PlaygroundKernel } from './playground-kernel.js';
import { sharedUpload, tooLongReason, uploadedPlugin } from './share-extras.js';
import { decodeState, encodeState, MAX_LINK_LENGTH, stateFromFile, type PlaygroundState } from './share-link.js';
import { stateFromTemplate, TEMPLATES, type TemplateName } from './templates.js';
import { WARM_UP_AFTER_MS, WARM_UP_SETTLED_MARK } from './compiler-warm-up.js';

/**
 * What the page is doing; tests and the benchmark wait on `data-status`, and on `data-run` (the
 * number of runs started) to know that the status they see belongs to the run they started.
 */
export type PlaygroundStatus = 'idle' | 'compiling' | 'booting' | 'running' | 'ready' | 'failed';

export interface Notice {
  kind: 'error' | 'info';
  text: string;
  /** Notices of a run are replaced by the next run's; the others stay until dismissed. */
  fromRun: boolean;
}

/** A plugin uploaded as built files (any language): run instead of the editor's source. */
export interface Upload {
  source: PluginSource;
  files: string;
}

export interface ShareLink {
  url: string;
  tooLong: boolean;
  /** Why it is too long (what it carries), when it is. */
  reason: string;
}

/** Everything the page shows; replaced as a whole on every change. */
export interface PlaygroundView {
  readonly status: PlaygroundStatus;
  /** Runs started so far (`data-run`). */
  readonly run: number;
  readonly state: PlaygroundState;
  readonly notices: readonly Notice[];
  readonly diagnostics: readonly Diagnostic[];
  readonly progress: CompilePhase | null;
  readonly report: LoadReport | null;
  readonly routes: readonly RegisteredRoute[];
  readonly users: readonly UserProfile[];
  /** The route's answer; null when no route matched; undefined before the run's first answer. */
  readonly response: RouteResponse | null | undefined;
  readonly trace: readonly TraceEntry[];
  readonly logs: readonly LogEntry[];
  /** The reference plugins a run may enable. */
  readonly references: readonly string[];
  readonly upload: Upload | null;
  readonly link: ShareLink | null;
  /** A saved draft that the current state (from a link) must not overwrite without asking. */
  readonly pendingDraft: PlaygroundState | null;
  /** The preview's address field. */
  readonly address: string;
  /** The template the editor was last filled from, shown by the picker ('' for a link or file). */
  readonly template: TemplateName | '';
  /** The kernel refused the plugin of the last run, so the preview runs without it. */
  readonly refused: boolean;
  /** The plugin of the last run that compiled or was uploaded. */
  readonly runPlugin: string;
}

/** What the controller needs from the page; the element provides it. */
export interface PlaygroundPorts {
  readonly compiler: {
    compile(name: string, source: string, progress?: (phase: CompilePhase) => void): Promise<CompileOutcome>;
    /** Compiles `source` again in the background so the next compile is faster (see PlaygroundCompiler.warmUpWith). */
    warmUpWith(name: string, source: string): Promise<unknown>;
  };
  readonly kernel: Pick<PlaygroundKernel, 'boot' | 'callRoute' | 'trace' | 'readLogs' | 'content' | 'restarts'>;
  /** Where the reference plugins are served (plugins.json and one folder each). */
  readonly pluginsUrl: string;
  /** The names plugins.json lists. */
  listReferences(): Promise<string[]>;
  /** The user's own draft, kept between visits. */
  readonly drafts: { read(): PlaygroundState | null; write(state: PlaygroundState): void };
  /** The editor: given new files, and the diagnostics of the file it shows. */
  readonly editor: { setFiles(state: PlaygroundState): void; showDiagnostics(diagnostics: Diagnostic[]): void };
}

/** A file the user chose (a File in the page). */
export type ChosenFile = Pick<File, 'name' | 'text' | 'arrayBuffer'>;

/** The element that shows the view: told of every change, and awaited before the editor is given files. */
export type PlaygroundHost = Pick<ReactiveControllerHost, 'requestUpdate' | 'updateComplete'>;

export class PlaygroundController {
  view: PlaygroundView = {
    status: 'idle',
    run: 0,
    state: stateFromTemplate('hello'),
    notices: [],
    diagnostics: [],
    progress: null,
    report: null,
    routes: [],
    users: [],
    response: undefined,
    trace: [],
    logs: [],
    references: [],
    upload: null,
    link: null,
    pendingDraft: null,
    address: '',
    template: 'hello',
    refused: false,
    runPlugin: '',
  };

  readonly #host: PlaygroundHost;
  readonly #ports: PlaygroundPorts;
  #runStarted = 0;
  /** What the current run compiled, for the compiler's warm-up once the run has settled. */
  #compiled: { run: number; name: string; source: string } | null = null;
  #diagnosticsEntry = '';
  /** The last trace entry read from the current worker, and how many restarts were seen. */
  #traceSeq = 0;
  #restartsSeen = 0;

  constructor(host: PlaygroundHost, ports: PlaygroundPorts) {
    this.#host = host;
    this.#ports = ports;
  }

  /** Opens the state of the link in `hash`, or the draft, or the default template, and runs it. */
  async start(hash: string): Promise<void> {
    void this.#loadReferences();
    const draft = this.#ports.drafts.read();
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
      if (draft && !sameState(draft, state)) this.#update({ pendingDraft: draft });
    } else {
      state = draft ?? stateFromTemplate('hello');
    }
    this.#update({ template: templateOf(state) });
    // The editor is rendered by then, and takes the files.
    await this.#host.updateComplete;
    this.#setState(state, { save: false });
    await this.run();
  }

  /**
   * Compiles (unless a built plugin was uploaded), boots a fresh kernel and opens the route;
   * then, while the user reads the result, has the compiler warm up on what it compiled.
   */
  async run(): Promise<void> {
    await this.#compileAndRun();
    const compiled = this.#compiled;
    // Only once the run has settled (warm-ups beside the kernel's boot would slow the preview),
    // and a moment later: see WARM_UP_AFTER_MS.
    if (compiled === null || compiled.run !== this.view.run) return;
    this.#compiled = null;
    setTimeout(() => {
      if (compiled.run !== this.view.run) return;
      this.#ports.compiler
        .warmUpWith(compiled.name, compiled.source)
        .catch((error: unknown) => {
          if (compiled.run === this.view.run) this.#notify('error', `${messageOf(error)}. The next compile may fail the same way; reloading the page starts a new compiler.`);
        })
        .finally(() => performance.mark(WARM_UP_SETTLED_MARK));
    }, WARM_UP_AFTER_MS);
  }

  async #compileAndRun(): Promise<void> {
    const generation = this.view.run + 1;
    const stale = (): boolean => generation !== this.view.run;
    this.#update({ run: generation, notices: this.view.notices.filter((n) => !n.fromRun) });
    // The preview keeps showing the last good run until this one has something to show: a
    // compile error leaves that plugin running, and the page should say so, not go blank.
    let plugin: PluginSource;
    const upload = this.view.upload;
    if (upload) {
      plugin = upload.source;
    } else {
      const name = pluginName(this.view.state.manifest);
      if (typeof name !== 'string') {
        this.#update({ status: 'failed' });
        this.#notify('error', name.error);
        return;
      }
      this.#update({ status: 'compiling', progress: null });
      const source = this.view.state.source;
      try {
        const outcome = await this.#ports.compiler.compile(name, source, (phase) => {
          if (!stale()) this.#update({ progress: phase });
        });
        if (stale()) return;
        this.#compiled = { run: generation, name, source };
        this.#update({ progress: null });
        this.#diagnosticsEntry = outcome.entry;
        this.#showDiagnostics(outcome.result.diagnostics);
        if (!outcome.result.ok) {
          this.#update({ status: 'failed' });
          const kept = this.view.response !== undefined && this.view.runPlugin !== '' ? ` The preview still runs the last build of ${this.view.runPlugin} that compiled.` : '';
          this.#notify('error', `The plugin did not compile: ${outcome.result.diagnostics.filter((d) => d.severity === 'error').length} error(s), listed under the editor.${kept}`);
          return;
        }
        plugin = { name, manifest: this.view.state.manifest, wasm: outcome.result.wasm };
      } catch (error) {
        if (stale()) return;
        this.#update({ progress: null, status: 'failed' });
        this.#notify('error', messageOf(error));
        return;
      }
    }
    this.#update({ status: 'booting', response: undefined });
    this.#runStarted = Date.now();
    try {
      const booted = await this.#ports.kernel.boot(this.#ports.pluginsUrl, this.view.state.enabled, plugin, this.view.state.content);
      if (stale()) return;
      const refused = booted.report.plugins.find((p) => p.name === plugin.name && p.status === 'refused');
      this.#traceSeq = 0;
      this.#restartsSeen = this.#ports.kernel.restarts;
      this.#update({ report: booted.report, routes: booted.routes, users: booted.users, trace: [], runPlugin: plugin.name, refused: refused !== undefined });
      if (refused) this.#notify('error', `The kernel refused ${plugin.name}: ${refused.errors.join(' ')}`);
      // Read the boot's dispatches now: if the route hangs, this worker and its trace are gone.
      await this.#refreshInspector();
      await this.navigate(this.view.state.route);
      // The page answered, but without the plugin under test: that run did not succeed.
      if (refused && !stale()) this.#update({ status: 'failed' });
    } catch (error) {
      if (stale()) return;
      this.#update({ status: 'failed' });
      this.#notify('error', `The playground kernel failed: ${messageOf(error)}`);
    }
  }

  /** Opens `path` (with an optional `?query`) in the preview. */
  async navigate(path: string): Promise<void> {
    const generation = this.view.run;
    const { path: route, query } = splitRoute(path);
    this.#setState({ ...this.view.state, route: path });
    this.#update({ address: path, status: 'running' });
    try {
      const user = this.view.users.find((u) => u.roles.includes(this.view.state.user)) ?? this.view.users[0];
      const response = await this.#ports.kernel.callRoute(route, user, query);
      if (generation !== this.view.run) return;
      this.#update({ response, status: 'ready' });
    } catch (error) {
      if (generation !== this.view.run) return;
      this.#update({ status: 'failed' });
      this.#notify('error', `The route ${path} could not run: ${messageOf(error)}`);
      await this.#refreshInspector({ path, message: messageOf(error) });
      return;
    }
    await this.#refreshInspector();
  }

  /** The editor changed a file: kept in the state and the draft, not run. */
  editFile(tab: 'source' | 'manifest', text: string): void {
    this.#update({ state: { ...this.view.state, [tab]: text }, link: null });
    if (!this.view.pendingDraft) this.#ports.drafts.write(this.view.state);
  }

  openTemplate(name: TemplateName): void {
    this.#update({ upload: null, template: name });
    this.#setState(stateFromTemplate(name));
    this.#showDiagnostics([]);
    void this.run();
  }

  /** A `.trovato.json` file (a downloaded playground), opened and run. */
  async openFile(file: ChosenFile): Promise<void> {
    const opened = stateFromFile(await file.text());
    if (!opened.ok) {
      this.#notify('error', `${file.name}: ${opened.error}`, false);
      return;
    }
    this.#update({ upload: null });
    this.#restoreUpload(opened.state);
    this.#setState(opened.state);
    await this.run();
  }

  /** A plugin built elsewhere (any language): its `<name>.wasm` and `<name>.info.toml`, run instead of the source. */
  async uploadWasm(files: readonly ChosenFile[]): Promise<void> {
    const wasmFile = files.find((f) => f.name.endsWith('.wasm'));
    const tomlFile = files.find((f) => f.name.endsWith('.info.toml'));
    if (!wasmFile || !tomlFile) {
      this.#notify('error', "Choose two files together: the plugin's <name>.wasm and its <name>.info.toml.", false);
      return;
    }
    const name = wasmFile.name.replace(/\.wasm$/, '');
    const source: PluginSource = { name, manifest: await tomlFile.text(), wasm: new Uint8Array(await wasmFile.arrayBuffer()) };
    this.#update({ upload: { source, files: `${wasmFile.name} + ${tomlFile.name}` } });
    this.#showDiagnostics([]);
    await this.run();
  }

  /** Drops the uploaded plugin and runs the editor's source again. */
  backToSource(): void {
    this.#update({ upload: null });
    void this.run();
  }

  toggleReference(name: string, on: boolean): void {
    const enabled = on ? [...new Set([...this.view.state.enabled, name])].sort() : this.view.state.enabled.filter((n) => n !== name);
    this.#setState({ ...this.view.state, enabled });
    void this.run();
  }

  /** The preview's user (a role): the route is opened again as that user. */
  switchUser(role: string): void {
    this.#setState({ ...this.view.state, user: role });
    void this.navigate(this.view.state.route);
  }

  setAddress(address: string): void {
    this.#update({ address });
  }

  dismissNotice(index: number): void {
    this.#update({ notices: this.view.notices.filter((_, i) => i !== index) });
  }

  restoreDraft(): void {
    const draft = this.view.pendingDraft;
    this.#update({ pendingDraft: null });
    if (!draft) return;
    this.#update({ upload: null });
    this.#setState(draft, { save: false });
    void this.run();
  }

  keepLinkState(): void {
    this.#update({ pendingDraft: null });
    this.#ports.drafts.write(this.view.state);
  }

  /**
   * The link to this playground below `pageUrl` (origin and path), shown in `view.link`; its
   * fragment, or null when the link is too long and only a file can carry the playground.
   */
  async makeLink(pageUrl: string): Promise<string | null> {
    const state = await this.shareableState();
    const fragment = encodeState(state);
    const url = `${pageUrl}#${fragment}`;
    const tooLong = url.length > MAX_LINK_LENGTH;
    this.#update({ link: { url, tooLong, reason: tooLong ? tooLongReason(state.upload, JSON.stringify(state.content ?? []).length) : '' } });
    return tooLong ? null : fragment;
  }

  /** The state with what a link carries beyond the files: the upload, and the preview's content. */
  async shareableState(): Promise<PlaygroundState> {
    const { upload: _upload, content: _content, ...files } = this.view.state;
    // The preview's content as it is now, once a run has finished; during a run, what the state had.
    const content = this.view.status === 'ready' ? await this.#ports.kernel.content(this.#ports.pluginsUrl).catch(() => this.view.state.content ?? []) : (this.view.state.content ?? []);
    const upload = this.view.upload;
    return { ...files, ...(upload ? { upload: sharedUpload(upload.source) } : {}), ...(content.length > 0 ? { content } : {}) };
  }

  /** The name the editor's manifest gives its plugin, or `fallback` while it gives none. */
  manifestName(fallback: string): string {
    const name = pluginName(this.view.state.manifest);
    return typeof name === 'string' ? name : fallback;
  }

  async #loadReferences(): Promise<void> {
    try {
      this.#update({ references: await this.#ports.listReferences() });
    } catch (error) {
      this.#notify('error', `The reference plugins could not be listed (${this.#ports.pluginsUrl}plugins.json): ${messageOf(error)}`, false);
    }
  }

  async #refreshInspector(failure?: { path: string; message: string }): Promise<void> {
    const kernel = this.#ports.kernel;
    try {
      const restarts = kernel.restarts;
      let kept = this.view.trace;
      if (restarts !== this.#restartsSeen) {
        // The worker was replaced (a plugin hung): its trace starts again at 1. Keep what the
        // old one showed, with the call that hung, and read the new one from its start.
        this.#restartsSeen = restarts;
        this.#traceSeq = 0;
        const stopped = failure ?? { path: this.view.state.route, message: 'the kernel was restarted' };
        kept = [...kept, stoppedEntry(stopped.path, stopped.message, this.view.runPlugin)];
      }
      const [entries, logs] = await Promise.all([kernel.trace(this.#traceSeq), kernel.readLogs()]);
      this.#traceSeq = entries.at(-1)?.seq ?? this.#traceSeq;
      this.#update({ trace: [...kept, ...entries].slice(-200), logs: logs.filter((entry) => entry.time >= this.#runStarted).reverse() });
    } catch {
      // The inspector is a view: a stopped kernel (a newer run) leaves it as it was.
    }
  }

  /** A link or file carried an uploaded plugin: run it instead of the source. */
  #restoreUpload(state: PlaygroundState): void {
    if (!state.upload) return;
    const plugin = uploadedPlugin(state.upload);
    if ('error' in plugin) this.#notify('error', plugin.error, false);
    else this.#update({ upload: { source: plugin, files: `${plugin.name}.wasm + ${plugin.name}.info.toml (from the link)` } });
  }

  #setState(state: PlaygroundState, { save = true } = {}): void {
    const filesChanged = state.source !== this.view.state.source || state.manifest !== this.view.state.manifest;
    // A link made for this very state stays shown: a run that ends by opening the same route
    // again must not take away the link (or the too-long notice) the user just asked for.
    this.#update(sameState(state, this.view.state) ? { state } : { state, link: null });
    if (filesChanged || !save) this.#ports.editor.setFiles(state);
    if (save && !this.view.pendingDraft) this.#ports.drafts.write(state);
  }

  #showDiagnostics(diagnostics: Diagnostic[]): void {
    this.#update({ diagnostics });
    this.#ports.editor.showDiagnostics(diagnostics.filter((d) => d.file === this.#diagnosticsEntry));
  }

  #notify(kind: Notice['kind'], text: string, fromRun = true): void {
    this.#update({ notices: [...this.view.notices, { kind, text, fromRun }] });
  }

  #update(patch: Partial<PlaygroundView>): void {
    this.view = { ...this.view, ...patch };
    this.#host.requestUpdate();
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

function sameState(a: PlaygroundState, b: PlaygroundState): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
