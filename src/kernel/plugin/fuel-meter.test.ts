import { describe, expect, it } from 'vitest';
import { wat } from '../../../test/support/wat.js';
import { FUEL_EXPORT, START_EXPORT, rewriteModule } from './module-rewrite.js';
import { CHECK_COST } from './fuel-meter.js';

/** Rewrites with fuel and instantiates; the module must still validate. */
async function metered(text: string, imports: WebAssembly.Imports = {}) {
  const result = rewriteModule(await wat(text), { maxMemoryPages: 16 });
  if (!result.ok) throw new Error(`rewrite refused: ${result.message}`);
  expect(WebAssembly.validate(result.module.bytes as BufferSource)).toBe(true);
  const { instance } = await WebAssembly.instantiate(result.module.bytes as BufferSource, imports);
  return instance.exports as Record<string, unknown> & { [FUEL_EXPORT]: WebAssembly.Global };
}

describe('fuel in the module rewrite', () => {
  it('charges a function entry its instructions plus the check, and traps when the fuel is gone', async () => {
    const exports = await metered('(module (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))');
    const add = exports.add as (a: number, b: number) => number;
    const fuel = exports[FUEL_EXPORT];
    fuel.value = 1000;
    expect(add(2, 3)).toBe(5);
    // local.get, local.get, i32.add, end: 4 instructions, and the check's 8.
    expect(fuel.value).toBe(1000 - 4 - CHECK_COST);
    fuel.value = 5;
    expect(() => add(2, 3)).toThrow(WebAssembly.RuntimeError);
    expect(fuel.value as number).toBeLessThan(0);
  });

  it('charges every pass of a loop, so a loop that never ends stops', async () => {
    const exports = await metered(`(module
      (func (export "count") (param $n i32) (result i32) (local $i i32)
        (loop $more (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $more (i32.lt_u (local.get $i) (local.get $n))))
        (local.get $i))
      (func (export "spin") (loop $forever (br $forever))))`);
    const fuel = exports[FUEL_EXPORT];
    fuel.value = 1_000_000;
    expect((exports.count as (n: number) => number)(1000)).toBe(1000);
    const perPass = (1_000_000 - (fuel.value as number)) / 1000;
    expect(perPass).toBeGreaterThanOrEqual(9 + CHECK_COST);
    expect(perPass).toBeLessThan(9 + CHECK_COST + 1);
    fuel.value = 1_000_000;
    expect(() => (exports.spin as () => void)()).toThrow(WebAssembly.RuntimeError);
  });

  it('charges a bulk memory operation by its size', async () => {
    const exports = await metered('(module (memory 1) (func (export "fill") (param $n i32) (memory.fill (i32.const 0) (i32.const 7) (local.get $n))))');
    const fill = exports.fill as (n: number) => void;
    const fuel = exports[FUEL_EXPORT];
    fuel.value = 100_000;
    fill(4);
    const small = 100_000 - (fuel.value as number);
    fuel.value = 100_000;
    fill(40_000);
    expect(100_000 - (fuel.value as number) - small).toBe((40_000 - 4) / 4);
    fuel.value = 100;
    expect(() => fill(65_536)).toThrow(WebAssembly.RuntimeError);
  });

  it('exports the start function instead of running it at instantiation', async () => {
    let ran = 0;
    const exports = await metered('(module (import "k" "ran" (func $ran)) (func $start (call $ran)) (start $start))', { k: { ran: () => ran++ } });
    expect(ran).toBe(0);
    exports[FUEL_EXPORT].value = 100;
    (exports[START_EXPORT] as () => void)();
    expect(ran).toBe(1);
  });

  it('refuses code naming a global past the module\'s own (it would be the fuel counter)', async () => {
    // Valid only once a global is appended: the plugin would refill its own fuel.
    const bytes = await wat('(module (global $g (mut i32) (i32.const 0)) (func (global.set $g (i32.const 1))))');
    const index = bytes.lastIndexOf(0x24); // global.set 0 -> global.set 1
    bytes[index + 1] = 1;
    expect(rewriteModule(bytes, { maxMemoryPages: 16 })).toMatchObject({ ok: false, message: expect.stringContaining('names a global that does not exist') });
  });

  it('refuses memory.atomic.wait, which blocks', async () => {
    const bytes = await wat('(module (memory 1 1 shared) (func (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1)))))', { threads: true });
    expect(rewriteModule(bytes, { maxMemoryPages: 16 })).toMatchObject({ ok: false, message: expect.stringContaining('memory.atomic.wait blocks the thread') });
  });

  it('leaves results unchanged: a metered module computes what the original does', async () => {
    const text = `(module (memory (export "memory") 1)
      (func $fib (export "fib") (param $n i32) (result i32)
        (if (result i32) (i32.lt_u (local.get $n) (i32.const 2)) (then (local.get $n))
          (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1))) (call $fib (i32.sub (local.get $n) (i32.const 2))))))))`;
    const plain = (await WebAssembly.instantiate((await wat(text)) as BufferSource)).instance.exports as unknown as { fib: (n: number) => number };
    const exports = await metered(text);
    exports[FUEL_EXPORT].value = 1e9;
    for (const n of [0, 1, 2, 10, 20]) expect((exports.fib as (n: number) => number)(n)).toBe(plain.fib(n));
  });
});
