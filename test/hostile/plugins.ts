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
