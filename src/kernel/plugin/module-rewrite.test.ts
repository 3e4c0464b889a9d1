import { describe, expect, it } from 'vitest';
import { wat } from '../../../test/support/wat.js';
import { globalExportName, rewriteModule, tableExportName, WRITTEN_HIGH_EXPORT, WRITTEN_LOW_EXPORT } from './module-rewrite.js';
import { readModuleShape } from './wasm-sections.js';

function rewrite(bytes: Uint8Array, maxMemoryPages = 16) {
  const result = rewriteModule(bytes, { maxMemoryPages, fuel: false });
  if (!result.ok) throw new Error(`rewrite refused: ${result.message}`);
  expect(WebAssembly.validate(result.module.bytes as BufferSource)).toBe(true);
  return result.module;
}

function memoryOf(bytes: Uint8Array) {
  const read = readModuleShape(bytes);
  if (!read.ok) throw new Error(read.message);
  return read.shape.memories[0];
}

async function instantiate(bytes: Uint8Array) {
  return (await WebAssembly.instantiate(bytes as BufferSource, {})).instance.exports;
}

describe('rewriteModule: memory limit', () => {
  it('sets a maximum when the module declares none', async () => {
    const out = rewrite(await wat('(module (memory (export "memory") 1))'), 4);
    expect(memoryOf(out.bytes)).toMatchObject({ initialPages: 1, maximumPages: 4 });
  });

  it('lowers a maximum above the limit and keeps one below it', async () => {
    expect(memoryOf(rewrite(await wat('(module (memory (export "memory") 1 100))'), 4).bytes).maximumPages).toBe(4);
    expect(memoryOf(rewrite(await wat('(module (memory (export "memory") 1 2))'), 4).bytes).maximumPages).toBe(2);
  });

  it('makes memory.grow past the limit return -1 inside the plugin', async () => {
    const bytes = await wat(`(module (memory (export "memory") 1)
      (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`);
    const exports = await instantiate(rewrite(bytes, 3).bytes);
    const grow = exports.grow as (pages: number) => number;
    expect(grow(2)).toBe(1);
    expect(grow(1)).toBe(-1);
    expect((exports.memory as WebAssembly.Memory).buffer.byteLength).toBe(3 * 65536);
  });

  it('refuses a memory that starts above the limit', async () => {
    const result = rewriteModule(await wat('(module (memory 8))'), { maxMemoryPages: 4 });
    expect(result).toMatchObject({ ok: false, message: expect.stringContaining('starts at 8 pages, above the limit of 4 pages') });
  });
});

describe('rewriteModule: state exports', () => {
  it('exports every defined mutable global under a reserved name, with its value', async () => {
    const bytes = await wat(`(module
      (import "host" "g" (global i32))
      (global $a (mut i32) (i32.const 7))
      (global $b i32 (i32.const 8))
      (global $c (mut i64) (i64.const -5))
      (global $d (mut f64) (f64.const 1.5))
      (memory (export "memory") 1)
      (func (export "bump") (global.set $a (i32.add (global.get $a) (i32.const 1)))))`);
    const out = rewrite(bytes);
    // Global indices count the import first: $a is 1, $c is 3, $d is 4; immutable $b is skipped.
    expect(out.stateExports).toEqual([globalExportName(1), globalExportName(3), globalExportName(4)]);
    const { instance } = await WebAssembly.instantiate(out.bytes as BufferSource, {
      host: { g: new WebAssembly.Global({ value: 'i32' }, 1) },
    });
    const exports = instance.exports;
    const a = exports[globalExportName(1)] as WebAssembly.Global;
    expect(a.value).toBe(7);
    (exports.bump as () => void)();
    expect(a.value).toBe(8);
    a.value = 7; // the pool restores through the export
    expect((exports[globalExportName(3)] as WebAssembly.Global).value).toBe(-5n);
    expect((exports[globalExportName(4)] as WebAssembly.Global).value).toBe(1.5);
    expect(exports.memory).toBeInstanceOf(WebAssembly.Memory);
  });

  it('exports defined tables under reserved names', async () => {
    const bytes = await wat(`(module (memory (export "memory") 1)
      (table 2 funcref) (func $f (result i32) (i32.const 1)) (elem (i32.const 0) $f))`);
    const out = rewrite(bytes);
    expect(out.stateExports).toEqual([tableExportName(0)]);
    const table = (await instantiate(out.bytes))[tableExportName(0)] as WebAssembly.Table;
    expect(table.length).toBe(2);
    expect((table.get(0) as () => number)()).toBe(1);
  });

  it('adds an export section to a module that has none, in the right place', async () => {
    const bytes = await wat('(module (global (mut i32) (i32.const 3)) (func $f) (start $f))');
    const out = rewrite(bytes);
    expect(((await instantiate(out.bytes))[globalExportName(0)] as WebAssembly.Global).value).toBe(3);
  });

  it('refuses a module that already exports a reserved name', async () => {
    const bytes = await wat('(module (func (export "__trovato_x")))');
    const result = rewriteModule(bytes, { maxMemoryPages: 16, fuel: false });
    expect(result).toMatchObject({ ok: false, message: expect.stringContaining('exports "__trovato_x"') });
    expect(result.ok || result.message).toContain('reserved for the kernel');
  });

  it('returns a module without memory, mutable globals or tables byte for byte', async () => {
    const bytes = await wat('(module (global i32 (i32.const 1)) (func (export "f") (result i32) (i32.const 2)))');
    const out = rewrite(bytes);
    expect(out.bytes).toEqual(bytes);
    expect(out.stateExports).toEqual([]);
  });

  it('copies the sections it does not change byte for byte', async () => {
    const bytes = await wat(`(module (memory (export "memory") 1 1) (data (i32.const 16) "hello")
      (func (export "f") (result i32) (i32.load8_u (i32.const 16))))`);
    // The maximum is already within the limit and there is nothing to export: nothing changes.
    expect(rewrite(bytes, 4).bytes).toEqual(bytes);
  });

  it('marks a module with passive segments as not poolable', async () => {
    const data = await wat('(module (memory (export "memory") 1) (data "abc") (func (export "f") (data.drop 0)))');
    expect(rewrite(data).notPoolable).toMatch(/passive/);
    const elem = await wat('(module (table 1 funcref) (func $f) (elem func $f) (func (export "g") (elem.drop 0)))');
    expect(rewrite(elem).notPoolable).toMatch(/passive/);
    const active = await wat('(module (memory 1) (data (i32.const 0) "abc") (table 1 funcref) (func $f) (elem (i32.const 0) $f) (elem declare func $f))');
    expect(rewrite(active).notPoolable).toBeUndefined();
  });

  it('marks a module with two memories as not poolable (only the exported one is reset)', async () => {
    // Not validated: Node 20 does not run several memories yet; Chromium does.
    const two = rewriteModule(await wat('(module (memory (export "memory") 1) (memory $second 1) (func (export "f") (i32.store $second (i32.const 0) (i32.const 1))))', { multi_memory: true }), { maxMemoryPages: 16 });
    expect(two.ok && two.module.notPoolable).toMatch(/2 memories/);
  });

  it('records the written range only for code it can follow', async () => {
    const metered = async (text: string, features = {}) => {
      const result = rewriteModule(await wat(text, features), { maxMemoryPages: 16 });
      if (!result.ok) throw new Error(result.message);
      return WebAssembly.Module.exports(new WebAssembly.Module(result.module.bytes as BufferSource)).map((e) => e.name);
    };
    const plain = await metered('(module (memory (export "memory") 1) (func (export "f") (i32.store (i32.const 0) (i32.const 1))))');
    expect(plain).toEqual(expect.arrayContaining([WRITTEN_LOW_EXPORT, WRITTEN_HIGH_EXPORT]));
    const atomic = await metered('(module (memory (export "memory") 1) (func (export "f") (i32.atomic.store (i32.const 0) (i32.const 1))))', { threads: true });
    expect(atomic).toContain('__trovato_fuel');
    expect(atomic).not.toContain(WRITTEN_LOW_EXPORT);
  });

  it('refuses malformed bytes with a message instead of throwing', () => {
    expect(rewriteModule(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 9, 1]), { maxMemoryPages: 4 })).toMatchObject({ ok: false });
    expect(rewriteModule(new Uint8Array([1, 2, 3]), { maxMemoryPages: 4 })).toMatchObject({ ok: false });
  });
});
