import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wat } from '../../../test/support/wat.js';
import { readModuleShape, type ModuleShape } from './wasm-sections.js';

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

function section(id: number, payload: number[]): number[] {
  return [id, ...uleb(payload.length), ...payload];
}

function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...uleb(bytes.length), ...bytes];
}

function binary(...sections: number[][]): Uint8Array {
  return new Uint8Array([...HEADER, ...sections.flat()]);
}

function shapeOf(bytes: Uint8Array): ModuleShape {
  const read = readModuleShape(bytes);
  if (!read.ok) throw new Error(`${read.message} at ${read.offset}`);
  return read.shape;
}

function errorOf(bytes: Uint8Array): { message: string; offset: number } {
  const read = readModuleShape(bytes);
  if (read.ok) throw new Error('expected the reader to refuse these bytes');
  return { message: read.message, offset: read.offset };
}

/** Offsets where a module can be cut and still be a sequence of whole sections. */
function sectionBoundaries(bytes: Uint8Array): Set<number> {
  const ends = new Set([8]);
  let pos = 8;
  while (pos < bytes.length) {
    pos++;
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[pos++];
      size += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) break;
    }
    pos += size;
    ends.add(pos);
  }
  return ends;
}

const SAMPLE = `(module
  (type $tap (func (param i32 i32) (result i64)))
  (import "env" "abort" (func $abort (param i32 i32 i32 i32)))
  (import "trovato:kernel/db" "select" (func $select (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2 32)
  (global $heap (mut i32) (i32.const -8))
  (global $big i64 (i64.const -9223372036854775808))
  (global $pi f64 (f64.const 3.14))
  (global $f f32 (f32.const 1.5))
  (global $r (mut funcref) (ref.null func))
  (global $sum i32 (i32.add (i32.const 1) (i32.const 2)))
  (table 1 funcref)
  (func $alloc (export "alloc") (param i32) (result i32) global.get $heap)
  (func (export "tap_menu") (type $tap) i64.const 0)
  (func (export "pair") (result i32 i64) i32.const 1 i64.const 2)
  (func $init)
  (export "abort_again" (func $abort))
  (export "heap" (global $heap))
  (export "table" (table 0))
  (start $init)
  (data (i32.const 16) "hello")
)`;

describe('readModuleShape', () => {
  it('reads imports, exports with signatures, memories, globals and the start function', async () => {
    const shape = shapeOf(await wat(SAMPLE));
    expect(shape.imports).toEqual([
      { module: 'env', name: 'abort', kind: 'function', signature: { params: ['i32', 'i32', 'i32', 'i32'], results: [] } },
      {
        module: 'trovato:kernel/db',
        name: 'select',
        kind: 'function',
        signature: { params: ['i32', 'i32', 'i32', 'i32'], results: ['i32'] },
      },
    ]);
    const byName = new Map(shape.exports.map((e) => [e.name, e]));
    expect(byName.get('memory')).toEqual({ name: 'memory', kind: 'memory', index: 0 });
    // Function indices count imports first: alloc is function 2.
    expect(byName.get('alloc')).toEqual({ name: 'alloc', kind: 'function', index: 2, signature: { params: ['i32'], results: ['i32'] } });
    expect(byName.get('tap_menu')?.signature).toEqual({ params: ['i32', 'i32'], results: ['i64'] });
    expect(byName.get('pair')?.signature).toEqual({ params: [], results: ['i32', 'i64'] });
    expect(byName.get('abort_again')?.signature).toEqual({ params: ['i32', 'i32', 'i32', 'i32'], results: [] });
    expect(byName.get('heap')).toEqual({ name: 'heap', kind: 'global', index: 0 });
    expect(byName.get('table')?.kind).toBe('table');
    expect(shape.memories).toEqual([{ initialPages: 2, maximumPages: 32, shared: false, memory64: false }]);
    expect(shape.globals).toEqual([
      { type: 'i32', mutable: true },
      { type: 'i64', mutable: false },
      { type: 'f64', mutable: false },
      { type: 'f32', mutable: false },
      { type: 'funcref', mutable: true },
      { type: 'i32', mutable: false },
    ]);
    expect(shape.hasStart).toBe(true);
  });

  it('reads an imported memory, a memory without maximum, shared and 64-bit memories', async () => {
    const imported = shapeOf(await wat('(module (import "env" "memory" (memory 1 4)) (export "memory" (memory 0)))'));
    expect(imported.imports[0]).toEqual({
      module: 'env',
      name: 'memory',
      kind: 'memory',
      memory: { initialPages: 1, maximumPages: 4, shared: false, memory64: false },
    });
    expect(imported.memories).toEqual([]);
    expect(imported.exports[0]).toEqual({ name: 'memory', kind: 'memory', index: 0 });

    expect(shapeOf(await wat('(module (memory 3))')).memories).toEqual([{ initialPages: 3, shared: false, memory64: false }]);
    const shared = shapeOf(await wat('(module (memory 1 2 shared))', { threads: true }));
    expect(shared.memories[0]).toMatchObject({ shared: true, maximumPages: 2 });
    const wide = shapeOf(await wat('(module (memory i64 1 70000))', { memory64: true }));
    expect(wide.memories[0]).toEqual({ initialPages: 1, maximumPages: 70000, shared: false, memory64: true });
  });

  it('skips custom sections wherever they are and whatever they hold', async () => {
    const plain = await wat(SAMPLE);
    const custom = section(0, [...name('producers'), 0xff, 0xfe, 0x80, 0x80]); // not UTF-8, a dangling LEB
    const withCustom = new Uint8Array([...plain.subarray(0, 8), ...custom, ...plain.subarray(8), ...custom]);
    expect(shapeOf(withCustom)).toEqual(shapeOf(plain));
  });

  it('refuses an empty file, other magic bytes and other versions', () => {
    expect(errorOf(new Uint8Array())).toEqual({ message: 'the file is empty', offset: 0 });
    expect(errorOf(new TextEncoder().encode('<!doctype html>')).message).toMatch(/magic bytes/);
    expect(errorOf(new Uint8Array(HEADER.slice(0, 6)))).toEqual({
      message: 'the file ends inside the WebAssembly header',
      offset: 6,
    });
    // A component (version 0x0d, layer 1) is not a core module.
    expect(errorOf(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00])).message).toMatch(/version is not 1/);
  });

  it('refuses a module truncated at any length inside a section, with an offset inside the data', async () => {
    const bytes = await wat(SAMPLE);
    const boundaries = sectionBoundaries(bytes);
    for (let length = 0; length < bytes.length; length++) {
      const read = readModuleShape(bytes.subarray(0, length));
      if (boundaries.has(length)) continue; // whole sections: a shorter but well-formed binary
      expect(read.ok, `cut at ${length}`).toBe(false);
      if (!read.ok) expect(read.offset).toBeLessThanOrEqual(length);
    }
  });

  it('accepts padded varints and refuses overflowing ones', () => {
    // A memory of 1 page written with a 5-byte LEB128: legal, if wasteful.
    expect(shapeOf(binary(section(5, [1, 0x00, 0x81, 0x80, 0x80, 0x80, 0x00]))).memories[0].initialPages).toBe(1);
    // 0xffffffff is the largest u32; a 5th byte above 0x0f is more than 32 bits.
    expect(shapeOf(binary(section(5, [1, 0x00, 0xff, 0xff, 0xff, 0xff, 0x0f]))).memories[0].initialPages).toBe(0xffffffff);
    expect(errorOf(binary(section(5, [1, 0x00, 0xff, 0xff, 0xff, 0xff, 0x1f])))).toEqual({
      message: 'an unsigned 32-bit integer overflows',
      offset: 12,
    });
    // i32.const with a 6-byte immediate in a global initialiser.
    const global = (imm: number[]): Uint8Array => binary(section(6, [1, 0x7f, 0x00, 0x41, ...imm, 0x0b]));
    expect(shapeOf(global([0x80, 0x80, 0x80, 0x80, 0x78])).globals).toHaveLength(1); // -2^31
    expect(errorOf(global([0x80, 0x80, 0x80, 0x80, 0x40])).message).toMatch(/signed 32-bit integer overflows/);
    expect(errorOf(global([0x80, 0x80, 0x80, 0x80, 0x80, 0x00])).message).toMatch(/signed 32-bit integer overflows/);
  });

  it('refuses names that are not UTF-8, with the offset of the name', () => {
    const bytes = binary(section(7, [1, 2, 0xc3, 0x28, 0x02, 0x00]));
    expect(errorOf(bytes)).toEqual({ message: 'a name is not valid UTF-8', offset: 11 });
  });

  it('refuses sections out of order, twice, unknown, or with trailing bytes', () => {
    const memory = section(5, [1, 0x00, 1]);
    const types = section(1, [0]);
    expect(errorOf(binary(memory, types)).message).toBe('the type section is out of order');
    expect(errorOf(binary(memory, memory)).message).toBe('the memory section appears twice');
    expect(errorOf(binary(section(42, [])))).toEqual({ message: 'unknown section id 42', offset: 8 });
    expect(errorOf(binary(section(5, [1, 0x00, 1, 0xaa]))).message).toMatch(/1 unexpected trailing bytes/);
  });

  it('refuses references to types and functions that do not exist', () => {
    expect(errorOf(binary(section(3, [1, 5]))).message).toMatch(/type index 5 does not exist/);
    const exportMissing = binary(section(7, [1, ...name('f'), 0x00, 3]));
    expect(errorOf(exportMissing).message).toBe('export "f" names function 3, which does not exist');
  });

  it('refuses a vector count larger than the bytes that could hold it, without allocating', () => {
    const read = errorOf(binary(section(1, [0xff, 0xff, 0xff, 0xff, 0x0f])));
    expect(read.message).toMatch(/claims 4294967295 items/);
  });

  it('never throws, and agrees with WebAssembly.validate on what is readable', async () => {
    const good = await wat(SAMPLE);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const read = readModuleShape(bytes);
        expect(typeof read.ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
    const mutation = fc.array(fc.tuple(fc.nat({ max: good.length - 1 }), fc.integer({ min: 0, max: 255 })), {
      minLength: 1,
      maxLength: 4,
    });
    fc.assert(
      fc.property(mutation, fc.nat({ max: good.length }), (changes, cut) => {
        const bytes = good.slice(0, Math.max(cut, 8));
        for (const [at, value] of changes) if (at < bytes.length) bytes[at] = value;
        const read = readModuleShape(bytes);
        // Whatever the engine accepts, the reader must read too.
        if (WebAssembly.validate(bytes)) expect(read).toMatchObject({ ok: true });
      }),
      { numRuns: 3000 },
    );
  });
});
