import { InvalidArgumentError } from "../../../errors.js";

/**
 * Search options of IVF indexes, with LanceDB's query names and defaults
 * (`nprobes`, `minimumNprobes`, `maximumNprobes`, `refineFactor`).
 *
 * @module
 */

/**
 * Rows a search must never return, by ORIGINAL position (the position in the
 * built vector set): a mask where a non-zero byte excludes the row, or a
 * predicate returning true for excluded rows. Used for deletions and prefilters.
 */
export type ExcludedPositions = Uint8Array | ((position: number) => boolean);

export interface IvfSearchOptions {
  /**
   * Partitions to probe per query: sets both minimumNprobes and maximumNprobes
   * (as LanceDB's `nprobes()`). More probes: better recall, slower search.
   */
  nprobes?: number;
  /** Partitions always probed (default 20, as LanceDB, or nprobes). */
  minimumNprobes?: number;
  /**
   * When the first minimumNprobes partitions give fewer than k allowed rows
   * (exclusions, small partitions), further partitions are probed, nearest
   * first, up to this many (default: nprobes, else minimumNprobes; 0 = no limit).
   */
  maximumNprobes?: number;
  /** Rows never returned. */
  exclude?: ExcludedPositions;
}

/** LanceDB's default probes (its remote protocol sends nprobes, minimum_nprobes and maximum_nprobes 20). */
export const DEFAULT_NPROBES = 20;

/** Up to k results of one query, ascending by distance (ties by position). */
export interface IvfSearchHits {
  /** Original positions (in the built vector set). */
  readonly positions: Uint32Array;
  readonly distances: Float32Array;
}

/** The probe range of one search, clamped to the index's partitions. */
export interface ProbeRange {
  readonly minimum: number;
  readonly maximum: number;
}

/** Checks the probe options; `numPartitions` bounds both ends. */
export function resolveProbeRange(options: IvfSearchOptions | undefined, numPartitions: number): ProbeRange {
  const nprobes = optionalInteger("nprobes", options?.nprobes, 1);
  const minimum = optionalInteger("minimumNprobes", options?.minimumNprobes, 1) ?? nprobes ?? DEFAULT_NPROBES;
  const maximumOption = optionalInteger("maximumNprobes", options?.maximumNprobes, 0);
  // 0 means no limit: at least the minimum, so an index of fewer partitions than the default 20 probes them all.
  const maximum = maximumOption === 0 ? Math.max(numPartitions, minimum) : (maximumOption ?? nprobes ?? minimum);
  if (maximum < minimum) {
    throw new InvalidArgumentError(
      `IVF search: maximum_nprobes must be greater than or equal to minimum_nprobes; got maximumNprobes ${maximum} and minimumNprobes ${minimum}. ` +
        `Raise maximumNprobes, pass 0 for no limit, or lower minimumNprobes.`,
      "maximumNprobes",
    );
  }
  return { minimum: Math.min(minimum, numPartitions), maximum: Math.min(maximum, numPartitions) };
}

/** Checks the query block and k shared by every IVF search. */
export function checkSearchArguments(queries: Float32Array, queryCount: number, k: number, dims: number): void {
  if (!Number.isInteger(queryCount) || queryCount < 0 || !(queries instanceof Float32Array) || queries.length !== queryCount * dims) {
    throw new InvalidArgumentError(
      `IVF search: queries must be a Float32Array of queryCount × dims = ${queryCount} × ${dims} values; got ${
        queries instanceof Float32Array ? queries.length : typeof queries
      }. Pass the query vectors back to back, each as wide as the indexed column.`,
      "queries",
    );
  }
  if (!Number.isInteger(k) || k < 1) {
    throw new InvalidArgumentError(`IVF search: k must be an integer ≥ 1; got ${k}. Pass the number of results wanted, e.g. 10.`, "k");
  }
}

/** A uniform test for the two forms of {@link ExcludedPositions}; null when nothing is excluded. */
export function toExcludeTest(exclude: ExcludedPositions | undefined, rows: number): ((position: number) => boolean) | null {
  if (exclude === undefined) return null;
  if (typeof exclude === "function") return exclude;
  if (!(exclude instanceof Uint8Array) || exclude.length < rows) {
    throw new InvalidArgumentError(
      `IVF search: exclude must be a Uint8Array with one byte per indexed row (${rows}) or a function; got ${
        exclude instanceof Uint8Array ? `${exclude.length} bytes` : typeof exclude
      }. Build the mask over the positions of the vectors the index was built from.`,
      "exclude",
    );
  }
  return (position) => exclude[position] !== 0;
}

function optionalInteger(name: string, value: number | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new InvalidArgumentError(`IVF search: ${name} must be an integer ≥ ${min}; got ${value}. Pass e.g. ${name}: 20, or omit it for the default.`, name);
  }
  return value;
}
