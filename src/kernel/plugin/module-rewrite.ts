/**
 * The load-time rewrite of a plugin's binary, which makes pooled instances possible:
 * - the defined memory's maximum is capped at the memory limit, so `memory.grow` past the limit
 *   fails inside the plugin (returns -1) instead of the kernel having to watch for it;
 * - every defined mutable global and every defined table is exported under a reserved
 *   `__trovato_` name, so the pool can snapshot them after `_initialize` and restore them after
 *   each call.
 *
 * - instruction fuel (fuel-meter.ts): a mutable i32 global, exported as `__trovato_fuel`, that
 *   every function entry and loop header decrements, trapping when it runs out; two small charge
 *   helpers for bulk memory and table operations are appended as functions;
 * - the start function no longer runs at instantiation: the start section is dropped and its
 *   function exported as `__trovato_start`, for the kernel to call right after instantiation
 *   with the plugin's own identity and under fuel (a start function that ran inside
 *   `new WebAssembly.Instance` would run on the stack of whoever made the instance).
 *
 * - the kernel's accessors of the fuel and the written range, small exported functions (see
 *   SET_FUEL_EXPORT): faster from JavaScript than the globals' own `value`.
 *
 * Everything is appended (types, functions, globals, exports), so no existing index
 * changes; sections that need none of this are copied byte for byte, names included. Code
 * offsets in debug info (DWARF, branch hints) no longer match a metered code section.
 */
import { ByteSink } from './byte-sink.js';
import { helperBodies, meterCodeSection, Untracked } from './fuel-meter.js';
import {
  DecodeError,
  Reader,
  SECTION_ORDER,
  readLimits,
  readModuleShape,
  readTableType,
  readValueType,
  skipConstExpr,
  type MemoryLimits,
  type ModuleShape,
} from './wasm-sections.js';
import type { ValueType } from '../contract/signature.js';

/**
 * The version of what rewriteModule writes. Rewritten modules are kept between boots under it
 * (rewrite-cache.ts): change it whenever the same input would now be rewritten to other bytes,
 * or a browser keeps running the old rewrite. rewrite-cache.test.ts pins the output of a
 * reference module and fails, saying so, when it changes.
 */
export const REWRITE_FORMAT = 3;

/** Export names starting with this are the kernel's; a plugin may not use them. */
export const RESERVED_EXPORT_PREFIX = '__trovato_';

/** The reserved export of the fuel counter (an i32 global: fuel left; below zero means out). */
export const FUEL_EXPORT = `${RESERVED_EXPORT_PREFIX}fuel`;

/**
 * The reserved exports of the written range (i32 globals, unsigned): the lowest byte offset and
 * one past the highest that the plugin's stores and bulk operations wrote since the kernel last
 * set them (see tap/written-range.ts).
 */
export const WRITTEN_LOW_EXPORT = `${RESERVED_EXPORT_PREFIX}written_low`;
export const WRITTEN_HIGH_EXPORT = `${RESERVED_EXPORT_PREFIX}written_high`;

/**
 * Reserved functions that read and set those globals from JavaScript. A call into wasm costs a
 * few nanoseconds where a `WebAssembly.Global`'s `value` costs 20 to 35 (Node 20), and the kernel
 * sets the fuel, reads what is left and reads the written range on every call. None of them is
 * metered, and a plugin cannot reach them: its code never names them, and the kernel refuses to
 * call a reserved export as a tap, a callback or an invoke.
 */
export const SET_FUEL_EXPORT = `${RESERVED_EXPORT_PREFIX}set_fuel`;
export const FUEL_LEFT_EXPORT = `${RESERVED_EXPORT_PREFIX}fuel_left`;
/** Returns the written range's high end (0: nothing written). */
export const READ_WRITTEN_HIGH_EXPORT = `${RESERVED_EXPORT_PREFIX}read_written_high`;
/** Returns the written range's low end and empties the range for the next call. */
export const TAKE_WRITTEN_LOW_EXPORT = `${RESERVED_EXPORT_PREFIX}take_written_low`;

/**
 * Reserved functions over the plugin's mutable globals: `save_globals` copies each into a shadow
 * global of its own (the pool calls it once, as it snapshots a new instance), `restore_globals`
 * copies them back (after every call). One call into wasm instead of a `WebAssembly.Global`
 * write per global: an AssemblyScript plugin has 13 or 14 of them, three of them i64 (a BigInt
 * each from JavaScript).
 */
export const SAVE_GLOBALS_EXPORT = `${RESERVED_EXPORT_PREFIX}save_globals`;
export const RESTORE_GLOBALS_EXPORT = `${RESERVED_EXPORT_PREFIX}restore_globals`;

/** Reserved globals the kernel sets before each call itself: no snapshot restores them. */
const CALL_COUNTERS: ReadonlySet<string> = new Set([FUEL_EXPORT, WRITTEN_LOW_EXPORT, WRITTEN_HIGH_EXPORT]);

/** The reserved export of the module's start function, when it has one. */
export const START_EXPORT = `${RESERVED_EXPORT_PREFIX}start`;

/** The reserved export of the mutable global at `index` (global index space: imports first). */
export function globalExportName(index: number): string {
  return `${RESERVED_EXPORT_PREFIX}global_${index}`;
}

/** The reserved export of the table at `index` (table index space: imports first). */
export function tableExportName(index: number): string {
  return `${RESERVED_EXPORT_PREFIX}table_${index}`;
}

export interface RewriteOptions {
  /** The plugin's memory limit, in 64 KiB pages. */
  readonly maxMemoryPages: number;
  /** Weave in instruction fuel (default true). Off only to measure what fuel costs. */
  readonly fuel?: boolean;
  /**
   * Record the written range with the fuel (default true; tap/written-range.ts). Off only to
   * measure what it costs: the pool then reads the whole memory after every call.
   */
  readonly writtenRange?: boolean;
}

export interface RewrittenModule {
  readonly bytes: Uint8Array;
  /** Reserved export names of the mutable globals and tables a pool must snapshot. */
  readonly stateExports: readonly string[];
  /**
   * Why an instance of this module cannot be reset in place, when it cannot: state a call may
   * change that no export reaches (a passive data or element segment a call could drop, a v128
   * global JS cannot read). The kernel then gives it fresh instances instead.
   */
  readonly notPoolable?: string;
}

export type RewriteResult =
  | { ok: true; module: RewrittenModule }
  | { ok: false; message: string; offset?: number };

interface Section {
  id: number;
  /** Offset of the id byte. */
  start: number;
  bodyStart: number;
  end: number;
}

const TYPE_SECTION = 1;
const FUNCTION_SECTION = 3;
const MEMORY_SECTION = 5;
const GLOBAL_SECTION = 6;
const EXPORT_SECTION = 7;
const START_SECTION = 8;
const CODE_SECTION = 10;
const EXPORT_KIND_FUNCTION = 0x00;
const OP_END = 0x0b;
const OP_LOCAL_GET = 0x20;
const OP_GLOBAL_GET = 0x23;
const OP_GLOBAL_SET = 0x24;
const OP_I32_CONST = 0x41;
const EXPORT_KIND_TABLE = 0x01;
const EXPORT_KIND_GLOBAL = 0x03;

/**
 * Rewrites a plugin's binary for pooled instances (see the file comment). Never throws: a
 * malformed module, a module that already exports a `__trovato_` name, or a memory that starts
 * above the limit is an `{ ok: false }` value saying what to change.
 *
 * @example
 * const rewritten = rewriteModule(bytes, { maxMemoryPages: 256 });
 * if (rewritten.ok) module = await WebAssembly.compile(rewritten.module.bytes);
 */
export function rewriteModule(bytes: Uint8Array, options: RewriteOptions): RewriteResult {
  const read = readModuleShape(bytes);
  if (!read.ok) return { ok: false, message: read.message, offset: read.offset };
  const { shape } = read;

  const taken = shape.exports.find((e) => e.name.startsWith(RESERVED_EXPORT_PREFIX));
  if (taken) {
    return {
      ok: false,
      message: `the module exports "${taken.name}", but export names starting with "${RESERVED_EXPORT_PREFIX}" are reserved for the kernel; rename that export.`,
    };
  }

  let layout: { sections: Section[]; definedTables: number; passive?: string };
  try {
    layout = readLayout(bytes);
  } catch (error) {
    if (error instanceof DecodeError) return { ok: false, message: error.message, offset: error.offset };
    throw error;
  }

  const limit = options.maxMemoryPages;
  const tooBig = shape.memories.findIndex((m) => m.initialPages > limit);
  if (tooBig >= 0) {
    return {
      ok: false,
      message: `memory ${tooBig} starts at ${shape.memories[tooBig].initialPages} pages, above the limit of ${limit} pages; lower the initial memory or raise the limit.`,
    };
  }
  const capped = shape.memories.map((m) => ({ ...m, maximumPages: Math.min(m.maximumPages ?? limit, limit) }));
  const memoryChanged = shape.memories.some((m, i) => m.maximumPages !== capped[i].maximumPages);

  const importedGlobals = shape.imports.filter((i) => i.kind === 'global').length;
  const importedTables = shape.imports.filter((i) => i.kind === 'table').length;
  const added: Array<{ name: string; kind: number; index: number }> = [];
  let notPoolable = layout.passive;
  // The pool snapshots and restores the exported memory; a second one would keep what a call wrote.
  if (shape.memories.length > 1) notPoolable ??= `it defines ${shape.memories.length} memories, and only one is reset between calls`;
  shape.globals.forEach((global, i) => {
    if (!global.mutable) return;
    if (global.type === 'v128') {
      notPoolable ??= `mutable global ${importedGlobals + i} is a v128, which JavaScript cannot read to restore it`;
      return;
    }
    added.push({ name: globalExportName(importedGlobals + i), kind: EXPORT_KIND_GLOBAL, index: importedGlobals + i });
  });
  for (let i = 0; i < layout.definedTables; i++) {
    added.push({ name: tableExportName(importedTables + i), kind: EXPORT_KIND_TABLE, index: importedTables + i });
  }

  // Sections to replace (id -> new body) and sections to add when the module has none.
  const replaced = new Map<number, Uint8Array>();
  if (memoryChanged) replaced.set(MEMORY_SECTION, encodeMemories(capped));
  const start = layout.sections.find((s) => s.id === START_SECTION);
  if (start) {
    const startFunction = new Reader(bytes, start.bodyStart, start.end).u32();
    added.push({ name: START_EXPORT, kind: EXPORT_KIND_FUNCTION, index: startFunction });
    replaced.set(START_SECTION, new Uint8Array(0)); // dropped, see below
  }
  if (options.fuel !== false) {
    // The written range needs the whole address space below 4 GiB (its end is an i32) and one memory.
    const trackable = options.writtenRange !== false && shape.memories.length === 1 && !shape.memories[0].memory64 && limit < 65536;
    try {
      try {
        meter(bytes, layout.sections, shape, replaced, added, trackable);
      } catch (error) {
        if (!(error instanceof Untracked)) throw error;
        meter(bytes, layout.sections, shape, replaced, added, false);
      }
    } catch (error) {
      if (error instanceof DecodeError) return { ok: false, message: `cannot meter the module's code: ${error.message}`, offset: error.offset };
      throw error;
    }
  }
  if (added.length > 0) {
    const exports = layout.sections.find((s) => s.id === EXPORT_SECTION);
    if (exports) {
      const body = new Reader(bytes, exports.bodyStart, exports.end);
      const count = body.u32();
      replaced.set(EXPORT_SECTION, encodeExports(bytes.subarray(body.pos, exports.end), count, added));
    } else {
      replaced.set(EXPORT_SECTION, encodeExports(new Uint8Array(0), 0, added));
    }
  }

  const out = new ByteSink();
  out.bytes(bytes.subarray(0, 8));
  const present = new Set(layout.sections.map((s) => s.id));
  const missing = [...replaced.keys()].filter((id) => !present.has(id)).sort((a, b) => SECTION_ORDER.indexOf(a) - SECTION_ORDER.indexOf(b));
  const writeMissingBefore = (rank: number): void => {
    while (missing.length > 0 && SECTION_ORDER.indexOf(missing[0]) < rank) {
      const id = missing.shift()!;
      writeSection(out, id, replaced.get(id)!);
    }
  };
  for (const section of layout.sections) {
    if (section.id !== 0) writeMissingBefore(SECTION_ORDER.indexOf(section.id));
    const body = replaced.get(section.id);
    if (section.id === START_SECTION) continue;
    if (body !== undefined && section.id !== 0) writeSection(out, section.id, body);
    else out.bytes(bytes.subarray(section.start, section.end));
  }
  writeMissingBefore(Number.POSITIVE_INFINITY);

  const stateExports = added.filter((a) => a.kind === EXPORT_KIND_GLOBAL || a.kind === EXPORT_KIND_TABLE).filter((a) => !CALL_COUNTERS.has(a.name));
  const result: RewrittenModule = { bytes: out.finish(), stateExports: stateExports.map((a) => a.name) };
  return { ok: true, module: notPoolable === undefined ? result : { ...result, notPoolable } };
}

/** Whether a reserved global is one the kernel sets before each call (fuel, written range), not plugin state. */
export function isCallCounter(exportName: string): boolean {
  return CALL_COUNTERS.has(exportName);
}

/**
 * Adds what fuel needs: three types, the two charge helpers, the fuel global, the kernel's
 * accessors (all appended, so no index moves), the metered code section, and the exports of the
 * fuel global and the accessors; with `track`, the written range's two globals, its two
 * accessors and their exports too. Throws Untracked (and adds
 * nothing) when the code does what the range cannot follow.
 */
function meter(
  bytes: Uint8Array,
  sections: readonly Section[],
  shape: ModuleShape,
  replaced: Map<number, Uint8Array>,
  added: Array<{ name: string; kind: number; index: number }>,
  track: boolean,
): void {
  const find = (id: number) => sections.find((s) => s.id === id);
  const countOf = (id: number): number => {
    const section = find(id);
    return section ? new Reader(bytes, section.bodyStart, section.end).u32() : 0;
  };
  const appended = (id: number, entries: Uint8Array[]): Uint8Array => {
    const section = find(id);
    const out = new ByteSink();
    if (!section) {
      out.u32(entries.length);
    } else {
      const body = new Reader(bytes, section.bodyStart, section.end);
      out.u32(body.u32() + entries.length);
      out.bytes(bytes.subarray(body.pos, section.end));
    }
    for (const entry of entries) out.bytes(entry);
    return out.finish();
  };

  const importedFunctions = shape.imports.filter((i) => i.kind === 'function').length;
  const importedGlobals = shape.imports.filter((i) => i.kind === 'global').length;
  const typeIndex = countOf(TYPE_SECTION);
  const definedFunctions = countOf(FUNCTION_SECTION);
  const fuelGlobal = importedGlobals + countOf(GLOBAL_SECTION);
  const chargeBytes = importedFunctions + definedFunctions;
  const written = track ? { low: fuelGlobal + 1, high: fuelGlobal + 2 } : undefined;
  const indices = { fuelGlobal, chargeBytes, chargeElements: chargeBytes + 1, written };
  const code = find(CODE_SECTION);
  const memory64 = shape.memories.some((m) => m.memory64);
  // First, since it may throw Untracked: nothing is added before it succeeds.
  const metered = code ? meterCodeSection(bytes, code.bodyStart, code.end, indices, memory64, shape.definedParamCounts) : new Uint8Array([0]);

  // (i32) -> i32 for the charge helpers, (i32) -> () and () -> i32 for the kernel's accessors,
  // () -> () for saving and restoring the globals.
  replaced.set(
    TYPE_SECTION,
    appended(TYPE_SECTION, [
      new Uint8Array([0x60, 0x01, 0x7f, 0x01, 0x7f]),
      new Uint8Array([0x60, 0x01, 0x7f, 0x00]),
      new Uint8Array([0x60, 0x00, 0x01, 0x7f]),
      new Uint8Array([0x60, 0x00, 0x00]),
    ]),
  );
  const typeRef = (index: number): Uint8Array => {
    const out = new ByteSink();
    out.u32(index);
    return out.finish();
  };
  const charge = typeRef(typeIndex);
  const setter = typeRef(typeIndex + 1);
  const getter = typeRef(typeIndex + 2);
  const procedure = typeRef(typeIndex + 3);
  // After the two charge helpers: set_fuel, fuel_left, (with the range) read_written_high and
  // take_written_low, then save_globals and restore_globals.
  const accessorTypes = written ? [setter, getter, getter, getter] : [setter, getter];
  replaced.set(FUNCTION_SECTION, appended(FUNCTION_SECTION, [charge, charge, ...accessorTypes, procedure, procedure]));
  // (global (mut i32) (i32.const 0)): no fuel until the kernel grants some. The written range
  // starts empty: low = 0xffffffff (i32.const -1), high = 0.
  const globals: Uint8Array[] = [new Uint8Array([0x7f, 0x01, 0x41, 0x00, 0x0b])];
  if (written) globals.push(new Uint8Array([0x7f, 0x01, 0x41, 0x7f, 0x0b]), new Uint8Array([0x7f, 0x01, 0x41, 0x00, 0x0b]));
  // A shadow for each of the plugin's mutable globals (a v128 one makes the module unpoolable).
  const state = shape.globals.flatMap(({ mutable, type }, i) => (mutable && type !== 'v128' ? [{ index: importedGlobals + i, type }] : []));
  const firstShadow = fuelGlobal + globals.length;
  for (const { type } of state) globals.push(shadowGlobal(type));
  replaced.set(GLOBAL_SECTION, appended(GLOBAL_SECTION, globals));
  const copies = globalCopyBodies(state.map((g) => g.index), firstShadow);
  const helpers = [...helperBodies(fuelGlobal), ...accessorBodies(fuelGlobal, written), copies.save, copies.restore].map((body) => {
    const entry = new ByteSink();
    entry.u32(body.length);
    entry.bytes(body);
    return entry.finish();
  });
  const codeOut = new ByteSink();
  const codeBody = new Reader(metered, 0);
  codeOut.u32(codeBody.u32() + helpers.length);
  codeOut.bytes(metered.subarray(codeBody.pos));
  for (const helper of helpers) codeOut.bytes(helper);
  replaced.set(CODE_SECTION, codeOut.finish());
  added.push({ name: FUEL_EXPORT, kind: EXPORT_KIND_GLOBAL, index: fuelGlobal });
  const accessors = chargeBytes + 2;
  added.push({ name: SET_FUEL_EXPORT, kind: EXPORT_KIND_FUNCTION, index: accessors });
  added.push({ name: FUEL_LEFT_EXPORT, kind: EXPORT_KIND_FUNCTION, index: accessors + 1 });
  if (written) {
    added.push({ name: WRITTEN_LOW_EXPORT, kind: EXPORT_KIND_GLOBAL, index: written.low });
    added.push({ name: WRITTEN_HIGH_EXPORT, kind: EXPORT_KIND_GLOBAL, index: written.high });
    added.push({ name: READ_WRITTEN_HIGH_EXPORT, kind: EXPORT_KIND_FUNCTION, index: accessors + 2 });
    added.push({ name: TAKE_WRITTEN_LOW_EXPORT, kind: EXPORT_KIND_FUNCTION, index: accessors + 3 });
  }
  const save = accessors + accessorTypes.length;
  added.push({ name: SAVE_GLOBALS_EXPORT, kind: EXPORT_KIND_FUNCTION, index: save });
  added.push({ name: RESTORE_GLOBALS_EXPORT, kind: EXPORT_KIND_FUNCTION, index: save + 1 });
}

/** The types a global's shadow can have: all but v128, which JavaScript cannot snapshot (its module is not pooled). */
type ShadowedType = Exclude<ValueType, 'v128'>;

/** A mutable global of `type` holding its zero (null for a reference): a shadow, filled in by save_globals. */
function shadowGlobal(type: ShadowedType): Uint8Array {
  const init: Record<ShadowedType, number[]> = {
    i32: [0x7f, 0x41, 0x00],
    i64: [0x7e, 0x42, 0x00],
    f32: [0x7d, 0x43, 0, 0, 0, 0],
    f64: [0x7c, 0x44, 0, 0, 0, 0, 0, 0, 0, 0],
    funcref: [0x70, 0xd0, 0x70],
    externref: [0x6f, 0xd0, 0x6f],
  };
  const [valueType, ...expression] = init[type];
  return new Uint8Array([valueType, 0x01, ...expression, OP_END]);
}

/** The bodies of save_globals (each global into its shadow) and restore_globals (back). */
function globalCopyBodies(globals: readonly number[], firstShadow: number): { save: Uint8Array; restore: Uint8Array } {
  const copy = (from: (i: number) => number, to: (i: number) => number): Uint8Array => {
    const out = new ByteSink();
    out.byte(0); // no locals
    globals.forEach((_, i) => out.byte(OP_GLOBAL_GET).u32(from(i)).byte(OP_GLOBAL_SET).u32(to(i)));
    out.byte(OP_END);
    return out.finish();
  };
  return { save: copy((i) => globals[i], (i) => firstShadow + i), restore: copy((i) => firstShadow + i, (i) => globals[i]) };
}

/**
 * The bodies of the kernel's accessors (see SET_FUEL_EXPORT), in the order `meter` declares
 * them: set_fuel, fuel_left, and with the written range read_written_high, take_written_low.
 */
function accessorBodies(fuel: number, written: { low: number; high: number } | undefined): Uint8Array[] {
  const body = (write: (out: ByteSink) => void): Uint8Array => {
    const out = new ByteSink();
    out.byte(0); // no locals
    write(out);
    out.byte(OP_END);
    return out.finish();
  };
  const bodies = [
    body((out) => out.byte(OP_LOCAL_GET).u32(0).byte(OP_GLOBAL_SET).u32(fuel)),
    body((out) => out.byte(OP_GLOBAL_GET).u32(fuel)),
  ];
  if (written) {
    bodies.push(
      body((out) => out.byte(OP_GLOBAL_GET).u32(written.high)),
      // low, then low = 0xffffffff and high = 0: the empty range (see the globals' initial values).
      body((out) => out.byte(OP_GLOBAL_GET).u32(written.low).byte(OP_I32_CONST).byte(0x7f).byte(OP_GLOBAL_SET).u32(written.low).byte(OP_I32_CONST).byte(0x00).byte(OP_GLOBAL_SET).u32(written.high)),
    );
  }
  return bodies;
}

/**
 * Where each section lies, how many tables the module defines, and whether it has passive
 * segments. A passive segment is state outside the memory: `data.drop` / `elem.drop` in one call
 * would make `memory.init` / `table.init` trap in the next, where a fresh instance would not.
 */
function readLayout(bytes: Uint8Array): { sections: Section[]; definedTables: number; passive?: string } {
  const r = new Reader(bytes, 8);
  const sections: Section[] = [];
  let definedTables = 0;
  let passive: string | undefined;
  while (r.pos < r.end) {
    const start = r.pos;
    const id = r.byte();
    const size = r.u32();
    const body = r.sub(size, `section ${id}`);
    sections.push({ id, start, bodyStart: body.pos, end: body.end });
    if (id === 4) {
      body.vec(() => {
        readTableType(body);
        definedTables++;
      });
    } else if (id === 9) {
      let index = 0;
      body.vec(() => {
        if (skipElementSegment(body)) passive ??= `element segment ${index} is passive`;
        index++;
      });
    } else if (id === 11) {
      let index = 0;
      body.vec(() => {
        if (skipDataSegment(body)) passive ??= `data segment ${index} is passive`;
        index++;
      });
    }
  }
  return { sections, definedTables, passive };
}

/** Skips one data segment; true when it is passive. */
function skipDataSegment(r: Reader): boolean {
  const at = r.pos;
  const flags = r.u32();
  if (flags > 2) throw new DecodeError(`unknown data segment flags ${flags}`, at);
  if (flags === 2) r.u32(); // explicit memory index
  if (flags !== 1) skipConstExpr(r); // active: offset
  r.skip(r.u32());
  return flags === 1;
}

/** Skips one element segment (its eight encodings); true when it is passive. */
function skipElementSegment(r: Reader): boolean {
  const at = r.pos;
  const flags = r.u32();
  if (flags > 7) throw new DecodeError(`unknown element segment flags ${flags}`, at);
  const active = (flags & 0x01) === 0;
  const expressions = (flags & 0x04) !== 0;
  if (active && (flags & 0x02) !== 0) r.u32(); // explicit table index
  if (active) skipConstExpr(r);
  if (flags !== 0 && flags !== 4) {
    if (expressions) readValueType(r); // reftype
    else r.byte(); // elemkind
  }
  r.vec(() => (expressions ? skipConstExpr(r) : r.u32()));
  // flags 1 and 5 are passive; 3 and 7 are declarative, dropped at instantiation already.
  return (flags & 0x03) === 0x01;
}

function encodeMemories(memories: readonly MemoryLimits[]): Uint8Array {
  const out = new ByteSink();
  out.u32(memories.length);
  for (const m of memories) {
    out.byte(0x01 | (m.shared ? 0x02 : 0) | (m.memory64 ? 0x04 : 0));
    out.uleb(m.initialPages);
    out.uleb(m.maximumPages ?? 0);
  }
  return out.finish();
}

function encodeExports(entries: Uint8Array, count: number, added: ReadonlyArray<{ name: string; kind: number; index: number }>): Uint8Array {
  const out = new ByteSink();
  out.u32(count + added.length);
  out.bytes(entries);
  for (const e of added) {
    const name = utf8.encode(e.name);
    out.u32(name.length);
    out.bytes(name);
    out.byte(e.kind);
    out.u32(e.index);
  }
  return out.finish();
}

function writeSection(out: ByteSink, id: number, body: Uint8Array): void {
  out.byte(id);
  out.u32(body.length);
  out.bytes(body);
}

const utf8 = new TextEncoder();
