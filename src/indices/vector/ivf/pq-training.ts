import { PQ_CODES } from "./ivf-options.js";

/**
 * How much work training a product quantizer gets: one k-means of 256
 * codewords per sub-vector (24 of them for 384 dimensions), in JS.
 *
 * LanceDB trains on sampleRate × 256 = 65,536 rows for up to maxIterations
 * (50) in Rust. The same in JS took 442 s of a 100k × 384 build. The
 * numbers below were measured on 100k × 384 clustered rows (docs/
 * vector-indexes.md, "IVF-PQ training"): recall after re-ranking depends
 * little on the codebook's training set beyond a few thousand rows, while
 * the cost grows linearly with it.
 *
 * @internal
 * @module
 */

/** Rows per codeword the codebook trains on: 64 × 256 = 16,384 rows (LanceDB: sampleRate, 256). */
export const PQ_TRAINING_ROWS_PER_CODE = 64;
/**
 * Small tables train on a quarter of their rows, down to 16 rows per codeword
 * (4,096): every other phase of a build shrinks with the table, training on
 * min(rows, 16,384) rows does not, and made PQ training 80 % of a 10k × 384
 * build (48 sub-vectors). Measured on 10k × 384 clustered rows, nprobes 20,
 * 100 queries: recall@10 without refine 0.740 with 10,000 training rows,
 * 0.744 with 6,144, 0.736 with 4,096 (noise is ±0.015); PQ training 15.9 s →
 * 3.6 s at load average 4.3.
 */
export const PQ_TABLE_ROWS_PER_TRAINING_ROW = 4;
/** The fewest training rows per codeword a small table gets (its rows permitting). */
export const PQ_MIN_TRAINING_ROWS_PER_CODE = 16;
/** Upper bound on each sub-vector's k-means iterations, below LanceDB's maxIterations when that is larger. */
export const PQ_MAX_ITERATIONS = 25;
/** A sub-vector's k-means stops once fewer than this share of the rows changed codeword in an iteration. */
export const PQ_MIN_CHANGED_FRACTION = 0.005;

/** The training budget of one sub-vector's k-means. */
export interface PqTraining {
  readonly rows: number;
  readonly maxIterations: number;
  readonly minChangedFraction: number;
}

/** The budget for `rows` indexed rows and the build's maxIterations (the smaller of it and PQ_MAX_ITERATIONS). */
export function pqTraining(rows: number, sampleRate: number, maxIterations: number): PqTraining {
  const most = Math.min(sampleRate, PQ_TRAINING_ROWS_PER_CODE) * PQ_CODES;
  const scaled = Math.max(Math.floor(rows / PQ_TABLE_ROWS_PER_TRAINING_ROW), Math.min(most, PQ_MIN_TRAINING_ROWS_PER_CODE * PQ_CODES));
  return {
    rows: Math.min(rows, most, scaled),
    maxIterations: Math.min(maxIterations, PQ_MAX_ITERATIONS),
    minChangedFraction: PQ_MIN_CHANGED_FRACTION,
  };
}
