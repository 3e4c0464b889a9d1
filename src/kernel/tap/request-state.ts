/**
 * What one request carries through every handler it runs: who is asking, the per-request
 * context store (`request-context`), the unit of work its writes go to, the log lines it
 * produced, its use of the kernel's quotas and the fuel it has left. Created by the kernel at
 * the start of a request and dropped at its end.
 */
import { DEFAULT_LIMITS, type KernelLimits } from '../limits.js';
import { RequestQuota } from '../host/quota.js';
import { requestFuel, type RequestFuel } from './fuel.js';
import type { Item } from '../storage/schema.js';

/** The user a request runs as. Anonymous is the nil UUID with the `anonymous` role. */
export interface CurrentUser {
  readonly id: string;
  readonly name: string;
  readonly roles: readonly string[];
  readonly permissions: ReadonlySet<string>;
}

export const ANONYMOUS_ID = '00000000-0000-0000-0000-000000000000';

export function anonymousUser(permissions: Iterable<string> = ['access content']): CurrentUser {
  return { id: ANONYMOUS_ID, name: 'Anonymous', roles: ['anonymous'], permissions: new Set(permissions) };
}

/**
 * The storage's unit of work as the dispatcher sees it: savepoints around each handler, so a
 * failing handler's writes can be discarded while the others' survive.
 */
export interface RequestWork {
  savepoint(): number;
  rollbackTo(savepoint: number): void;
}

/** A request with no storage behind it (the CLI's dry runs and pure unit tests). */
export const NO_WORK: RequestWork = {
  savepoint: () => 0,
  rollbackTo: () => undefined,
};

export type LogLevel = 'debug' | 'info' | 'notice' | 'warning' | 'error';

export interface LogEntry {
  readonly plugin: string;
  readonly level: LogLevel;
  readonly message: string;
  /** Unix milliseconds. */
  readonly time: number;
  /** Where the line came from: the logging host function, or the plugin's stdout/stderr. */
  readonly source: 'log' | 'stdout' | 'stderr';
  /** The plugin name a log call claimed, when it was not the caller's own (an impersonation attempt). */
  readonly claimed?: string;
}

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
   * Whether the request's user may `op` `item` by `tap_item_access` (rules 3-5 of the access
   * order; the caller has applied rules 1-2 and the permission rules itself).
   * Undefined while an access check is running, so a handler's own reads do not re-enter it.
   */
  readonly itemAccess?: (item: Item, op: 'view' | 'update' | 'delete', caller: string) => 'grant' | 'deny' | 'neutral';
  /** Whether `plugin` declared the item-access bypass in its manifest (`[access] bypass_item_access`). */
  readonly pluginBypassesItemAccess?: (plugin: string) => boolean;
  /** The queues enabled plugins declared in tap_queue_info. */
  readonly queueNames?: () => string[];
}

export interface RequestState {
  readonly user: CurrentUser;
  readonly context: Map<string, string>;
  readonly work: RequestWork;
  readonly logs: LogEntry[];
  /** What the request's calls have used of the kernel's quotas. */
  readonly quota: RequestQuota;
  /** Instruction fuel left for every call of this request (see fuel.ts). */
  readonly fuel: RequestFuel;
  /** How many `plugin-api.invoke` calls this request has made, at any depth. */
  invokes: number;
  /**
   * The request's time in Unix milliseconds, fixed when the request starts: every handler,
   * `Date.now()` in a plugin and the route input see the same instant.
   */
  readonly now: number;
  /** The route being served, if any. */
  route?: RequestRoute;
  services: RequestServices;
}

/** What a request may use, and its clock; each has a default for tests and tools. */
export interface RequestSetup {
  limits?: KernelLimits;
  fuel?: RequestFuel;
  now?: number;
}

export function createRequestState(user: CurrentUser, work: RequestWork = NO_WORK, setup: RequestSetup = {}): RequestState {
  return {
    user,
    context: new Map(),
    work,
    logs: [],
    quota: new RequestQuota(setup.limits ?? DEFAULT_LIMITS),
    fuel: setup.fuel ?? requestFuel(),
    invokes: 0,
    now: setup.now ?? Date.now(),
    services: {},
  };
}
