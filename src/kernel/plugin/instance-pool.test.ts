import { describe, expect, it } from 'vitest';
import { createKernel, type KernelOptions } from '../kernel.js';
import { rewriteModule } from './module-rewrite.js';
import { wat } from '../../../test/support/wat.js';
import { ECHO, returnsConstant, watPlugin, watString } from '../../../test/support/wat-plugin.js';
import type { PluginSource } from './loader.js';
import { pooledInstances } from './instance-pool.js';
import type { PluginInstance } from './plugin-instance.js';
import { fuelGauge } from './fuel.js';

/**
 * `$state` counts calls in a global and swaps the byte at 200 ("A" initially) for "B", then
 * returns `[count,"<byte before>",<memory pages>]`. A call in its initial state answers [1,"A",1].
 */
const TEMPLATE = '[0,"A",0]';
const REPORTED = '{"error":"no"}';
const STATE = `
  (global $count (mut i32) (i32.const 0))
  (data (i32.const 200) "A")
  (data (i32.const 300) "${watString(new TextEncoder().encode(TEMPLATE))}")
  (data (i32.const 320) "${watString(new TextEncoder().encode(REPORTED))}")
  (func $state (result i64)
    (global.set $count (i32.add (global.get $count) (i32.const 1)))
    (i32.store8 (i32.const 301) (i32.add (i32.const 48) (global.get $count)))
    (i32.store8 (i32.const 304) (i32.load8_u (i32.const 200)))
    (i32.store8 (i32.const 307) (i32.add (i32.const 48) (memory.size)))
    (i32.store8 (i32.const 200) (i32.const 66))
    ${returnsConstant(300, TEMPLATE.length)})`;
const INITIAL = [1, 'A', 1];

async function statePlugin(): Promise<PluginSource> {
  return watPlugin({
    name: 'stateful',
    fields: STATE,
    exports: {
      tap_item_view: '(call $state)',
      tap_item_insert: '(drop (memory.grow (i32.const 1))) (call $state)',
      tap_item_update: '(drop (call $state)) (unreachable)',
      tap_item_delete: `(drop (call $state)) ${returnsConstant(320, REPORTED.length)}`,
    },
  });
}

async function loaded(sources: PluginSource[], options: KernelOptions = {}) {
  const kernel = createKernel(options);
  const report = await kernel.load(sources);
  for (const status of report.plugins) expect(status.errors).toEqual([]);
  return kernel;
}

async function outputOf(kernel: Awaited<ReturnType<typeof loaded>>, tap: string, input?: unknown): Promise<unknown> {
  const { results } = await kernel.dispatch(tap, input);
  expect(results).toHaveLength(1);
  return results[0].error ?? results[0].output;
}

describe('pooled instances through the kernel', () => {
  it('shows every request a counter of 1 and the initial memory', async () => {
    const kernel = await loaded([await statePlugin()]);
    for (let i = 0; i < 50; i++) expect(await outputOf(kernel, 'tap_item_view', { i })).toEqual(INITIAL);
  });

  it('gives a fresh instance after a call grew memory, which still sees its initial state', async () => {
    const kernel = await loaded([await statePlugin()]);
    expect(await outputOf(kernel, 'tap_item_view')).toEqual(INITIAL);
    for (let i = 0; i < 5; i++) {
      // memory.size after the grow is 2; the count and byte are those of a new instance.
      expect(await outputOf(kernel, 'tap_item_insert')).toEqual([1, 'A', 2]);
      expect(await outputOf(kernel, 'tap_item_view')).toEqual(INITIAL);
    }
  });

  it('leaves no state behind after a trap or a reported error', async () => {
    const kernel = await loaded([await statePlugin()]);
    for (let i = 0; i < 3; i++) {
      expect(await outputOf(kernel, 'tap_item_update')).toMatch(/stateful tap_item_update trapped: unreachable/);
      expect(await outputOf(kernel, 'tap_item_view')).toEqual(INITIAL);
      expect(await outputOf(kernel, 'tap_item_delete')).toMatch(/reported an error: no/);
      expect(await outputOf(kernel, 'tap_item_view')).toEqual(INITIAL);
    }
  });

  it('behaves the same with isolation "fresh"', async () => {
    const kernel = await loaded([await statePlugin()], { isolation: 'fresh' });
    for (let i = 0; i < 3; i++) {
      expect(await outputOf(kernel, 'tap_item_insert')).toEqual([1, 'A', 2]);
      expect(await outputOf(kernel, 'tap_item_view')).toEqual(INITIAL);
    }
  });
});

describe('the memory limit', () => {
  const growForever = `(block $full (loop $more
      (br_if $full (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
      (br $more)))
    (unreachable)`;

  it('stops memory.grow at a manifest max_pages and says so', async () => {
    const plugin = await watPlugin({ name: 'greedy', exports: { tap_cron: growForever }, manifestExtra: '[memory]\nmax_pages = 2' });
    const kernel = await loaded([plugin]);
    const { results } = await kernel.dispatch('tap_cron');
    expect(results[0]).toMatchObject({ errorCode: 'MEMORY_LIMIT' });
    expect(results[0].error).toMatch(/^greedy tap_cron hit its memory limit of 2 pages \(0\.13 MiB\): trapped: unreachable\. /);
    expect(results[0].error).toMatch(/use less memory.*raise the limit/);
  });

  it('names the limit when alloc cannot hold the input (kernel option maxMemoryPages)', async () => {
    const plugin = await watPlugin({ name: 'echo', exports: { tap_item_view: ECHO } });
    const kernel = await loaded([plugin], { maxMemoryPages: 3 });
    const big = 'x'.repeat(4 * 65536);
    const { results } = await kernel.dispatch('tap_item_view', big);
    expect(results[0]).toMatchObject({ errorCode: 'MEMORY_LIMIT' });
    expect(results[0].error).toMatch(/^echo tap_item_view hit its memory limit of 3 pages \(0\.19 MiB\): alloc\(262146\) returned 0/);
    // The plugin still works for inputs that fit.
    expect(await outputOf(kernel, 'tap_item_view', 'small')).toBe('small');
  });

  it('does not blame the limit for a trap far below it', async () => {
    const plugin = await watPlugin({ name: 'broken', exports: { tap_cron: '(unreachable)' } });
    const { results } = await (await loaded([plugin])).dispatch('tap_cron');
    expect(results[0]).toMatchObject({ errorCode: 'PLUGIN_TRAP' });
  });
});

describe('pooledInstances', () => {
  /** A pool of the module made of `fields`, rewritten unmetered, or metered with `fuel` (each instance then gets a million units as it is made). */
  async function source(fields: string, options = {}, fuel = false) {
    const bytes = await wat(`(module (memory (export "memory") 1)
      (func (export "alloc") (param i32) (result i32) (i32.const 1024)) ${fields})`);
    const rewritten = rewriteModule(bytes, { maxMemoryPages: 4, fuel });
    if (!rewritten.ok) throw new Error(rewritten.message);
    const module = new WebAssembly.Module(rewritten.module.bytes as BufferSource);
    const initialized: PluginInstance[] = [];
    const pool = pooledInstances(
      module,
      {},
      (instance) => {
        initialized.push(instance);
        fuelGauge(instance.exports)?.set(1_000_000);
        instance.exports._initialize?.();
      },
      options,
    );
    return { pool, initialized };
  }

  it('hands out distinct instances to nested acquires and reuses them afterwards', async () => {
    const { pool, initialized } = await source('');
    const outer = pool.acquire();
    const inner = pool.acquire();
    expect(inner).not.toBe(outer);
    pool.release(inner, { trapped: false });
    pool.release(outer, { trapped: false });
    const again = [pool.acquire(), pool.acquire()];
    expect(new Set(again)).toEqual(new Set([outer, inner]));
    expect(initialized).toHaveLength(2);
  });

  it('keeps at most maxIdle idle instances', async () => {
    const { pool, initialized } = await source('', { maxIdle: 1 });
    const [a, b] = [pool.acquire(), pool.acquire()];
    pool.release(a, { trapped: false });
    pool.release(b, { trapped: false });
    pool.acquire();
    pool.acquire();
    expect(initialized).toHaveLength(3);
  });

  it('drops an instance whose call trapped', async () => {
    const { pool } = await source('');
    const first = pool.acquire();
    pool.release(first, { trapped: true });
    expect(pool.acquire()).not.toBe(first);
  });

  it('puts every byte of memory back, in the zero regions and the data alike', async () => {
    const { pool } = await source(`(data (i32.const 5000) "initial data") (func (export "poke") (param i32) (i32.store8 (local.get 0) (i32.const 255)))`);
    const first = pool.acquire();
    const initial = new Uint8Array(first.exports.memory.buffer).slice();
    pool.release(first, { trapped: false });
    for (const address of [0, 63, 64, 4095, 4096, 5000, 5011, 8191, 40000, 65535]) {
      const instance = pool.acquire();
      expect(instance).toBe(first);
      (instance.exports.poke as (address: number) => void)(address);
      pool.release(instance, { trapped: false });
      const now = new Uint8Array(first.exports.memory.buffer);
      expect(now.length).toBe(initial.length);
      expect(now.findIndex((byte, i) => byte !== initial[i])).toBe(-1);
    }
  });

  for (const fuel of [false, true]) {
    it(`restores mutable globals of every type to their values after _initialize (${fuel ? 'metered: through restore_globals' : 'unmetered: one by one'})`, async () => {
      const { pool } = await source(
        `
        (global $i (export "i") (mut i32) (i32.const 1))
        (global $l (export "l") (mut i64) (i64.const 2))
        (global $f (export "f") (mut f32) (f32.const 3.5))
        (global $d (export "d") (mut f64) (f64.const 4.25))
        (global $r (export "r") (mut funcref) (ref.null func))
        (global $x (export "x") (mut externref) (ref.null extern))
        (func $seven (result i32) (i32.const 7))
        (elem declare func $seven)
        (func (export "_initialize") (global.set $i (i32.const 10)) (global.set $l (i64.const -20)) (global.set $r (ref.func $seven)))
        (func (export "mess") (param externref)
          (global.set $i (i32.const 99)) (global.set $l (i64.const 99)) (global.set $f (f32.const 9.5)) (global.set $d (f64.const 9.25))
          (global.set $r (ref.null func)) (global.set $x (local.get 0)))`,
        {},
        fuel,
      );
      const values = (instance: PluginInstance) => ['i', 'l', 'f', 'd', 'x'].map((name) => (instance.exports[name] as WebAssembly.Global).value);
      const reference = (instance: PluginInstance) => (instance.exports.r as WebAssembly.Global).value as (() => number) | null;
      let instance = pool.acquire();
      const initial = values(instance);
      expect(initial).toEqual([10, -20n, 3.5, 4.25, null]);
      expect(reference(instance)?.()).toBe(7);
      fuelGauge(instance.exports)?.set(1_000_000);
      (instance.exports.mess as (value: unknown) => void)({ kept: 'by the call' });
      expect(values(instance)).toEqual([99, 99n, 9.5, 9.25, { kept: 'by the call' }]);
      expect(reference(instance)).toBeNull();
      pool.release(instance, { trapped: false });
      instance = pool.acquire();
      expect(values(instance)).toEqual(initial);
      expect(reference(instance)?.()).toBe(7);
    });
  }

  it('restores globals, memory written after _initialize, and table entries', async () => {
    const { pool } = await source(`
      (global $g (mut i64) (i64.const 5))
      (table 1 funcref) (func $one (result i32) (i32.const 1)) (func $two (result i32) (i32.const 2))
      (elem (i32.const 0) $one) (elem declare func $two)
      (type $t (func (result i32)))
      (func (export "_initialize") (i32.store (i32.const 40000) (i32.const 77)))
      (func (export "mess")
        (global.set $g (i64.const 9))
        (i32.store (i32.const 40000) (i32.const 0))
        (i32.store (i32.const 8) (i32.const 123))
        (table.set (i32.const 0) (ref.func $two)))
      (func (export "look") (result i64)
        (i64.add (global.get $g)
          (i64.extend_i32_u (i32.add (i32.add (i32.load (i32.const 40000)) (i32.load (i32.const 8)))
            (call_indirect (type $t) (i32.const 0))))))`);
    let instance = pool.acquire();
    const exports = instance.exports as unknown as { mess(): void; look(): bigint };
    expect(exports.look()).toBe(5n + 77n + 0n + 1n);
    exports.mess();
    expect(exports.look()).toBe(9n + 0n + 123n + 2n);
    pool.release(instance, { trapped: false });
    instance = pool.acquire();
    expect((instance.exports as unknown as { look(): bigint }).look()).toBe(5n + 77n + 0n + 1n);
  });
});
