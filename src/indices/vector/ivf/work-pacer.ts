import { OperationAbortedError } from "../../../errors.js";

/**
 * Progress and cancellation of a long index build. Training and assignment
 * call {@link WorkPacer.step} between chunks of work: it checks the signal,
 * reports progress and, every {@link YIELD_INTERVAL_MS} of work, gives the event
 * loop a turn so queries on the same thread are not held up by a build.
 *
 * @internal
 * @module
 */

/** Options every build step accepts. */
export interface BuildControl {
  /** Called with the fraction of the build done, from 0 to 1, never decreasing. */
  onProgress?: (fractionDone: number) => void;
  /** Aborting stops the build at the next chunk with OperationAbortedError. */
  signal?: AbortSignal;
}

/** How long a build runs before it lets other work in. */
export const YIELD_INTERVAL_MS = 50;

/** Shared by a pacer and the sub-ranges made from it. */
interface PacerState {
  readonly operation: string;
  readonly onProgress: ((fractionDone: number) => void) | undefined;
  readonly signal: AbortSignal | undefined;
  lastYield: number;
  reported: number;
}

export class WorkPacer {
  readonly #state: PacerState;
  readonly #start: number;
  readonly #end: number;

  private constructor(state: PacerState, start: number, end: number) {
    this.#state = state;
    this.#start = start;
    this.#end = end;
  }

  /** A pacer for `operation` (named in the abort error), covering progress 0..1. */
  static create(operation: string, control: BuildControl | undefined): WorkPacer {
    const state: PacerState = {
      operation,
      onProgress: control?.onProgress,
      signal: control?.signal,
      lastYield: performance.now(),
      reported: -1,
    };
    return new WorkPacer(state, 0, 1);
  }

  /** A pacer whose 0..1 maps to [from, to] of this one: one phase of a build. */
  range(from: number, to: number): WorkPacer {
    const span = this.#end - this.#start;
    return new WorkPacer(this.#state, this.#start + span * from, this.#start + span * to);
  }

  /** Throws OperationAbortedError if the signal has fired. */
  checkAbort(): void {
    const signal = this.#state.signal;
    if (signal?.aborted) throw new OperationAbortedError(this.#state.operation, { cause: signal.reason });
  }

  /** Checks for abort and gives the event loop a turn now, however recently it had one. */
  async yield(): Promise<void> {
    this.checkAbort();
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.#state.lastYield = performance.now();
    this.checkAbort();
  }

  /**
   * Marks `fraction` (0..1) of this range done: checks for abort, reports
   * progress, and yields to the event loop if the build has held the thread
   * for {@link YIELD_INTERVAL_MS}.
   */
  async step(fraction: number): Promise<void> {
    this.checkAbort();
    const state = this.#state;
    const clamped = Math.min(1, Math.max(0, fraction));
    const overall = this.#start + (this.#end - this.#start) * clamped;
    if (state.onProgress && overall > state.reported) {
      state.reported = overall;
      state.onProgress(overall);
    }
    if (performance.now() - state.lastYield >= YIELD_INTERVAL_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      state.lastYield = performance.now();
      // The signal may have fired while other work ran.
      this.checkAbort();
    }
  }
}
