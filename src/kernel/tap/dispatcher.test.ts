import { describe, expect, it } from 'vitest';
import { createKernel } from '../kernel.js';
import { ECHO, watPlugin, watString } from '../../../test/support/wat-plugin.js';

const INVOKE = `(import "trovato:kernel/plugin-api" "invoke" (func $invoke (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))`;

describe('the dispatcher', () => {
  it('hands every handler the same input while a handler dispatches again with another (inputs are kept per nesting level)', async () => {
    const other = JSON.stringify({ other: 'x'.repeat(1000) });
    const bytes = (text: string) => new TextEncoder().encode(text);
    // First (weight -1): invokes `echo_back` of `inner` with a long payload of its own, then
    // answers null; second: echoes its input, which must still be the dispatch's.
    const invoker = await watPlugin({
      name: 'invoker',
      weight: -1,
      imports: INVOKE,
      fields: `(data (i32.const 16) "inner") (data (i32.const 32) "echo_back") (data (i32.const 64) "${watString(bytes(other))}")`,
      exports: {
        tap_item_view: `(drop (call $invoke (i32.const 16) (i32.const 5) (i32.const 32) (i32.const 9) (i32.const 64) (i32.const ${bytes(other).length}) (i32.const 8192) (i32.const 8192))) (i64.const 0)`,
      },
    });
    const inner = await watPlugin({ name: 'inner', exports: { echo_back: ECHO }, taps: [] });
    const echo = await watPlugin({ name: 'echo', exports: { tap_item_view: ECHO } });
    const kernel = createKernel();
    await kernel.load([invoker, inner, echo]);
    // Longer than the inner payload, so a shared buffer would be overwritten in place.
    const input = { item: { title: 'the outer input', body: `ü 世界 🌍 ${'y'.repeat(4000)}` } };
    const { results } = await kernel.dispatch('tap_item_view', input);
    expect(results.map((r) => [r.plugin, r.error, r.output])).toEqual([
      ['invoker', undefined, null],
      ['echo', undefined, input],
    ]);
  });

  it('reads an output holding U+FFFD itself as text, and a BOM as part of it', async () => {
    const answer = JSON.stringify({ text: 'replacement \uFFFD character' });
    const bytes = new TextEncoder().encode(answer);
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{}')]);
    const kernel = createKernel();
    await kernel.load([
      await watPlugin({ name: 'replacement', fields: `(data (i32.const 16) "${watString(bytes)}")`, exports: { tap_cron: `(i64.or (i64.shl (i64.const 16) (i64.const 32)) (i64.const ${bytes.length}))` } }),
      await watPlugin({ name: 'bom', fields: `(data (i32.const 16) "${watString(bom)}")`, exports: { tap_cron: `(i64.or (i64.shl (i64.const 16) (i64.const 32)) (i64.const ${bom.length}))` } }),
    ]);
    const { results } = await kernel.dispatch('tap_cron');
    const byPlugin = Object.fromEntries(results.map((r) => [r.plugin, r]));
    expect(byPlugin.replacement.output).toEqual({ text: 'replacement \uFFFD character' });
    expect(byPlugin.bom.error).toMatch(/^bom tap_cron returned output that is not JSON/);
  });
});
