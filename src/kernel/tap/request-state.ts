/**
 * What one request carries through every handler it runs: who is asking, the per-request
 * context store (`request-context`), the unit of work its writes go to, the log lines it
 * produced, its use of the kernel's quotas and the fuel it has left. Created by the kernel at
 * the start of a request and dropped at its end.
 */
import { DEFAULT_LIMITS, type KernelLimits } from '../limits.js';
import { RequestQuota } from '../host/quota.js';
import { requestFuel, type RequestFuel } from './fuel.js';

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
}

export interface RequestBudget {
  limits?: KernelLimits;
  fuel?: RequestFuel;
}

export function createRequestState(user: CurrentUser, work: RequestWork = NO_WORK, budget: RequestBudget = {}): RequestState {
  return { user, context: new Map(), work, logs: [], quota: new RequestQuota(budget.limits ?? DEFAULT_LIMITS), fuel: budget.fuel ?? requestFuel(), invokes: 0 };
}
