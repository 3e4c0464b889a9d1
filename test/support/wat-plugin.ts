/**
 * Small real plugins for kernel tests, written in WAT: a bump allocator, taps that answer fixed
 * JSON or echo their input, and whatever extra functions a test needs. Each returns the files a
 * plugin folder holds, ready for `kernel.load`.
 */
import { wat } from './wat.js';
import type { PluginSource } from '../../src/kernel/plugin/loader.js';

export interface WatPluginSpec {
  name: string;
  /** Tap (or callback) name -> WAT body of `(func (param $ptr i32) (param $len i32) (result i64) ...)`. */
  exports: Record<string, string>;
  /** Taps to declare in the manifest; defaults to every export starting with `tap_`. */
  taps?: string[];
  weight?: number;
  dependencies?: string[];
  /** Extra module fields: imports (placed first), globals, data segments, helper functions. */
  imports?: string;
  fields?: string;
  /** Extra manifest lines. */
  manifestExtra?: string;
  memoryPages?: number;
  memoryMax?: number;
}

/** Packs an (offset, length) result, for fixed JSON placed by a data segment. */
export function returnsConstant(offset: number, length: number): string {
  return `(i64.or (i64.shl (i64.const ${offset}) (i64.const 32)) (i64.const ${length}))`;
}

/** The body of a tap that returns its input unchanged. */
export const ECHO = `(i64.or (i64.shl (i64.extend_i32_u (local.get $ptr)) (i64.const 32)) (i64.extend_i32_u (local.get $len)))`;

/** A data segment holding `json` at `offset`, and the tap body that returns it. */
export function constantJson(offset: number, json: string): { data: string; body: string } {
  const bytes = new TextEncoder().encode(json);
  return { data: `(data (i32.const ${offset}) "${watString(bytes)}")`, body: returnsConstant(offset, bytes.length) };
}

/** Bytes as a WAT string literal. */
export function watString(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => `\\${b.toString(16).padStart(2, '0')}`).join('');
}

export async function watPlugin(spec: WatPluginSpec): Promise<PluginSource> {
  const exports = Object.entries(spec.exports)
    .map(([name, body]) => `(func (export "${name}") (param $ptr i32) (param $len i32) (result i64) ${body})`)
    .join('\n');
  const max = spec.memoryMax === undefined ? '' : ` ${spec.memoryMax}`;
  const text = `(module
    ${spec.imports ?? ''}
    (memory (export "memory") ${spec.memoryPages ?? 1}${max})
    (global $heap (mut i32) (i32.const 32768))
    (func (export "alloc") (param $size i32) (result i32)
      (local $ptr i32) (local $end i32)
      (local.set $ptr (global.get $heap))
      (local.set $end (i32.add (local.get $ptr) (local.get $size)))
      (if (i32.gt_u (local.get $end) (i32.mul (memory.size) (i32.const 65536)))
        (then
          (if (i32.eq
                (memory.grow (i32.add (i32.shr_u (i32.sub (local.get $end) (i32.mul (memory.size) (i32.const 65536))) (i32.const 16)) (i32.const 1)))
                (i32.const -1))
            (then (return (i32.const 0))))))
      (global.set $heap (local.get $end))
      (local.get $ptr))
    ${spec.fields ?? ''}
    ${exports})`;
  const taps = spec.taps ?? Object.keys(spec.exports).filter((name) => name.startsWith('tap_'));
  const manifest = [
    `name = "${spec.name}"`,
    `description = "Test plugin ${spec.name}"`,
    `version = "1.0.0"`,
    `dependencies = [${(spec.dependencies ?? []).map((d) => `"${d}"`).join(', ')}]`,
    spec.manifestExtra ?? '',
    `[taps]`,
    `implements = [${taps.map((t) => `"${t}"`).join(', ')}]`,
    `weight = ${spec.weight ?? 0}`,
  ].join('\n');
  return { name: spec.name, manifest, wasm: await wat(text) };
}
