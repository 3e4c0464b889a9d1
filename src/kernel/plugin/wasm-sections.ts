/**
 * A small reader for the parts of a WebAssembly binary the module check needs: imports, exports
 * with their function signatures, memories, globals and the start function. The JS API does not
 * expose signatures, so they are read from the bytes.
 *
 * The reader is written for hostile input: every read is bounds-checked against the enclosing
 * section, varints are checked for overflow, names are decoded as strict UTF-8, and every loop
 * consumes at least one byte per step, so the work is linear in the input. A malformed module is
 * an `{ ok: false }` value with the byte offset of the problem, never an exception.
 *
 * It reads the binary format of the core spec plus what wasm32 toolchains emit (multi-value,
 * reference types, bulk memory, extended constants, threads' shared memory, memory64 limits,
 * exception tags). GC type forms are reported as unsupported rather than guessed at.
 */
import type { FunctionSignature, ValueType } from '../contract/signature.js';

export type ExternalKind = 'function' | 'table' | 'memory' | 'global' | 'tag';

/** The limits of a linear memory, in 64 KiB pages. */
export interface MemoryLimits {
  initialPages: number;
  /** Absent when the module declares no maximum. */
  maximumPages?: number;
  shared: boolean;
  memory64: boolean;
}

export interface ModuleImport {
  module: string;
  name: string;
  kind: ExternalKind;
  /** For a function (or tag) import: its type. */
  signature?: FunctionSignature;
  /** For a memory import: its limits. */
  memory?: MemoryLimits;
}

export interface ModuleExport {
  name: string;
  kind: ExternalKind;
  /** The index in the module's index space of that kind (imports first, then definitions). */
  index: number;
  /** For a function export: its type. */
  signature?: FunctionSignature;
}

/** What a module imports, exports and defines, as far as loading a plugin needs to know. */
export interface ModuleShape {
  imports: ModuleImport[];
  exports: ModuleExport[];
  /** Memories the module defines itself (imported ones are in `imports`). */
  memories: MemoryLimits[];
  /** Globals the module defines itself. */
  globals: Array<{ type: ValueType; mutable: boolean }>;
  hasStart: boolean;
  /** How many parameters each function the module defines takes (its locals are numbered after them). */
  definedParamCounts: number[];
}

export type ReadModuleShapeResult =
  | { ok: true; shape: ModuleShape }
  | { ok: false; message: string; offset: number };

/**
 * Reads the shape of a WebAssembly module from its binary. Never throws on malformed bytes.
 *
 * This is not a validator: function bodies, element and data segments are skipped. Pair it with
 * `WebAssembly.validate`.
 *
 * @example
 * const read = readModuleShape(bytes);
 * if (!read.ok) console.log(`${read.message} (at byte ${read.offset})`);
 */
export function readModuleShape(bytes: Uint8Array): ReadModuleShapeResult {
  try {
    return { ok: true, shape: readModule(new Reader(bytes)) };
  } catch (error) {
    if (error instanceof DecodeError) return { ok: false, message: error.message, offset: error.offset };
    throw error;
  }
}

const MAGIC = [0x00, 0x61, 0x73, 0x6d];
const VERSION = [0x01, 0x00, 0x00, 0x00];

export const SECTION_NAMES: Record<number, string> = {
  1: 'type',
  2: 'import',
  3: 'function',
  4: 'table',
  5: 'memory',
  6: 'global',
  7: 'export',
  8: 'start',
  9: 'element',
  10: 'code',
  11: 'data',
  12: 'data count',
  13: 'tag',
};

// The binary format fixes the order of the known sections; it is not the order of their ids.
export const SECTION_ORDER = [1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11];

const KINDS: readonly ExternalKind[] = ['function', 'table', 'memory', 'global', 'tag'];

const VALUE_TYPES: Record<number, ValueType> = {
  0x7f: 'i32',
  0x7e: 'i64',
  0x7d: 'f32',
  0x7c: 'f64',
  0x7b: 'v128',
  0x70: 'funcref',
  0x6f: 'externref',
};

function readModule(r: Reader): ModuleShape {
  if (r.end === 0) throw new DecodeError('the file is empty', 0);
  for (let i = 0; i < 4; i++) {
    if (r.pos >= r.end) throw new DecodeError('the file ends inside the WebAssembly header', r.pos);
    if (r.byte() !== MAGIC[i]) {
      throw new DecodeError('the file does not start with the WebAssembly magic bytes "\\0asm"', 0);
    }
  }
  for (let i = 0; i < 4; i++) {
    if (r.pos >= r.end) throw new DecodeError('the file ends inside the WebAssembly header', r.pos);
    if (r.byte() !== VERSION[i]) {
      throw new DecodeError('the WebAssembly binary version is not 1 (is it a component, or another format?)', 4);
    }
  }

  const types: FunctionSignature[] = [];
  const functionTypes: FunctionSignature[] = []; // imported functions first, then defined ones
  const shape: ModuleShape = { imports: [], exports: [], memories: [], globals: [], hasStart: false, definedParamCounts: [] };
  const rawExports: Array<{ name: string; kind: ExternalKind; index: number; at: number }> = [];
  const seen = new Set<number>();
  let lastRank = -1;

  while (r.pos < r.end) {
    const sectionStart = r.pos;
    const id = r.byte();
    const size = r.u32();
    const body = r.sub(size, `the ${SECTION_NAMES[id] ?? `id ${id}`} section`);
    if (id === 0) continue; // custom sections (names, producers, source maps) carry no contract

    const rank = SECTION_ORDER.indexOf(id);
    if (rank < 0) throw new DecodeError(`unknown section id ${id}`, sectionStart);
    const name = SECTION_NAMES[id];
    if (seen.has(id)) throw new DecodeError(`the ${name} section appears twice`, sectionStart);
    if (rank < lastRank) throw new DecodeError(`the ${name} section is out of order`, sectionStart);
    seen.add(id);
    lastRank = rank;

    switch (id) {
      case 1:
        body.vec(() => types.push(readFunctionType(body)));
        break;
      case 2:
        body.vec(() => {
          const imp = readImport(body, types);
          if (imp.kind === 'function' && imp.signature) functionTypes.push(imp.signature);
          shape.imports.push(imp);
        });
        break;
      case 3:
        body.vec(() => {
          const signature = typeAt(body, types);
          functionTypes.push(signature);
          shape.definedParamCounts.push(signature.params.length);
        });
        break;
      case 4:
        body.vec(() => readTableType(body));
        break;
      case 5:
        body.vec(() => shape.memories.push(readLimits(body, true)));
        break;
      case 6:
        body.vec(() => {
          const type = readValueType(body);
          const mutable = readMutability(body);
          skipConstExpr(body);
          shape.globals.push({ type, mutable });
        });
        break;
      case 7:
        body.vec(() => {
          const at = body.pos;
          const exportName = body.name();
          const kind = readKind(body);
          rawExports.push({ name: exportName, kind, index: body.u32(), at });
        });
        break;
      case 8:
        body.u32();
        shape.hasStart = true;
        break;
      case 12:
        body.u32();
        break;
      default:
        // element, code, data and tag sections: bounded by their size and not needed here.
        body.pos = body.end;
    }
    if (body.pos !== body.end) {
      throw new DecodeError(`the ${name} section has ${body.end - body.pos} unexpected trailing bytes`, body.pos);
    }
  }

  for (const { name, kind, index, at } of rawExports) {
    if (kind !== 'function') {
      shape.exports.push({ name, kind, index });
      continue;
    }
    const signature = functionTypes[index];
    if (!signature) throw new DecodeError(`export "${name}" names function ${index}, which does not exist`, at);
    shape.exports.push({ name, kind, index, signature });
  }
  return shape;
}

function readFunctionType(r: Reader): FunctionSignature {
  const at = r.pos;
  const form = r.byte();
  if (form !== 0x60) {
    const what = form === 0x4e || form === 0x50 || form === 0x4f || form === 0x5f || form === 0x5e
      ? 'a garbage-collection type (not supported by this kernel)'
      : `an unknown type form 0x${hex(form)}`;
    throw new DecodeError(`the type section holds ${what}`, at);
  }
  const params: ValueType[] = [];
  r.vec(() => params.push(readValueType(r)));
  const results: ValueType[] = [];
  r.vec(() => results.push(readValueType(r)));
  return { params, results };
}

function readImport(r: Reader, types: readonly FunctionSignature[]): ModuleImport {
  const module = r.name();
  const name = r.name();
  const kind = readKind(r);
  switch (kind) {
    case 'function':
      return { module, name, kind, signature: typeAt(r, types) };
    case 'table':
      readTableType(r);
      return { module, name, kind };
    case 'memory':
      return { module, name, kind, memory: readLimits(r, true) };
    case 'global':
      readValueType(r);
      readMutability(r);
      return { module, name, kind };
    case 'tag':
      return { module, name, kind, signature: readTagType(r, types) };
  }
}

function readKind(r: Reader): ExternalKind {
  const at = r.pos;
  const code = r.byte();
  const kind = KINDS[code];
  if (!kind) throw new DecodeError(`unknown import/export kind 0x${hex(code)}`, at);
  return kind;
}

function readTagType(r: Reader, types: readonly FunctionSignature[]): FunctionSignature {
  const at = r.pos;
  if (r.byte() !== 0) throw new DecodeError('a tag has an unknown attribute', at);
  return typeAt(r, types);
}

function typeAt(r: Reader, types: readonly FunctionSignature[]): FunctionSignature {
  const at = r.pos;
  const index = r.u32();
  const type = types[index];
  if (!type) throw new DecodeError(`type index ${index} does not exist (the module has ${types.length} types)`, at);
  return type;
}

export function readValueType(r: Reader): ValueType {
  const at = r.pos;
  const code = r.byte();
  const type = VALUE_TYPES[code];
  if (!type) throw new DecodeError(`unknown or unsupported value type 0x${hex(code)}`, at);
  return type;
}

function readMutability(r: Reader): boolean {
  const at = r.pos;
  const flag = r.byte();
  if (flag > 1) throw new DecodeError(`invalid global mutability flag 0x${hex(flag)}`, at);
  return flag === 1;
}

export function readTableType(r: Reader): void {
  const at = r.pos;
  const type = readValueType(r);
  if (type !== 'funcref' && type !== 'externref') throw new DecodeError(`a table of ${type} is not allowed`, at);
  readLimits(r, false);
}

export function readLimits(r: Reader, isMemory: boolean): MemoryLimits {
  const at = r.pos;
  const flags = r.byte();
  // bit 0: has maximum; bit 1: shared (threads); bit 2: 64-bit indices (memory64).
  if (flags > 0x07 || (!isMemory && (flags & 0x02) !== 0)) {
    throw new DecodeError(`unknown or unsupported limits flags 0x${hex(flags)}`, at);
  }
  const memory64 = (flags & 0x04) !== 0;
  const read = (): number => (memory64 ? r.u64() : r.u32());
  const initialPages = read();
  const limits: MemoryLimits = { initialPages, shared: (flags & 0x02) !== 0, memory64 };
  if (flags & 0x01) limits.maximumPages = read();
  return limits;
}

/** Skips a constant expression (global initialisers), which ends with `end` (0x0b). */
export function skipConstExpr(r: Reader): void {
  for (;;) {
    const at = r.pos;
    const op = r.byte();
    switch (op) {
      case 0x0b: // end
        return;
      case 0x41: // i32.const
        r.i32();
        break;
      case 0x42: // i64.const
        r.i64();
        break;
      case 0x43: // f32.const
        r.skip(4);
        break;
      case 0x44: // f64.const
        r.skip(8);
        break;
      case 0x23: // global.get
      case 0xd2: // ref.func
        r.u32();
        break;
      case 0xd0: // ref.null
        readValueType(r);
        break;
      case 0x6a: // i32.add, i32.sub, i32.mul, i64.add, i64.sub, i64.mul (extended-const)
      case 0x6b:
      case 0x6c:
      case 0x7c:
      case 0x7d:
      case 0x7e:
        break;
      case 0xfd: {
        const sub = r.u32();
        if (sub !== 12) throw new DecodeError(`unsupported instruction 0xfd ${sub} in a constant expression`, at);
        r.skip(16); // v128.const
        break;
      }
      default:
        throw new DecodeError(`unsupported instruction 0x${hex(op)} in a constant expression`, at);
    }
  }
}

function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}

export class DecodeError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// Reader, DecodeError and the read* helpers are exported for module-rewrite.ts, which walks the
// same sections to rewrite them: one reader for both, so they cannot disagree about a binary.

/** A cursor over `bytes[pos, end)`; `pos` is an absolute offset, so errors report file offsets. */
export class Reader {
  constructor(
    readonly bytes: Uint8Array,
    public pos = 0,
    readonly end = bytes.length,
  ) {}

  byte(): number {
    if (this.pos >= this.end) throw this.truncated();
    return this.bytes[this.pos++];
  }

  skip(n: number): void {
    if (n > this.end - this.pos) throw this.truncated();
    this.pos += n;
  }

  /** A reader over the next `size` bytes, which this reader then skips. */
  sub(size: number, what: string): Reader {
    if (size > this.end - this.pos) {
      throw new DecodeError(`${what} claims ${size} bytes but only ${this.end - this.pos} remain (the file is truncated)`, this.pos);
    }
    const sub = new Reader(this.bytes, this.pos, this.pos + size);
    this.pos += size;
    return sub;
  }

  /** Reads a vector count, then calls `item` that many times. */
  vec(item: () => void): void {
    const at = this.pos;
    const count = this.u32();
    // Every item takes at least one byte: a larger count is malformed, whatever the items are.
    if (count > this.end - this.pos) {
      throw new DecodeError(`a vector claims ${count} items but only ${this.end - this.pos} bytes remain`, at);
    }
    for (let i = 0; i < count; i++) item();
  }

  name(): string {
    const at = this.pos;
    const length = this.u32();
    if (length > this.end - this.pos) throw this.truncated();
    const raw = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    try {
      return utf8.decode(raw);
    } catch {
      throw new DecodeError('a name is not valid UTF-8', at);
    }
  }

  u32(): number {
    const at = this.pos;
    let result = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.byte();
      if (i === 4 && (b & 0xf0) !== 0) throw new DecodeError('an unsigned 32-bit integer overflows', at);
      result += (b & 0x7f) * 2 ** (7 * i);
      if ((b & 0x80) === 0) return result;
    }
    // The fifth byte had no continuation bit per the check above; unreachable.
    throw new DecodeError('an unsigned 32-bit integer is too long', at);
  }

  /** A 64-bit unsigned integer (memory64 limits), as a number: exact up to 2^53. */
  u64(): number {
    const at = this.pos;
    let result = 0n;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      if (i === 9 && (b & 0xfe) !== 0) throw new DecodeError('an unsigned 64-bit integer overflows', at);
      result |= BigInt(b & 0x7f) << BigInt(7 * i);
      if ((b & 0x80) === 0) return Number(result);
    }
    throw new DecodeError('an unsigned 64-bit integer is too long', at);
  }

  i32(): number {
    const at = this.pos;
    let result = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.byte();
      if (i === 4) {
        // The unused high bits of the last byte must repeat the sign bit (bit 3).
        const high = b & 0x78;
        if ((b & 0x80) !== 0 || (high !== 0 && high !== 0x78)) {
          throw new DecodeError('a signed 32-bit integer overflows', at);
        }
      }
      result |= (b & 0x7f) << (7 * i);
      if ((b & 0x80) === 0) {
        const shift = 7 * (i + 1);
        return shift < 32 && (b & 0x40) !== 0 ? result | (~0 << shift) : result;
      }
    }
    throw new DecodeError('a signed 32-bit integer is too long', at);
  }

  i64(): bigint {
    const at = this.pos;
    let result = 0n;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      if (i === 9) {
        // The unused high bits of the last byte must repeat the sign bit (bit 0).
        const rest = b & 0x7f;
        if ((b & 0x80) !== 0 || (rest !== 0 && rest !== 0x7f)) {
          throw new DecodeError('a signed 64-bit integer overflows', at);
        }
      }
      result |= BigInt(b & 0x7f) << BigInt(7 * i);
      if ((b & 0x80) === 0) return BigInt.asIntN(64, (b & 0x40) !== 0 ? result - (1n << BigInt(7 * (i + 1))) : result);
    }
    throw new DecodeError('a signed 64-bit integer is too long', at);
  }

  private truncated(): DecodeError {
    return new DecodeError('unexpected end of data (the file or a section is truncated)', this.pos);
  }
}
