/**
 * Runs `count` tasks with at most `limit` in flight.
 *
 * @internal
 * @module
 */

import { abortedError } from "./retry.js";

/** Options of {@link runConcurrently}. @internal */
export interface RunConcurrentlyOptions {
  /** Most tasks in flight at once (at least 1). */
  limit: number;
  /** Stops launching tasks and rejects at once when aborted. */
  signal?: AbortSignal | undefined;
  /** The operation's name, for the abort error. */
  operation?: string;
}

/**
 * Calls `task(0) ... task(count - 1)`, at most `limit` at a time, in index
 * order of start. Resolves when all have succeeded. On the first failure (or
 * abort) it rejects at once and starts no further task; tasks already running
 * are left to finish on their own and their outcomes are ignored — callers
 * pass the same abort signal down so they stop early.
 *
 * @internal
 */
export function runConcurrently(
  count: number,
  task: (index: number) => Promise<void>,
  options: RunConcurrentlyOptions,
): Promise<void> {
  const limit = Math.max(1, Math.floor(options.limit));
  const signal = options.signal;
  return new Promise<void>((resolve, reject) => {
    let next = 0;
    let running = 0;
    let finished = 0;
    let settled = false;
    const onAbort = (): void => fail(abortedError(signal, options.operation));
    const cleanup = (): void => signal?.removeEventListener("abort", onAbort);
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      cleanup();
      reject(error);
    };
    const launch = (): void => {
      while (!settled && running < limit && next < count) {
        const index = next++;
        running++;
        let started: Promise<void>;
        try {
          started = task(index);
        } catch (error) {
          fail(error);
          return;
        }
        started.then(
          () => {
            running--;
            finished++;
            if (settled) return;
            if (finished === count) {
              settled = true;
              cleanup();
              resolve();
            } else {
              launch();
            }
          },
          (error: unknown) => {
            running--;
            fail(error);
          },
        );
      }
    };
    if (signal?.aborted) {
      onAbort();
      return;
    }
    if (count === 0) {
      settled = true;
      resolve();
      return;
    }
    signal?.addEventListener("abort", onAbort, { once: true });
    launch();
  });
}
