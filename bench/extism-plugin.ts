/**
 * The peer's plugin: the same JSON-in/JSON-out echo as our benchmark's `tap_item_view`, written
 * against Extism's kernel imports (`extism:host/env`) the way Extism's PDKs do it. Extism keeps
 * a call's input and output in host-side blocks, so a plugin copies the input into its linear
 * memory (8 bytes per host call, then the tail byte by byte) and copies its answer out into a
 * block it allocates, then names that block as the output. Built from this WAT with wabt, as
 * our own fixtures are: nothing is downloaded.
 */
import { wat } from '../test/support/wat.js';

/** Where the input lands in linear memory; one page leaves room for inputs under 60 KiB. */
const INPUT_AT = 1024;

const ECHO_WAT = `(module
  (import "extism:host/env" "input_length" (func $input_length (result i64)))
  (import "extism:host/env" "input_load_u64" (func $input_load_u64 (param i64) (result i64)))
  (import "extism:host/env" "input_load_u8" (func $input_load_u8 (param i64) (result i32)))
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u64" (func $store_u64 (param i64 i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
  (import "extism:host/env" "error_set" (func $error_set (param i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "input too long")
  (func (export "tap_item_view") (result i32)
    (local $len i64) (local $i i64) (local $out i64) (local $message i64)
    (local.set $len (call $input_length))
    ;; An input that does not fit the page is refused the Extism way: an error block.
    (if (i64.gt_u (local.get $len) (i64.const ${65536 - INPUT_AT}))
      (then
        (local.set $message (call $alloc (i64.const 14)))
        (local.set $i (i64.const 0))
        (block $copied (loop $copy
          (br_if $copied (i64.ge_u (local.get $i) (i64.const 14)))
          (call $store_u8 (i64.add (local.get $message) (local.get $i)) (i32.load8_u (i32.wrap_i64 (local.get $i))))
          (local.set $i (i64.add (local.get $i) (i64.const 1)))
          (br $copy)))
        (call $error_set (local.get $message))
        (return (i32.const 1))))
    ;; Input -> linear memory.
    (local.set $i (i64.const 0))
    (block $done (loop $words
      (br_if $done (i64.gt_u (i64.add (local.get $i) (i64.const 8)) (local.get $len)))
      (i64.store (i32.add (i32.const ${INPUT_AT}) (i32.wrap_i64 (local.get $i))) (call $input_load_u64 (local.get $i)))
      (local.set $i (i64.add (local.get $i) (i64.const 8)))
      (br $words)))
    (block $done (loop $bytes
      (br_if $done (i64.ge_u (local.get $i) (local.get $len)))
      (i32.store8 (i32.add (i32.const ${INPUT_AT}) (i32.wrap_i64 (local.get $i))) (call $input_load_u8 (local.get $i)))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br $bytes)))
    ;; Linear memory -> an output block of the same length.
    (local.set $out (call $alloc (local.get $len)))
    (local.set $i (i64.const 0))
    (block $done (loop $words
      (br_if $done (i64.gt_u (i64.add (local.get $i) (i64.const 8)) (local.get $len)))
      (call $store_u64 (i64.add (local.get $out) (local.get $i)) (i64.load (i32.add (i32.const ${INPUT_AT}) (i32.wrap_i64 (local.get $i)))))
      (local.set $i (i64.add (local.get $i) (i64.const 8)))
      (br $words)))
    (block $done (loop $bytes
      (br_if $done (i64.ge_u (local.get $i) (local.get $len)))
      (call $store_u8 (i64.add (local.get $out) (local.get $i)) (i32.load8_u (i32.add (i32.const ${INPUT_AT}) (i32.wrap_i64 (local.get $i)))))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br $bytes)))
    (call $output_set (local.get $out) (local.get $len))
    (i32.const 0)))`;

/** The echo plugin for Extism, as wasm bytes. */
export function extismEcho(): Promise<Uint8Array> {
  return wat(ECHO_WAT);
}
