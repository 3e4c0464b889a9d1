/**
 * Timing that works with coarse clocks: browsers without cross-origin isolation round
 * `performance.now()` to ~100 µs, so each sample times a batch of iterations and divides.
 */
export interface Stats {
  /** Microseconds per operation. */
  median: number;
  p25: number;
  p75: number;
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
  return { median: at(0.5), p25: at(0.25), p75: at(0.75), p95: at(0.95), samples: sorted.length };
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

/** One operation of an interleaved measurement; `sync` ones are not awaited (an await costs its own turn). */
export interface InterleavedCase {
  op: () => unknown;
  sync?: boolean;
}

/** What measureInterleaved found: each case's time per operation, and each round's times (µs per op), case by case. */
export interface Interleaved {
  stats: Stats[];
  rounds: number[][];
}

/**
 * The ratio of case `a` to case `b` within each round (their batches ran back to back), as a
 * distribution: a ratio whose spread is honest on a machine whose load comes and goes.
 */
export function pairedRatios(measured: Interleaved, a: number, b: number): Stats {
  return summarize(measured.rounds[a].map((time, round) => time / measured.rounds[b][round]));
}

/**
 * measurePair for any number of operations: batches in turn (A, B, C, A, B, C, ...), so the
 * ratios between them hold on a machine whose load changes during the run.
 */
export async function measureInterleaved(cases: readonly InterleavedCase[], options: MeasureOptions): Promise<Interleaved> {
  const { batch, batches } = options;
  const run = async ({ op, sync }: InterleavedCase): Promise<void> => {
    if (sync) for (let i = 0; i < batch; i++) op();
    else for (let i = 0; i < batch; i++) await op();
  };
  for (const c of cases) await run(c);
  const perOp = cases.map(() => [] as number[]);
  for (let n = 0; n < batches; n++) {
    for (let c = 0; c < cases.length; c++) {
      const start = performance.now();
      await run(cases[c]);
      perOp[c].push(((performance.now() - start) * 1000) / batch);
    }
  }
  return { stats: perOp.map(summarize), rounds: perOp };
}
