/**
 * The kernel: loads plugins, and runs requests. A request is one dispatch (or one route
 * callback) as one user, with one unit of work that commits when the request ends. All plugin
 * code runs synchronously inside a request; only the commit awaits storage.
 */
import { CallStack, HostCode, type ActiveCall, type CurrentCall, HostFailure, adaptHostFunction, type HostImpl, type HostImplementations } from './host/abi.js';
import { renderPipeline } from './render-pipeline.js';
import { createRequestServices, dispatchOwnTap, type ServiceDeps } from './request-services.js';
import { collectQueues, type QueueInfo } from './queues.js';
import { createEnvImports } from './host/env.js';
import { HOST_FUNCTIONS, HOST_MODULE_PREFIX } from './host/imports.js';
import { createWasiImports } from './host/wasi.js';
import { loadPlugins, type CompiledPlugin, type PluginSource, type PluginStatus } from './plugin/loader.js';
import { checkExportSignature, TAP_SIGNATURE } from './plugin/module-check.js';
import { hasPermission } from './host/user.js';
import { MAX_ROUTES_PER_PLUGIN, MenuRegistry, normalizeMenuDefinition, type MenuTreeNode, type RegisteredRoute, type RouteMatch } from './menu/registry.js';
import { Dispatcher, type DispatchEvent, type DispatchResult, type HandlerResult } from './tap/dispatcher.js';
import { freshInstances, type InstanceSource, type Initializer } from './tap/plugin-instance.js';
import { pooledInstances } from './tap/instance-pool.js';
import { TapRegistry } from './tap/registry.js';
import { anonymousUser, createRequestState, NO_WORK, type CurrentUser, type LogEntry, type RequestState, type RequestWork } from './tap/request-state.js';
import { DEFAULT_ROLES, resolveUser, type RoleTable, type UserSpec } from './users.js';
import { KernelError, messageOf } from './errors.js';
import { resolveLimits, type KernelLimits } from './limits.js';
import { recordLogLine } from './host/logging.js';
import { DEFAULT_CALL_FUEL, DEFAULT_REQUEST_FUEL, FuelExhausted, MAX_CALL_FUEL, OutOfFuel, chargeFuel, fuelCounter, outOfFuelMessage, requestFuel, startFunction, type RequestFuel } from './tap/fuel.js';
import type { DeclaredPermission } from './content/types.js';

/** 64 KiB pages: 256 pages = 16 MiB, ample for content plugins and small enough for a tab. */
export const DEFAULT_MAX_MEMORY_PAGES = 256;

/** A request's unit of work as the kernel drives it; storage provides it. */
export interface KernelWork extends RequestWork {
  commit(): Promise<void>;
  discard(): void;
  /**
   * A storage that loads lazily: whether a read found data not loaded yet (it threw NotLoaded,
   * tap/not-loaded.ts). The request then runs again after `loadMissed`, which drops this
   * attempt's writes and loads what it missed (`everything`: all of it, so the next attempt
   * cannot miss).
   */
  readonly missedReads?: boolean;
  loadMissed?(everything: boolean): Promise<void>;
}

/** Attempts of one request: a miss, a load by id, a miss again, everything loaded, a last run. */
const MAX_ATTEMPTS = 3;

/** What the kernel needs from storage. Without it, data host functions answer -5. */
export interface KernelStorage {
  beginWork(user: CurrentUser): KernelWork;
  hostFunctions(): HostImplementations;
  appendLogs(entries: readonly LogEntry[]): Promise<void>;
}

export interface KernelOptions {
  storage?: KernelStorage;
  maxMemoryPages?: number;
  /** The role table, or a function read per request (a site's roles grow with its content types). */
  roles?: RoleTable | (() => RoleTable);
  /** Called with every log line as it happens (the CLI prints them; the UI streams them). */
  onLog?: (entry: LogEntry) => void;
  /**
   * Called as each plugin call starts, with the plugin and the tap or callback: the worker
   * reports it to the page, which can name the plugin when the thread stops answering.
   */
  onCallStart?: (plugin: string, exportName: string) => void;
  /** Every dispatch and call with its input and results, for tracing (see DispatchEvent). */
  onDispatch?: (event: DispatchEvent) => void;
  /** Plugins not to load, with the reason (see Kernel.setQuarantined). */
  quarantined?: Readonly<Record<string, string>>;
  /**
   * How each call gets an instance in its initial state: 'pool' (default) reuses instances,
   * reset to a snapshot after every call; 'fresh' makes a new one per call (for comparison).
   */
  isolation?: 'pool' | 'fresh';
  /** Quotas to change from their defaults (limits.ts DEFAULT_LIMITS; docs/abi.md §7.4). */
  limits?: Partial<KernelLimits>;
  /**
   * Instruction fuel (docs/abi.md §7.1): each call's budget (a manifest's `[limits] fuel`
   * overrides it, up to MAX_CALL_FUEL) and each request's. `false` loads plugins unmetered,
   * only to measure what fuel costs: nothing then stops a plugin that loops.
   */
  fuel?: false | { perCall?: number; perRequest?: number };
  /**
   * The roles a site assigned to a user id (the people page), which win over the roles a caller
   * names; undefined for users the site has no assignment for.
   */
  userRoles?: (id: string) => readonly string[] | undefined;
  /** Unix milliseconds; read once at the start of each request (the request's time). Default Date.now. */
  clock?: () => number;
}

export interface RequestOptions {
  user?: UserSpec;
}

export interface LoadReport {
  plugins: PluginStatus[];
  /** Enabled plugins in load order. */
  order: string[];
  /** Problems with routes from tap_menu (duplicates, bad callbacks), by plugin. */
  routeProblems: Array<{ plugin: string; path: string; message: string }>;
  /** Plugins that were given but held back because they are quarantined, with the reason. */
  quarantined?: Record<string, string>;
  /** Taps the kernel calls while loading (tap_perm) that failed, by plugin; absent when none did. */
  tapProblems?: Array<{ plugin: string; tap: string; message: string }>;
}

/**
 * One request as code outside the kernel drives it: several dispatches and calls sharing one
 * user and one unit of work, committed together when the body returns.
 */
export interface RequestSession {
  readonly user: CurrentUser;
  /** The storage's unit of work (a UnitOfWork when the kernel has a site store). */
  readonly work: RequestWork;
  /** The request's time, Unix milliseconds, fixed for the whole request. */
  readonly now: number;
  /** The request itself (route, context), for kernel services such as cache contexts. */
  readonly state: RequestState;
  dispatch(tap: string, input?: unknown): DispatchResult;
  dispatchOne(tap: string, input?: unknown): DispatchResult & { answer: HandlerResult | null };
  /** Calls one tap-shaped export of one enabled plugin. */
  call(plugin: string, exportName: string, input?: unknown): HandlerResult;
  /** The plugins implementing `tap`, in the order they run (for chains such as alters). */
  handlers(tap: string): string[];
}

export interface RouteResponse {
  match: RouteMatch;
  result: HandlerResult;
}

export interface Kernel {
  load(sources: readonly PluginSource[]): Promise<LoadReport>;
  dispatch(tap: string, input?: unknown, options?: RequestOptions): Promise<DispatchResult>;
  dispatchOne(tap: string, input?: unknown, options?: RequestOptions): Promise<DispatchResult & { answer: HandlerResult | null }>;
  route(path: string): RouteMatch | null;
  callRoute(path: string, options?: RequestOptions & { query?: Record<string, string> }): Promise<RouteResponse | null>;
  routes(): RegisteredRoute[];
  menuTree(): MenuTreeNode[];
  /** Every permission the enabled plugins declared through tap_perm. */
  permissions(): DeclaredPermission[];
  /** The queues the enabled plugins declared through tap_queue_info. */
  queues(): QueueInfo[];
  status(): LoadReport;
  user(spec?: UserSpec): CurrentUser;
  /**
   * Runs `body` as ONE request: its dispatches share one unit of work, committed when `body`
   * returns and discarded when it throws. `body` is synchronous, like all plugin code.
   */
  request<T>(user: UserSpec | undefined, body: (session: RequestSession) => T): Promise<T>;
  /**
   * Plugins to hold back (name -> reason, e.g. "hung twice in tap_cron"), from the next load on:
   * they are reported as refused with the reason and never run. An empty record releases them.
   */
  setQuarantined(reasons: Readonly<Record<string, string>>): void;
}

interface EnabledPlugin {
  readonly compiled: CompiledPlugin;
  readonly instances: InstanceSource;
}

const utf8 = new TextEncoder();

export function createKernel(options: KernelOptions = {}): Kernel {
  const maxMemoryPages = options.maxMemoryPages ?? DEFAULT_MAX_MEMORY_PAGES;
  const limits = resolveLimits(options.limits);
  const rolesOption = options.roles ?? DEFAULT_ROLES;
  const roles = typeof rolesOption === 'function' ? rolesOption : () => rolesOption;
  const clock = options.clock ?? Date.now;
  const calls = new CallStack();
  const registry = new TapRegistry();
  let enabled = new Map<string, EnabledPlugin>();
  let menu = new MenuRegistry();
  let declaredPermissions: DeclaredPermission[] = [];
  let declaredQueues: QueueInfo[] = [];
  let report: LoadReport = { plugins: [], order: [], routeProblems: [] };
  let quarantine = new Map(Object.entries(options.quarantined ?? {}));
  const metered = options.fuel !== false;
  const fuelOptions = options.fuel === false ? {} : (options.fuel ?? {});
  const perCall = Math.min(fuelOptions.perCall ?? DEFAULT_CALL_FUEL, MAX_CALL_FUEL);
  const perRequest = fuelOptions.perRequest ?? DEFAULT_REQUEST_FUEL;
  const callFuel = (plugin: string): number => enabled.get(plugin)?.compiled.manifest.limits?.fuel ?? perCall;
  const dispatcher = new Dispatcher(registry, calls, {
    instances: (name) => enabled.get(name)?.instances,
    callFuel,
    onCallStart: options.onCallStart,
    onDispatch: options.onDispatch,
  });
  const services: ServiceDeps = {
    dispatcher,
    calls,
    bypassesItemAccess: (plugin) => enabled.get(plugin)?.compiled.manifest.access?.bypassItemAccess === true,
    queueNames: () => declaredQueues.map((q) => q.name),
  };

  const kernelHost: HostImplementations = {
    errors: {
      'last-error': (call) => call.lastError,
    },
    'plugin-api': {
      invoke: (call, [plugin, fn, payload]) => {
        const outcome = dispatcher.invoke(plugin, fn, payload, call.request);
        if (outcome.code !== 0) throw new HostFailure(outcome.code as -2 | -4 | -6, outcome.message ?? 'invoke failed');
        return outcome.output ?? '';
      },
      'plugin-exists': (_call, [plugin]) => (enabled.has(plugin) ? 1 : 0),
      dispatch: (call, [tap, payload]) => dispatchOwnTap(services, call.plugin, tap, payload, call.request),
    },
  };
  const hostImplementations = { ...(options.storage?.hostFunctions() ?? {}), ...kernelHost };
  /** env.trace: a debug log line, within the log quotas like logging.log. */
  function trace(call: ActiveCall, message: string): void {
    // trace() has no return value to refuse with: over the log quotas its lines are dropped
    // (the first refusal still leaves its warning in the log).
    if (call.request.quota.spentFor(call, 'logging.log')) return;
    try {
      recordLogLine(call, 'debug', message);
    } catch (error) {
      if (!(error instanceof HostFailure)) throw error;
    }
  }

  /**
   * Each plugin gets its own import functions, which refuse to act for a call of another
   * plugin: a host call is always attributed to the plugin whose instance makes it.
   */
  function importsFor(plugin: string): WebAssembly.Imports {
    const owned = ownedCalls(calls, plugin);
    const hostImports = buildHostImports(owned, hostImplementations);
    const env = createEnvImports(owned, { trace });
    const wasi = createWasiImports(owned, (call, stream, line) => {
      call.request.record({ plugin, level: stream === 'stderr' ? 'warning' : 'info', message: line, time: Date.now(), source: stream });
    });
    return { ...hostImports, env, wasi_snapshot_preview1: wasi } as WebAssembly.Imports;
  }

  /**
   * A new instance's start function (exported by the module rewrite instead of running inside
   * `new WebAssembly.Instance`, on someone else's stack) and then `_initialize` run as the
   * plugin itself, as nobody, with no storage: see Initializer. Both run under the plugin's
   * fuel per call, taken from the request that needed the instance when there is one.
   */
  function initializerFor(plugin: string): Initializer {
    return (instance, fuel?: RequestFuel) => {
      const start = startFunction(instance.exports);
      const initialize = instance.exports._initialize;
      if (!start && typeof initialize !== 'function') return;
      const counter = fuelCounter(instance.exports);
      const budget = Math.min(callFuel(plugin), fuel?.remaining ?? Number.POSITIVE_INFINITY);
      if (counter) counter.value = Math.max(0, budget);
      calls.push({ plugin, memory: instance.exports.memory, request: createRequestState(anonymousUser([]), NO_WORK, { limits, onLog: options.onLog }), lastError: '', pending: null, fuel: counter });
      let phase = 'start function';
      try {
        start?.();
        phase = '_initialize';
        if (typeof initialize === 'function') initialize();
      } catch (error) {
        if (counter && (error instanceof OutOfFuel || (counter.value as number) < 0)) {
          const cause = fuel && budget < callFuel(plugin) ? 'request' : 'call';
          throw new FuelExhausted(outOfFuelMessage(plugin, phase, Math.max(0, budget), cause, { perCall: callFuel(plugin), max: MAX_CALL_FUEL, perRequest: fuel?.limit ?? perRequest }));
        }
        throw error;
      } finally {
        calls.pop();
        if (counter && fuel) fuel.remaining -= budget - Math.max(0, counter.value as number);
      }
    };
  }

  /**
   * The anonymous user as last resolved, with what it was resolved from: most requests run as
   * anonymous, and resolving builds a set of permissions each time. Reused only while the role
   * table (the same object) and the declared permissions are the ones it was built from.
   */
  let anonymous: { user: CurrentUser; table: RoleTable; declared: typeof declaredPermissions } | undefined;

  function userOf(spec?: UserSpec): CurrentUser {
    const table = roles();
    if (spec === undefined) {
      if (anonymous?.table === table && anonymous.declared === declaredPermissions) return anonymous.user;
      const user = resolveUser(undefined, table, declaredPermissions.map((p) => p.name));
      anonymous = { user, table, declared: declaredPermissions };
      return user;
    }
    const assigned = spec.id === undefined ? undefined : options.userRoles?.(spec.id);
    const effective = assigned === undefined ? spec : { ...spec, roles: [...assigned] };
    return resolveUser(effective, table, declaredPermissions.map((p) => p.name));
  }

  /** The request started last; it settles once that request has committed (or failed). */
  let previousRequest: Promise<unknown> = Promise.resolve();
  /** Requests started and not yet committed (or failed). */
  let unfinished = 0;
  /** True while a request that started at once runs its body (synchronously, inside inRequest). */
  let startingNow = false;
  /**
   * Opened when the request that started at once settles: a request begun from inside its body
   * waits for it, since that request is not yet `previousRequest`.
   */
  let startGate: { opened: Promise<void>; open: () => void } | null = null;

  /**
   * Runs `body` as one request: one unit of work, committed at the end unless it throws.
   * Requests run one after another: a request begins only once the one before it has committed,
   * so it always reads what earlier requests wrote (the storage's rule 1). When none is running
   * the request starts at once: waiting a turn for a settled promise cost a dispatch more than
   * its handler did.
   */
  function inRequest<T>(spec: UserSpec | undefined, body: (request: RequestState) => T): Promise<T> {
    if (unfinished === 0) {
      unfinished++;
      startingNow = true;
      let run: Promise<T>;
      try {
        run = runRequest(spec, body);
      } finally {
        startingNow = false;
      }
      if (startGate) {
        // Requests were begun from its body; the last of them is `previousRequest` already.
        const { open } = startGate;
        startGate = null;
        run.then(open, open);
      } else {
        previousRequest = run;
      }
      return run;
    }
    unfinished++;
    let after = previousRequest;
    if (startingNow && !startGate) {
      let open!: () => void;
      const opened = new Promise<void>((resolve) => (open = resolve));
      startGate = { opened, open };
      after = opened;
    }
    const run = after.then(
      () => runRequest(spec, body),
      () => runRequest(spec, body),
    );
    previousRequest = run;
    return run;
  }

  async function runRequest<T>(spec: UserSpec | undefined, body: (request: RequestState) => T): Promise<T> {
    try {
      const user = userOf(spec);
      for (let attempt = 1; ; attempt++) {
        const work = options.storage?.beginWork(user);
        const request = createRequestState(user, work ?? NO_WORK, { limits, fuel: requestFuel(perRequest), now: clock(), onLog: options.onLog });
        request.services = createRequestServices(services, request);
        let result: T;
        try {
          result = body(request);
        } catch (error) {
          if (await loadedWhatWasMissed(work, attempt)) continue;
          work?.discard();
          await persistLogs(request);
          throw error;
        }
        if (await loadedWhatWasMissed(work, attempt)) continue;
        // Without storage there is nothing to commit: no turn of the event loop is spent on it.
        if (work) {
          try {
            await work.commit();
          } catch (error) {
            await persistLogs(request);
            throw error instanceof KernelError ? error : new KernelError('STORAGE_FAILURE', `The request's writes could not be saved: ${messageOf(error)}`);
          }
        }
        if (request.logs.length > 0) await persistLogs(request);
        return result;
      }
    } finally {
      unfinished--;
    }
  }

  /**
   * When the attempt read data storage had not loaded, drops it whole (writes and log lines:
   * it ran on a partial view) and loads that data; true means run the request again.
   */
  async function loadedWhatWasMissed(work: KernelWork | undefined, attempt: number): Promise<boolean> {
    if (!work?.missedReads || !work.loadMissed) return false;
    if (attempt >= MAX_ATTEMPTS) {
      work.discard();
      throw new KernelError('STORAGE_FAILURE', `The request still read data storage had not loaded after ${attempt} attempts (everything was loaded before the last): a storage bug.`);
    }
    await work.loadMissed(attempt + 1 >= MAX_ATTEMPTS);
    return true;
  }

  async function persistLogs(request: RequestState): Promise<void> {
    if (request.logs.length > 0) await options.storage?.appendLogs(request.logs);
  }

  async function load(given: readonly PluginSource[]): Promise<LoadReport> {
    const outcome = await loadPlugins(given, { maxMemoryPages, quarantined: quarantine, fuel: metered });
    for (const name of registry.plugins()) registry.unregister(name);
    enabled = new Map();
    menu = new MenuRegistry();
    // Plugins refused as their first instance is made (a start function or _initialize that
    // traps or runs out of fuel), and the plugins that depend on them.
    const failedAtStart = new Map<string, string>();
    outcome.order.forEach((compiled, index) => {
      const name = compiled.manifest.name;
      const missing = compiled.manifest.dependencies.find((dependency) => failedAtStart.has(dependency));
      if (missing !== undefined) {
        failedAtStart.set(name, `${name} depends on ${missing}, which was refused (see its errors).`);
        return;
      }
      const sourceOf = options.isolation === 'fresh' || compiled.notPoolable !== undefined ? freshInstances : pooledInstances;
      const instances = sourceOf(compiled.module, importsFor(name), initializerFor(name), { memoryLimitPages: compiled.memoryLimitPages });
      enabled.set(name, { compiled, instances });
      const problem = startFirstInstance(name, instances);
      if (problem !== undefined) {
        enabled.delete(name);
        failedAtStart.set(name, problem);
        return;
      }
      registry.register(name, compiled.manifest.taps.implements, compiled.manifest.taps.weight, index);
    });
    const statuses = outcome.statuses.map((status) => {
      const problem = failedAtStart.get(status.name);
      return problem === undefined ? status : { ...status, status: 'refused' as const, errors: [...status.errors, problem] };
    });
    const order = outcome.order.map((c) => c.manifest.name).filter((name) => !failedAtStart.has(name));
    const routeProblems = await collectRoutes();
    const permissions = await collectPermissions();
    declaredPermissions = permissions.list;
    // Only when a plugin declares queues: a load without them makes no extra request.
    const queueInfo = registry.handlers('tap_queue_info').length === 0 ? [] : (await inRequest({ roles: ['administrator'] }, (request) => dispatcher.dispatch('tap_queue_info', null, request))).results;
    const collectedQueues = collectQueues(queueInfo);
    declaredQueues = collectedQueues.queues;
    routeProblems.push(...collectedQueues.problems.map((p) => ({ ...p, path: '' })));
    const held = given.filter((source) => quarantine.has(source.name)).map((source) => [source.name, quarantine.get(source.name)!]);
    report = {
      plugins: [...statuses.filter((s) => s.status === 'ok'), ...statuses.filter((s) => s.status !== 'ok')],
      order,
      routeProblems,
      ...(held.length > 0 ? { quarantined: Object.fromEntries(held) } : {}),
      ...(permissions.problems.length > 0 ? { tapProblems: permissions.problems } : {}),
    };
    return report;
  }

  /**
   * Makes the plugin's first instance at load, so its start function and `_initialize` run
   * now, under fuel, rather than inside some later request. Returns why the plugin is refused.
   */
  function startFirstInstance(name: string, instances: InstanceSource): string | undefined {
    let instance;
    try {
      instance = instances.acquire(requestFuel(perRequest));
    } catch (error) {
      if (error instanceof FuelExhausted) return error.message;
      return `${name} could not start: its start function or _initialize failed: ${messageOf(error)}`;
    }
    instances.release(instance, { trapped: false });
    return undefined;
  }

  async function collectRoutes(): Promise<LoadReport['routeProblems']> {
    const problems: LoadReport['routeProblems'] = [];
    // Routes are declared, not data: collect them without a user's permissions getting in the way.
    const result = await inRequest({ roles: ['administrator'] }, (request) => dispatcher.dispatch('tap_menu', null, request));
    for (const handler of result.results) {
      if (handler.error !== undefined) {
        problems.push({ plugin: handler.plugin, path: '', message: handler.error });
        continue;
      }
      if (handler.output === null) continue;
      if (!Array.isArray(handler.output)) {
        problems.push({ plugin: handler.plugin, path: '', message: `${handler.plugin} tap_menu must return an array of MenuDefinition objects.` });
        continue;
      }
      if (handler.output.length > MAX_ROUTES_PER_PLUGIN) {
        problems.push({
          plugin: handler.plugin,
          path: '',
          message:
            `${handler.plugin} tap_menu returned ${handler.output.length} routes; a plugin may declare at most ${MAX_ROUTES_PER_PLUGIN}, so none of them were registered. ` +
            'Use parameters (/tags/:tag) for pages that share a callback.',
        });
        continue;
      }
      const shape = enabled.get(handler.plugin)!.compiled.shape;
      const definitions = [];
      for (const raw of handler.output) {
        const normalized = normalizeMenuDefinition(raw, handler.plugin);
        if (!normalized.ok) {
          problems.push({ plugin: handler.plugin, path: pathOf(raw), message: normalized.message });
          continue;
        }
        const signatureProblem = checkExportSignature(shape, normalized.value.callback, TAP_SIGNATURE);
        if (signatureProblem) {
          problems.push({ plugin: handler.plugin, path: normalized.value.path, message: `${handler.plugin} route ${normalized.value.path}: ${signatureProblem}` });
          continue;
        }
        definitions.push(normalized.value);
      }
      for (const problem of menu.add(handler.plugin, definitions)) problems.push(problem);
    }
    // Parent links are checked once every plugin's routes are in: a parent may come later.
    for (const problem of menu.problems()) problems.push(problem);
    return problems;
  }

  async function collectPermissions(): Promise<{ list: DeclaredPermission[]; problems: Array<{ plugin: string; tap: string; message: string }> }> {
    const result = await inRequest({ roles: ['administrator'] }, (request) => dispatcher.dispatch('tap_perm', null, request));
    const list: DeclaredPermission[] = [];
    const problems = result.results
      .filter((handler) => handler.error !== undefined)
      .map((handler) => ({ plugin: handler.plugin, tap: 'tap_perm', message: handler.error! }));
    for (const handler of result.results) {
      if (!Array.isArray(handler.output)) continue;
      for (const entry of handler.output) {
        if (entry && typeof entry === 'object' && typeof (entry as { name?: unknown }).name === 'string') {
          const { name, description } = entry as { name: string; description?: unknown };
          list.push({ name, description: typeof description === 'string' ? description : '', plugin: handler.plugin });
        }
      }
    }
    return { list, problems };
  }

  /** One request whose dispatches share one unit of work: everything public runs through it. */
  function request<T>(spec: UserSpec | undefined, body: (session: RequestSession) => T): Promise<T> {
    return inRequest(spec, (request) => body(sessionOf(request)));
  }

  function sessionOf(request: RequestState): RequestSession {
    return {
      user: request.user,
      work: request.work,
      now: request.now,
      state: request,
      dispatch: (tap, input) => dispatcher.dispatch(tap, input, request),
      dispatchOne: (tap, input) => dispatcher.dispatchOne(tap, input, request),
      call: (plugin, exportName, input) => dispatcher.call(plugin, exportName, input === undefined || input === null ? null : utf8.encode(JSON.stringify(input)), request),
      handlers: (tap) => registry.handlers(tap).map((h) => h.plugin),
    };
  }

  return {
    load,
    // Straight to the dispatcher: a session's closures are not needed for one dispatch.
    dispatch: (tap, input, opts) => inRequest(opts?.user, (state) => dispatcher.dispatch(tap, input, state)),
    dispatchOne: (tap, input, opts) => inRequest(opts?.user, (state) => dispatcher.dispatchOne(tap, input, state)),
    route: (path) => menu.match(path),
    async callRoute(path, opts) {
      const match = menu.match(path);
      if (!match) return null;
      const { plugin, callback, permission } = match.route;
      const query = opts?.query ?? {};
      const result = await inRequest(opts?.user, (state): HandlerResult => {
        state.route = { path, query };
        const session = sessionOf(state);
        if (!hasPermission(session.user, permission)) {
          return { plugin, output: null, error: `Access denied: ${path} needs the permission "${permission}".`, errorCode: 'ACCESS_DENIED', ms: 0 };
        }
        const answer = session.call(plugin, callback, { path, params: match.params, query, now: Math.floor(state.now / 1000) });
        if (answer.error !== undefined) return answer;
        const finished = renderPipeline(session, answer.output, { path, plugin });
        // A failed form alter or theme is skipped; the site's logs say which and why.
        for (const message of finished.problems) state.record({ plugin, level: 'warning', message, time: state.now, source: 'log' });
        return { ...answer, output: finished.render };
      });
      return { match, result };
    },
    routes: () => menu.routes(),
    menuTree: () => menu.tree(),
    permissions: () => [...declaredPermissions],
    queues: () => [...declaredQueues],
    setQuarantined: (reasons) => {
      quarantine = new Map(Object.entries(reasons));
    },
    status: () => report,
    user: userOf,
    request,
  };
}

function pathOf(raw: unknown): string {
  return raw && typeof raw === 'object' && typeof (raw as { path?: unknown }).path === 'string' ? (raw as { path: string }).path : '';
}

/**
 * A view of the call stack for one plugin's imports: `current()` is the call in progress only
 * when it is that plugin's. Anything else is a kernel bug, and fails loudly rather than letting
 * one plugin act with another's identity, memory or request.
 */
function ownedCalls(calls: CallStack, plugin: string): CurrentCall {
  return {
    current() {
      const call = calls.current();
      if (call.plugin !== plugin) {
        throw new Error(`A host call from ${plugin} arrived while ${call.plugin} was running; it was refused (a kernel bug: please report it).`);
      }
      return call;
    },
    atEnd: (call, task) => calls.atEnd(call, task),
  };
}

/** Every `trovato:kernel/*` import, wired to its implementation or to a clear -5. */
function buildHostImports(calls: CurrentCall, implementations: HostImplementations): Record<string, Record<string, (...raw: number[]) => number>> {
  const imports: Record<string, Record<string, (...raw: number[]) => number>> = {};
  for (const [iface, functions] of Object.entries(HOST_FUNCTIONS)) {
    const module: Record<string, (...raw: number[]) => number> = {};
    for (const [name, spec] of Object.entries(functions)) {
      const impl: HostImpl =
        implementations[iface]?.[name] ??
        (() => {
          throw new HostFailure(HostCode.notSupported, `this kernel has no storage attached, so ${iface}.${name} is not available.`);
        });
      module[name] = adaptHostFunction(calls, `${iface}.${name}`, spec, impl);
    }
    imports[HOST_MODULE_PREFIX + iface] = module;
  }
  return imports;
}
