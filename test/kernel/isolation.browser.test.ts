import { describe, expect, it } from 'vitest';
import { createKernel } from '../../src/kernel/kernel.js';
import { returnsConstant, watPlugin } from '../support/wat-plugin.js';

/** A tap that counts its calls in a global and answers the count as a one-digit JSON number. */
const COUNTER = {
  fields: `(global $count (mut i32) (i32.const 0))`,
  body: `(global.set $count (i32.add (global.get $count) (i32.const 1)))
    (i32.store8 (i32.const 100) (i32.add (i32.const 48) (global.get $count)))
    ${returnsConstant(100, 1)}`,
};

describe('per-request isolation in Chromium', () => {
  for (const isolation of ['pool', 'fresh'] as const) {
    it(`shows every request a counter of 1 (isolation "${isolation}")`, async () => {
      const kernel = createKernel({ isolation });
      await kernel.load([await watPlugin({ name: 'counter', fields: COUNTER.fields, exports: { tap_cron: COUNTER.body } })]);
      for (let i = 0; i < 50; i++) {
        const { results } = await kernel.dispatch('tap_cron');
        expect(results).toEqual([expect.objectContaining({ plugin: 'counter', output: 1 })]);
      }
    });
  }
});
