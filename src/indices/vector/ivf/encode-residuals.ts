import type { DistanceKernel } from "../../../exec/distance-kernel.js";
import type { IvfPartitioning } from "./ivf-partitioning.js";
import { findNearestCentroids } from "./nearest-centroids.js";
import { pqCodeBytes, writeCode } from "./pq-code-layout.js";
import { codebookBlocks, type ProductQuantizer, quantizerBits, quantizerCodewords } from "./product-quantizer.js";
import { dotAt, normaliseAt } from "./vector-math.js";
import type { VectorSet } from "./vector-set.js";
import type { WorkPacer } from "./work-pacer.js";

/**
 * Residuals (vector − its partition centroid) and their PQ codes.
 *
 * @internal
 * @module
 */

/** The PQ-encoded rows of an IVF-PQ index, in the partitioning's stored order. */
export interface EncodedRows {
  /**
   * `rows × pqCodeBytes(numSubVectors, numBits)` bytes: stored row s starts at
   * s × that. 8 bits: one code a byte; 4 bits: two, low nibble first (pq-code-layout.ts).
   */
  readonly codes: Uint8Array;
  /**
   * Per stored row, ‖r̂‖² + 2 c·r̂ for its encoded residual r̂ and centroid c.
   * Then ‖q − (c + r̂)‖² = ‖q − c‖² + normTerm − 2 q·r̂: one lookup table per
   * query serves every partition, instead of one table per probed partition.
   */
  readonly normTerms: Float32Array;
}

/**
 * Residuals of some rows, read one slice at a time: PQ training runs one
 * k-means per slice and should not compute whole residuals to use 1/24th.
 */
export interface ResidualSlices {
  readonly count: number;
  readonly dims: number;
  /** Writes values from … from + width − 1 of residual `index` to `out` at `at`. */
  readSlice(index: number, from: number, width: number, out: Float32Array, at: number): void;
}

/** The residuals of the rows of `data` listed in `rows` (of the normalised vectors for cosine). */
export function residualSlices(data: VectorSet, rows: Uint32Array, partitionOf: Uint32Array, centroids: Float32Array, normalise: boolean): ResidualSlices {
  const { vectors, dims } = data;
  const scales = new Float32Array(rows.length).fill(1);
  if (normalise) {
    for (let i = 0; i < rows.length; i++) {
      const norm = Math.sqrt(dotAt(vectors, rows[i]! * dims, vectors, rows[i]! * dims, dims));
      if (norm > 0) scales[i] = 1 / norm;
    }
  }
  return {
    count: rows.length,
    dims,
    readSlice(index, from, width, out, at) {
      const row = rows[index]!;
      const scale = scales[index]!;
      const v = row * dims + from;
      const c = partitionOf[row]! * dims + from;
      for (let j = 0; j < width; j++) out[at + j] = vectors[v + j]! * scale - centroids[c + j]!;
    },
  };
}

function writeResidual(vectors: Float32Array, row: number, dims: number, centroids: Float32Array, partition: number, normalise: boolean, out: Float32Array, at: number): void {
  out.set(vectors.subarray(row * dims, row * dims + dims), at);
  if (normalise) normaliseAt(out, at, dims);
  const c = partition * dims;
  for (let j = 0; j < dims; j++) out[at + j] = out[at + j]! - centroids[c + j]!;
}

/** Rows per encoding chunk: about 2^24 multiply-adds of codeword search (tens of ms in JS). */
function encodingChunkRows(dims: number, codewords: number): number {
  return Math.max(16, Math.min(8192, Math.floor((1 << 24) / (dims * codewords))));
}

/** Encodes every row of `data`, in the stored order of `ivf`, with `pq.numBits` bits per code. */
export async function encodeRows(
  data: VectorSet,
  ivf: IvfPartitioning,
  partitionOf: Uint32Array,
  pq: ProductQuantizer,
  pacer: WorkPacer,
  kernel?: DistanceKernel,
): Promise<EncodedRows> {
  const { rows, dims } = data;
  const { numSubVectors: m, subDims } = pq;
  const numBits = quantizerBits(pq);
  const rowBytes = pqCodeBytes(m, numBits);
  const normalise = ivf.distanceType === "cosine";
  const blocks = codebookBlocks(pq);
  const chunkRows = encodingChunkRows(dims, quantizerCodewords(pq));
  const residuals = new Float32Array(chunkRows * dims);
  const slice = new Float32Array(chunkRows * subDims);
  const found = { nearest: new Uint32Array(chunkRows), nearestDistance: new Float32Array(chunkRows), secondDistance: null };
  const codes = new Uint8Array(rows * rowBytes);
  const normTerms = new Float32Array(rows);
  const sums = new Float64Array(chunkRows);
  for (let start = 0; start < rows; start += chunkRows) {
    const count = Math.min(chunkRows, rows - start);
    for (let r = 0; r < count; r++) {
      const row = ivf.positions[start + r]!;
      writeResidual(data.vectors, row, dims, ivf.centroids, partitionOf[row]!, normalise, residuals, r * dims);
    }
    sums.fill(0);
    for (let s = 0; s < m; s++) {
      for (let r = 0; r < count; r++) slice.set(residuals.subarray(r * dims + s * subDims, r * dims + (s + 1) * subDims), r * subDims);
      const block = blocks[s]!;
      findNearestCentroids(slice, count, block, found, kernel);
      for (let r = 0; r < count; r++) {
        const code = found.nearest[r]!;
        writeCode(codes, (start + r) * rowBytes, s, code, numBits);
        const centroid = partitionOf[ivf.positions[start + r]!]! * dims + s * subDims;
        sums[r] = sums[r]! + block.norms[code]! + 2 * dotAt(ivf.centroids, centroid, block.centroids, code * subDims, subDims);
      }
    }
    for (let r = 0; r < count; r++) normTerms[start + r] = sums[r]!;
    await pacer.step((start + count) / rows);
  }
  return { codes, normTerms };
}
