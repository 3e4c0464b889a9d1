/**
 * Driving the host_probe plugin (test/fixtures/host-probe) through the real kernel on a real
 * site store. Runs in Node (fake-indexeddb) and in Chromium (IndexedDB); how the probe's wasm is
 * obtained is the caller's business, so nothing here touches a file system.
 */
import { createKernel, type Kernel } from '../../src/kernel/kernel.js';
import { kernelStorage } from '../../src/kernel/host/storage-host.js';
import { siteRoles } from '../../src/site/roles.js';
import { openSiteStore, type SiteStore } from '../../src/kernel/storage/site-store.js';
import type { PluginSource } from '../../src/kernel/plugin/loader.js';
import type { HandlerResult } from '../../src/kernel/tap/dispatcher.js';
import type { UserSpec } from '../../src/kernel/common/users.js';
import { deleteTestDatabase } from '../support/test-database.js';

/** The probe as built: its manifest text (named `host_probe`) and its wasm. */
export interface ProbeBuild {
  manifest: string;
  wasm: Uint8Array;
}

/** What a probe op answers: the SDK's result, or the code and message of `lastHostError()`. */
export type Outcome = { ok: true; result: unknown } | { ok: false; code: number; error: string; fn: string };

export interface ProbeOp {
  op: string;
  args?: Record<string, unknown>;
}

/**
 * The probe wasm under another plugin name: the manifest is the only thing that names it. The
 * probe may be the AssemblyScript one (`host_probe`) or the Rust one (`host_probe_rust`).
 */
export function probeAs(build: ProbeBuild, name: string): PluginSource {
  const manifest = build.manifest.replace(/^name = "host_probe(_rust)?"$/m, `name = "${name}"`);
  if (manifest === build.manifest && name !== 'host_probe') throw new Error('The host_probe manifest no longer has a line name = "host_probe" (or "host_probe_rust").');
  return { name, manifest, wasm: build.wasm };
}

/** The site's default roles for one content type, `page`: editors own their pages, administrators all. */
export const ROLES = siteRoles(['page']);

export const ANONYMOUS: UserSpec = {};
export const ADA_EDITOR: UserSpec = { id: 'ada', roles: ['editor'] };
export const BOB_EDITOR: UserSpec = { id: 'bob', roles: ['editor'] };
export const ADMIN: UserSpec = { id: 'root', roles: ['administrator'] };

export interface ProbeSiteOptions {
  build: ProbeBuild;
  /** Plugin names to load the probe under; default host_probe and host_probe_b. */
  plugins?: readonly string[];
  indexedDB?: IDBFactory;
  now?: () => number;
  /** Opens the site's store another way (the server's SQL stores); default IndexedDB. */
  openStore?: (name: string, now?: () => number) => Promise<SiteStore>;
}

/** A kernel on a site store with the probe loaded, and helpers to run ops as a user. */
export class ProbeSite {
  private constructor(
    readonly name: string,
    readonly store: SiteStore,
    readonly kernel: Kernel,
    private readonly options: ProbeSiteOptions,
  ) {}

  /** Opens (or reopens: a page reload) the database `name` and loads the probe plugins. */
  static async open(name: string, options: ProbeSiteOptions): Promise<ProbeSite> {
    const store = options.openStore
      ? await options.openStore(name, options.now)
      : await openSiteStore({ name, indexedDB: options.indexedDB, now: options.now });
    const kernel = createKernel({ storage: kernelStorage(store), roles: ROLES });
    const plugins = options.plugins ?? ['host_probe', 'host_probe_b'];
    const report = await kernel.load(plugins.map((plugin) => probeAs(options.build, plugin)));
    const refused = report.plugins.filter((p) => p.status !== 'ok');
    if (refused.length > 0) throw new Error(`The probe did not load: ${JSON.stringify(refused)}`);
    return new ProbeSite(name, store, kernel, options);
  }

  /** Closes the store and opens the same database with a new kernel, as a page reload does. */
  async reload(): Promise<ProbeSite> {
    await this.store.close();
    return ProbeSite.open(this.name, this.options);
  }

  /** One op of one plugin, as one request of `user`. */
  async op(plugin: string, user: UserSpec, op: string, args: Record<string, unknown> = {}): Promise<Outcome> {
    return outcomeOf(await this.kernel.request(user, (session) => session.call(plugin, 'tap_queue_worker', { op, args })));
  }

  /** Several ops of one plugin, in one call, as one request of `user`. */
  async ops(plugin: string, user: UserSpec, ops: readonly ProbeOp[]): Promise<Outcome[]> {
    return outcomesOf(await this.kernel.request(user, (session) => session.call(plugin, 'tap_queue_worker', { ops })));
  }

  /** Stores the script `plugin` runs on tap_cron (its own variable `cron`). */
  async setCron(plugin: string, ops: readonly ProbeOp[], abort = false): Promise<void> {
    const set = await this.op(plugin, ADMIN, 'variable-set', { name: 'cron', value: { ops, abort } });
    if (!set.ok) throw new Error(`Setting the cron script of ${plugin} failed: ${set.error}`);
  }
}

/** The op's outcome; a handler failure (trap, bad output) throws with the kernel's message. */
export function outcomeOf(result: HandlerResult): Outcome {
  if (result.error !== undefined) throw new Error(`${result.plugin} failed: ${result.error}`);
  return result.output as Outcome;
}

export function outcomesOf(result: HandlerResult): Outcome[] {
  if (result.error !== undefined) throw new Error(`${result.plugin} failed: ${result.error}`);
  return result.output as Outcome[];
}

/** The result of a successful outcome; a failed one throws with its code and message. */
export function resultOf(outcome: Outcome): unknown {
  if (!outcome.ok) throw new Error(`${outcome.fn} failed (${outcome.code}): ${outcome.error}`);
  return outcome.result;
}

/** Deletes a test database (after its store is closed), so real IndexedDB does not fill up. */
export function deleteDatabase(factory: IDBFactory, name: string): Promise<void> {
  return deleteTestDatabase(name, factory);
}
