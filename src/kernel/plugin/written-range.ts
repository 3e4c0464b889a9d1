/**
 * The written range of a call: the window [low, high) of a plugin's memory that anything may
 * have changed since the call began. The plugin's own stores and bulk operations widen two
 * globals inside wasm (plugin/fuel-meter.ts records them; the plugin cannot name them);
 * everything the kernel writes into the memory widens the range here, in plain numbers (a
 * global's value is a call into the engine): the call's input, a host function's result
 * (host/abi.ts), and WASI, whose shim writes where it likes, widens it to the whole memory.
 * The instance pool then restores only the union of the two, instead of reading every byte of
 * the memory after every call.
 */
import { WRITTEN_HIGH_EXPORT, WRITTEN_LOW_EXPORT } from '../plugin/module-rewrite.js';

/** No byte written: low past any address, high at 0. */
const EMPTY_LOW = 0xffffffff;

export class WrittenRange {
  /** What the kernel wrote (unsigned byte offsets). */
  low = EMPTY_LOW;
  high = 0;

  /** The plugin's own writes: i32 globals read unsigned. */
  constructor(
    readonly lowGlobal: WebAssembly.Global,
    readonly highGlobal: WebAssembly.Global,
  ) {}

  /** Adds the plugin's own writes to `low` and `high`, and empties its globals for the next call. */
  gather(): void {
    // `high` is one past the highest byte written, so 0 only when the plugin wrote nothing: such
    // a call costs one read of a global (a call into the engine) and no writes.
    const pluginHigh = this.highGlobal.value >>> 0;
    if (pluginHigh === 0) return;
    const pluginLow = this.lowGlobal.value >>> 0;
    if (pluginLow < this.low) this.low = pluginLow;
    if (pluginHigh > this.high) this.high = pluginHigh;
    this.lowGlobal.value = -1;
    this.highGlobal.value = 0;
  }

  /** Nothing written (after the pool restored the range, or right after `_initialize`). */
  clear(): void {
    this.low = EMPTY_LOW;
    this.high = 0;
  }
}

/** An instance's written range, or null when its module does not record one (the pool then reads the whole memory). */
export function writtenRange(exports: Record<string, unknown>): WrittenRange | null {
  const low = exports[WRITTEN_LOW_EXPORT];
  const high = exports[WRITTEN_HIGH_EXPORT];
  return low instanceof WebAssembly.Global && high instanceof WebAssembly.Global ? new WrittenRange(low, high) : null;
}

/** Widens the range to cover [start, end): the kernel wrote there. */
export function markWritten(range: WrittenRange | null | undefined, start: number, end: number): void {
  if (!range || end <= start) return;
  if (start < range.low) range.low = start;
  if (end > range.high) range.high = end;
}

/** Widens the range to the whole memory: something wrote where the kernel cannot say. */
export function markAllWritten(range: WrittenRange | null | undefined): void {
  if (!range) return;
  range.low = 0;
  range.high = EMPTY_LOW;
}
