/** Small pure helpers of the playground's views. */

const MAX_JSON_CHARS = 20_000;

/** Indented JSON for the inspector, cut (and said so) past 20,000 characters. */
export function formatJson(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value, null, 2) ?? 'null';
  } catch {
    text = String(value);
  }
  return text.length > MAX_JSON_CHARS ? `${text.slice(0, MAX_JSON_CHARS)}\n… (${text.length - MAX_JSON_CHARS} more characters)` : text;
}

/** `850 µs`, `12.3 ms`: microseconds below a millisecond, so fast taps do not all read 0. */
export function formatMicros(micros: number): string {
  return micros < 1000 ? `${Math.round(micros)} µs` : `${(micros / 1000).toFixed(1)} ms`;
}

/**
 * `/hello?name=Ada` -> `{ path: '/hello', query: { name: 'Ada' } }`, as the kernel's route
 * call takes them. A path without a leading `/` gets one.
 */
export function splitRoute(address: string): { path: string; query: Record<string, string> } {
  const url = new URL(address.trim() || '/', 'http://playground.invalid/');
  return { path: decodeURI(url.pathname), query: Object.fromEntries(url.searchParams) };
}
