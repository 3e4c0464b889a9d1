/**
 * Instruction fuel as the kernel hands it out (the counting itself is woven into each plugin's
 * code by plugin/fuel-meter.ts). Every call gets the smaller of its plugin's budget per call and
 * what its request has left; what the call burns is taken from the request. A call that runs
 * out traps inside the plugin, so the kernel stops a loop itself, in Node and in a worker alike,
 * and goes on with the next handler and the next request.
 *
 * One unit is about the time of one simple wasm instruction: each instruction is one (function
 * entries and loop headers charge the block ahead, both arms of an `if` included, and the
 * check's own 8), slow ones several (division 24), a bulk memory operation one per 4 bytes, a
 * bulk table operation one per element, and a host call HOST_CALL_FUEL plus HOST_BYTE_FUEL per
 * byte it moves.
 */
import { FUEL_EXPORT, FUEL_LEFT_EXPORT, SET_FUEL_EXPORT, START_EXPORT } from './module-rewrite.js';

/**
 * A call's budget unless the plugin's manifest asks for another. Measured in Node 22: the
 * reference plugins' heaviest call, the blog listing of 200 posts, burns 56 M units (most of
 * it the AssemblyScript JSON code and its host calls), so the default leaves it room for
 * about 350 posts; a plugin spinning in a tight loop burns 20 M units in 1 to 2 ms, so the
 * default stops it within about 10 ms (`npm run bench` measures it in Node and Chromium).
 */
export const DEFAULT_CALL_FUEL = 100_000_000;
/** A request's budget: every call it makes, nested invokes and new instances included. */
export const DEFAULT_REQUEST_FUEL = 500_000_000;
/** The most a manifest may ask for per call (`[limits] fuel`); the counter is an i32. */
export const MAX_CALL_FUEL = 1_000_000_000;
/**
 * What a host call costs before the bytes it moves. A host call is a few microseconds of
 * JavaScript (about 5 µs for a permission check in Node 20), so a loop made only of host calls
 * would need 20,000 of them to spend a call's budget at 5,000 each: 110 ms. At 20,000 it stops
 * within about 30 ms, like an instruction loop, and a call still has room for 5,000 host calls.
 */
export const HOST_CALL_FUEL = 20_000;
/** What each byte a host call reads or writes costs (decoding, copying, parsing it). */
export const HOST_BYTE_FUEL = 16;
/** How many calls `plugin-api.invoke` may make in one request, whatever their depth. */
export const MAX_INVOKES_PER_REQUEST = 1_000;

/** The fuel one request has left. */
export interface RequestFuel {
  /** The request's budget. */
  readonly limit: number;
  remaining: number;
}

export function requestFuel(limit: number = DEFAULT_REQUEST_FUEL): RequestFuel {
  return { limit, remaining: limit };
}

/** The fuel counter of an instance (a module rewritten with fuel), or null for an unmetered one. */
export function fuelCounter(exports: Record<string, unknown>): WebAssembly.Global | null {
  const counter = exports[FUEL_EXPORT];
  return counter instanceof WebAssembly.Global ? counter : null;
}

/**
 * How the dispatcher sets an instance's fuel before a call and reads what is left after it:
 * through the accessor functions the rewrite exports (module-rewrite.ts SET_FUEL_EXPORT), a call
 * into wasm each, where the counter global's `value` costs several times as much in Node 20.
 * Host calls charge the counter itself (chargeFuel); both touch the same global.
 */
export interface FuelGauge {
  readonly counter: WebAssembly.Global;
  readonly set: (units: number) => void;
  readonly left: () => number;
}

/** The fuel gauge of an instance, or null for an unmetered one. */
export function fuelGauge(exports: Record<string, unknown>): FuelGauge | null {
  const counter = fuelCounter(exports);
  if (!counter) return null;
  const set = exports[SET_FUEL_EXPORT];
  const left = exports[FUEL_LEFT_EXPORT];
  if (typeof set === 'function' && typeof left === 'function') return { counter, set: set as FuelGauge['set'], left: left as FuelGauge['left'] };
  return {
    counter,
    set: (units) => {
      counter.value = units;
    },
    left: () => counter.value as number,
  };
}

/** The rewritten module's start function, exported so the kernel calls it (see module-rewrite.ts). */
export function startFunction(exports: Record<string, unknown>): (() => void) | null {
  const start = exports[START_EXPORT];
  return typeof start === 'function' ? (start as () => void) : null;
}

/** Thrown from a host call that finds the fuel spent; the dispatcher reports it as out of fuel. */
export class OutOfFuel extends Error {
  override readonly name = 'OutOfFuel';
  constructor() {
    super('ran out of fuel in a host call');
  }
}

/**
 * A start function or `_initialize` that ran out of fuel as a new instance was made: the
 * message is complete (see outOfFuelMessage).
 */
export class FuelExhausted extends Error {
  override readonly name = 'FuelExhausted';
}

/** Takes `units` from the counter of the calling instance; throws OutOfFuel when it goes below zero. */
export function chargeFuel(counter: WebAssembly.Global | null | undefined, units: number): void {
  if (!counter) return;
  const left = (counter.value as number) - units;
  counter.value = left < 0 ? -1 : left;
  if (left < 0) throw new OutOfFuel();
}

/** The fuel a host call costs for moving `bytes` bytes in and out. */
export function hostCallCost(bytes: number): number {
  return HOST_CALL_FUEL + bytes * HOST_BYTE_FUEL;
}

/** The sentence for a call that ran out: what happened, where, and what to do. */
export function outOfFuelMessage(plugin: string, what: string, granted: number, cause: 'call' | 'request', limits: { perCall: number; max: number; perRequest: number }): string {
  const head = `ran out of fuel (${granted} instructions) in ${plugin} ${what}`;
  if (cause === 'request') {
    return `${head}: the request's budget of ${limits.perRequest} instructions for all its calls is spent. Make the plugins in this request do less work per request, or raise the kernel's fuel.perRequest.`;
  }
  return (
    `${head}: it may loop forever. If it needs more, set [limits] fuel in ${plugin}.info.toml ` +
    `(this call had ${limits.perCall}; at most ${limits.max}).`
  );
}
