/**
 * One request as code outside the kernel drives it (the site, cron, queues, the render
 * pipeline): dispatches and calls that share the request's user, unit of work and clock.
 */
import type { RequestWork } from './common/request-work.js';
import type { CurrentUser } from './common/users.js';
import type { RequestState } from './request/request-state.js';
import type { Dispatcher, DispatchResult, HandlerResult } from './tap/dispatcher.js';
import type { TapRegistry } from './tap/registry.js';

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

const utf8 = new TextEncoder();

export function createRequestSession(request: RequestState, dispatcher: Dispatcher, registry: TapRegistry): RequestSession {
  return new Session(request, dispatcher, registry);
}

/**
 * A class, not an object of closures: every `kernel.request` makes one, and four closures per
 * request cost more than the class (under tsx, whose keepNames names each closure through
 * Object.defineProperty, about a microsecond per request). Its time is read when first asked
 * for, as the request's own is.
 */
class Session implements RequestSession {
  readonly #dispatcher: Dispatcher;
  readonly #registry: TapRegistry;

  constructor(
    readonly state: RequestState,
    dispatcher: Dispatcher,
    registry: TapRegistry,
  ) {
    this.#dispatcher = dispatcher;
    this.#registry = registry;
  }

  get user(): CurrentUser {
    return this.state.user;
  }

  get work(): RequestWork {
    return this.state.work;
  }

  get now(): number {
    return this.state.now;
  }

  dispatch(tap: string, input?: unknown): DispatchResult {
    return this.#dispatcher.dispatch(tap, input, this.state);
  }

  dispatchOne(tap: string, input?: unknown): DispatchResult & { answer: HandlerResult | null } {
    return this.#dispatcher.dispatchOne(tap, input, this.state);
  }

  call(plugin: string, exportName: string, input?: unknown): HandlerResult {
    const bytes = input === undefined || input === null ? null : utf8.encode(JSON.stringify(input));
    return this.#dispatcher.call(plugin, exportName, bytes, this.state);
  }

  handlers(tap: string): string[] {
    return this.#registry.handlers(tap).map((handler) => handler.plugin);
  }
}
