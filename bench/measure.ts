/**
 * Timing that works with coarse clocks: browsers without cross-origin isolation round
 * `performance.now()` to ~100 µs, so each sample times a batch of iterations and divides.
 */
export interface Stats {
  /** Microseconds per operation. */
  median: number;
  p95: number;
  samples: number;
}

export interface MeasureOptions {
  /** Operations per timed batch. */
  batch: number;
  /** Timed batches (after one untimed warm-up batch). */
  batches: number;
}

export async function measure(op: () => unknown, options: MeasureOptions): Promise<Stats> {
  const { batch, batches } = options;
  for (let i = 0; i < batch; i++) await op();
  const perOp: number[] = [];
  for (let b = 0; b < batches; b++) {
    const start = performance.now();
    for (let i = 0; i < batch; i++) await op();
    perOp.push(((performance.now() - start) * 1000) / batch);
  }
  return summarize(perOp);
}

/** Same as measure, for synchronous operations (no await per op, which would add its own cost). */
export function measureSync(op: () => unknown, options: MeasureOptions): Stats {
  const { batch, batches } = options;
  for (let i = 0; i < batch; i++) op();
  const perOp: number[] = [];
  for (let b = 0; b < batches; b++) {
    const start = performance.now();
    for (let i = 0; i < batch; i++) op();
    perOp.push(((performance.now() - start) * 1000) / batch);
  }
  return summarize(perOp);
}

export function summarize(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))];
  return { median: at(0.5), p95: at(0.95), samples: sorted.length };
}

/**
 * Measures two operations in alternating batches (A, B, A, B, ...), so that a machine whose
 * speed drifts during the run (other processes, the engine warming up) weighs on both alike:
 * for ratios between near-equal cases, where measuring one after the other shows the drift.
 */
export async function measurePair(a: () => unknown, b: () => unknown, options: MeasureOptions): Promise<[Stats, Stats]> {
  const { batch, batches } = options;
  for (let i = 0; i < batch; i++) {
    await a();
    await b();
  }
  const perOpA: number[] = [];
  const perOpB: number[] = [];
  for (let n = 0; n < batches; n++) {
    for (const [op, into] of [[a, perOpA], [b, perOpB]] as const) {
      const start = performance.now();
      for (let i = 0; i < batch; i++) await op();
      into.push(((performance.now() - start) * 1000) / batch);
    }
  }
  return [summarize(perOpA), summarize(perOpB)];
}
