/**
 * The plugins of the hostile suite, in WAT: a well-behaved `keeper` that commits data and reads
 * it back, and one plugin per attack. Each returns the files of a plugin folder.
 */
import { constantJson, watPlugin, watString } from '../support/wat-plugin.js';
import type { PluginSource } from '../../src/kernel/plugin/loader.js';

const VARIABLES = `
  (import "trovato:kernel/variables" "set" (func $vset (param i32 i32 i32 i32) (result i32)))
  (import "trovato:kernel/variables" "get" (func $vget (param i32 i32 i32 i32 i32 i32) (result i32)))`;

/** Returns `n` bytes at 1024 as the packed result. */
const AT_1024 = (n: string) => `(i64.or (i64.shl (i64.const 1024) (i64.const 32)) (i64.extend_i32_u ${n}))`;

/** A data segment with `text` at `offset`. */
function data(offset: number, text: string): string {
  return `(data (i32.const ${offset}) "${watString(new TextEncoder().encode(text))}")`;
}

/**
 * keeper: `tap_queue_worker` saves its input in the variable `saved`; `tap_queue_info` returns
 * it (null when unset); `tap_cron` (weight -1, so it runs first) overwrites it with "lost", a
 * write that must vanish when a later handler of the same request fails or hangs.
 */
export function keeper(): Promise<PluginSource> {
  return watPlugin({
    name: 'keeper',
    weight: -1,
    imports: VARIABLES,
    fields: data(16, 'saved') + data(32, 'null') + data(48, '"lost"'),
    exports: {
      tap_queue_worker: '(drop (call $vset (i32.const 16) (i32.const 5) (local.get $ptr) (local.get $len))) (i64.const 0)',
      tap_queue_info: `(local $n i32)
        (local.set $n (call $vget (i32.const 16) (i32.const 5) (i32.const 32) (i32.const 4) (i32.const 1024) (i32.const 30000)))
        ${AT_1024('(local.get $n)')}`,
      tap_cron: '(drop (call $vset (i32.const 16) (i32.const 5) (i32.const 48) (i32.const 6))) (i64.const 0)',
    },
  });
}

/** spinner: `tap_cron` loops forever. */
export function spinner(): Promise<PluginSource> {
  return watPlugin({ name: 'spinner', exports: { tap_cron: '(loop $forever (br $forever)) (i64.const 0)' } });
}

/** A plugin answering `tap_cron` with fixed JSON. */
export function answering(name: string, json: string): Promise<PluginSource> {
  const answer = constantJson(16, json);
  return watPlugin({ name, fields: answer.data, exports: { tap_cron: answer.body } });
}

export { AT_1024, data, VARIABLES };

const DB = `
  (import "trovato:kernel/db" "insert" (func $insert (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "trovato:kernel/db" "select" (func $select (param i32 i32 i32 i32) (result i32)))`;

const LOG = `(import "trovato:kernel/logging" "log" (func $log (param i32 i32 i32 i32 i32 i32) (result i32)))`;
const LAST_ERROR = `(import "trovato:kernel/errors" "last-error" (func $lastError (param i32 i32) (result i32)))`;

/**
 * keeper, with a table too: `tap_user_login` inserts its input as a row of `notes`.
 * Everything else as in `keeper()`.
 */
export function keeperWithTable(): Promise<PluginSource> {
  return watPlugin({
    name: 'keeper',
    weight: -1,
    imports: VARIABLES + DB,
    fields: data(16, 'saved') + data(32, 'null') + data(48, '"lost"') + data(64, 'notes'),
    exports: {
      tap_queue_worker: '(drop (call $vset (i32.const 16) (i32.const 5) (local.get $ptr) (local.get $len))) (i64.const 0)',
      tap_queue_info: `(local $n i32)
        (local.set $n (call $vget (i32.const 16) (i32.const 5) (i32.const 32) (i32.const 4) (i32.const 1024) (i32.const 30000)))
        ${AT_1024('(local.get $n)')}`,
      tap_user_login: `(local $n i32)
        (local.set $n (call $insert (i32.const 64) (i32.const 5) (local.get $ptr) (local.get $len) (i32.const 1024) (i32.const 30000)))
        ${AT_1024('(local.get $n)')}`,
    },
  });
}

/** A plugin whose `tap_cron` body is `body` (it may use the 64 KiB page past its first). */
export function cron(name: string, body: string, extra: { imports?: string; fields?: string } = {}): Promise<PluginSource> {
  return watPlugin({ name, exports: { tap_cron: body }, ...extra });
}

/** The attacks, one plugin each; every one implements `tap_cron`. */
export const attacks = {
  trapper: () => cron('trapper', '(unreachable)'),
  /** Writes its own variable `saved` in `tap_cron`, then traps; `tap_queue_info` reads it back (null when unset). */
  scribbler: () =>
    watPlugin({
      name: 'scribbler',
      imports: VARIABLES,
      fields: data(16, 'saved') + data(32, 'null') + data(48, '"written"'),
      exports: {
        tap_cron: '(drop (call $vset (i32.const 16) (i32.const 5) (i32.const 48) (i32.const 9))) (unreachable)',
        tap_queue_info: `(local $n i32)
          (local.set $n (call $vget (i32.const 16) (i32.const 5) (i32.const 32) (i32.const 4) (i32.const 1024) (i32.const 30000)))
          ${AT_1024('(local.get $n)')}`,
      },
    }),
  /** Grows its memory a page at a time until the kernel's limit refuses, then keeps going. */
  grower: () => cron('grower', '(loop $more (br_if $more (i32.ne (memory.grow (i32.const 1)) (i32.const -1)))) (unreachable)'),
  /** Returns output that lies past the end of its memory. */
  farPointer: () => cron('far_pointer', '(i64.const 0x0000fff000100000)'),
  /** ptr and len both 0xffffffff: their sum does not fit 32 bits. */
  wrapPointer: () => cron('wrap_pointer', '(i64.const -1)'),
  invalidUtf8: () => cron('latin', AT_1024('(i32.const 4)'), { fields: '(data (i32.const 1024) "\\"\\ff\\fe\\"")' }),
  /** 4,000,000 bytes of output: one JSON string. */
  megabytes: () =>
    cron(
      'verbose',
      `(drop (memory.grow (i32.const 80)))
       (memory.fill (i32.const 65536) (i32.const 0x61) (i32.const 4000000))
       (i32.store8 (i32.const 65536) (i32.const 0x22))
       (i32.store8 (i32.const 4065535) (i32.const 0x22))
       (i64.or (i64.shl (i64.const 65536) (i64.const 32)) (i64.const 4000000))`,
    ),
  /** 100,000 levels of `[[[...]]]`. */
  deepJson: () =>
    cron(
      'nester',
      `(drop (memory.grow (i32.const 4)))
       (memory.fill (i32.const 65536) (i32.const 0x5b) (i32.const 100000))
       (memory.fill (i32.const 165536) (i32.const 0x5d) (i32.const 100000))
       (i64.or (i64.shl (i64.const 65536) (i64.const 32)) (i64.const 200000))`,
    ),
  /** Logs a warning claiming to be keeper. */
  impostor: () =>
    cron('impostor', '(drop (call $log (i32.const 16) (i32.const 7) (i32.const 32) (i32.const 6) (i32.const 48) (i32.const 14))) (i64.const 0)', {
      imports: LOG,
      fields: data(16, 'warning') + data(32, 'keeper') + data(48, 'I am keeper...'),
    }),
  /**
   * Reads keeper's variable `saved` and keeper's table `notes` by name, and returns what it got:
   * `[<variable>, <rows>]`.
   */
  thief: () =>
    cron(
      'thief',
      `(local $n i32) (local $m i32)
       (i32.store8 (i32.const 1024) (i32.const 0x5b))
       (local.set $n (call $vget (i32.const 16) (i32.const 5) (i32.const 32) (i32.const 4) (i32.const 1025) (i32.const 10000)))
       (i32.store8 (i32.add (i32.const 1025) (local.get $n)) (i32.const 0x2c))
       (local.set $m (call $select (i32.const 64) (i32.const 17) (i32.add (i32.const 1026) (local.get $n)) (i32.const 10000)))
       (i32.store8 (i32.add (i32.const 1026) (i32.add (local.get $n) (local.get $m))) (i32.const 0x5d))
       ${AT_1024('(i32.add (i32.const 3) (i32.add (local.get $n) (local.get $m)))')}`,
      { imports: VARIABLES + DB, fields: data(16, 'saved') + data(32, 'null') + data(64, '{"table":"notes"}') },
    ),
  /**
   * Passes host functions pointers past its memory, then logs what `last-error` said, so the
   * test can read the message the plugin got.
   */
  badPointers: () =>
    cron(
      'bad_pointers',
      `(local $n i32)
       (drop (call $vset (i32.const 0x7ffffff0) (i32.const 64) (i32.const 16) (i32.const 2)))
       (local.set $n (call $lastError (i32.const 1024) (i32.const 30000)))
       (drop (call $log (i32.const 16) (i32.const 5) (i32.const 0) (i32.const 0) (i32.const 1024) (local.get $n)))
       (drop (call $vget (i32.const 32) (i32.const 1) (i32.const 32) (i32.const 1) (i32.const -8) (i32.const 64)))
       (local.set $n (call $lastError (i32.const 1024) (i32.const 30000)))
       (drop (call $log (i32.const 16) (i32.const 5) (i32.const 0) (i32.const 0) (i32.const 1024) (local.get $n)))
       (i64.const 0)`,
      { imports: VARIABLES + LOG + LAST_ERROR, fields: data(16, 'error') + data(32, 'x') },
    ),
};
