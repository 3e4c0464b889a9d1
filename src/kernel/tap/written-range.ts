/**
 * The written range of a call: the window [low, high) of a plugin's memory that anything may
 * have changed since the call began. The plugin's own stores and bulk operations widen it inside
 * wasm (plugin/fuel-meter.ts records them in two globals the plugin cannot name); everything the
 * kernel writes into the memory widens it here: the call's input, a host function's result
 * (host/abi.ts), and WASI, whose shim writes where it likes, widens it to the whole memory.
 * The instance pool then restores only that window to the snapshot, instead of reading every
 * byte of the memory after every call.
 */
import { WRITTEN_HIGH_EXPORT, WRITTEN_LOW_EXPORT } from '../plugin/module-rewrite.js';

/** The two globals of a rewritten module's written range (unsigned i32s, read with `>>> 0`). */
export interface WrittenRange {
  readonly low: WebAssembly.Global;
  readonly high: WebAssembly.Global;
}

/** An instance's written range, or null when its module does not record one (the pool then reads the whole memory). */
export function writtenRange(exports: Record<string, unknown>): WrittenRange | null {
  const low = exports[WRITTEN_LOW_EXPORT];
  const high = exports[WRITTEN_HIGH_EXPORT];
  return low instanceof WebAssembly.Global && high instanceof WebAssembly.Global ? { low, high } : null;
}

/** Empties the range: nothing written yet (low past any address, high at 0). */
export function clearWritten(range: WrittenRange): void {
  range.low.value = -1;
  range.high.value = 0;
}

/** Widens the range to cover [start, end): the kernel wrote there. */
export function markWritten(range: WrittenRange | null | undefined, start: number, end: number): void {
  if (!range || end <= start) return;
  if (start < range.low.value >>> 0) range.low.value = start;
  if (end > range.high.value >>> 0) range.high.value = end;
}

/** Widens the range to the whole memory: something wrote where the kernel cannot say. */
export function markAllWritten(range: WrittenRange | null | undefined): void {
  if (!range) return;
  range.low.value = 0;
  range.high.value = -1;
}
