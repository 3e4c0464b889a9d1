/**
 * Fresh-per-request isolation without a new instance per call. Each pooled instance is
 * snapshotted once, right after `_initialize`: its memory, its mutable globals and its tables
 * (reachable through the `__trovato_` exports that module-rewrite.ts adds; a metered module's
 * globals are copied aside and back by two functions it adds, one call each). After every call it
 * is reset to that snapshot before anyone can acquire it again, so a call sees exactly what a new
 * instance would show it, for a few microseconds instead of a new instance's ~85 µs.
 *
 * An instance is dropped instead of reset when its state cannot be put back: its memory or a
 * table grew (neither can shrink), or the call failed (a trap can leave it mid-update, and
 * failures are rare enough that a new instance costs nothing that matters).
 *
 * Only the call's written range (written-range.ts) is restored when the module records one: the
 * 4 KiB chunks it touches, nothing else, since nothing else can have changed. A module without
 * it (atomics, several memories, unmetered) has its whole memory restored.
 */
import { MemoryBytes, type InstanceSource, type Initializer, type PluginInstance, type ReleaseOutcome, type SourceLimits } from './plugin-instance.js';
import { isCallCounter, RESERVED_EXPORT_PREFIX, RESTORE_GLOBALS_EXPORT, SAVE_GLOBALS_EXPORT } from '../plugin/module-rewrite.js';
import { fuelGauge, type FuelGauge, type RequestFuel } from './fuel.js';
import { writtenRange, type WrittenRange } from './written-range.js';

export interface PoolOptions extends SourceLimits {
  /**
   * Idle instances kept ready. A nested invoke of the same plugin needs a second instance while
   * the first is busy; more than this many at once are created and then dropped. Default 4.
   */
  readonly maxIdle?: number;
}

/**
 * Restoring memory: measured in Node 20 on a snapshot with 24 KiB of data and zeros after it,
 * `Uint8Array.set` of the whole snapshot costs 1.8 µs (1 page), 4.0 µs (2), 41 µs (17 pages);
 * comparing 4 KiB chunks in JavaScript and copying the changed ones costs 14 / 27 / 254 µs;
 * filling the chunks that were zero with `fill(0)` and copying only the others costs
 * 1.8 / 2.5 / 19 µs. Most of a fresh plugin's memory (heap, stack) is zero, and a call dirties
 * little of it, so the zero runs go through ZERO_CHUNKS below: a SIMD scan that clears only the
 * 4 KiB chunks that are no longer zero, 0.7 / 2.4 / 9.9 µs for 1 / 4 / 17 pages against fill's
 * 1.4 / 4.1 / 17.8 (reading a clean cache line is cheaper than writing it).
 */
const CHUNK = 4096;

/**
 * A written range up to this size is restored byte for byte (fill and copy of just those bytes);
 * a larger one chunk by chunk, where the zero scanner reads clean chunks instead of writing them.
 */
const EXACT_BYTES = 16384;

/**
 * Two functions over an imported memory. `zero(start, end)`: for each 4 KiB chunk of
 * [start, end) (multiples of 4096), ORs it 64 bytes at a time and `memory.fill`s it with 0 when
 * anything was set. `clear(start, end)`: `memory.fill` of exactly [start, end), for a small
 * written range: a call into wasm costs well under half of `Uint8Array.fill` on a 100-byte
 * range (in Node 20 about 24 ns against 62). Built from this WAT (wabt), kept as bytes so the
 * kernel needs no assembler:
 *
 *   (module (import "kernel" "memory" (memory 0))
 *     (func (export "zero") (param $start i32) (param $end i32) (local $p i32) (local $next i32) (local $acc v128)
 *       (block $done (loop $chunks
 *         (br_if $done (i32.ge_u (local.get $start) (local.get $end)))
 *         (local.set $next (i32.add (local.get $start) (i32.const 4096)))
 *         (local.set $acc (v128.const i64x2 0 0))
 *         (local.set $p (local.get $start))
 *         (loop $words
 *           (local.set $acc (v128.or (local.get $acc)
 *             (v128.or (v128.or (v128.load (local.get $p)) (v128.load offset=16 (local.get $p)))
 *                      (v128.or (v128.load offset=32 (local.get $p)) (v128.load offset=48 (local.get $p))))))
 *           (local.set $p (i32.add (local.get $p) (i32.const 64)))
 *           (br_if $words (i32.lt_u (local.get $p) (local.get $next))))
 *         (if (v128.any_true (local.get $acc))
 *           (then (memory.fill (local.get $start) (i32.const 0) (i32.const 4096))))
 *         (local.set $start (local.get $next))
 *         (br $chunks))))
 *     (func (export "clear") (param $start i32) (param $end i32)
 *       (memory.fill (local.get $start) (i32.const 0) (i32.sub (local.get $end) (local.get $start)))))
 */
// prettier-ignore
const ZERO_CHUNKS = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x00,
  0x02, 0x12, 0x01, 0x06, 0x6b, 0x65, 0x72, 0x6e, 0x65, 0x6c, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72,
  0x79, 0x02, 0x00, 0x00, 0x03, 0x03, 0x02, 0x00, 0x00, 0x07, 0x10, 0x02, 0x04, 0x7a, 0x65, 0x72,
  0x6f, 0x00, 0x00, 0x05, 0x63, 0x6c, 0x65, 0x61, 0x72, 0x00, 0x01, 0x0a, 0x92, 0x01, 0x02, 0x80,
  0x01, 0x02, 0x02, 0x7f, 0x01, 0x7b, 0x02, 0x40, 0x03, 0x40, 0x20, 0x00, 0x20, 0x01, 0x4f, 0x0d,
  0x01, 0x20, 0x00, 0x41, 0x80, 0x20, 0x6a, 0x21, 0x03, 0xfd, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x21, 0x04, 0x20, 0x00, 0x21,
  0x02, 0x03, 0x40, 0x20, 0x04, 0x20, 0x02, 0xfd, 0x00, 0x04, 0x00, 0x20, 0x02, 0xfd, 0x00, 0x04,
  0x10, 0xfd, 0x50, 0x20, 0x02, 0xfd, 0x00, 0x04, 0x20, 0x20, 0x02, 0xfd, 0x00, 0x04, 0x30, 0xfd,
  0x50, 0xfd, 0x50, 0xfd, 0x50, 0x21, 0x04, 0x20, 0x02, 0x41, 0xc0, 0x00, 0x6a, 0x21, 0x02, 0x20,
  0x02, 0x20, 0x03, 0x49, 0x0d, 0x00, 0x0b, 0x20, 0x04, 0xfd, 0x53, 0x04, 0x40, 0x20, 0x00, 0x41,
  0x00, 0x41, 0x80, 0x20, 0xfc, 0x0b, 0x00, 0x0b, 0x20, 0x03, 0x21, 0x00, 0x0c, 0x00, 0x0b, 0x0b,
  0x0b, 0x0e, 0x00, 0x20, 0x00, 0x41, 0x00, 0x20, 0x01, 0x20, 0x00, 0x6b, 0xfc, 0x0b, 0x00, 0x0b,
]);

let zeroChunksModule: WebAssembly.Module | null | undefined;

/** What restores a memory's zero runs (see ZERO_CHUNKS). */
interface Zeroer {
  /** Clears what is no longer zero in the 4 KiB chunks of [start, end). */
  readonly zero: (start: number, end: number) => void;
  /** Sets every byte of [start, end) to zero. */
  readonly clear: (start: number, end: number) => void;
}

/** The SIMD scanner and the fill bound to `memory`, or plain fills where the engine lacks SIMD. */
function zeroerFor(memory: WebAssembly.Memory): Zeroer {
  if (zeroChunksModule === undefined) {
    zeroChunksModule = WebAssembly.validate(ZERO_CHUNKS) ? new WebAssembly.Module(ZERO_CHUNKS) : null;
  }
  if (zeroChunksModule === null) {
    const fill = (start: number, end: number): void => void new Uint8Array(memory.buffer).fill(0, start, end);
    return { zero: fill, clear: fill };
  }
  const { exports } = new WebAssembly.Instance(zeroChunksModule, { kernel: { memory } });
  return { zero: exports.zero as Zeroer['zero'], clear: exports.clear as Zeroer['clear'] };
}

/** A run of the snapshot: bytes to copy back, or null for a run that was all zeros. */
interface Run {
  readonly start: number;
  readonly end: number;
  readonly bytes: Uint8Array | null;
}

interface Snapshot {
  readonly size: number;
  /** Clears what is no longer zero in a run that was zero (chunk by chunk, or exactly). */
  readonly zero: (start: number, end: number) => void;
  readonly clear: (start: number, end: number) => void;
  readonly runs: readonly Run[];
  readonly globals: ReadonlyArray<{ global: WebAssembly.Global; value: unknown }>;
  /**
   * Puts every mutable global back in one call into wasm (module-rewrite.ts RESTORE_GLOBALS_EXPORT,
   * whose shadows were filled as the snapshot was taken); null for a module without it, whose
   * `globals` are written one by one.
   */
  readonly restoreGlobals: (() => void) | null;
  readonly tables: ReadonlyArray<{ table: WebAssembly.Table; entries: unknown[] }>;
}

/**
 * An InstanceSource that reuses up to `maxIdle` instances of `module`, each reset to its state
 * right after `initialize` before it is handed out again. The module should be rewritten by
 * `rewriteModule` (so that its mutable globals and tables are exported); a module with no
 * `__trovato_` exports is treated as having no mutable globals and no tables.
 *
 * @example
 * const source = pooledInstances(module, imports, initializerFor(name), { memoryLimitPages: 256 });
 * const instance = source.acquire();
 * try { call(instance); source.release(instance, { trapped: false }); }
 * catch { source.release(instance, { trapped: true }); }
 */
export function pooledInstances(
  module: WebAssembly.Module,
  imports: WebAssembly.Imports,
  initialize: Initializer,
  options: PoolOptions = {},
): InstanceSource {
  const maxIdle = options.maxIdle ?? 4;
  // The fuel counter is set before every call, never restored.
  const stateExports = WebAssembly.Module.exports(module).filter((e) => e.name.startsWith(RESERVED_EXPORT_PREFIX) && !isCallCounter(e.name));
  const idle: PooledInstance[] = [];

  function create(fuel?: RequestFuel): PooledInstance {
    const instance = new WebAssembly.Instance(module, imports) as unknown as PluginInstance;
    initialize(instance, fuel);
    const written = writtenRange(instance.exports);
    // What _initialize wrote is the snapshot; the range counts from the first call on.
    written?.gather();
    written?.clear();
    return new PooledInstance(instance.exports, takeSnapshot(instance, stateExports), source, written);
  }

  const source: InstanceSource = {
    memoryLimitPages: options.memoryLimitPages,
    callFuel: options.callFuel,
    acquire(fuel?: RequestFuel) {
      const instance = idle.pop() ?? create(fuel);
      instance.busy = true;
      return instance;
    },
    release(instance, outcome?: ReleaseOutcome) {
      // Not ours, or released twice.
      if (!(instance instanceof PooledInstance) || instance.pool !== source || !instance.busy) return;
      instance.busy = false;
      if (outcome?.trapped || idle.length >= maxIdle) return;
      if (restore(instance, instance.snapshot)) idle.push(instance);
    },
  };
  return source;
}

/**
 * An instance with its snapshot and whether it is lent out, kept on the instance itself: a
 * WeakMap and a Set looked up on every call were a measurable part of a dispatch.
 */
class PooledInstance implements PluginInstance {
  busy = false;
  readonly bytes: MemoryBytes;
  readonly fuel: FuelGauge | null;

  constructor(
    readonly exports: PluginInstance['exports'],
    readonly snapshot: Snapshot,
    readonly pool: InstanceSource,
    readonly written: WrittenRange | null,
  ) {
    this.bytes = new MemoryBytes(exports.memory);
    this.fuel = fuelGauge(exports);
  }
}

function takeSnapshot(instance: PluginInstance, stateExports: readonly WebAssembly.ModuleExportDescriptor[]): Snapshot {
  const memory = new Uint8Array(instance.exports.memory.buffer);
  const words = new Int32Array(instance.exports.memory.buffer);
  const spans: Array<{ start: number; end: number; zero: boolean }> = [];
  for (let start = 0; start < memory.length; start += CHUNK) {
    const end = Math.min(start + CHUNK, memory.length);
    let zero = true;
    for (let i = start >> 2; i < end >> 2; i++) {
      if (words[i] !== 0) {
        zero = false;
        break;
      }
    }
    const last = spans[spans.length - 1];
    if (last && last.zero === zero) last.end = end;
    else spans.push({ start, end, zero });
  }
  const globals: Array<{ global: WebAssembly.Global; value: unknown }> = [];
  const tables: Array<{ table: WebAssembly.Table; entries: unknown[] }> = [];
  for (const { name, kind } of stateExports) {
    const value = instance.exports[name];
    if (kind === 'global' && value instanceof WebAssembly.Global) globals.push({ global: value, value: value.value });
    if (kind === 'table' && value instanceof WebAssembly.Table) {
      tables.push({ table: value, entries: Array.from({ length: value.length }, (_, i) => value.get(i)) });
    }
  }
  const { zero, clear } = zeroerFor(instance.exports.memory);
  const save = instance.exports[SAVE_GLOBALS_EXPORT];
  const restoreGlobals = instance.exports[RESTORE_GLOBALS_EXPORT];
  const copied = typeof save === 'function' && typeof restoreGlobals === 'function';
  if (copied) (save as () => void)();
  return {
    size: memory.length,
    zero,
    clear,
    runs: spans.map(({ start, end, zero }) => ({ start, end, bytes: zero ? null : memory.slice(start, end) })),
    globals,
    restoreGlobals: copied && globals.length > 0 ? (restoreGlobals as () => void) : null,
    tables,
  };
}

/**
 * Puts the instance back to its snapshot; false when it cannot be (memory or a table grew).
 * Restores the chunks of the call's written range, or the whole memory without one.
 */
function restore(instance: PooledInstance, snapshot: Snapshot): boolean {
  const memory = instance.bytes.get();
  if (memory.length !== snapshot.size) return false;
  for (const { table, entries } of snapshot.tables) if (table.length !== entries.length) return false;
  let start = 0;
  let end = snapshot.size;
  let exact = false;
  const written = instance.written;
  if (written) {
    written.gather();
    const { low, high } = written;
    written.clear();
    if (high <= low) {
      end = 0;
    } else if (high - low <= EXACT_BYTES) {
      // A small range is written back byte for byte: cheaper than scanning its chunks.
      start = low;
      end = Math.min(snapshot.size, high);
      exact = true;
    } else {
      // Whole chunks, so the zero scanner's 4 KiB steps line up with the snapshot's runs.
      start = low - (low % CHUNK);
      end = Math.min(snapshot.size, Math.ceil(high / CHUNK) * CHUNK);
    }
  }
  if (end > start) {
    for (const run of snapshot.runs) {
      if (run.end <= start || run.start >= end) continue;
      const from = Math.max(run.start, start);
      const to = Math.min(run.end, end);
      if (run.bytes !== null) memory.set(from === run.start && to === run.end ? run.bytes : run.bytes.subarray(from - run.start, to - run.start), from);
      else if (exact) snapshot.clear(from, to);
      else snapshot.zero(from, to);
    }
  }
  if (snapshot.restoreGlobals) snapshot.restoreGlobals();
  else for (const { global, value } of snapshot.globals) global.value = value;
  for (const { table, entries } of snapshot.tables) {
    for (let i = 0; i < entries.length; i++) table.set(i, entries[i]);
  }
  return true;
}
