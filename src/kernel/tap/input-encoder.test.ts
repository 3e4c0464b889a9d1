/**
 * The input encoder keeps a buffer, and a view of it, per nesting level: an encoding must never
 * be read through a view of a buffer it was not written to.
 */
import { describe, expect, it } from 'vitest';
import { InputEncoder } from './input-encoder.js';

const text = (bytes: Uint8Array | null) => (bytes === null ? null : new TextDecoder().decode(bytes));

describe('InputEncoder', () => {
  it('encodes each input anew into the kept buffer, however often the same length comes back', () => {
    const encoder = new InputEncoder();
    expect(text(encoder.encodeText('abc'))).toBe('abc');
    encoder.release();
    expect(text(encoder.encodeText('xyz'))).toBe('xyz');
    encoder.release();
  });

  it('writes an input into the new buffer when a longer text replaced the kept one, even at the old byte length', () => {
    const encoder = new InputEncoder();
    // 400 units of 3 bytes: a kept buffer of 1200 bytes, and a view of all 1200.
    const wide = '世'.repeat(400);
    expect(text(encoder.encodeText(wide))).toBe(wide);
    encoder.release();
    // 1200 units may need 3600 bytes, so a new buffer is kept; they take 1200, the old view's length.
    const narrow = 'a'.repeat(1200);
    expect(text(encoder.encodeText(narrow))).toBe(narrow);
    encoder.release();
  });

  it('keeps an outer input intact while a nested level encodes another', () => {
    const encoder = new InputEncoder();
    const outer = encoder.encode({ outer: 1 });
    const inner = encoder.encodeText('{"inner":2}');
    expect(text(inner)).toBe('{"inner":2}');
    encoder.release();
    expect(text(outer)).toBe('{"outer":1}');
    encoder.release();
  });

  it('encodes undefined, null and the empty text as no input', () => {
    const encoder = new InputEncoder();
    for (const input of [undefined, null]) {
      expect(encoder.encode(input)).toBeNull();
      encoder.release();
    }
    expect(encoder.encodeText('')).toBeNull();
    encoder.release();
  });
});
