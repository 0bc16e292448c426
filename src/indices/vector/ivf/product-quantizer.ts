import type { DistanceKernel } from "../../../exec/distance-kernel.js";
import { trainKMeans } from "./kmeans.js";
import { type CentroidBlock, createCentroidBlock } from "./nearest-centroids.js";
import type { ResidualSlices } from "./encode-residuals.js";
import { type PqBits, pqCodewords } from "./ivf-options.js";
import { dotAt } from "./vector-math.js";
import { type PqTraining, PQ_TOLERANCE } from "./pq-training.js";
import { slicePoints } from "./pq-slice-points.js";
import type { WorkPacer } from "./work-pacer.js";

/**
 * Product quantization: a vector is cut into numSubVectors equal slices and
 * each slice is replaced by the number of its nearest of 2^numBits codewords
 * (256 with 8 bits, 16 with 4), one codebook per slice position, learnt by
 * k-means. A 384-dim float32 vector (1536 bytes) becomes 24 bytes with the
 * default 24 sub-vectors of 8 bits, or 48 sub-vectors of 4 bits.
 *
 * Quiver quantizes each vector's residual (vector − its partition's centroid),
 * as LanceDB does, with one codebook shared by all partitions: residuals are
 * smaller and more alike than raw vectors, so the same codewords per slice
 * fit them much more closely; a codebook per partition would cost
 * numPartitions × 2^numBits × dims floats.
 *
 * @internal
 * @module
 */
export interface ProductQuantizer {
  readonly numSubVectors: number;
  /** dims / numSubVectors. */
  readonly subDims: number;
  /**
   * Bits per code; absent means 8. Optional so that quantizers written as
   * `{numSubVectors, subDims, codebook}` (HNSW-PQ's, always 8 bits) stay valid.
   */
  readonly numBits?: PqBits;
  /** `numSubVectors × K × subDims` values (K = 2^numBits): codeword c of slice m starts at (m × K + c) × subDims. */
  readonly codebook: Float32Array;
}

/** The quantizer's bits per code (8 unless it says otherwise). */
export function quantizerBits(pq: ProductQuantizer): PqBits {
  return pq.numBits ?? 8;
}

/** Codewords per slice: 256 with 8 bits, 16 with 4. */
export function quantizerCodewords(pq: ProductQuantizer): number {
  return pqCodewords(quantizerBits(pq));
}

/**
 * Learns the codebook from `residuals` (full-width residual vectors): one
 * k-means of 2^numBits centroids per slice (`training.numBits`, default 8),
 * each with its own seed, within the `training` budget (pq-training.ts).
 */
export async function trainProductQuantizer(
  residuals: ResidualSlices,
  numSubVectors: number,
  training: Pick<PqTraining, "maxIterations" | "minChangedFraction"> & { readonly numBits?: PqBits; readonly tolerance?: number },
  seed: number,
  pacer: WorkPacer,
  kernel?: DistanceKernel,
): Promise<ProductQuantizer> {
  const numBits = training.numBits ?? 8;
  const codewords = pqCodewords(numBits);
  const dims = residuals.dims;
  const subDims = dims / numSubVectors;
  const codebook = new Float32Array(numSubVectors * codewords * subDims);
  for (let m = 0; m < numSubVectors; m++) {
    const result = await trainKMeans(slicePoints(residuals, m, subDims), {
      k: codewords,
      maxIterations: training.maxIterations,
      minChangedFraction: training.minChangedFraction,
      tolerance: training.tolerance ?? PQ_TOLERANCE,
      seed: (seed + 1 + m) >>> 0,
      spherical: false,
      pacer: pacer.range(m / numSubVectors, (m + 1) / numSubVectors),
      ...(kernel ? { kernel } : {}),
    });
    codebook.set(result.centroids, m * codewords * subDims);
  }
  // 8-bit quantizers keep the shape they always had (no numBits field), so their equality and JSON stay the same.
  return numBits === 8 ? { numSubVectors, subDims, codebook } : { numSubVectors, subDims, numBits, codebook };
}

/** One centroid block per slice, for encoding with findNearestCentroids. */
export function codebookBlocks(pq: ProductQuantizer): CentroidBlock[] {
  const { numSubVectors, subDims, codebook } = pq;
  const codewords = quantizerCodewords(pq);
  const size = codewords * subDims;
  return Array.from({ length: numSubVectors }, (_, m) => createCentroidBlock(codebook.subarray(m * size, (m + 1) * size), codewords, subDims));
}

/**
 * The asymmetric-distance table of one query: entry m × K + c (K = 2^numBits,
 * 256 for 8 bits) is the dot product of the query's slice m with codeword c
 * of slice m. With it, q·r̂ for any encoded residual r̂ is a sum of
 * numSubVectors table entries. 4-bit searches combine it into byte tables
 * (pq-byte-table.ts).
 */
export function buildLookupTable(pq: ProductQuantizer, query: Float32Array, queryOffset: number): Float32Array {
  const { numSubVectors, subDims, codebook } = pq;
  const codewords = quantizerCodewords(pq);
  const table = new Float32Array(numSubVectors * codewords);
  for (let m = 0; m < numSubVectors; m++) {
    const q = queryOffset + m * subDims;
    for (let c = 0; c < codewords; c++) table[m * codewords + c] = dotAt(query, q, codebook, (m * codewords + c) * subDims, subDims);
  }
  return table;
}
