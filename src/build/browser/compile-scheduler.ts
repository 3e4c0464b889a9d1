/**
 * The order of work in the compile worker: the user's compiles one at a time, in the order
 * asked (asc keeps global state between runs), and warm-up compiles only while no user compile
 * waits.
 *
 * Why warm-ups: a new worker's first compiles run the AssemblyScript compiler's JavaScript
 * before the engine has optimised it. Profiled in Chromium (bench/profile-compile.ts), hello's
 * compiles in one new worker took 761, 367, 263, 206, 187 and 152 ms, nearly all of it in
 * assemblyscript.js, falling as V8 tiered its code up. Compiling the user's plugin again in the
 * background while they read the result moves their next compile down that curve.
 *
 * A user's compile jumps ahead of every warm-up not yet started, and cancels them (the page asks
 * for new ones once its run has settled). A warm-up compile already running is cancelled at its
 * next file read, the only place asc can be stopped: the user's compile waits for at most the
 * part of one warm-up compile up to there (asc reads the plugin's files after parsing the
 * standard library, and reads none once it has parsed them).
 */
import type { CompileResult } from '../compile-plugin.js';
import { nextTask } from '../next-task.js';

/** What one compile needs (the compile worker's request, without its id). */
export interface CompileJob {
  files: Record<string, string>;
  entry: string;
  optimize: boolean;
}

/** How a warm-up ended. */
export interface WarmUpOutcome {
  /** Warm-up compiles run (fewer than asked when a user's compile came in, or the worker's budget ran out). */
  ran: number;
  /** Milliseconds of each. */
  ms: number[];
}

/**
 * Warm-up compiles a worker runs in its life. Past about five compiles a worker's compiles
 * stop getting faster (the profile above), so more would spend the user's CPU for nothing.
 */
export const WARM_UP_BUDGET = 3;


interface UserCompile<Job> {
  job: Job;
  resolve: (outcome: { result: CompileResult; ms: number }) => void;
  reject: (error: unknown) => void;
}

interface WarmUp<Job> {
  job: Job;
  left: number;
  outcome: WarmUpOutcome;
  resolve: (outcome: WarmUpOutcome) => void;
  reject: (error: unknown) => void;
}

/** `Job` is what the compile function takes: a CompileJob, with whatever else the caller needs. */
export class CompileScheduler<Job extends CompileJob = CompileJob> {
  readonly #compile: (job: Job, signal?: AbortSignal) => Promise<CompileResult>;
  readonly #yieldToMessages: () => Promise<void>;
  #budget: number;
  #waiting: Array<UserCompile<Job>> = [];
  #warmUp: WarmUp<Job> | null = null;
  /** The warm-up whose compile is running now, and what cancels that compile. */
  #running: WarmUp<Job> | null = null;
  #abortRunning: AbortController | null = null;
  #draining = false;

  /**
   * @param compile compiles one job (loading the compiler first if need be); a warm-up's gets a
   *   signal, aborted when a user's compile or a newer warm-up cancels it (see CompileOptions.signal).
   * @param yieldToMessages resolves once messages already posted to this thread were delivered
   *   (default: the next task, as a compile's file reads yield).
   */
  constructor(compile: (job: Job, signal?: AbortSignal) => Promise<CompileResult>, options: { budget?: number; yieldToMessages?: () => Promise<void> } = {}) {
    this.#compile = compile;
    this.#budget = options.budget ?? WARM_UP_BUDGET;
    this.#yieldToMessages = options.yieldToMessages ?? nextTask;
  }

  /** A user's compile: after the compile running now, before any warm-up, which it cancels. */
  compile(job: Job): Promise<{ result: CompileResult; ms: number }> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ job, resolve, reject });
      this.#cancelWarmUp();
      this.#drain();
    });
  }

  /**
   * Compiles `job` again in the background, up to `times` times within the worker's budget,
   * each only while no user compile waits. Resolves with what ran, once nothing of it runs
   * any more; rejects with the error of a warm-up compile that threw (the compiler crashed:
   * the next compile may too). A user's compile or a newer warm-up cancels what is left of it.
   */
  warmUp(job: Job, times = WARM_UP_BUDGET): Promise<WarmUpOutcome> {
    return new Promise((resolve, reject) => {
      this.#cancelWarmUp();
      this.#warmUp = { job, left: times, outcome: { ran: 0, ms: [] }, resolve, reject };
      this.#drain();
    });
  }

  /**
   * Drops what is left of the current warm-up and cancels its running compile at its next file
   * read; it resolves now, or when that compile has stopped.
   */
  #cancelWarmUp(): void {
    const warmUp = this.#warmUp;
    if (warmUp === null) return;
    this.#warmUp = null;
    warmUp.left = 0;
    if (warmUp !== this.#running) warmUp.resolve(warmUp.outcome);
    else this.#abortRunning?.abort();
  }

  #drain(): void {
    if (this.#draining) return;
    this.#draining = true;
    void this.#run();
  }

  /** Runs what is waiting; clears `#draining` in the same task as it finds nothing, so no request is left behind. */
  async #run(): Promise<void> {
    for (;;) {
      const user = this.#waiting.shift();
      if (user) {
        const started = performance.now();
        try {
          const result = await this.#compile(user.job);
          user.resolve({ result, ms: performance.now() - started });
        } catch (error) {
          user.reject(error);
        }
        continue;
      }
      const warmUp = this.#warmUp;
      if (warmUp === null) {
        this.#draining = false;
        return;
      }
      if (warmUp.left <= 0 || this.#budget <= 0) {
        this.#cancelWarmUp();
        this.#draining = false;
        return;
      }
      // A compile the page sent a moment ago may still be in the message queue: it goes first.
      await this.#yieldToMessages();
      if (this.#warmUp !== warmUp || this.#waiting.length > 0) continue;
      warmUp.left--;
      this.#budget--;
      const abort = new AbortController();
      this.#running = warmUp;
      this.#abortRunning = abort;
      const started = performance.now();
      try {
        await this.#compile(warmUp.job, abort.signal);
      } catch (error) {
        if (this.#warmUp === warmUp) this.#warmUp = null;
        warmUp.reject(error);
        continue;
      } finally {
        this.#running = null;
        this.#abortRunning = null;
      }
      // A compile cancelled part way counts for nothing.
      if (!abort.signal.aborted) {
        warmUp.outcome.ran++;
        warmUp.outcome.ms.push(performance.now() - started);
      }
      // Cancelled while it ran: it ends with this compile.
      if (this.#warmUp !== warmUp) warmUp.resolve(warmUp.outcome);
    }
  }
}
