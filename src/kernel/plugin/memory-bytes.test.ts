/**
 * MemoryBytes keeps views of a plugin's memory between calls: a kept view must always show the
 * memory as it is now, also after the memory grew (which detaches the old buffer).
 */
import { describe, expect, it } from 'vitest';
import { MemoryBytes } from './plugin-instance.js';

describe('MemoryBytes.range', () => {
  it('shows the bytes there now, through the kept view when the same range is asked for again', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const bytes = new MemoryBytes(memory);
    new Uint8Array(memory.buffer).set([1, 2, 3], 100);
    const first = bytes.range(100, 3);
    expect([...first]).toEqual([1, 2, 3]);
    new Uint8Array(memory.buffer).set([7, 8, 9], 100);
    const again = bytes.range(100, 3);
    expect(again).toBe(first);
    expect([...again]).toEqual([7, 8, 9]);
    expect([...bytes.range(101, 2)]).toEqual([8, 9]);
    expect([...bytes.range(100, 2)]).toEqual([7, 8]);
  });

  it('reads the grown memory, not the detached buffer, for the same range after memory.grow', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const bytes = new MemoryBytes(memory);
    new Uint8Array(memory.buffer).set([4, 5], 10);
    expect([...bytes.range(10, 2)]).toEqual([4, 5]);
    memory.grow(1);
    new Uint8Array(memory.buffer).set([6], 10);
    expect([...bytes.range(10, 2)]).toEqual([6, 5]);
    expect(bytes.get().length).toBe(2 * 65536);
  });
});
