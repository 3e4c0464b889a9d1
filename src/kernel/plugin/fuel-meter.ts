/**
 * Instruction fuel, woven into a plugin's code at load (the module rewrite calls it). A mutable
 * i32 global holds the fuel left; every function entry and every loop header subtracts the cost
 * of the code it starts (the instructions up to the next loop or the end, both arms of an `if`
 * counted), and traps with `unreachable` once the fuel is below zero. Any code that runs for long
 * must pass through a loop header or a function entry (a recursion), so a call can never run
 * past its budget by more than one block.
 *
 * Bulk operations do work no instruction count shows (`memory.fill` of 16 MiB is one
 * instruction): before each of them a helper function (appended to the module, so no index
 * changes) charges their size operand too, one unit per 4 bytes or per table element. Slow
 * instructions (division, calls through a table, memory.grow) are weighted (see weightOf).
 *
 * The kernel sets the global before each call and reads it afterwards (see fuel.ts); a trap
 * with the global below zero is "ran out of fuel".
 *
 * The same walk can also record the **written range** (`indices.written`): after every store and
 * every memory.fill/copy/init that succeeded, two more globals widen to [lowest, highest) byte
 * written, so the instance pool restores only that window instead of reading the whole memory
 * (see tap/written-range.ts). The operands are kept in locals appended to the function, the
 * record comes after the instruction (a store that traps wrote nothing), and it is not charged
 * fuel: fuel counts the plugin's own instructions. Code the record cannot follow (atomics,
 * several memories, a 64-bit memory) throws Untracked, and the module is then metered without it.
 */
import { ByteSink } from './byte-sink.js';
import { DecodeError, Reader, readValueType } from './wasm-sections.js';

/** Where the fuel global and the two charge helpers will live in the rewritten module. */
export interface MeterIndices {
  /** Global index of the fuel counter (after every existing global). */
  readonly fuelGlobal: number;
  /** Function index of `charge(n: i32) -> i32` for byte counts, or -1 when not needed. */
  readonly chargeBytes: number;
  /** Function index of `charge(n: i32) -> i32` for element counts. */
  readonly chargeElements: number;
  /** Global indices of the written range's two ends, when the walk records it. */
  readonly written?: { readonly low: number; readonly high: number };
}

/** The code does something the written range cannot follow; meter it without the range. */
export class Untracked extends Error {}

/**
 * The check itself runs 8 instructions (global.get, i32.const, i32.sub, global.set,
 * global.get, i32.const, i32.lt_s, if); they are charged too, so a unit is one instruction
 * executed and a tight loop burns its fuel as fast as the time it takes.
 */
export const CHECK_COST = 8;

/** Bytes a fuel unit pays for in bulk memory operations (memory.fill/copy/init move a few bytes per instruction's time). */
export const BULK_BYTES_PER_UNIT = 4;

/**
 * Instructions that take far longer than one simple instruction count as several, so a unit
 * stays near the time of a simple instruction whatever a loop is made of: integer division and
 * remainder (tens of cycles), float division and square root, calls through a table, memory.grow.
 */
function weightOf(op: number): number {
  if ((op >= 0x6d && op <= 0x70) || (op >= 0x7f && op <= 0x82)) return 24; // i32/i64 div, rem
  if (op === 0x91 || op === 0x95 || op === 0x9f || op === 0xa3) return 8; // f32/f64 sqrt, div
  if (op === 0x11 || op === 0x13) return 4; // call_indirect, return_call_indirect
  if (op === 0x40) return 64; // memory.grow
  return 1;
}

const BLOCK = 0x02;
const LOOP = 0x03;
const IF = 0x04;
const TRY = 0x06;
const END = 0x0b;
const DELEGATE = 0x18;
const GLOBAL_GET = 0x23;
const GLOBAL_SET = 0x24;
const I32_CONST = 0x41;
const I32_SUB = 0x6b;
const I32_LT_S = 0x48;
const I32_GT_U = 0x4b;
const I32_SHR_U = 0x76;
const LOCAL_GET = 0x20;
const CALL = 0x10;
const UNREACHABLE = 0x00;
const VOID_BLOCK = 0x40;

/**
 * Re-encodes the body of a code section with fuel checks in every function. `body` is the
 * section's contents (the vector of function bodies); the result is the new contents.
 * Throws DecodeError for an instruction it does not know (the module is then refused: running
 * code the meter cannot see would defeat it).
 */
export function meterCodeSection(
  bytes: Uint8Array,
  bodyStart: number,
  end: number,
  indices: MeterIndices,
  memory64: boolean,
  paramCounts: readonly number[] = [],
): Uint8Array {
  if (indices.written && memory64) throw new Untracked('a 64-bit memory');
  const r = new Reader(bytes, bodyStart, end);
  const out = new ByteSink();
  const count = r.u32();
  out.uleb(count);
  for (let i = 0; i < count; i++) {
    const size = r.u32();
    const fn = r.sub(size, `function body ${i}`);
    const metered = meterFunction(fn, indices, memory64, paramCounts[i] ?? 0);
    out.uleb(metered.length);
    out.bytes(metered);
  }
  if (r.pos !== r.end) throw new DecodeError('the code section has bytes after its last function body', r.pos);
  return out.finish();
}

/** The two helpers' bodies (locals + code), in the order of `helperBodies().length` functions. */
export function helperBodies(fuelGlobal: number): Uint8Array[] {
  return [chargeHelper(fuelGlobal, Math.log2(BULK_BYTES_PER_UNIT)), chargeHelper(fuelGlobal, 0)];
}

/**
 * `(func (param $n i32) (result i32))`: if n >> shift exceeds the fuel left, sets the fuel to -1
 * and traps; otherwise subtracts it and returns n, so it sits between an operand and its user.
 */
function chargeHelper(fuel: number, shift: number): Uint8Array {
  const out = new ByteSink();
  out.byte(0); // no locals
  out.byte(LOCAL_GET).uleb(0).byte(I32_CONST).sleb(shift).byte(I32_SHR_U);
  out.byte(GLOBAL_GET).uleb(fuel).byte(I32_GT_U);
  out.byte(IF).byte(VOID_BLOCK).byte(I32_CONST).sleb(-1).byte(GLOBAL_SET).uleb(fuel).byte(UNREACHABLE).byte(END);
  out.byte(GLOBAL_GET).uleb(fuel).byte(LOCAL_GET).uleb(0).byte(I32_CONST).sleb(shift).byte(I32_SHR_U).byte(I32_SUB).byte(GLOBAL_SET).uleb(fuel);
  out.byte(LOCAL_GET).uleb(0).byte(END);
  return out.finish();
}

/** `fuel -= cost; if (fuel < 0) unreachable`: stack-neutral, so it fits at any block start. */
function check(out: ByteSink, fuel: number, cost: number): void {
  out.byte(GLOBAL_GET).uleb(fuel).byte(I32_CONST).sleb(cost).byte(I32_SUB).byte(GLOBAL_SET).uleb(fuel);
  out.byte(GLOBAL_GET).uleb(fuel).byte(I32_CONST).sleb(0).byte(I32_LT_S);
  out.byte(IF).byte(VOID_BLOCK).byte(UNREACHABLE).byte(END);
}

interface Region {
  /** Offset in the original body where the check goes (right after the function's locals or the `loop`'s block type). */
  readonly at: number;
  cost: number;
}

/**
 * An instruction that needs code around it: a call to a charge helper before it (a bulk
 * operation), and, when the written range is recorded, its operands kept in locals before it and
 * the range widened after it.
 */
interface Site {
  /** Offset of the instruction's opcode. */
  readonly at: number;
  /** Offset right after its immediates. */
  readonly end: number;
  readonly helper?: number;
  readonly write?: Write;
}

/** What a memory-writing instruction writes: `size` bytes at its address plus `offset`, or a bulk [d, d + n). */
type Write = { readonly kind: 'store'; readonly value: number; readonly offset: number; readonly size: number } | { readonly kind: 'bulk' };

const I32 = 0x7f;
const I64 = 0x7e;
const F32 = 0x7d;
const F64 = 0x7c;
const V128 = 0x7b;

/** Plain stores by opcode: the value's type and the bytes written. */
const STORES: Readonly<Record<number, readonly [number, number]>> = {
  0x36: [I32, 4],
  0x37: [I64, 8],
  0x38: [F32, 4],
  0x39: [F64, 8],
  0x3a: [I32, 1],
  0x3b: [I32, 2],
  0x3c: [I64, 1],
  0x3d: [I64, 2],
  0x3e: [I64, 4],
};

/** v128 stores (0xfd prefix) by sub-opcode: the bytes written. */
const SIMD_STORES: Readonly<Record<number, number>> = { 11: 16, 88: 1, 89: 2, 90: 4, 91: 8 };

function meterFunction(r: Reader, indices: MeterIndices, memory64: boolean, paramCount: number): Uint8Array {
  const bodyStart = r.pos;
  const groups = r.u32();
  const groupsStart = r.pos;
  let declared = 0;
  for (let g = 0; g < groups; g++) {
    declared += r.u32();
    readValueType(r);
  }
  const localsEnd = r.pos;
  const regions: Region[] = [{ at: r.pos, cost: 0 }];
  const charges: Site[] = [];
  const tracked = indices.written !== undefined;
  // One entry per open block: the region its instructions are charged to.
  const frames: number[] = [0];
  while (frames.length > 0) {
    const at = r.pos;
    const op = r.byte();
    regions[frames[frames.length - 1]].cost += weightOf(op);
    switch (op) {
      case BLOCK:
      case IF:
      case TRY:
        skipBlockType(r);
        frames.push(frames[frames.length - 1]);
        break;
      case LOOP:
        skipBlockType(r);
        regions.push({ at: r.pos, cost: 0 });
        frames.push(regions.length - 1);
        break;
      case END:
      case DELEGATE:
        if (op === DELEGATE) r.u32();
        frames.pop();
        break;
      case 0xfc: {
        const sub = r.u32();
        skipMiscImmediates(r, sub, at);
        // memory.init, memory.copy, memory.fill, table.init, table.copy, table.fill: size on top.
        if (sub === 8 || sub === 10 || sub === 11) {
          if (memory64) throw new DecodeError('bulk memory operations on a 64-bit memory cannot be metered yet; use a 32-bit memory', at);
          charges.push({ at, end: r.pos, helper: indices.chargeBytes, write: tracked ? { kind: 'bulk' } : undefined });
        } else if (sub === 12 || sub === 14 || sub === 17) {
          charges.push({ at, end: r.pos, helper: indices.chargeElements });
        }
        break;
      }
      case 0xfd: {
        const sub = r.u32();
        const size = SIMD_STORES[sub];
        if (tracked && size !== undefined) {
          const offset = readMemargOffset(r);
          if (sub !== 11) r.skip(1); // the lane
          charges.push({ at, end: r.pos, write: { kind: 'store', value: V128, offset, size } });
        } else {
          skipSimd(r, sub, at);
        }
        break;
      }
      case 0xfe:
        // Atomic read-modify-write and stores write memory too; the range does not follow them.
        if (tracked) throw new Untracked('atomic instructions');
        skipImmediates(r, op, at);
        break;
      case GLOBAL_GET:
      case GLOBAL_SET:
        // The fuel global did not exist in the plugin's module: code naming it is invalid there,
        // and must not become valid here (it would let the plugin refill its own fuel).
        if (r.u32() >= indices.fuelGlobal) throw new DecodeError('an instruction names a global that does not exist', at);
        break;
      default: {
        const store = STORES[op];
        if (tracked && store !== undefined) {
          const offset = readMemargOffset(r);
          charges.push({ at, end: r.pos, write: { kind: 'store', value: store[0], offset, size: store[1] } });
        } else {
          skipImmediates(r, op, at);
        }
      }
    }
  }
  if (r.pos !== r.end) throw new DecodeError('a function body continues after its final `end`', r.pos);

  const out = new ByteSink();
  let copied = bodyStart;
  let locals: Locals | null = null;
  if (tracked && charges.some((site) => site.write)) {
    locals = appendLocals(out, r.bytes.subarray(groupsStart, localsEnd), groups, paramCount + declared, charges);
    copied = localsEnd;
  }
  const emit = (site: Site): number => emitSite(out, r.bytes, copied, site, locals, indices.written);
  let c = 0;
  // Regions are in order of their offsets (a loop header comes after everything before it), and
  // so are charges; merge the two.
  for (const region of regions) {
    while (c < charges.length && charges[c].at < region.at) copied = emit(charges[c++]);
    out.bytes(r.bytes.subarray(copied, region.at));
    copied = region.at;
    check(out, indices.fuelGlobal, region.cost + CHECK_COST);
  }
  while (c < charges.length) copied = emit(charges[c++]);
  out.bytes(r.bytes.subarray(copied, r.end));
  return out.finish();
}

/** Local indices the written range's code keeps operands in: the address (or destination), and the value by type. */
interface Locals {
  readonly address: number;
  /** memory.fill's value or the source of copy/init, then the byte count. */
  readonly second: number;
  readonly count: number;
  readonly values: ReadonlyMap<number, number>;
}

/** Writes the function's local declarations with the locals the range needs appended (no index moves). */
function appendLocals(out: ByteSink, declarations: Uint8Array, groups: number, firstFree: number, sites: readonly Site[]): Locals {
  const valueTypes = [...new Set(sites.flatMap((site) => (site.write?.kind === 'store' && site.write.value !== I32 ? [site.write.value] : [])))];
  out.uleb(groups + 1 + valueTypes.length);
  out.bytes(declarations);
  out.uleb(3).byte(I32);
  const values = new Map<number, number>([[I32, firstFree + 1]]);
  valueTypes.forEach((type, i) => {
    out.uleb(1).byte(type);
    values.set(type, firstFree + 3 + i);
  });
  return { address: firstFree, second: firstFree + 1, count: firstFree + 2, values };
}

const LOCAL_SET = 0x21;
const LOCAL_TEE = 0x22;
const I32_ADD = 0x6a;
const I32_LT_U = 0x49;

function emitSite(out: ByteSink, bytes: Uint8Array, copied: number, site: Site, locals: Locals | null, written: MeterIndices['written']): number {
  out.bytes(bytes.subarray(copied, site.at));
  if (site.helper !== undefined) out.byte(CALL).uleb(site.helper);
  const write = site.write;
  if (!write || !locals || !written) return site.at;
  if (write.kind === 'store') {
    const value = locals.values.get(write.value)!;
    out.byte(LOCAL_SET).uleb(value).byte(LOCAL_SET).uleb(locals.address);
    out.byte(LOCAL_GET).uleb(locals.address).byte(LOCAL_GET).uleb(value);
    out.bytes(bytes.subarray(site.at, site.end));
    // start = address + offset (it fit in memory, so no wrap), end = start + size.
    out.byte(LOCAL_GET).uleb(locals.address).byte(I32_CONST).sleb(write.offset | 0).byte(I32_ADD).byte(LOCAL_SET).uleb(locals.address);
    widen(out, locals.address, written.low, I32_LT_U);
    out.byte(LOCAL_GET).uleb(locals.address).byte(I32_CONST).sleb(write.size).byte(I32_ADD).byte(LOCAL_SET).uleb(locals.address);
    widen(out, locals.address, written.high, I32_GT_U);
  } else {
    out.byte(LOCAL_SET).uleb(locals.count).byte(LOCAL_SET).uleb(locals.second).byte(LOCAL_TEE).uleb(locals.address);
    out.byte(LOCAL_GET).uleb(locals.second).byte(LOCAL_GET).uleb(locals.count);
    out.bytes(bytes.subarray(site.at, site.end));
    widen(out, locals.address, written.low, I32_LT_U);
    out.byte(LOCAL_GET).uleb(locals.address).byte(LOCAL_GET).uleb(locals.count).byte(I32_ADD).byte(LOCAL_SET).uleb(locals.address);
    widen(out, locals.address, written.high, I32_GT_U);
  }
  return site.end;
}

/** `if (local <compare> global) global = local`, unsigned: the range only ever grows. */
function widen(out: ByteSink, local: number, global: number, compare: number): void {
  out.byte(LOCAL_GET).uleb(local).byte(GLOBAL_GET).uleb(global).byte(compare);
  out.byte(IF).byte(VOID_BLOCK).byte(LOCAL_GET).uleb(local).byte(GLOBAL_SET).uleb(global).byte(END);
}

/** A memarg's offset; a memory index (several memories) is more than the range follows. */
function readMemargOffset(r: Reader): number {
  const align = r.u32();
  if (align & 0x40) throw new Untracked('several memories');
  return r.u32();
}

/** A block type: 0x40, a value type, or a type index (s33); all are one signed LEB128. */
function skipBlockType(r: Reader): void {
  skipLeb(r);
}

function skipLeb(r: Reader): void {
  for (let i = 0; i < 10; i++) if ((r.byte() & 0x80) === 0) return;
  throw new DecodeError('an integer is too long', r.pos);
}

/** alignment, then offset; bit 6 of the alignment says a memory index comes between (multi-memory). */
function skipMemarg(r: Reader): void {
  const align = r.u32();
  if (align & 0x40) r.u32();
  skipLeb(r);
}

function skipImmediates(r: Reader, op: number, at: number): void {
  if (op >= 0x45 && op <= 0xc4) return; // numeric instructions
  if (op >= 0x28 && op <= 0x3e) return skipMemarg(r); // loads and stores
  switch (op) {
    case 0x00: // unreachable
    case 0x01: // nop
    case 0x05: // else
    case 0x0a: // throw_ref
    case 0x0f: // return
    case 0x19: // catch_all
    case 0x1a: // drop
    case 0x1b: // select
    case 0xd1: // ref.is_null
    case 0xd3: // ref.eq
    case 0xd4: // ref.as_non_null
      return;
    case 0x07: // catch tag
    case 0x08: // throw tag
    case 0x09: // rethrow depth
    case 0x0c: // br
    case 0x0d: // br_if
    case 0x10: // call
    case 0x12: // return_call
    case 0x14: // call_ref
    case 0x15: // return_call_ref
    case 0x20: // local.get
    case 0x21: // local.set
    case 0x22: // local.tee
    case 0x25: // table.get
    case 0x26: // table.set
    case 0x3f: // memory.size
    case 0x40: // memory.grow
    case 0xd2: // ref.func
    case 0xd5: // br_on_null
    case 0xd6: // br_on_non_null
      r.u32();
      return;
    case 0x0e: // br_table
      r.vec(() => r.u32());
      r.u32();
      return;
    case 0x11: // call_indirect type table
    case 0x13: // return_call_indirect
      r.u32();
      r.u32();
      return;
    case 0x1c: // select with types
      r.vec(() => readValueType(r));
      return;
    case 0x41: // i32.const
    case 0x42: // i64.const
    case 0xd0: // ref.null heap type
      skipLeb(r);
      return;
    case 0x43:
      r.skip(4);
      return;
    case 0x44:
      r.skip(8);
      return;
    case 0xfd:
      return skipSimd(r, r.u32(), at);
    case 0xfe:
      return skipAtomic(r, r.u32(), at);
    default:
      throw new DecodeError(`instruction 0x${op.toString(16).padStart(2, '0')} is not one the kernel can meter; build the plugin without that feature`, at);
  }
}

function skipMiscImmediates(r: Reader, sub: number, at: number): void {
  if (sub <= 7) return; // saturating truncations
  switch (sub) {
    case 8: // memory.init data mem
    case 10: // memory.copy mem mem
    case 12: // table.init elem table
    case 14: // table.copy table table
      r.u32();
      r.u32();
      return;
    case 9: // data.drop
    case 11: // memory.fill mem
    case 13: // elem.drop
    case 15: // table.grow
    case 16: // table.size
    case 17: // table.fill
      r.u32();
      return;
    default:
      throw new DecodeError(`instruction 0xfc ${sub} is not one the kernel can meter`, at);
  }
}

function skipSimd(r: Reader, sub: number, at: number): void {
  if (sub <= 11 || sub === 92 || sub === 93) return skipMemarg(r); // v128 loads and stores
  if (sub === 12 || sub === 13) return r.skip(16); // v128.const, i8x16.shuffle
  if (sub >= 21 && sub <= 34) return r.skip(1); // extract_lane, replace_lane
  if (sub >= 84 && sub <= 91) {
    skipMemarg(r);
    r.skip(1); // load_lane, store_lane
    return;
  }
  if (sub <= 0x113) return; // every other SIMD instruction (relaxed SIMD included) has no immediate
  throw new DecodeError(`instruction 0xfd ${sub} is not one the kernel can meter`, at);
}

function skipAtomic(r: Reader, sub: number, at: number): void {
  if (sub === 1 || sub === 2) {
    throw new DecodeError('memory.atomic.wait blocks the thread, and no plugin may block; use a plain loop over the kernel\'s calls instead', at);
  }
  if (sub === 3) {
    r.skip(1); // atomic.fence
    return;
  }
  skipMemarg(r);
}
