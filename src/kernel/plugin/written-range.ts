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
import { READ_WRITTEN_HIGH_EXPORT, TAKE_WRITTEN_LOW_EXPORT } from '../plugin/module-rewrite.js';

/** No byte written: low past any address, high at 0. */
const EMPTY_LOW = 0xffffffff;

export class WrittenRange {
  /** What the kernel wrote (unsigned byte offsets). */
  low = EMPTY_LOW;
  high = 0;

  /**
   * The plugin's own writes, in two i32 globals read unsigned: `readHigh` returns the high end,
   * `takeLow` the low end and empties both for the next call. The rewrite exports both as
   * functions (a call into wasm is a fraction of a global's `value` from JavaScript).
   */
  constructor(
    readonly readHigh: () => number,
    readonly takeLow: () => number,
  ) {}

  /** Adds the plugin's own writes to `low` and `high`, and empties its globals for the next call. */
  gather(): void {
    // `high` is one past the highest byte written, so 0 only when the plugin wrote nothing: such
    // a call costs one call into the engine and no writes.
    const pluginHigh = this.readHigh() >>> 0;
    if (pluginHigh === 0) return;
    const pluginLow = this.takeLow() >>> 0;
    if (pluginLow < this.low) this.low = pluginLow;
    if (pluginHigh > this.high) this.high = pluginHigh;
  }

  /** Nothing written (after the pool restored the range, or right after `_initialize`). */
  clear(): void {
    this.low = EMPTY_LOW;
    this.high = 0;
  }
}

/** An instance's written range, or null when its module does not record one (the pool then reads the whole memory). */
export function writtenRange(exports: Record<string, unknown>): WrittenRange | null {
  const readHigh = exports[READ_WRITTEN_HIGH_EXPORT];
  const takeLow = exports[TAKE_WRITTEN_LOW_EXPORT];
  return typeof readHigh === 'function' && typeof takeLow === 'function' ? new WrittenRange(readHigh as () => number, takeLow as () => number) : null;
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
