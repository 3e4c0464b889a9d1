/**
 * Plugins that push against the kernel's quotas and loading limits, in WAT. Most are
 * "repeaters": `tap_cron` makes one host call many times, counts the calls that succeeded,
 * keeps the last failing code and returns `[succeeded, lastFailingCode, "<last-error>"]`. So a
 * test sees what the plugin saw, code and message.
 */
import { watPlugin } from '../support/wat-plugin.js';
import type { PluginSource } from '../../src/kernel/plugin/loader.js';

/** Where a repeater keeps its scratch: the last-error buffer, then the JSON answer. */
const ERROR_AT = 1024;
const ERROR_MAX = 8192;
const ANSWER_AT = 12288;
/** Big payloads start at the second page. */
export const PAYLOAD_AT = 65536;

const REPEATER_IMPORTS = `
  (import "trovato:kernel/variables" "set" (func $vset (param i32 i32 i32 i32) (result i32)))
  (import "trovato:kernel/errors" "last-error" (func $lastError (param i32 i32) (result i32)))`;

/** Writes the decimal text of a signed i32 at $at; returns its length. */
const ITOA = `
  (func $itoa (param $n i32) (param $at i32) (result i32)
    (local $digits i32) (local $rest i32) (local $i i32)
    (if (i32.lt_s (local.get $n) (i32.const 0))
      (then
        (i32.store8 (local.get $at) (i32.const 45))
        (return (i32.add (i32.const 1) (call $itoa (i32.sub (i32.const 0) (local.get $n)) (i32.add (local.get $at) (i32.const 1)))))))
    (local.set $digits (i32.const 1))
    (local.set $rest (local.get $n))
    (block $counted
      (loop $count
        (br_if $counted (i32.lt_u (local.get $rest) (i32.const 10)))
        (local.set $rest (i32.div_u (local.get $rest) (i32.const 10)))
        (local.set $digits (i32.add (local.get $digits) (i32.const 1)))
        (br $count)))
    (local.set $i (local.get $digits))
    (local.set $rest (local.get $n))
    (loop $write
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (i32.store8 (i32.add (local.get $at) (local.get $i)) (i32.add (i32.const 48) (i32.rem_u (local.get $rest) (i32.const 10))))
      (local.set $rest (i32.div_u (local.get $rest) (i32.const 10)))
      (br_if $write (i32.gt_u (local.get $i) (i32.const 0))))
    (local.get $digits))`;

/** ASCII text as a WAT string literal (quotes and backslashes escaped). */
export function watAscii(text: string): string {
  return text.replace(/[\\"]/g, (c) => `\\${c}`);
}

export interface RepeaterSpec {
  name: string;
  /** How many times to make the call. */
  times: number;
  /** Imports of the call (besides variables.set and last-error). */
  imports: string;
  /** Module fields: data segments and helpers. */
  fields?: string;
  /** Instructions run once before the loop (fill a payload, say). */
  setup?: string;
  /** An expression: the call, giving its i32 result. */
  call: string;
  /** `host`: a negative result fails (ABI §4). `wasi`: any non-zero errno fails. */
  convention: 'host' | 'wasi';
  memoryPages?: number;
  /** Extra exports (tap name -> body), e.g. to read a variable back. */
  exports?: Record<string, string>;
}

/** A plugin whose `tap_cron` makes `call` `times` times (see the file comment). */
export function repeater(spec: RepeaterSpec): Promise<PluginSource> {
  const failed = spec.convention === 'host' ? '(i32.lt_s (local.get $code) (i32.const 0))' : '(i32.ne (local.get $code) (i32.const 0))';
  const body = `(local $i i32) (local $code i32) (local $ok i32) (local $last i32) (local $n i32) (local $at i32) (local $j i32) (local $byte i32)
    ${spec.setup ?? ''}
    (block $done
      (loop $again
        (br_if $done (i32.ge_u (local.get $i) (i32.const ${spec.times})))
        (local.set $code ${spec.call})
        (if ${failed} (then (local.set $last (local.get $code))) (else (local.set $ok (i32.add (local.get $ok) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $again)))
    (local.set $n (call $lastError (i32.const ${ERROR_AT}) (i32.const ${ERROR_MAX})))
    (local.set $at (i32.const ${ANSWER_AT + 1}))
    (i32.store8 (i32.const ${ANSWER_AT}) (i32.const 91))
    (local.set $at (i32.add (local.get $at) (call $itoa (local.get $ok) (local.get $at))))
    (i32.store8 (local.get $at) (i32.const 44))
    (local.set $at (i32.add (local.get $at) (i32.const 1)))
    (local.set $at (i32.add (local.get $at) (call $itoa (local.get $last) (local.get $at))))
    (i32.store16 (local.get $at) (i32.const 0x222c))
    (local.set $at (i32.add (local.get $at) (i32.const 2)))
    ;; last-error as a JSON string: quotes and backslashes escaped (the messages have no control characters).
    (block $copied
      (loop $copy
        (br_if $copied (i32.ge_s (local.get $j) (local.get $n)))
        (local.set $byte (i32.load8_u (i32.add (i32.const ${ERROR_AT}) (local.get $j))))
        (if (i32.or (i32.eq (local.get $byte) (i32.const 34)) (i32.eq (local.get $byte) (i32.const 92)))
          (then
            (i32.store8 (local.get $at) (i32.const 92))
            (local.set $at (i32.add (local.get $at) (i32.const 1)))))
        (i32.store8 (local.get $at) (local.get $byte))
        (local.set $at (i32.add (local.get $at) (i32.const 1)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $copy)))
    (i32.store16 (local.get $at) (i32.const 0x5d22))
    (i64.or (i64.shl (i64.const ${ANSWER_AT}) (i64.const 32)) (i64.extend_i32_u (i32.sub (i32.add (local.get $at) (i32.const 2)) (i32.const ${ANSWER_AT}))))`;
  return watPlugin({
    name: spec.name,
    imports: REPEATER_IMPORTS + spec.imports,
    fields: `${ITOA} ${spec.fields ?? ''}`,
    exports: { tap_cron: body, ...spec.exports },
    memoryPages: spec.memoryPages,
  });
}

const LOG = `(import "trovato:kernel/logging" "log" (func $log (param i32 i32 i32 i32 i32 i32) (result i32)))`;

/** `times` calls of logging.log("info", "", "line"). */
export function logger(times: number): Promise<PluginSource> {
  return repeater({
    name: 'logger',
    times,
    imports: LOG,
    fields: `(data (i32.const 48) "info") (data (i32.const 64) "line")`,
    call: '(call $log (i32.const 48) (i32.const 4) (i32.const 0) (i32.const 0) (i32.const 64) (i32.const 4))',
    convention: 'host',
  });
}

const FD_WRITE = `(import "wasi_snapshot_preview1" "fd_write" (func $fdWrite (param i32 i32 i32 i32) (result i32)))`;

/** `times` writes of `size` bytes of "a" to stdout, none with a newline. */
export function printer(times: number, size: number): Promise<PluginSource> {
  // One iovec at 256 pointing at the payload; the written count goes to 264.
  return repeater({
    name: 'printer',
    times,
    imports: FD_WRITE,
    setup: `(memory.fill (i32.const ${PAYLOAD_AT}) (i32.const 97) (i32.const ${size}))
      (i32.store (i32.const 256) (i32.const ${PAYLOAD_AT}))
      (i32.store (i32.const 260) (i32.const ${size}))`,
    call: '(call $fdWrite (i32.const 1) (i32.const 256) (i32.const 1) (i32.const 264))',
    convention: 'wasi',
    memoryPages: 2,
  });
}

/** tracer: `tap_cron` calls AssemblyScript's `env.trace("hi")` `times` times. */
export function tracer(times: number): Promise<PluginSource> {
  return watPlugin({
    name: 'tracer',
    imports: `(import "env" "trace" (func $trace (param i32 i32 f64 f64 f64 f64 f64)))`,
    // An AssemblyScript string: its byte length at ptr - 4, then UTF-16.
    fields: `(data (i32.const 60) "\\04\\00\\00\\00h\\00i\\00")`,
    exports: {
      tap_cron: `(local $i i32)
        (loop $again
          (call $trace (i32.const 64) (i32.const 0) (f64.const 0) (f64.const 0) (f64.const 0) (f64.const 0) (f64.const 0))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $again (i32.lt_u (local.get $i) (i32.const ${times}))))
        (i64.const 0)`,
    },
  });
}

/**
 * speaker: `tap_cron` writes "one\ntw" and then "o" to stdout, and "err" to stderr, with no
 * final newline: the unterminated lines are recorded when the call ends.
 */
export function speaker(): Promise<PluginSource> {
  const write = (fd: number, iovec: number) => `(drop (call $fdWrite (i32.const ${fd}) (i32.const ${iovec}) (i32.const 1) (i32.const 300)))`;
  return watPlugin({
    name: 'speaker',
    imports: FD_WRITE,
    fields: `(data (i32.const 512) "one\\0atw") (data (i32.const 520) "o") (data (i32.const 528) "err")
      (data (i32.const 256) "\\00\\02\\00\\00\\06\\00\\00\\00") (data (i32.const 272) "\\08\\02\\00\\00\\01\\00\\00\\00")
      (data (i32.const 288) "\\10\\02\\00\\00\\03\\00\\00\\00")`,
    exports: { tap_cron: `${write(1, 256)} ${write(1, 272)} ${write(2, 288)} (i64.const 0)` },
  });
}

/**
 * `times` calls of variables.set("big", <size bytes of "b">). Reads "big" back with
 * `tap_queue_info` (its length, as JSON).
 */
export function hoarder(times: number, size: number): Promise<PluginSource> {
  const pages = Math.ceil((PAYLOAD_AT + size) / 65536);
  return repeater({
    name: 'hoarder',
    times,
    imports: `(import "trovato:kernel/variables" "get" (func $vget (param i32 i32 i32 i32 i32 i32) (result i32)))`,
    fields: `(data (i32.const 32) "big")`,
    setup: `(memory.fill (i32.const ${PAYLOAD_AT}) (i32.const 98) (i32.const ${size}))`,
    call: `(call $vset (i32.const 32) (i32.const 3) (i32.const ${PAYLOAD_AT}) (i32.const ${size}))`,
    convention: 'host',
    memoryPages: pages,
    exports: {
      // The length of "big" as JSON: variables.get answers the size when the buffer (0 bytes) is too small.
      tap_queue_info: `(local $n i32)
        (local.set $n (call $vget (i32.const 32) (i32.const 3) (i32.const 0) (i32.const 0) (i32.const ${PAYLOAD_AT}) (i32.const 0)))
        (i64.or (i64.shl (i64.const ${ANSWER_AT}) (i64.const 32)) (i64.extend_i32_u (call $itoa (local.get $n) (i32.const ${ANSWER_AT}))))`,
    },
  });
}

/**
 * `{<prefix>"aaa…a"<suffix>` of `size` bytes at PAYLOAD_AT, built at run time: the setup
 * instructions and the payload's length.
 */
function bigJson(prefix: string, suffix: string, size: number): { fields: string; setup: string; length: number } {
  const head = new TextEncoder().encode(prefix);
  const tail = new TextEncoder().encode(suffix);
  const fillAt = PAYLOAD_AT + head.length;
  const tailAt = fillAt + size;
  const storeTail = Array.from(tail, (byte, i) => `(i32.store8 (i32.const ${tailAt + i}) (i32.const ${byte}))`).join(' ');
  return {
    fields: `(data (i32.const ${PAYLOAD_AT}) "${watAscii(prefix)}")`,
    setup: `(memory.fill (i32.const ${fillAt}) (i32.const 97) (i32.const ${size})) ${storeTail}`,
    length: head.length + size + tail.length,
  };
}

/** One call of a host function with a value of `size` bytes: each stored kind has its quota. */
export function oversized(kind: 'cache' | 'row' | 'item' | 'context', size: number): Promise<PluginSource> {
  const pages = Math.ceil((PAYLOAD_AT + size + 256) / 65536);
  const common = { times: 1, convention: 'host' as const, memoryPages: pages };
  switch (kind) {
    case 'cache': {
      return repeater({
        ...common,
        name: 'big_cache',
        imports: `(import "trovato:kernel/cache-api" "set" (func $cset (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))`,
        fields: `(data (i32.const 32) "bin") (data (i32.const 40) "key") (data (i32.const 48) "[]")`,
        setup: `(memory.fill (i32.const ${PAYLOAD_AT}) (i32.const 97) (i32.const ${size}))`,
        call: `(call $cset (i32.const 32) (i32.const 3) (i32.const 40) (i32.const 3) (i32.const ${PAYLOAD_AT}) (i32.const ${size}) (i32.const 48) (i32.const 2))`,
      });
    }
    case 'context': {
      return repeater({
        ...common,
        name: 'big_context',
        imports: `(import "trovato:kernel/request-context" "set" (func $rset (param i32 i32 i32 i32) (result i32)))`,
        fields: `(data (i32.const 32) "key")`,
        setup: `(memory.fill (i32.const ${PAYLOAD_AT}) (i32.const 97) (i32.const ${size}))`,
        call: `(call $rset (i32.const 32) (i32.const 3) (i32.const ${PAYLOAD_AT}) (i32.const ${size}))`,
      });
    }
    case 'row': {
      const json = bigJson('{"text":"', '"}', size);
      return repeater({
        ...common,
        name: 'big_row',
        imports: `(import "trovato:kernel/db" "insert" (func $insert (param i32 i32 i32 i32 i32 i32) (result i32)))`,
        fields: `(data (i32.const 32) "notes") ${json.fields}`,
        setup: json.setup,
        // The inserted row comes back in a buffer too small for it: the call's code is what counts.
        call: `(call $insert (i32.const 32) (i32.const 5) (i32.const ${PAYLOAD_AT}) (i32.const ${json.length}) (i32.const 0) (i32.const 0))`,
      });
    }
    case 'item': {
      const json = bigJson('{"item_type":"page","title":"', '"}', size);
      return repeater({
        ...common,
        name: 'big_item',
        imports: `(import "trovato:kernel/item-api" "save-item" (func $save (param i32 i32 i32 i32) (result i32)))`,
        fields: json.fields,
        setup: json.setup,
        call: `(call $save (i32.const ${PAYLOAD_AT}) (i32.const ${json.length}) (i32.const 0) (i32.const 0))`,
      });
    }
  }
}

/** A plugin whose `tap_menu` returns `count` routes, each the parent of the next. */
export function menuChain(count: number): Promise<PluginSource> {
  const routes = Array.from({ length: count }, (_, i) => ({
    path: `/chain/${i}`,
    title: `Level ${i}`,
    callback: 'page',
    ...(i > 0 ? { parent: `/chain/${i - 1}` } : {}),
  }));
  const json = JSON.stringify(routes);
  const pages = Math.ceil((1024 + json.length) / 65536) + 1;
  return watPlugin({
    name: 'chain',
    fields: `(data (i32.const 1024) "${watAscii(json)}")`,
    exports: {
      tap_menu: `(i64.or (i64.shl (i64.const 1024) (i64.const 32)) (i64.const ${json.length}))`,
      page: '(i64.const 0)',
    },
    taps: ['tap_menu'],
    memoryPages: pages,
  });
}

/** A valid plugin whose manifest carries `count` keys the kernel does not know. */
export async function unknownKeys(count: number): Promise<PluginSource> {
  const source = await watPlugin({ name: 'chatty', exports: { tap_cron: '(i64.const 0)' } });
  const extra = Array.from({ length: count }, (_, i) => `extra_key_${i} = ${i}`).join('\n');
  // Top-level keys go before the first [table].
  return { ...source, manifest: source.manifest.replace('[taps]', `${extra}\n[taps]`) };
}

/** A plugin whose manifest lists `count` taps in `implements`, none of them known. */
export async function manyTaps(count: number): Promise<PluginSource> {
  const source = await watPlugin({ name: 'greedy', exports: { tap_cron: '(i64.const 0)' } });
  const taps = Array.from({ length: count }, (_, i) => `"tap_made_up_${i}"`).join(', ');
  return { ...source, manifest: source.manifest.replace(/implements = \[[^\]]*\]/, `implements = ["tap_cron", ${taps}]`) };
}
