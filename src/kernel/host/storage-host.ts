/**
 * The host functions backed by the site store (ABI §4), ready to be adapted into wasm imports.
 * `errors` and `plugin-api` are the kernel's own.
 */
import type { RequestWork } from '../common/request-work.js';
import type { LogEntry } from '../common/log-entry.js';
import type { LogRecord } from '../storage/schema.js';
import type { SiteStore } from '../storage/site-store.js';
import type { UnitOfWork } from '../storage/unit-of-work.js';
import type { CurrentUser } from '../common/users.js';
import type { HostImplementations } from './abi.js';
import { cacheHostFunctions } from './cache.js';
import { dbHostFunctions } from './db.js';
import { itemHostFunctions } from './item.js';
import { loggingHostFunctions } from './logging.js';
import { queueHostFunctions } from './queue.js';
import { requestContextHostFunctions } from './request-context.js';
import { userHostFunctions } from './user.js';
import { variablesHostFunctions } from './variables.js';

/** A request's unit of work as the kernel drives it; storage provides it. */
export interface KernelWork extends RequestWork {
  commit(): Promise<void>;
  discard(): void;
  /**
   * A storage that loads lazily: whether a read found data not loaded yet (it threw NotLoaded,
   * common/not-loaded.ts). The request then runs again after `loadMissed`, which drops this
   * attempt's writes and loads what it missed (`everything`: all of it, so the next attempt
   * cannot miss).
   */
  readonly missedReads?: boolean;
  loadMissed?(everything: boolean): Promise<void>;
}

/** What the kernel needs from storage. Without it, data host functions answer -5. */
export interface KernelStorage {
  beginWork(user: CurrentUser): KernelWork;
  hostFunctions(): HostImplementations;
  appendLogs(entries: readonly LogEntry[]): Promise<void>;
}

/**
 * item-api, db, variables, cache-api, user-api, request-context, logging and queue over `store`. Each
 * storage call works on the request's unit of work (`call.request.work`, from `store.beginWork`).
 *
 * @example
 * const host = createStorageHostFunctions(store);
 * const state = createRequestState(user, store.beginWork(user));
 */
export function createStorageHostFunctions(store: SiteStore): HostImplementations {
  return {
    'item-api': itemHostFunctions(store),
    db: dbHostFunctions(store),
    variables: variablesHostFunctions(store),
    'cache-api': cacheHostFunctions(store),
    'user-api': userHostFunctions(),
    'request-context': requestContextHostFunctions(),
    logging: loggingHostFunctions(),
    queue: queueHostFunctions(store),
  };
}

/**
 * The site store in the shape the kernel takes as its `storage` option.
 *
 * @example
 * const kernel = createKernel({ storage: kernelStorage(await openSiteStore({ name: 'my-site' })) });
 */
export function kernelStorage(store: SiteStore): KernelStorage {
  return {
    beginWork: (user: CurrentUser): UnitOfWork => store.beginWork(user),
    hostFunctions: (): HostImplementations => createStorageHostFunctions(store),
    appendLogs: (entries: readonly LogRecord[]): Promise<void> => store.appendLogs(entries),
  };
}
