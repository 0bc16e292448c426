import { QuiverError } from "../errors.js";
import { type DistanceKernel, getDistanceKernel } from "./distance-kernel.js";

/** Options of one execution (LanceDB's `QueryExecutionOptions`). */
export interface ExecuteOptions {
  /** Largest number of rows in one yielded batch. */
  readonly maxBatchLength?: number;
  /** Fail when the query runs longer than this, checked between fragments. */
  readonly timeoutMs?: number;
  /** Filled in while the query runs, for `analyzePlan`. */
  readonly stats?: ExecutionStats;
  /**
   * The distance kernel for vector search; the native one when it loads.
   *
   * @internal
   */
  readonly kernel?: DistanceKernel;
}

/** What one execution did; `analyzePlan` prints it. */
export interface ExecutionStats {
  fragments: number;
  fragmentsRead: number;
  rowsScanned: number;
  rowsSelected: number;
  rowsOutput: number;
  kernel?: string;
  /** The vector index searched, if any. */
  vectorIndex?: string;
  /** Candidates the vector index proposed (before exclusions and exact re-ranking). */
  indexCandidates?: number;
  elapsedMs: number;
}

/** A fresh stats record. */
export function createExecutionStats(): ExecutionStats {
  return { fragments: 0, fragmentsRead: 0, rowsScanned: 0, rowsSelected: 0, rowsOutput: 0, elapsedMs: 0 };
}

/** Per-execution state: the deadline and the stats. */
export class ExecutionContext {
  readonly stats: ExecutionStats;
  readonly maxBatchLength: number;
  readonly timeoutMs: number | undefined;
  readonly kernel: DistanceKernel;
  readonly #deadline: number;
  readonly #started = performance.now();

  constructor(
    readonly tableName: string,
    options: ExecuteOptions = {},
  ) {
    this.stats = options.stats ?? createExecutionStats();
    this.maxBatchLength = options.maxBatchLength ?? Infinity;
    this.#deadline = options.timeoutMs === undefined ? Infinity : this.#started + options.timeoutMs;
    this.timeoutMs = options.timeoutMs;
    this.kernel = options.kernel ?? getDistanceKernel();
  }

  /** Throws once the deadline has passed. */
  checkDeadline(): void {
    if (performance.now() > this.#deadline) {
      throw new QuiverError(
        `Query timeout: the query on table '${this.tableName}' ran longer than timeoutMs=${this.timeoutMs}; ` +
          "raise timeoutMs, add a filter or a limit, or select fewer columns.",
      );
    }
  }

  finish(): void {
    this.stats.elapsedMs = performance.now() - this.#started;
  }
}
