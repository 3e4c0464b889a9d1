/**
 * A plugin's compiled module and how the dispatcher gets an instance of it for one call.
 * Every call gets an instance in its initial state: a plugin never observes state left by an
 * earlier request.
 */
import type { FuelGauge, RequestFuel } from './fuel.js';
import type { WrittenRange } from './written-range.js';
export interface PluginExports {
  readonly memory: WebAssembly.Memory;
  readonly alloc: (size: number) => number;
  readonly _initialize?: () => void;
  readonly [name: string]: unknown;
}

export interface PluginInstance {
  readonly exports: PluginExports;
  /** A view of the whole memory kept with a reused instance (a view costs as much to make as a small copy). */
  readonly bytes?: MemoryBytes;
  /**
   * What the running call has written, for a source that restores only that (the pool); the
   * kernel widens it with its own writes. Absent for an instance that is never reused.
   */
  readonly written?: WrittenRange | null;
  /**
   * The fuel gauge (`fuelGauge`), found once for a reused instance: null when unmetered,
   * absent when the dispatcher must look it up in the exports itself.
   */
  readonly fuel?: FuelGauge | null;
}

/**
 * A Uint8Array over a memory's whole buffer, made again only when the memory grew: growing
 * detaches the old buffer, and a view of a detached buffer has length 0.
 */
export class MemoryBytes {
  #bytes: Uint8Array;
  /** The view `range` made last, of which bytes, and where: a reset instance answering the same call puts its output in the same place. */
  #range: Uint8Array | null = null;
  #rangeOf: Uint8Array | null = null;
  #rangeAt = 0;

  constructor(readonly memory: WebAssembly.Memory) {
    this.#bytes = new Uint8Array(memory.buffer);
  }

  get(): Uint8Array {
    const bytes = this.#bytes;
    return bytes.length !== 0 ? bytes : (this.#bytes = new Uint8Array(this.memory.buffer));
  }

  /**
   * A view of [at, at + length), which must lie inside `get()`: the one made last time when it
   * is the same range of the same buffer (a subarray costs about 55 ns in Node 20, a call's
   * output decoded through it 150).
   */
  range(at: number, length: number): Uint8Array {
    const bytes = this.get();
    const last = this.#range;
    if (last !== null && this.#rangeOf === bytes && this.#rangeAt === at && last.length === length) return last;
    const view = bytes.subarray(at, at + length);
    this.#range = view;
    this.#rangeOf = bytes;
    this.#rangeAt = at;
    return view;
  }
}

/** The bytes of an instance's memory: its kept view, or a new one. */
export function memoryBytes(instance: PluginInstance): Uint8Array {
  return instance.bytes?.get() ?? new Uint8Array(instance.exports.memory.buffer);
}

/** How the call on a released instance ended. */
export interface ReleaseOutcome {
  /** The call threw (trap, abort, bad output): the instance is dropped, never reused. */
  readonly trapped: boolean;
}

export interface InstanceSource {
  /**
   * An instance in its initial state: its start function and `_initialize` have run, nothing
   * else has. `fuel` pays for them when a new instance must be made inside a request.
   */
  acquire(fuel?: RequestFuel): PluginInstance;
  /** Hands the instance back once the call is over (a pool resets it, or drops it after a trap). */
  release(instance: PluginInstance, outcome?: ReleaseOutcome): void;
  /** The plugin's memory limit in 64 KiB pages, so a failure at the limit can say so. */
  readonly memoryLimitPages?: number;
  /**
   * The plugin's fuel per call (its manifest's `[limits] fuel`, or the kernel's); absent for the
   * kernel's default. Kept here, with the instances, so a call finds both in one lookup.
   */
  readonly callFuel?: number;
}

/** What a kernel tells an instance source about its plugin, for the dispatcher. */
export interface SourceLimits {
  readonly memoryLimitPages?: number;
  readonly callFuel?: number;
}

/**
 * Runs a new instance's start function and `_initialize` (ABI §2). The kernel supplies it so
 * that host calls made during initialization run in a context of their own, as the plugin
 * itself, never in a user's request: whatever a reused instance remembers from initialization
 * cannot come from someone's data. The fuel burned is taken from `fuel` when given (the
 * request that needed a new instance), so making instances cannot dodge a request's budget.
 */
export type Initializer = (instance: PluginInstance, fuel?: RequestFuel) => void;

/** The simplest isolation: a new WebAssembly.Instance for every call. */
export function freshInstances(
  module: WebAssembly.Module,
  imports: WebAssembly.Imports,
  initialize: Initializer,
  options: SourceLimits = {},
): InstanceSource {
  return {
    memoryLimitPages: options.memoryLimitPages,
    callFuel: options.callFuel,
    acquire(fuel) {
      const instance = new WebAssembly.Instance(module, imports) as unknown as PluginInstance;
      initialize(instance, fuel);
      return instance;
    },
    release: () => undefined,
  };
}
