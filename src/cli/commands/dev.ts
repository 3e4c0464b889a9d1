/**
 * `trovato dev [--port 5173] [--plugins plugins] [--public public]`: the site's dev server
 * with the plugins rebuilt on save. A change under `plugins/<name>/` rebuilds that plugin (the
 * compiler stays loaded in this process), runs the load checks, and tells the open pages; each
 * page's worker loads the new build in place: no page reload, the database kept. An
 * AssemblyScript plugin is first built unoptimized, several times faster, and five seconds after
 * the last save optimized, as `build` makes it, replacing it again. A compile
 * error or a refusal is printed here and shown in the page's error overlay, and the last good
 * build keeps running. A change to the SDK rebuilds every plugin.
 */
import { join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import type { ViteDevServer } from 'vite';
import { buildAll, buildPluginDir, describeBuild, updatePluginIndex } from '../../build/build-plugins.js';
import type { PluginBuildResult } from '../../build/build-result.js';
import { formatDiagnostic, warmCompiler } from '../../build/compile-plugin.js';
import { PACKAGE_ROOT } from '../../build/package-root.js';
import { PLUGIN_REBUILT_EVENT, type PluginRebuilt } from '../../dev-protocol.js';
import { UsageError } from '../command.js';
import { checkPlugins } from '../plugin-check.js';
import { colour } from '../format.js';

// Editors save in bursts (write, rename, chmod): one rebuild per burst.
const SETTLE_MS = 60;
// The optimized build waits for the saves to stop: while it compiles (about a second) a save
// waits for it, since only its reading of the files can be cancelled. Measured with a save
// every two seconds, a one-second pause made every save wait.
const OPTIMIZE_AFTER_MS = 5000;

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string', default: '5173' },
      plugins: { type: 'string', default: 'plugins' },
      // The site's static folder; built plugins go to its plugins/ (where the page fetches them).
      public: { type: 'string', default: 'public' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, not "${values.port}".`);
  const pluginsDir = resolve(values.plugins);
  const publicDir = resolve(values.public);
  const outDir = join(publicDir, 'plugins');
  const sdkDir = join(PACKAGE_ROOT, 'sdk');

  const first = await buildAll(pluginsDir, outDir);
  for (const r of first.results) for (const line of describeBuild(r)) (r.status === 'failed' ? console.error : console.log)(line);

  const { createServer } = await import('vite');
  const server = await createServer({ publicDir, server: { port, strictPort: true } });
  await server.listen();
  server.printUrls();
  // When every plugin was up to date nothing was compiled: warm the compiler now, so the first
  // save does not pay for loading it.
  if (first.results.every((r) => r.status !== 'built')) void warmCompiler();
  console.log(colour.dim(`\nwatching ${relative(process.cwd(), pluginsDir) || '.'}/ and sdk/: a saved plugin is rebuilt and reloaded in the open pages.`));

  const rebuilder = new Rebuilder(server, pluginsDir, outDir);
  const onFile = (file: string): void => {
    const path = resolve(file);
    if (path.startsWith(sdkDir + sep)) {
      for (const r of first.results) rebuilder.schedule(r.name);
      return;
    }
    if (!path.startsWith(pluginsDir + sep)) return;
    const name = relative(pluginsDir, path).split(sep)[0];
    if (name && !name.startsWith('.') && !path.endsWith('.test.ts')) rebuilder.schedule(name);
  };
  server.watcher.add([pluginsDir, sdkDir]);
  server.watcher.on('change', onFile);
  server.watcher.on('add', onFile);

  await new Promise<void>((done) => {
    const stop = (): void => {
      rebuilder.close();
      void server.close().then(done);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}

/**
 * Rebuilds one plugin at a time, each a moment after its last change: first unoptimized (a
 * fifth of the optimized compile, or less) for the open pages, then, once the saves have stopped for
 * OPTIMIZE_AFTER_MS, optimized as `build` makes it, which replaces it in the folder and the pages.
 */
class Rebuilder {
  readonly #server: ViteDevServer;
  readonly #pluginsDir: string;
  readonly #outDir: string;
  readonly #timers = new Map<string, NodeJS.Timeout>();
  #queue: Promise<void> = Promise.resolve();
  /** Plugins whose latest build in the folder is a quick one. */
  readonly #unoptimized = new Set<string>();
  #optimizeTimer: NodeJS.Timeout | undefined;
  /** Cancels the optimized build running now, if one is: a save goes first. */
  #optimizing: AbortController | null = null;

  constructor(server: ViteDevServer, pluginsDir: string, outDir: string) {
    this.#server = server;
    this.#pluginsDir = pluginsDir;
    this.#outDir = outDir;
  }

  /** No more builds: the pending ones are dropped and a running optimized build cancelled. */
  close(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    clearTimeout(this.#optimizeTimer);
    this.#optimizing?.abort();
    this.#unoptimized.clear();
  }

  schedule(name: string): void {
    clearTimeout(this.#optimizeTimer);
    this.#optimizing?.abort();
    clearTimeout(this.#timers.get(name));
    this.#timers.set(
      name,
      setTimeout(() => {
        this.#timers.delete(name);
        this.#enqueue(() => this.#rebuild(name), `rebuilding ${name}`);
      }, SETTLE_MS),
    );
  }

  /** Runs `step` after the steps before it; `doing` names it in an error. */
  #enqueue(step: () => Promise<void>, doing: string): void {
    this.#queue = this.#queue.then(step).catch((error: unknown) => {
      console.error(`${colour.red('error')} ${doing}: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  async #rebuild(name: string): Promise<void> {
    const started = performance.now();
    // Forced: a file changed, even if a build that started before the change left a newer output.
    // Quick for AssemblyScript (the result says so); a Rust plugin is built as `build` builds it.
    const result = await buildPluginDir(join(this.#pluginsDir, name), this.#outDir, { force: true, quick: true });
    if (result.status === 'failed') {
      // Its source does not compile: optimizing it would only say so again.
      this.#unoptimized.delete(name);
      this.#fail(name, result);
    } else if (await this.#publish(name)) {
      const ms = Math.round(performance.now() - started);
      console.log(`${colour.green('rebuilt')} ${name} in ${ms} ms${result.unoptimized ? ' (unoptimized: the optimized build follows)' : ''}; reloading it in the open pages`);
      if (result.unoptimized) this.#unoptimized.add(name);
    }
    // Also after a failed build: other plugins' quick builds may still wait for theirs.
    clearTimeout(this.#optimizeTimer);
    if (this.#unoptimized.size > 0) this.#optimizeTimer = setTimeout(() => this.#enqueue(() => this.#optimize(), 'optimizing'), OPTIMIZE_AFTER_MS);
  }

  /** Replaces every quick build in the folder with the optimized one, unless a save comes first. */
  async #optimize(): Promise<void> {
    for (const name of [...this.#unoptimized]) {
      if (this.#timers.size > 0) return;
      const started = performance.now();
      const controller = new AbortController();
      this.#optimizing = controller;
      const result = await buildPluginDir(join(this.#pluginsDir, name), this.#outDir, { force: true, signal: controller.signal }).finally(() => {
        if (this.#optimizing === controller) this.#optimizing = null;
      });
      // Cancelled by a save: its quick build is next, and the optimized one after it.
      if (controller.signal.aborted) return;
      this.#unoptimized.delete(name);
      if (result.status === 'failed') return this.#fail(name, result);
      if (!(await this.#publish(name))) return;
      console.log(`${colour.green('optimized')} ${name} in ${Math.round(performance.now() - started)} ms; reloading it in the open pages`);
    }
  }

  /**
   * Checks the folder's plugins as the site loads them, and tells the open pages to reload
   * `name`; false (and the overlay says why) when the kernel refuses it.
   */
  async #publish(name: string): Promise<boolean> {
    const checked = (await checkPlugins(this.#outDir)).plugins.find((p) => p.name === name);
    if (checked?.status === 'refused') {
      const message = `${name} built, but the kernel refuses to load it:\n${checked.errors.join('\n')}`;
      console.error(`${colour.red('refused')} ${message}`);
      this.#overlay(message, join(this.#pluginsDir, name, `${name}.info.toml`));
      return false;
    }
    await updatePluginIndex(this.#outDir, [name]);
    const data: PluginRebuilt = { name };
    this.#server.ws.send({ type: 'custom', event: PLUGIN_REBUILT_EVENT, data });
    return true;
  }

  #fail(name: string, result: PluginBuildResult): void {
    for (const line of describeBuild(result)) console.error(line);
    const first = result.diagnostics.find((d) => d.severity === 'error');
    const message = `${name} failed to build; the last good build keeps running.\n\n${result.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic).join('\n')}`;
    this.#overlay(message, first?.file ?? join(this.#pluginsDir, name), first && first.line > 0 ? { line: first.line, column: first.column } : undefined);
  }

  /** Vite's error overlay in every open page, pointing at the file. */
  #overlay(message: string, file: string, at?: { line: number; column: number }): void {
    this.#server.ws.send({
      type: 'error',
      err: { message, stack: '', id: file, plugin: 'trovato dev', ...(at ? { loc: { file, line: at.line, column: at.column } } : {}) },
    });
  }
}
