import { InvalidArgumentError } from "../../../errors.js";
import { DISTANCE_TYPES, type DistanceType } from "../../../plan/index.js";
import { DEFAULT_SEED } from "./seeded-random.js";
import type { BuildControl } from "./work-pacer.js";

/**
 * Build options of IVF indexes, with LanceDB's names, defaults and limits
 * (`IvfFlatOptions` / `IvfPqOptions` in lancedb's nodejs/lancedb/indices.ts),
 * and their checked form.
 *
 * @module
 */

/** Options of an IVF-Flat index build. */
export interface IvfFlatBuildOptions extends BuildControl {
  /** Distance the index is searched with: "l2" (default), "cosine" or "dot". A query with another distance cannot use it. */
  distanceType?: DistanceType;
  /**
   * Number of partitions (k-means centroids). More partitions make each probe
   * cheaper but need more probes for the same recall. Default √rows, as LanceDB.
   */
  numPartitions?: number;
  /** k-means trains on sampleRate × numPartitions sampled rows (default 256); all rows when there are fewer. */
  sampleRate?: number;
  /** Upper bound on k-means iterations (default 50); training stops earlier once centroids settle. */
  maxIterations?: number;
  /** Seed of sampling and initialisation: the same rows, options and seed build the same bytes. Quiver's addition. */
  seed?: number;
}

/** Options of an IVF-PQ index build: IVF-Flat's plus the product quantizer's. */
export interface IvfPqBuildOptions extends IvfFlatBuildOptions {
  /**
   * Number of sub-vectors each vector is cut into, each stored as one code.
   * More sub-vectors: better accuracy, bigger index. Must divide the vector's
   * dimension. Default dims/16 (dims/8 when 16 does not divide it), as LanceDB.
   */
  numSubVectors?: number;
  /**
   * Bits per code: 8 (default, 256 codewords per sub-vector, one byte each)
   * or 4 (16 codewords, two codes per byte: half the index, coarser distances).
   */
  numBits?: number;
}

/** The IVF part of a build after defaults and checks. */
export interface IvfParams {
  readonly distanceType: DistanceType;
  readonly numPartitions: number;
  readonly sampleRate: number;
  readonly maxIterations: number;
  readonly seed: number;
}

/** The product quantizer part after defaults and checks. */
export interface PqParams {
  readonly numSubVectors: number;
  readonly numBits: PqBits;
}

/** Bits per PQ code: LanceDB's two choices. */
export type PqBits = 4 | 8;

export const DEFAULT_SAMPLE_RATE = 256;
export const DEFAULT_MAX_ITERATIONS = 50;
/** Codewords per sub-vector with 8 bits (the default, and HNSW-PQ's only width). */
export const PQ_CODES = 256;

/** Codewords per sub-vector with `numBits` bits (2^numBits); the fewest rows PQ can train on. */
export function pqCodewords(numBits: PqBits): number {
  return 1 << numBits;
}

/** LanceDB's default partition count: √rows (at least 1). */
export function suggestNumPartitions(rows: number): number {
  return Math.max(1, Math.floor(Math.sqrt(rows)));
}

/** LanceDB's default sub-vector count: dims/16, else dims/8, else 1. */
export function suggestNumSubVectors(dims: number): number {
  if (dims % 16 === 0) return dims / 16;
  if (dims % 8 === 0) return dims / 8;
  return 1;
}

/** Checks and completes the IVF options for `rows` vectors. */
export function resolveIvfParams(rows: number, options: IvfFlatBuildOptions | undefined): IvfParams {
  const distanceType = options?.distanceType ?? "l2";
  if (!DISTANCE_TYPES.includes(distanceType)) {
    throw new InvalidArgumentError(
      `IVF index: distanceType must be one of ${DISTANCE_TYPES.map((d) => `"${d}"`).join(", ")}; got ${JSON.stringify(distanceType)}. ` +
        `Pass the distance your queries use, e.g. {distanceType: "cosine"}.`,
      "distanceType",
    );
  }
  const numPartitions = requireInteger("numPartitions", options?.numPartitions, suggestNumPartitions(rows), 1, "e.g. numPartitions: " + suggestNumPartitions(rows));
  if (numPartitions > rows) {
    throw new InvalidArgumentError(
      `IVF index: numPartitions must be at most the number of rows to index (${rows}); got ${numPartitions}. ` +
        `k-means cannot train ${numPartitions} centroids on ${rows} vectors: pass a smaller numPartitions, e.g. ${suggestNumPartitions(rows)} (√rows), or omit it.`,
      "numPartitions",
    );
  }
  return {
    distanceType,
    numPartitions,
    sampleRate: requireInteger("sampleRate", options?.sampleRate, DEFAULT_SAMPLE_RATE, 1, "e.g. sampleRate: 256"),
    maxIterations: requireInteger("maxIterations", options?.maxIterations, DEFAULT_MAX_ITERATIONS, 1, "e.g. maxIterations: 50"),
    seed: requireInteger("seed", options?.seed, DEFAULT_SEED, 0, "e.g. seed: 42"),
  };
}

/** Checks and completes the product quantizer options for `dims`-wide vectors and `rows` rows. */
export function resolvePqParams(rows: number, dims: number, options: IvfPqBuildOptions | undefined): PqParams {
  const numBits = requireInteger("numBits", options?.numBits, 8, 1, "pass numBits: 8 or omit it");
  if (numBits !== 8 && numBits !== 4) {
    throw new InvalidArgumentError(`IVF-PQ index: numBits must be 4 or 8; got ${numBits}. Pass numBits: 8 (the default) or numBits: 4, or omit it.`, "numBits");
  }
  const numSubVectors = requireInteger("numSubVectors", options?.numSubVectors, suggestNumSubVectors(dims), 1, `e.g. numSubVectors: ${suggestNumSubVectors(dims)}`);
  if (numSubVectors > dims || dims % numSubVectors !== 0) {
    throw new InvalidArgumentError(
      `IVF-PQ index: numSubVectors must divide the vector dimension ${dims}; got ${numSubVectors}. ` +
        `Pass a divisor of ${dims}, e.g. numSubVectors: ${suggestNumSubVectors(dims)}, or omit it.`,
      "numSubVectors",
    );
  }
  const codewords = pqCodewords(numBits);
  if (rows < codewords) {
    throw new InvalidArgumentError(
      `Not enough rows to train PQ. Requires ${codewords} rows but only ${rows} available: an IVF-PQ index with numBits ${numBits} ` +
        `trains ${codewords} codes per sub-vector. Add rows first${numBits === 8 ? ", pass numBits: 4 (16 rows suffice)" : ""}, ` +
        `or use an IVF-Flat index (or none: search is exact without one).`,
      "numBits",
    );
  }
  return { numSubVectors, numBits };
}

function requireInteger(name: string, value: number | undefined, fallback: number, min: number, example: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > 0xffff_ffff) {
    throw new InvalidArgumentError(
      `IVF index: ${name} must be an integer ≥ ${min}; got ${typeof value === "number" ? value : JSON.stringify(value)}. Pass ${example}, or omit it for the default.`,
      name,
    );
  }
  return value;
}
