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
  return {
    user: request.user,
    work: request.work,
    now: request.now,
    state: request,
    dispatch: (tap, input) => dispatcher.dispatch(tap, input, request),
    dispatchOne: (tap, input) => dispatcher.dispatchOne(tap, input, request),
    call: (plugin, exportName, input) => dispatcher.call(plugin, exportName, input === undefined || input === null ? null : utf8.encode(JSON.stringify(input)), request),
    handlers: (tap) => registry.handlers(tap).map((handler) => handler.plugin),
  };
}
