/**
 * The pool restores only a call's written range (src/kernel/tap/written-range.ts). A plugin that
 * writes everywhere it can, every way it can, must still leave nothing for the next call: after
 * each attack, a call that hashes the whole memory (and its global) answers exactly what it
 * answers on a brand-new instance. Run in Node (written-range.test.ts) and in Chromium
 * (written-range.browser.test.ts), whose engines compile the recording code each their own way.
 */
import { describe, expect, it } from 'vitest';
import { createKernel, type Kernel } from '../../src/kernel/kernel.js';
import type { PluginSource } from '../../src/kernel/plugin/loader.js';
import { rewriteModule, WRITTEN_HIGH_EXPORT, WRITTEN_LOW_EXPORT } from '../../src/kernel/plugin/module-rewrite.js';
import { wat } from '../support/wat.js';

const PAGE = 65536;
const SIZE = 2 * PAGE;

/** Each attack: one export of the scribbler, `(param i32 i32) (result i64)`, answering null. */
const ATTACKS: Record<string, string> = {
  // The last bytes of memory, with and without an offset immediate.
  top_i32: `(i32.store (i32.const ${SIZE - 4}) (i32.const -1))`,
  offset_i64: `(i64.store offset=${SIZE - 72} (i32.const 64) (i64.const -1))`,
  floats: `(f32.store (i32.const 100000) (f32.const 1.5)) (f64.store offset=3 (i32.const 50001) (f64.const 2.5))`,
  narrow: `(i32.store8 (i32.const 0) (i32.const 255)) (i32.store16 (i32.const ${PAGE - 1}) (i32.const -1))
    (i64.store8 (i32.const ${SIZE - 1}) (i64.const 1)) (i64.store16 (i32.const ${SIZE - 2}) (i64.const -1)) (i64.store32 (i32.const ${SIZE - 4}) (i64.const -1))`,
  simd: `(v128.store (i32.const ${SIZE - 16}) (v128.const i64x2 -1 -1)) (v128.store64_lane 1 (i32.const 120000) (v128.const i64x2 -1 -1))
    (v128.store8_lane 3 (i32.const 3) (v128.const i64x2 -1 -1))`,
  // A store whose value computes another store: the operands kept in locals must not mix.
  nested: `(i32.store (i32.const 8) (block (result i32) (i32.store (i32.const 125000) (i32.const -1)) (i32.const 5)))`,
  bulk: `(memory.fill (i32.const 110000) (i32.const 170) (i32.const 21000))
    (memory.copy (i32.const ${SIZE - 5072}) (i32.const 16) (i32.const 5072))`,
  // The same code reached through a table, and a loop touching every 4 KiB chunk.
  indirect: `(call_indirect (type $writer) (i32.const 99999) (i32.const 0))`,
  every_chunk: `(local $i i32) (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (i32.const ${SIZE})))
      (i32.store8 (local.get $i) (i32.const 1))
      (local.set $i (i32.add (local.get $i) (i32.const 4093)))
      (br $next)))`,
  global: `(global.set $g (i32.const 99))`,
  // The kernel writes too: a host function's result and WASI's, near the top of memory. Without
  // storage user-api fails (-5), which leaves a message for errors.last-error to write.
  host_result: `(drop (call $user_id (i32.const 0) (i32.const 0))) (drop (call $last_error (i32.const ${SIZE - 512}) (i32.const 512)))`,
  wasi: `(drop (call $random (i32.const 115000) (i32.const 64))) (drop (call $clock (i32.const 0) (i64.const 0) (i32.const 60000)))`,
  // Writes, then fails: the instance is dropped rather than reset.
  trap: `(i32.store (i32.const 5000) (i32.const -1)) (unreachable)`,
  grow: `(drop (memory.grow (i32.const 1))) (i32.store (i32.const ${SIZE + 4}) (i32.const -1))`,
};

/**
 * alloc hands out the very end of memory, so the kernel writes every input there. The reader,
 * tap_item_view, answers the FNV-1a hash of every byte of memory (and the global) as 8 hex digits.
 */
const SCRIBBLER = `(module
  (import "trovato:kernel/user-api" "current-user-id" (func $user_id (param i32 i32) (result i32)))
  (import "trovato:kernel/errors" "last-error" (func $last_error (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
  (type $writer (func (param i32)))
  (memory (export "memory") 2 3)
  (table 1 funcref)
  (elem (i32.const 0) $write_at)
  (global $g (mut i32) (i32.const 7))
  (data (i32.const 16) "0123456789abcdef")
  (data (i32.const 4070) "snapshot bytes across a chunk edge")
  (func $write_at (param $at i32) (i64.store (local.get $at) (i64.const -1)))
  (func (export "_initialize")
    (i32.store (i32.const 70000) (i32.const 0x01020304))
    (memory.fill (i32.const 90000) (i32.const 9) (i32.const 5000)))
  (func (export "alloc") (param $n i32) (result i32)
    (i32.sub (i32.mul (memory.size) (i32.const ${PAGE})) (local.get $n)))
  (func $hash (result i32) (local $i i32) (local $h i32) (local $end i32)
    (local.set $h (i32.const 0x811c9dc5))
    (local.set $end (i32.mul (memory.size) (i32.const ${PAGE})))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $h (i32.mul (i32.xor (local.get $h) (i32.load8_u (local.get $i))) (i32.const 16777619)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (i32.xor (local.get $h) (global.get $g)))
  (func (export "tap_item_view") (param $p i32) (param $l i32) (result i64) (local $h i32) (local $k i32)
    (local.set $h (call $hash))
    (i32.store8 (i32.const 200) (i32.const 34))
    (block $done (loop $digit
      (br_if $done (i32.ge_u (local.get $k) (i32.const 8)))
      (i32.store8 (i32.add (i32.const 201) (local.get $k))
        (i32.load8_u (i32.add (i32.const 16)
          (i32.and (i32.shr_u (local.get $h) (i32.sub (i32.const 28) (i32.shl (local.get $k) (i32.const 2)))) (i32.const 15)))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $digit)))
    (i32.store8 (i32.const 209) (i32.const 34))
    (i64.or (i64.shl (i64.const 200) (i64.const 32)) (i64.const 10)))
  ${Object.entries(ATTACKS)
    .map(([name, body]) => `(func (export "${name}") (param $p i32) (param $l i32) (result i64) ${body} (i64.const 0))`)
    .join('\n  ')})`;

async function scribbler(): Promise<PluginSource> {
  const manifest = ['name = "scribbler"', 'description = "Writes everywhere."', 'version = "1.0.0"', '[taps]', 'implements = ["tap_item_view"]'].join('\n');
  return { name: 'scribbler', manifest, wasm: await wat(SCRIBBLER) };
}

async function kernelWith(isolation: 'pool' | 'fresh'): Promise<Kernel> {
  const kernel = createKernel({ isolation });
  const report = await kernel.load([await scribbler()]);
  expect(report.plugins.map((p) => p.errors)).toEqual([[]]);
  return kernel;
}

async function memoryHash(kernel: Kernel): Promise<unknown> {
  const { results } = await kernel.dispatch('tap_item_view');
  expect(results[0].error).toBeUndefined();
  return results[0].output;
}

/** An input long enough to reach back across a chunk boundary from the end of memory. */
const INPUT = { pad: 'x'.repeat(5000), text: 'ü 世界 🌍' };

export function defineWrittenRangeTests(): void {
  describe('a pooled instance restored from its written range', () => {
    it('records the exact range of a store, and nothing for a call that writes nothing', async () => {
      const rewritten = rewriteModule(await wat(SCRIBBLER), { maxMemoryPages: 256 });
      if (!rewritten.ok) throw new Error(rewritten.message);
      const module = await WebAssembly.compile(rewritten.module.bytes as BufferSource);
      const stub = () => 0;
      const instance = await WebAssembly.instantiate(module, {
        'trovato:kernel/user-api': { 'current-user-id': stub },
        'trovato:kernel/errors': { 'last-error': stub },
        wasi_snapshot_preview1: { random_get: stub, clock_time_get: stub },
      });
      const exports = instance.exports as Record<string, WebAssembly.Global & ((...args: number[]) => bigint)>;
      exports.__trovato_fuel.value = 1_000_000_000;
      const range = () => [exports[WRITTEN_LOW_EXPORT].value >>> 0, exports[WRITTEN_HIGH_EXPORT].value >>> 0];
      expect(range()).toEqual([0xffffffff, 0]);
      exports.offset_i64(0, 0);
      expect(range()).toEqual([SIZE - 8, SIZE]);
      exports[WRITTEN_LOW_EXPORT].value = -1;
      exports[WRITTEN_HIGH_EXPORT].value = 0;
      exports.bulk(0, 0);
      expect(range()).toEqual([110000, SIZE]);
    });

    it('leaves no byte of any attack to the next call', async () => {
      const fresh = await memoryHash(await kernelWith('fresh'));
      expect(fresh).toMatch(/^[0-9a-f]{8}$/);
      const pooled = await kernelWith('pool');
      expect(await memoryHash(pooled)).toBe(fresh);
      for (const attack of Object.keys(ATTACKS)) {
        for (const input of [undefined, INPUT]) {
          const result = await pooled.request(undefined, (session) => session.call('scribbler', attack, input));
          if (attack !== 'trap') expect(result.error, attack).toBeUndefined();
          expect(await memoryHash(pooled), `after ${attack}`).toBe(fresh);
        }
      }
      // Every attack in one request, then the reader in the same request: still the initial memory.
      const hashes = await pooled.request(undefined, (session) => {
        for (const attack of Object.keys(ATTACKS)) session.call('scribbler', attack, INPUT);
        return session.dispatch('tap_item_view').results[0].output;
      });
      expect(hashes).toBe(fresh);
    });
  });
}
