/**
 * `trovato dev [--port 5173] [--plugins plugins] [--public public]`: the site's dev server
 * with the plugins rebuilt on save. A change under `plugins/<name>/` rebuilds that plugin (the
 * compiler stays loaded in this process), runs the load checks, and tells the open pages; each
 * page's worker loads the new build in place: no page reload, the database kept. A compile
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
      void server.close().then(done);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}

/** Rebuilds one plugin at a time, each a moment after its last change. */
class Rebuilder {
  readonly #server: ViteDevServer;
  readonly #pluginsDir: string;
  readonly #outDir: string;
  readonly #timers = new Map<string, NodeJS.Timeout>();
  #queue: Promise<void> = Promise.resolve();

  constructor(server: ViteDevServer, pluginsDir: string, outDir: string) {
    this.#server = server;
    this.#pluginsDir = pluginsDir;
    this.#outDir = outDir;
  }

  schedule(name: string): void {
    clearTimeout(this.#timers.get(name));
    this.#timers.set(
      name,
      setTimeout(() => {
        this.#timers.delete(name);
        this.#queue = this.#queue.then(() => this.#rebuild(name)).catch((error: unknown) => {
          console.error(`${colour.red('error')} rebuilding ${name}: ${error instanceof Error ? error.message : String(error)}`);
        });
      }, SETTLE_MS),
    );
  }

  async #rebuild(name: string): Promise<void> {
    const started = performance.now();
    // Optimised like every other build, so what dev leaves in the plugins folder is what
    // `build` would make; with the compiler already warm this is about a second.
    // Forced: a file changed, even if a build that started before the change left a newer output.
    const result = await buildPluginDir(join(this.#pluginsDir, name), this.#outDir, { force: true });
    if (result.status === 'failed') return this.#fail(name, result);
    const checked = (await checkPlugins(this.#outDir)).plugins.find((p) => p.name === name);
    if (checked?.status === 'refused') {
      const message = `${name} built, but the kernel refuses to load it:\n${checked.errors.join('\n')}`;
      console.error(`${colour.red('refused')} ${message}`);
      this.#overlay(message, join(this.#pluginsDir, name, `${name}.info.toml`));
      return;
    }
    await updatePluginIndex(this.#outDir, [name]);
    const data: PluginRebuilt = { name };
    this.#server.ws.send({ type: 'custom', event: PLUGIN_REBUILT_EVENT, data });
    const ms = Math.round(performance.now() - started);
    console.log(`${colour.green('rebuilt')} ${name} in ${ms} ms; reloading it in the open pages`);
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
