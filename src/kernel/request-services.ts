/**
 * The kernel services a request carries for host functions that need more than storage: item
 * access for host reads (it dispatches `tap_item_access`), the queues plugins declared, and
 * `plugin-api.dispatch`. Kept out of kernel.ts so the kernel only wires them in.
 */
import { HostCode, HostFailure, parseJsonArgument, type CallStack } from './host/abi.js';
import { tallyAccessAnswers } from './item-access.js';
import { MAX_INVOKE_DEPTH, type Dispatcher } from './tap/dispatcher.js';
import type { RequestServices, RequestState } from './tap/request-state.js';

export interface ServiceDeps {
  readonly dispatcher: Dispatcher;
  readonly calls: CallStack;
  /** Whether the enabled plugin declared `[access] bypass_item_access = true`. */
  bypassesItemAccess(plugin: string): boolean;
  /** The queues enabled plugins declared in tap_queue_info. */
  queueNames(): string[];
}

export function createRequestServices(deps: ServiceDeps, request: RequestState): RequestServices {
  const services: RequestServices = {
    pluginBypassesItemAccess: (plugin) => deps.bypassesItemAccess(plugin),
    itemAccess: (item, op) => {
      // The access handlers' own item reads apply the permission rules only: re-entering
      // tap_item_access from inside it would recurse without end.
      request.services = { ...services, itemAccess: undefined };
      try {
        return tallyAccessAnswers(deps.dispatcher.nested(() => deps.dispatcher.dispatch('tap_item_access', { item, op }, request)).results).verdict;
      } finally {
        request.services = services;
      }
    },
    queueNames: () => deps.queueNames(),
  };
  return services;
}

/**
 * plugin-api.dispatch: a plugin fires a tap it owns (`tap_<its name>_*`, such as categories'
 * term taps) to every plugin implementing it, inside the current request. Returns the answers
 * as JSON `[{plugin, output, error?}]`.
 */
export function dispatchOwnTap(deps: ServiceDeps, caller: string, tap: string, payload: string, request: RequestState): string {
  const prefix = `tap_${caller}_`;
  if (!tap.startsWith(prefix)) {
    throw new HostFailure(HostCode.permissionDenied, `${caller} may dispatch only its own taps (names starting "${prefix}"); "${tap}" is not one.`);
  }
  if (deps.calls.depth > MAX_INVOKE_DEPTH) {
    throw new HostFailure(HostCode.limitExceeded, `dispatch is nested more than ${MAX_INVOKE_DEPTH} calls deep; break the cycle between plugins.`);
  }
  const input = payload === '' ? null : parseJsonArgument(payload, 'The dispatch payload');
  const results = deps.dispatcher.nested(() => deps.dispatcher.dispatch(tap, input, request)).results;
  return JSON.stringify(results.map((r) => (r.error === undefined ? { plugin: r.plugin, output: r.output } : { plugin: r.plugin, output: null, error: r.error })));
}
