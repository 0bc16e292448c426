import { type PqBits, pqCodewords } from "./ivf-options.js";

/**
 * How much work training a product quantizer gets: one k-means of 2^numBits
 * codewords (256, or 16 with 4 bits) per sub-vector (24 of them for 384
 * dimensions by default), in JS. A k-means iteration costs rows × codewords
 * × width, so the budgets below are rows per codeword.
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

/** Rows per codeword an 8-bit codebook trains on: 64 × 256 = 16,384 rows (LanceDB: sampleRate, 256). */
export const PQ_TRAINING_ROWS_PER_CODE = 64;
/**
 * Rows per codeword a 4-bit codebook trains on: LanceDB's own sampleRate
 * (256 × 16 = 4,096 rows). The 8-bit cap exists because 256 codewords make
 * each training row cost 256 distances; with 16 codewords LanceDB's whole
 * sample costs 1/64 of the 8-bit budget (4,096 × 16 against 16,384 × 256
 * distances per iteration), so nothing needs cutting. Measured on 100k × 384
 * clustered rows (the vector-index benchmark's data), 316 partitions, 48
 * sub-vectors, nprobes 20, 200 queries, load average ≈ 6 on 2 shared cores:
 * 1,024 / 4,096 / 16,384 training rows took 0.29 / 0.74 / 2.26 s and gave
 * recall@10 0.415 / 0.410 / 0.404 raw, 0.762 / 0.755 / 0.746 with
 * refineFactor 5 (the same within noise: 16 codewords are the limit, not
 * the sample). 4,096 keeps LanceDB's sample for 3 % of a 24 s build, leaving
 * 256 rows per codeword for data with more structure than this.
 */
export const PQ4_TRAINING_ROWS_PER_CODE = 256;
/**
 * Small tables train on a quarter of their rows, down to 16 rows per codeword
 * (4,096 with 8 bits, 256 with 4): every other phase of a build shrinks with the table, training on
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
/**
 * A sub-vector's k-means also stops once an iteration lowers its loss by
 * less than this fraction (k-means' own default, LanceDB's, is 1e-4). With 256
 * codewords in 8 dimensions the loss creeps: on 100k × 384 clustered rows
 * (48 sub-vectors) it still fell 3–4e-4 per iteration at the 25th, with about
 * 0.5 % of the rows changing codeword, so most sub-vectors ran 20–25
 * iterations. The fall passes 2e-3 near the 10th, with the loss 1 % above
 * where 25 iterations leave it; recall@10 (nprobes 20, 200 queries) stayed
 * 0.6945 raw and 0.989 with refineFactor 5 (0.6935 / 0.989 before), and PQ
 * training took about half the time.
 */
export const PQ_TOLERANCE = 2e-3;

/** The training budget of one sub-vector's k-means. */
export interface PqTraining {
  readonly rows: number;
  /** Bits per code the codebook is trained for (its k-means has 2^numBits centroids). */
  readonly numBits: PqBits;
  readonly maxIterations: number;
  readonly minChangedFraction: number;
  /** Relative fall of the loss below which an iteration ends the k-means. */
  readonly tolerance: number;
}

/**
 * The budget for `rows` indexed rows, the build's maxIterations (the smaller
 * of it and PQ_MAX_ITERATIONS) and `numBits` per code (8 unless given).
 */
export function pqTraining(rows: number, sampleRate: number, maxIterations: number, numBits: PqBits = 8): PqTraining {
  const codewords = pqCodewords(numBits);
  const perCode = numBits === 8 ? PQ_TRAINING_ROWS_PER_CODE : PQ4_TRAINING_ROWS_PER_CODE;
  const most = Math.min(sampleRate, perCode) * codewords;
  const scaled = Math.max(Math.floor(rows / PQ_TABLE_ROWS_PER_TRAINING_ROW), Math.min(most, PQ_MIN_TRAINING_ROWS_PER_CODE * codewords));
  return {
    rows: Math.min(rows, most, scaled),
    maxIterations: Math.min(maxIterations, PQ_MAX_ITERATIONS),
    minChangedFraction: PQ_MIN_CHANGED_FRACTION,
    tolerance: PQ_TOLERANCE,
    numBits,
  };
}
