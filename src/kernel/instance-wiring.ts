/**
 * How a plugin's instances are wired to the kernel: the imports each instance gets (host
 * functions, AssemblyScript `env`, WASI), every one bound to that plugin, and the initializer
 * that runs a new instance's start function and `_initialize` under the plugin's fuel.
 */
import type { KernelLimits } from './common/limits.js';
import type { LogEntry } from './common/log-entry.js';
import { NO_WORK } from './common/request-work.js';
import { anonymousUser } from './common/users.js';
import { HostCode, HostFailure } from './contract/host-codes.js';
import { HOST_FUNCTIONS, HOST_MODULE_PREFIX } from './contract/imports.js';
import { adaptHostFunction, type ActiveCall, type CallStack, type CurrentCall, type HostImpl, type HostImplementations } from './host/abi.js';
import { createEnvImports } from './host/env.js';
import { recordLogLine } from './host/logging.js';
import { createWasiImports } from './host/wasi.js';
import { FuelExhausted, MAX_CALL_FUEL, OutOfFuel, fuelCounter, outOfFuelMessage, startFunction, type RequestFuel } from './plugin/fuel.js';
import type { Initializer } from './plugin/plugin-instance.js';
import { createRequestState } from './request/request-state.js';

export interface InstanceWiringOptions {
  /** The call stack every host call reads its caller from. */
  readonly calls: CallStack;
  /** Every host interface the kernel provides; an import without one answers -5. */
  readonly hostImplementations: HostImplementations;
  /** A plugin's fuel per call (its manifest's, or the kernel's). */
  readonly callFuel: (plugin: string) => number;
  /** The kernel's fuel per request, named when a start function runs out of it. */
  readonly perRequest: number;
  readonly limits: KernelLimits;
  readonly onLog?: (entry: LogEntry) => void;
}

export interface InstanceWiring {
  /** The imports of `plugin`'s instances, each refusing to act for a call of another plugin. */
  importsFor(plugin: string): WebAssembly.Imports;
  /**
   * A new instance's start function (exported by the module rewrite instead of running inside
   * `new WebAssembly.Instance`, on someone else's stack) and then `_initialize`, run as the
   * plugin itself, as nobody, with no storage: see Initializer. Both run under the plugin's
   * fuel per call, taken from the request that needed the instance when there is one.
   */
  initializerFor(plugin: string): Initializer;
}

export function createInstanceWiring(options: InstanceWiringOptions): InstanceWiring {
  const { calls, callFuel, limits, onLog } = options;

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

  return {
    importsFor(plugin) {
      const owned = ownedCalls(calls, plugin);
      const hostImports = buildHostImports(owned, options.hostImplementations);
      const env = createEnvImports(owned, { trace });
      const wasi = createWasiImports(owned, (call, stream, line) => {
        call.request.record({ plugin, level: stream === 'stderr' ? 'warning' : 'info', message: line, time: Date.now(), source: stream });
      });
      return { ...hostImports, env, wasi_snapshot_preview1: wasi } as WebAssembly.Imports;
    },

    initializerFor(plugin) {
      return (instance, fuel?: RequestFuel) => {
        const start = startFunction(instance.exports);
        const initialize = instance.exports._initialize;
        if (!start && typeof initialize !== 'function') return;
        const counter = fuelCounter(instance.exports);
        const budget = Math.min(callFuel(plugin), fuel?.remaining ?? Number.POSITIVE_INFINITY);
        if (counter) counter.value = Math.max(0, budget);
        calls.push({ plugin, memory: instance.exports.memory, request: createRequestState(anonymousUser([]), NO_WORK, { limits, onLog }), lastError: '', pending: null, fuel: counter });
        let phase = 'start function';
        try {
          start?.();
          phase = '_initialize';
          if (typeof initialize === 'function') initialize();
        } catch (error) {
          if (counter && (error instanceof OutOfFuel || (counter.value as number) < 0)) {
            const cause = fuel && budget < callFuel(plugin) ? 'request' : 'call';
            throw new FuelExhausted(outOfFuelMessage(plugin, phase, Math.max(0, budget), cause, { perCall: callFuel(plugin), max: MAX_CALL_FUEL, perRequest: fuel?.limit ?? options.perRequest }));
          }
          throw error;
        } finally {
          calls.pop();
          if (counter && fuel) fuel.remaining -= budget - Math.max(0, counter.value as number);
        }
      };
    },
  };
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
