/**
 * The kernel: loads plugins, and runs requests. A request is one dispatch (or one route
 * callback) as one user, with one unit of work that commits when the request ends. All plugin
 * code runs synchronously inside a request; only the commit awaits storage.
 */
import { CallStack, type HostImplementations } from './host/abi.js';
import { HostFailure } from './contract/host-codes.js';
import { renderPipeline } from './render-pipeline.js';
import { createRequestServices, dispatchOwnTap, type ServiceDeps } from './request-services.js';
import { createRequestOrder, Finished } from './request-order.js';
import { createRequestSession, type RequestSession } from './request-session.js';
import { createInstanceWiring } from './instance-wiring.js';
import { collectPermissions, collectQueues, collectRoutes, type QueueInfo, type RouteProblem, type TapProblem } from './declarations.js';
import { loadPlugins, type CompiledPlugin, type PluginSource, type PluginStatus } from './plugin/loader.js';
import type { RewriteCache } from './plugin/rewrite-cache.js';
import { hasPermission } from './host/user.js';
import { MenuRegistry, type MenuTreeNode, type RegisteredRoute, type RouteMatch } from './menu/registry.js';
import { Dispatcher, type DispatchEvent, type DispatchResult, type HandlerResult } from './tap/dispatcher.js';
import { freshInstances, type InstanceSource } from './plugin/plugin-instance.js';
import { pooledInstances } from './plugin/instance-pool.js';
import { TapRegistry } from './tap/registry.js';
import { createRequestState, type RequestSetup, type RequestState } from './request/request-state.js';
import type { LogEntry } from './common/log-entry.js';
import { NO_WORK } from './common/request-work.js';
import { type CurrentUser, DEFAULT_ROLES, type RoleTable, type UserSpec } from './common/users.js';
import { createUserResolver } from './user-resolver.js';
import { KernelError, messageOf } from './common/errors.js';
import { resolveLimits, type KernelLimits } from './common/limits.js';
import type { KernelStorage, KernelWork } from './host/storage-host.js';
import { DEFAULT_CALL_FUEL, DEFAULT_REQUEST_FUEL, FuelExhausted, MAX_CALL_FUEL, requestFuel } from './plugin/fuel.js';
import type { DeclaredPermission } from './content/types.js';


/** 64 KiB pages: 256 pages = 16 MiB, ample for content plugins and small enough for a tab. */
export const DEFAULT_MAX_MEMORY_PAGES = 256;

/** Attempts of one request: a miss, a load by id, a miss again, everything loaded, a last run. */
const MAX_ATTEMPTS = 3;
export interface KernelOptions {
  storage?: KernelStorage;
  maxMemoryPages?: number;
  /** The role table, or a function read per request (a site's roles grow with its content types). */
  roles?: RoleTable | (() => RoleTable);
  /**
   * Called with every log line as it happens (the CLI prints them; the UI streams them). With a
   * storage that loads on demand, a request's lines arrive when it ends instead, so an attempt
   * run again after a load never shows its lines twice.
   */
  onLog?: (entry: LogEntry) => void;
  /**
   * Called as each plugin call starts, with the plugin and the tap or callback: the worker
   * reports it to the page, which can name the plugin when the thread stops answering.
   */
  onCallStart?: (plugin: string, exportName: string) => void;
  /** Every dispatch and call with its input and results, for tracing (see DispatchEvent); its handlers are timed. */
  onDispatch?: (event: DispatchEvent) => void;
  /**
   * Time every handler (HandlerResult.ms) even without `onDispatch`, as the CLI does to print
   * the times. Off by default: the two clock reads per handler are a tenth of a one-handler dispatch.
   */
  timeHandlers?: boolean;
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
  /** Where rewritten plugin modules are kept between boots (the site's worker keeps them in IndexedDB). */
  rewriteCache?: RewriteCache;
}

export interface RequestOptions {
  user?: UserSpec;
}

export interface LoadReport {
  plugins: PluginStatus[];
  /** Enabled plugins in load order. */
  order: string[];
  /** Problems with routes from tap_menu (duplicates, bad callbacks), by plugin. */
  routeProblems: RouteProblem[];
  /** Plugins that were given but held back because they are quarantined, with the reason. */
  quarantined?: Record<string, string>;
  /** Taps the kernel calls while loading (tap_perm) that failed, by plugin; absent when none did. */
  tapProblems?: TapProblem[];
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
  /** A plugin's fuel per call: its manifest's `[limits] fuel`, or the kernel's. */
  const fuelPerCall = (compiled: CompiledPlugin): number => compiled.manifest.limits?.fuel ?? perCall;
  const callFuel = (plugin: string): number => {
    const compiled = enabled.get(plugin)?.compiled;
    return compiled ? fuelPerCall(compiled) : perCall;
  };
  const dispatcher = new Dispatcher(registry, calls, {
    instances: (name) => enabled.get(name)?.instances,
    onCallStart: options.onCallStart,
    onDispatch: options.onDispatch,
    timeHandlers: options.timeHandlers,
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
  const wiring = createInstanceWiring({
    calls,
    hostImplementations: { ...(options.storage?.hostFunctions() ?? {}), ...kernelHost },
    callFuel,
    perRequest,
    limits,
    onLog: options.onLog,
  });

  const users = createUserResolver(roles, options.userRoles);
  const userOf = (spec?: UserSpec): CurrentUser => users.resolve(spec, declaredPermissions);

  const order = createRequestOrder();
  /**
   * What every request is made with, made once: its fuel comes from `fuelLimit`, its services at
   * their first use. Lines reach onLog as they happen, or (deferred) when the attempt ends.
   */
  const servicesFor = (request: RequestState) => createRequestServices(services, request);
  const liveSetup: RequestSetup = { limits, fuelLimit: perRequest, clock, onLog: options.onLog, servicesFor };
  const deferredLogSetup: RequestSetup = { ...liveSetup, onLog: undefined };

  /**
   * Runs `body(request, a, b)` as one request, in its turn (request-order.ts): one unit of work,
   * committed at the end unless it throws. A request without storage ends as its body returns,
   * so on an idle kernel it runs right here: no closure for the order, no wrapper, one settled
   * promise. `a` and `b` are handed to `body` rather than closed over, so that `kernel.dispatch`
   * passes its tap and input to a body made once instead of making a closure per dispatch.
   */
  function inRequest<T, A, B>(spec: UserSpec | undefined, body: (request: RequestState, a: A, b: B) => T, a: A, b: B): Promise<T> {
    const { storage } = options;
    if (!storage && order.startAtOnce()) {
      try {
        return Promise.resolve(body(createRequestState(userOf(spec), NO_WORK, liveSetup), a, b));
      } catch (error) {
        return Promise.reject(error);
      } finally {
        order.endAtOnce();
      }
    }
    return order.run(() => (storage ? runStoredRequest(storage, spec, (request) => body(request, a, b)) : new Finished(runRequest(spec, body, a, b))));
  }

  /**
   * A request without storage: nothing to commit, no log to store (onLog saw every line as it
   * happened), no read to load and run again, so it ends when its body returns, synchronously.
   * An async function here cost a one-handler dispatch a promise and a reaction for nothing.
   */
  function runRequest<T, A, B>(spec: UserSpec | undefined, body: (request: RequestState, a: A, b: B) => T, a: A, b: B): T {
    return body(createRequestState(userOf(spec), NO_WORK, liveSetup), a, b);
  }

  /**
   * A request with storage: its writes commit when the body returns, and an attempt that read
   * data not loaded yet runs again once storage has loaded it (common/not-loaded.ts).
   */
  async function runStoredRequest<T>(storage: KernelStorage, spec: UserSpec | undefined, body: (request: RequestState) => T): Promise<T> {
    const user = userOf(spec);
    for (let attempt = 1; ; attempt++) {
      const work = storage.beginWork(user);
      // An attempt storage may run again (it read data not loaded yet) must not show its lines
      // twice: its lines reach onLog when it ends, with the stored log (see finishLogs).
      const live = work.loadMissed === undefined;
      const request = createRequestState(user, work, live ? liveSetup : deferredLogSetup);
      let result: T;
      try {
        result = body(request);
      } catch (error) {
        if (work.missedReads && (await loadedWhatWasMissed(work, attempt))) continue;
        work.discard();
        await finishLogs(request, live);
        throw error;
      }
      // Checked before awaiting: an await, even of nothing, is a turn of the event loop per request.
      if (work.missedReads && (await loadedWhatWasMissed(work, attempt))) continue;
      try {
        await work.commit();
      } catch (error) {
        await finishLogs(request, live);
        throw error instanceof KernelError ? error : new KernelError('STORAGE_FAILURE', `The request's writes could not be saved: ${messageOf(error)}`);
      }
      if (request.logs.length > 0) await finishLogs(request, live);
      return result;
    }
  }

  /** The lines of a request's attempt that counts: stored, and told to onLog unless it saw them live. */
  async function finishLogs(request: RequestState, toldLive: boolean): Promise<void> {
    if (!toldLive && options.onLog) for (const entry of request.logs) options.onLog(entry);
    await persistLogs(request);
  }

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
    const outcome = await loadPlugins(given, { maxMemoryPages, quarantined: quarantine, fuel: metered, rewriteCache: options.rewriteCache });
    for (const name of registry.plugins()) registry.unregister(name);
    enabled = new Map();
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
      const instances = sourceOf(compiled.module, wiring.importsFor(name), wiring.initializerFor(name), { memoryLimitPages: compiled.memoryLimitPages, callFuel: fuelPerCall(compiled) });
      enabled.set(name, { compiled, instances });
      const problem = startFirstInstance(name, instances);
      if (problem !== undefined) {
        enabled.delete(name);
        failedAtStart.set(name, problem);
        return;
      }
      registry.register(name, compiled.manifest.taps.implements, compiled.manifest.taps.weight, index, instances);
    });
    const statuses = outcome.statuses.map((status) => {
      const problem = failedAtStart.get(status.name);
      return problem === undefined ? status : { ...status, status: 'refused' as const, errors: [...status.errors, problem] };
    });
    const order = outcome.order.map((c) => c.manifest.name).filter((name) => !failedAtStart.has(name));
    // Routes and permissions are declared, not data: read without a user's permissions in the way.
    const routes = collectRoutes(await answersOf('tap_menu'), (plugin) => enabled.get(plugin)!.compiled.shape);
    menu = routes.menu;
    const routeProblems = routes.problems;
    const permissions = collectPermissions(await answersOf('tap_perm'));
    declaredPermissions = permissions.permissions;
    // Only when a plugin declares queues: a load without them makes no extra request.
    const collectedQueues = collectQueues(registry.handlers('tap_queue_info').length === 0 ? [] : await answersOf('tap_queue_info'));
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

  /** Every handler's answer to a load-time tap, dispatched as the administrator. */
  async function answersOf(tap: string): Promise<HandlerResult[]> {
    return (await inRequest({ roles: ['administrator'] }, dispatchAll, tap, null)).results;
  }

  /** One request whose dispatches share one unit of work: everything public runs through it. */
  function request<T>(spec: UserSpec | undefined, body: (session: RequestSession) => T): Promise<T> {
    return inRequest(spec, (request) => body(sessionOf(request)), undefined, undefined);
  }

  const sessionOf = (request: RequestState): RequestSession => createRequestSession(request, dispatcher, registry);
  /** The bodies of `kernel.dispatch` and `kernel.dispatchOne`, made once (see inRequest). */
  const dispatchAll = (request: RequestState, tap: string, input: unknown): DispatchResult => dispatcher.dispatch(tap, input, request);
  const dispatchFirst = (request: RequestState, tap: string, input: unknown) => dispatcher.dispatchOne(tap, input, request);

  return {
    load,
    // Straight to the dispatcher: a session's closures are not needed for one dispatch.
    dispatch: (tap, input, opts) => inRequest(opts?.user, dispatchAll, tap, input),
    dispatchOne: (tap, input, opts) => inRequest(opts?.user, dispatchFirst, tap, input),
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
      }, undefined, undefined);
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
