/**
 * Hostile plugins for the kernel's own bounds (docs/abi.md §7.1-7.3), in WAT: loops in a tap,
 * in `tap_perm` while loading, in a start function and in `_initialize`; a WASI sleep of an
 * hour; an invoke fan-out; a start function that tries to act inside another plugin's request.
 */
import { watPlugin } from '../support/wat-plugin.js';
import type { PluginSource } from '../../src/kernel/plugin/loader.js';
import { AT_1024, data, VARIABLES } from './plugins.js';

const LOOP_FOREVER = '(loop $forever (br $forever))';
const INVOKE = `(import "trovato:kernel/plugin-api" "invoke" (func $invoke (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))`;
const LAST_ERROR = `(import "trovato:kernel/errors" "last-error" (func $lastError (param i32 i32) (result i32)))`;
const POLL = `(import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))`;

/** `name`'s `tap_cron` returns `"done"` after counting to `iterations` in a loop (a busy but finite plugin). */
export function counter(name: string, iterations: number, manifestExtra = ''): Promise<PluginSource> {
  return watPlugin({
    name,
    manifestExtra,
    fields: data(16, '"done"'),
    exports: {
      tap_cron: `(local $i i32)
        (loop $more (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $more (i32.lt_u (local.get $i) (i32.const ${iterations}))))
        (i64.or (i64.shl (i64.const 16) (i64.const 32)) (i64.const 6))`,
    },
  });
}

export const fuelAttacks = {
  /** `tap_perm`, which the kernel calls while loading, never returns. */
  permLoop: () => watPlugin({ name: 'perm_loop', exports: { tap_perm: `${LOOP_FOREVER} (i64.const 0)`, tap_cron: '(i64.const 0)' } }),
  /** `tap_cron` asks the kernel for a permission, forever: a loop made of host calls. */
  hostCallLoop: () =>
    watPlugin({
      name: 'host_loop',
      imports: '(import "trovato:kernel/user-api" "current-user-has-permission" (func $has (param i32 i32) (result i32)))',
      fields: data(16, 'access content'),
      exports: { tap_cron: '(loop $ask (drop (call $has (i32.const 16) (i32.const 14))) (br $ask)) (i64.const 0)' },
    }),
  /** A wasm start function that never returns. */
  startLoop: () => watPlugin({ name: 'start_loop', fields: `(func $spin ${LOOP_FOREVER}) (start $spin)`, exports: { tap_cron: '(i64.const 0)' } }),
  /** An `_initialize` that never returns. */
  initializeLoop: () =>
    watPlugin({ name: 'init_loop', fields: `(func (export "_initialize") ${LOOP_FOREVER})`, exports: { tap_cron: '(i64.const 0)' } }),
  /**
   * Asks WASI `poll_oneoff` to sleep one hour on the monotonic clock, then answers `"woke"` if
   * the call succeeded with one event carrying its userdata, `"wrong"` otherwise.
   */
  sleeper: () =>
    watPlugin({
      name: 'sleeper',
      imports: POLL,
      fields: data(16, '"woke"') + data(32, '"wrong"'),
      exports: {
        tap_cron: `(local $errno i32)
          (i64.store (i32.const 2048) (i64.const 7))
          (i32.store8 (i32.const 2056) (i32.const 0))
          (i32.store (i32.const 2064) (i32.const 1))
          (i64.store (i32.const 2072) (i64.const 3600000000000))
          (i64.store (i32.const 2080) (i64.const 0))
          (i32.store16 (i32.const 2088) (i32.const 0))
          (local.set $errno (call $poll (i32.const 2048) (i32.const 3072) (i32.const 1) (i32.const 4000)))
          (if (result i64)
            (i32.and (i32.eqz (local.get $errno))
              (i32.and (i32.eq (i32.load (i32.const 4000)) (i32.const 1)) (i64.eq (i64.load (i32.const 3072)) (i64.const 7))))
            (then (i64.or (i64.shl (i64.const 16) (i64.const 32)) (i64.const 6)))
            (else (i64.or (i64.shl (i64.const 32) (i64.const 32)) (i64.const 7))))`,
      },
    }),
  /**
   * `spread` invokes itself 16 times (each of those 16 times again, down to the depth limit);
   * `tap_cron` starts the fan-out, then invokes once more and returns what `last-error` said,
   * as a JSON string.
   */
  fanOut: () =>
    watPlugin({
      name: 'fan_out',
      imports: INVOKE + LAST_ERROR,
      fields:
        data(16, 'fan_out') +
        data(32, 'spread') +
        `(func $spreadOnce (drop (call $invoke (i32.const 16) (i32.const 7) (i32.const 32) (i32.const 6) (i32.const 0) (i32.const 0) (i32.const 8192) (i32.const 1024))))`,
      taps: ['tap_cron'],
      exports: {
        spread: `(local $i i32)
          (loop $more (call $spreadOnce) (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $more (i32.lt_u (local.get $i) (i32.const 16))))
          (i64.const 0)`,
        tap_cron: `(local $n i32)
          (call $spreadOnce)
          (call $spreadOnce)
          (local.set $n (call $lastError (i32.const 1025) (i32.const 4000)))
          (i32.store8 (i32.const 1024) (i32.const 0x22))
          (i32.store8 (i32.add (i32.const 1025) (local.get $n)) (i32.const 0x22))
          ${AT_1024('(i32.add (local.get $n) (i32.const 2))')}`,
      },
    }),
  /**
   * `tap_cron` invokes its own `__trovato_set_fuel`, an export the rewrite adds for the kernel,
   * and returns what `last-error` said, as a JSON string. Were the call made, the plugin would set
   * its own fuel counter, and an input placed high in its memory would hand the request fuel back.
   */
  reservedInvoker: () =>
    watPlugin({
      name: 'reserved_invoker',
      imports: INVOKE + LAST_ERROR,
      fields: data(16, 'reserved_invoker') + data(48, '__trovato_set_fuel') + data(80, '{}'),
      taps: ['tap_cron'],
      exports: {
        tap_cron: `(local $n i32)
          (drop (call $invoke (i32.const 16) (i32.const 16) (i32.const 48) (i32.const 18) (i32.const 80) (i32.const 2) (i32.const 8192) (i32.const 1024)))
          (local.set $n (call $lastError (i32.const 1025) (i32.const 4000)))
          (i32.store8 (i32.const 1024) (i32.const 0x22))
          (i32.store8 (i32.add (i32.const 1025) (local.get $n)) (i32.const 0x22))
          ${AT_1024('(i32.add (local.get $n) (i32.const 2))')}`,
      },
    }),
  /**
   * A start function that writes the variable `saved` (keeper's name for its own variable),
   * and an export `poke` for other plugins to invoke. Were the start function run inside the
   * invoking plugin's request with its identity, the write would land in the invoker's namespace.
   */
  hijacker: () =>
    watPlugin({
      name: 'hijacker',
      imports: VARIABLES,
      fields: data(16, 'saved') + data(48, '"hijacked"') + `(func $grab (drop (call $vset (i32.const 16) (i32.const 5) (i32.const 48) (i32.const 10)))) (start $grab)`,
      taps: [],
      exports: { poke: '(i64.const 0)' },
    }),
  /**
   * A plugin with a variable `saved` of its own: `tap_cron` invokes `hijacker`'s `poke`;
   * `tap_queue_info` returns `saved` (null when unset).
   */
  invoker: () =>
    watPlugin({
      name: 'invoker',
      imports: VARIABLES + INVOKE,
      fields: data(16, 'saved') + data(32, 'null') + data(64, 'hijacker') + data(80, 'poke'),
      exports: {
        tap_cron: '(drop (call $invoke (i32.const 64) (i32.const 8) (i32.const 80) (i32.const 4) (i32.const 0) (i32.const 0) (i32.const 8192) (i32.const 1024))) (i64.const 0)',
        tap_queue_info: `(local $n i32)
          (local.set $n (call $vget (i32.const 16) (i32.const 5) (i32.const 32) (i32.const 4) (i32.const 1024) (i32.const 30000)))
          ${AT_1024('(local.get $n)')}`,
      },
    }),
};
