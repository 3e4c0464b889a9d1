/**
 * The order requests run in (the storage's rule 1): one after another, each beginning once the
 * one before it has committed, so it reads what every earlier request wrote. When none is
 * unfinished a request starts at once, synchronously: waiting a turn for a settled promise
 * cost a dispatch more than its handler did. A request begun from inside the body of one that
 * started at once waits for that request, which is not yet the last one queued.
 *
 * A request with nothing to wait for (no commit, no log to store: a kernel without storage)
 * says so by returning `Finished` instead of a promise: it is counted as done at once, so
 * neither a reaction nor a turn of the event loop is spent on knowing when it ended.
 */

/** The result of a request that ended without waiting for anything. */
export class Finished<T> {
  constructor(readonly value: T) {}
}

/** What a request's start returns: its result when it already ended, else a promise of it. */
export type Started<T> = Finished<T> | Promise<T>;

export interface RequestOrder {
  /**
   * Runs `start` (the request: its synchronous body, then its commit) in its turn and settles
   * as it does. `start` is called before `run` returns when no request is unfinished.
   */
  run<T>(start: () => Started<T>): Promise<T>;
  /**
   * For a request that ends as its body returns (nothing to commit): true when none is
   * unfinished, and it is then counted as running until `endAtOnce`, which the caller must call
   * as it ends, however it ends; false when it must wait its turn through `run`. Saves `run`'s
   * closure and wrapper for the commonest request, one dispatch on an idle kernel.
   */
  startAtOnce(): boolean;
  endAtOnce(): void;
}

export function createRequestOrder(): RequestOrder {
  /** The request queued last; it settles once that request has committed (or failed). */
  let previous: Promise<unknown> = Promise.resolve();
  /** Requests queued and not yet settled. */
  let unfinished = 0;
  /** True while a request that started at once runs its synchronous part. */
  let startingNow = false;
  /** Opened when the request that started at once settles (see the module comment). */
  let startGate: { opened: Promise<void>; open: () => void } | null = null;

  const settled = (): void => {
    unfinished--;
  };

  function counted<T>(start: () => Started<T>): Promise<T> {
    let started: Started<T>;
    try {
      started = start();
    } catch (error) {
      // It ended as it threw, like one that finished: the next request may start at once.
      unfinished--;
      return Promise.reject(error);
    }
    if (started instanceof Finished) {
      unfinished--;
      return Promise.resolve(started.value);
    }
    // Counted down by the first reaction to its settling, so before anyone awaiting it resumes
    // (the next request may then start at once), and with no extra turn on the promise returned.
    started.then(settled, settled);
    return started;
  }

  return {
    startAtOnce(): boolean {
      if (unfinished !== 0) return false;
      unfinished = 1;
      startingNow = true;
      return true;
    },
    endAtOnce(): void {
      startingNow = false;
      unfinished--;
      if (startGate) {
        // Requests were begun from its body: the first of them may start now.
        const { open } = startGate;
        startGate = null;
        open();
      }
    },
    run<T>(start: () => Started<T>): Promise<T> {
      unfinished++;
      if (unfinished === 1) {
        startingNow = true;
        let running: Promise<T>;
        try {
          running = counted(start);
        } finally {
          startingNow = false;
        }
        if (startGate) {
          // Requests were begun from its body; the last of them is `previous` already.
          const { open } = startGate;
          startGate = null;
          running.then(open, open);
        } else {
          previous = running;
        }
        return running;
      }
      let after = previous;
      if (startingNow && !startGate) {
        let open!: () => void;
        const opened = new Promise<void>((resolve) => (open = resolve));
        startGate = { opened, open };
        after = opened;
      }
      const running = after.then(
        () => counted(start),
        () => counted(start),
      );
      previous = running;
      return running;
    },
  };
}
