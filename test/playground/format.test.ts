import { describe, expect, it } from 'vitest';
import { formatJson, formatMicros, splitRoute } from '../../playground/format.js';

describe('playground view helpers', () => {
  it('splits an address into the route path and its query', () => {
    expect(splitRoute('/hello?name=Ada&x=1')).toEqual({ path: '/hello', query: { name: 'Ada', x: '1' } });
    expect(splitRoute('blog/my-post')).toEqual({ path: '/blog/my-post', query: {} });
    expect(splitRoute('')).toEqual({ path: '/', query: {} });
  });

  it('shows sub-millisecond times in microseconds', () => {
    expect(formatMicros(850.4)).toBe('850 µs');
    expect(formatMicros(12_345)).toBe('12.3 ms');
  });

  it('cuts very large JSON and says how much was cut', () => {
    const text = formatJson({ big: 'x'.repeat(30_000) });
    expect(text).toMatch(/… \(\d+ more characters\)$/);
    expect(formatJson(undefined)).toBe('null');
  });
});
