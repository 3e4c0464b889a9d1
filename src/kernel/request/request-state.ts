/**
 * What one request carries through every handler it runs: who is asking, the per-request
 * context store (`request-context`), the unit of work its writes go to, the log lines it
 * produced, its use of the kernel's quotas and the fuel it has left. Created by the kernel at
 * the start of a request and dropped at its end.
 */
import { DEFAULT_LIMITS, type KernelLimits } from '../common/limits.js';
import { RequestQuota } from './quota.js';
import { requestFuel, type RequestFuel } from '../plugin/fuel.js';
import type { Item } from '../storage/schema.js';
import type { LogEntry } from '../common/log-entry.js';
import type { CurrentUser } from '../common/users.js';
import { NO_WORK, type RequestWork } from '../common/request-work.js';

/** The route a request serves, when it serves one (cache contexts `route` and `url.query` read it). */
export interface RequestRoute {
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
}

/**
 * Kernel services a host function may need that live above storage (they dispatch taps).
 * The kernel fills them in; a bare request state (unit tests, `_initialize`) has none.
 */
export interface RequestServices {
  /**
   * Whether the request's user may `op` each of `items` by `tap_item_access` (rules 3-5 of the
   * access order; the caller has applied rules 1-2 and the permission rules itself): one verdict
   * per item, in order. Undefined while an access check is running, so a handler's own reads
   * do not re-enter it.
   */
  readonly itemsAccess?: (items: readonly Item[], op: 'view' | 'update' | 'delete', caller: string) => Array<'grant' | 'deny' | 'neutral'>;
  /** Whether `plugin` declared the item-access bypass in its manifest (`[access] bypass_item_access`). */
  readonly pluginBypassesItemAccess?: (plugin: string) => boolean;
  /** The queues enabled plugins declared in tap_queue_info. */
  readonly queueNames?: () => string[];
}

export interface RequestState {
  readonly user: CurrentUser;
  readonly context: Map<string, string>;
  readonly work: RequestWork;
  /** Every log line of the request, in order; lines arrive only through `record`. */
  readonly logs: readonly LogEntry[];
  /**
   * The one log sink: plugin `logging.log` lines, `env.trace`, stdout/stderr, quota warnings and
   * the kernel's own lines all come here, so the kernel's `onLog` (the CLI prints it, the UI
   * streams it) sees every line the request keeps.
   */
  record(entry: LogEntry): void;
  /** What the request's calls have used of the kernel's quotas. */
  readonly quota: RequestQuota;
  /** Instruction fuel left for every call of this request (see fuel.ts). */
  readonly fuel: RequestFuel;
  /** How many `plugin-api.invoke` calls this request has made, at any depth. */
  invokes: number;
  /**
   * The request's time in Unix milliseconds, fixed for the whole request (read from the clock
   * when first needed): every handler, `Date.now()` in a plugin and the route input see the
   * same instant.
   */
  readonly now: number;
  /** The route being served, if any. */
  route?: RequestRoute;
  services: RequestServices;
}

/** What a request may use, and its clock; each has a default for tests and tools. */
export interface RequestSetup {
  limits?: KernelLimits;
  /** The request's fuel; without it, a budget of `fuelLimit` (default DEFAULT_REQUEST_FUEL). */
  fuel?: RequestFuel;
  fuelLimit?: number;
  /** The request's time, Unix milliseconds; without it, `clock` is read at the time's first use. */
  now?: number;
  /** Read once, when the request's time is first needed (default Date.now). */
  clock?: () => number;
  /** Told of every line as it is recorded (KernelOptions.onLog). */
  onLog?: (entry: LogEntry) => void;
  /**
   * Makes the request's services at their first use (most requests never make a host call that
   * needs them). Without it, and until `services` is set, a request has none.
   */
  servicesFor?: (request: RequestState) => RequestServices;
}

export function createRequestState(user: CurrentUser, work: RequestWork = NO_WORK, setup: RequestSetup = {}): RequestState {
  return new Request(user, work, setup);
}

const NO_SERVICES: RequestServices = Object.freeze({});
const NO_LOGS: readonly LogEntry[] = Object.freeze([]);

/**
 * A class rather than an object of closures, with its log, context map, quota, services and
 * time made at first use: every dispatch is a request, most need neither, and on a machine where reading the
 * clock is a system call (about 0.1 µs here) the time alone was a tenth of a warm call.
 */
class Request implements RequestState {
  readonly fuel: RequestFuel;
  invokes = 0;
  route?: RequestRoute;
  #services: RequestServices | undefined;
  readonly #servicesFor: ((request: RequestState) => RequestServices) | undefined;
  #logs: LogEntry[] | undefined;
  #context: Map<string, string> | undefined;
  #quota: RequestQuota | undefined;
  readonly #limits: KernelLimits;
  #now: number | undefined;
  readonly #clock: () => number;
  readonly #onLog: ((entry: LogEntry) => void) | undefined;

  constructor(
    readonly user: CurrentUser,
    readonly work: RequestWork,
    setup: RequestSetup,
  ) {
    this.#limits = setup.limits ?? DEFAULT_LIMITS;
    this.fuel = setup.fuel ?? requestFuel(setup.fuelLimit);
    this.#now = setup.now;
    this.#clock = setup.clock ?? Date.now;
    this.#onLog = setup.onLog;
    this.#servicesFor = setup.servicesFor;
  }

  get services(): RequestServices {
    return (this.#services ??= this.#servicesFor?.(this) ?? NO_SERVICES);
  }

  set services(services: RequestServices) {
    this.#services = services;
  }

  /** Made at the first host call that counts against a quota: a call without host calls needs none. */
  get quota(): RequestQuota {
    return (this.#quota ??= new RequestQuota(this.#limits));
  }

  get context(): Map<string, string> {
    return (this.#context ??= new Map());
  }

  /** Fixed at its first reading, so every handler and host call of the request sees the same instant. */
  get now(): number {
    return (this.#now ??= this.#clock());
  }

  get logs(): readonly LogEntry[] {
    return this.#logs ?? NO_LOGS;
  }

  record(entry: LogEntry): void {
    (this.#logs ??= []).push(entry);
    this.#onLog?.(entry);
  }
}
