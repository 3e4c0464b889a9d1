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
}

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
export function meterCodeSection(bytes: Uint8Array, bodyStart: number, end: number, indices: MeterIndices, memory64: boolean): Uint8Array {
  const r = new Reader(bytes, bodyStart, end);
  const out = new ByteSink();
  const count = r.u32();
  out.uleb(count);
  for (let i = 0; i < count; i++) {
    const size = r.u32();
    const fn = r.sub(size, `function body ${i}`);
    const metered = meterFunction(fn, indices, memory64);
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

/** A point where a call to a charge helper is inserted (before a bulk instruction). */
interface Charge {
  readonly at: number;
  readonly helper: number;
}

function meterFunction(r: Reader, indices: MeterIndices, memory64: boolean): Uint8Array {
  const bodyStart = r.pos;
  r.vec(() => {
    r.u32();
    readValueType(r);
  });
  const regions: Region[] = [{ at: r.pos, cost: 0 }];
  const charges: Charge[] = [];
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
          charges.push({ at, helper: indices.chargeBytes });
        } else if (sub === 12 || sub === 14 || sub === 17) {
          charges.push({ at, helper: indices.chargeElements });
        }
        break;
      }
      case GLOBAL_GET:
      case GLOBAL_SET:
        // The fuel global did not exist in the plugin's module: code naming it is invalid there,
        // and must not become valid here (it would let the plugin refill its own fuel).
        if (r.u32() >= indices.fuelGlobal) throw new DecodeError('an instruction names a global that does not exist', at);
        break;
      default:
        skipImmediates(r, op, at);
    }
  }
  if (r.pos !== r.end) throw new DecodeError('a function body continues after its final `end`', r.pos);

  const out = new ByteSink();
  let copied = bodyStart;
  let c = 0;
  // Regions are in order of their offsets (a loop header comes after everything before it), and
  // so are charges; merge the two.
  for (const region of regions) {
    while (c < charges.length && charges[c].at < region.at) copied = emitCharge(out, r.bytes, copied, charges[c++]);
    out.bytes(r.bytes.subarray(copied, region.at));
    copied = region.at;
    check(out, indices.fuelGlobal, region.cost + CHECK_COST);
  }
  while (c < charges.length) copied = emitCharge(out, r.bytes, copied, charges[c++]);
  out.bytes(r.bytes.subarray(copied, r.end));
  return out.finish();
}

function emitCharge(out: ByteSink, bytes: Uint8Array, copied: number, charge: Charge): number {
  out.bytes(bytes.subarray(copied, charge.at));
  out.byte(CALL).uleb(charge.helper);
  return charge.at;
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
