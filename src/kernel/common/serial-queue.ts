/**
 * Runs async tasks one after another in call order: a task starts once the one before it has
 * settled, and a failure reaches its own caller without stopping the queue. The kernel's
 * requests, a site's plugin changes and the store's writes each go through one.
 *
 * (p-limit with a concurrency of 1 does the same, but cannot say when the queue has drained,
 * which closing a store needs, and starts a task on another turn than `then` does.)
 */
export interface SerialQueue {
  /** Runs `task` after every task queued before it; its result or failure is the caller's. */
  run<T>(task: () => Promise<T> | T): Promise<T>;
  /** Resolves once every task queued so far has settled; never rejects. */
  idle(): Promise<void>;
}

/**
 * @example
 * const writes = createSerialQueue();
 * await Promise.all([writes.run(() => save(a)), writes.run(() => save(b))]); // a, then b
 */
export function createSerialQueue(): SerialQueue {
  let last: Promise<void> = Promise.resolve();
  return {
    run<T>(task: () => Promise<T> | T): Promise<T> {
      const run = last.then(task);
      last = run.then(
        () => undefined,
        () => undefined,
      );
      return run;
    },
    idle: () => last,
  };
}
