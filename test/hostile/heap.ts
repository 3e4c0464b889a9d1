/**
 * The page's live JS heap, for the soak tests: collected first (Chromium runs with
 * --js-flags=--expose-gc, see src/chromium.ts), so garbage not yet collected on a busy machine
 * does not read as growth. Throws where it cannot be read, so a soak test cannot pass unmeasured.
 */
export function liveHeap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') throw new Error('This test needs Chromium started with --js-flags=--expose-gc (see src/chromium.ts).');
  gc();
  const memory = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory;
  if (!memory) throw new Error('performance.memory is missing: this test needs Chromium.');
  return memory.usedJSHeapSize;
}

export const MiB = 1024 * 1024;
