/**
 * The kernel services a request carries for host functions that need more than storage: item
 * access for host reads (it dispatches `tap_item_access`), the queues plugins declared, and
 * `plugin-api.dispatch`. Kept out of kernel.ts so the kernel only wires them in.
 */
import { parseJsonArgument, type CallStack } from './host/abi.js';
import { HostCode, HostFailure } from './contract/host-codes.js';
import { tallyAccessAnswers } from './item-access.js';
import { MAX_INVOKE_DEPTH, type Dispatcher } from './tap/dispatcher.js';
import type { RequestServices, RequestState } from './request/request-state.js';
import type { Item } from './storage/schema.js';

export interface ServiceDeps {
  readonly dispatcher: Dispatcher;
  readonly calls: CallStack;
  /** Whether the enabled plugin declared `[access] bypass_item_access = true`. */
  bypassesItemAccess(plugin: string): boolean;
  /** The queues enabled plugins declared in tap_queue_info. */
  queueNames(): string[];
}

export function createRequestServices(deps: ServiceDeps, request: RequestState): RequestServices {
  return new KernelServices(deps, request);
}

/**
 * A class, not an object of closures: every request makes one, and closures made per request
 * were a measurable part of a one-handler dispatch.
 */
class KernelServices implements RequestServices {
  readonly #deps: ServiceDeps;
  readonly #request: RequestState;

  constructor(deps: ServiceDeps, request: RequestState) {
    this.#deps = deps;
    this.#request = request;
  }

  pluginBypassesItemAccess(plugin: string): boolean {
    return this.#deps.bypassesItemAccess(plugin);
  }

  itemsAccess(items: readonly Item[], op: 'view' | 'update' | 'delete'): Array<'grant' | 'deny' | 'neutral'> {
    const request = this.#request;
    const dispatcher = this.#deps.dispatcher;
    // The access handlers' own item reads apply the permission rules only: re-entering
    // tap_item_access from inside it would recurse without end.
    request.services = { pluginBypassesItemAccess: (plugin) => this.pluginBypassesItemAccess(plugin), queueNames: () => this.queueNames() };
    try {
      const inputs = items.map((item) => ({ item, op }));
      return dispatcher.nested(() => dispatcher.dispatchEach('tap_item_access', inputs, request)).map((dispatched) => tallyAccessAnswers(dispatched.results).verdict);
    } finally {
      request.services = this;
    }
  }

  queueNames(): string[] {
    return this.#deps.queueNames();
  }
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
