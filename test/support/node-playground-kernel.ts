/**
 * The playground's kernel port in Node, for testing PlaygroundController without a page: the
 * same site services the playground's worker runs (openSite on fake-indexeddb, the reference
 * plugins built into public/plugins, the dispatch trace), in this process instead of a worker.
 * It never restarts: a hung plugin is the page's supervisor's business, tested in Chromium.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PlaygroundPorts } from '../../playground/playground-controller.js';
import type { BootedPlayground } from '../../playground/playground-kernel.js';
import { contentSteps } from '../../playground/share-extras.js';
import { readPluginFolder } from '../../src/build/plugin-folder.js';
import type { LogEntry, PluginSource, RouteResponse, TraceEntry, UserProfile } from '../../src/site/protocol.js';
import { openSite, type Site } from '../../src/site/site.js';
import { collectSite, siteToRecipe } from '../../src/site/site-export.js';
import { sha256Hex } from '../../src/kernel/common/digest.js';
import { openTestStore, siteName } from '../../src/site/site-fixtures.test-support.js';
import type { RecipeStep } from '../../src/recipe/recipe.js';

const BUILT = join(fileURLToPath(new URL('../../', import.meta.url)), 'public/plugins');

type KernelPort = PlaygroundPorts['kernel'];

export class NodePlaygroundKernel implements KernelPort {
  readonly restarts = 0;
  /** How many times boot was called: a run that stops before booting leaves it as it was. */
  boots = 0;
  #site: Site | null = null;
  #sources: PluginSource[] = [];
  #references: PluginSource[] = [];
  #trace: TraceEntry[] = [];

  async boot(_pluginsUrl: string, enabled: string[], plugin: PluginSource, content: readonly RecipeStep[] = []): Promise<BootedPlayground> {
    if (content.length > 0) throw new Error('NodePlaygroundKernel does not restore a link\'s content (the page builds it with a recipe).');
    this.boots++;
    await this.#site?.store.close();
    const { sources, problems } = await readPluginFolder(BUILT);
    if (problems.length > 0) throw new Error(`public/plugins: ${problems.map((p) => p.message).join('; ')} (run npm run build:plugins)`);
    const offered = [...sources.filter((source) => enabled.includes(source.name) && source.name !== plugin.name), plugin];
    this.#references = sources;
    this.#sources = offered;
    this.#trace = [];
    let seq = 0;
    this.#site = await openSite({
      store: await openTestStore(siteName()),
      sources: offered,
      kernel: { onDispatch: (event) => this.#trace.push({ seq: ++seq, time: Date.now(), ...event }) },
    });
    const [routes, users] = [this.#site.kernel.routes(), await this.#site.users()];
    return { report: this.#site.report(), routes, users };
  }

  callRoute(path: string, user: UserProfile | undefined, query: Record<string, string>): Promise<RouteResponse | null> {
    return this.#running().kernel.callRoute(path, { user, query });
  }

  async trace(since: number): Promise<TraceEntry[]> {
    return this.#trace.filter((entry) => entry.seq > since);
  }

  readLogs(): Promise<LogEntry[]> {
    return this.#running().readLogs({ limit: 200 });
  }

  /** As the worker's exportRecipe: reference plugins by name and hash, the preview's content as steps. */
  async content(): Promise<RecipeStep[]> {
    const exported = await collectSite(this.#running().store, this.#sources);
    const references = this.#references.filter((reference) => exported.plugins.some((p) => p.name === reference.name));
    const referenceHashes = Object.fromEntries(await Promise.all(references.map(async (p) => [p.name, await sha256Hex(p.wasm)] as const)));
    return contentSteps(siteToRecipe(exported, { referenceHashes }));
  }

  async close(): Promise<void> {
    await this.#site?.store.close();
    this.#site = null;
  }

  #running(): Site {
    if (!this.#site) throw new Error('The playground kernel is not running: press Run first.');
    return this.#site;
  }
}
