import type { DistanceKernel } from "../../../exec/distance-kernel.js";
import { trainKMeans } from "./kmeans.js";
import type { KMeansPoints } from "./kmeans-points.js";
import { type CentroidBlock, createCentroidBlock } from "./nearest-centroids.js";
import type { ResidualSlices } from "./encode-residuals.js";
import { PQ_CODES } from "./ivf-options.js";
import { dotAt } from "./vector-math.js";
import type { PqTraining } from "./pq-training.js";
import type { WorkPacer } from "./work-pacer.js";

/**
 * Product quantization: a vector is cut into numSubVectors equal slices and
 * each slice is replaced by the number of its nearest of 256 codewords, one
 * codebook per slice position, learnt by k-means. A 384-dim float32 vector
 * (1536 bytes) becomes 24 bytes with the default 24 sub-vectors.
 *
 * Quiver quantizes each vector's residual (vector − its partition's centroid),
 * as LanceDB does, with one codebook shared by all partitions: residuals are
 * smaller and more alike than raw vectors, so the same 256 codewords per slice
 * fit them much more closely; a codebook per partition would cost
 * numPartitions × 256 × dims floats.
 *
 * @internal
 * @module
 */
export interface ProductQuantizer {
  readonly numSubVectors: number;
  /** dims / numSubVectors. */
  readonly subDims: number;
  /** `numSubVectors × 256 × subDims` values: codeword c of slice m starts at (m × 256 + c) × subDims. */
  readonly codebook: Float32Array;
}

/**
 * Learns the codebook from `residuals` (full-width residual vectors): one
 * k-means of 256 centroids per slice, each with its own seed, within the
 * `training` budget (pq-training.ts).
 */
export async function trainProductQuantizer(
  residuals: ResidualSlices,
  numSubVectors: number,
  training: Pick<PqTraining, "maxIterations" | "minChangedFraction">,
  seed: number,
  pacer: WorkPacer,
  kernel?: DistanceKernel,
): Promise<ProductQuantizer> {
  const dims = residuals.dims;
  const subDims = dims / numSubVectors;
  const codebook = new Float32Array(numSubVectors * PQ_CODES * subDims);
  for (let m = 0; m < numSubVectors; m++) {
    const slice: KMeansPoints = {
      count: residuals.count,
      dims: subDims,
      read: (index, out, outRow) => residuals.readSlice(index, m * subDims, subDims, out, outRow * subDims),
    };
    const result = await trainKMeans(slice, {
      k: PQ_CODES,
      maxIterations: training.maxIterations,
      minChangedFraction: training.minChangedFraction,
      seed: (seed + 1 + m) >>> 0,
      spherical: false,
      pacer: pacer.range(m / numSubVectors, (m + 1) / numSubVectors),
      ...(kernel ? { kernel } : {}),
    });
    codebook.set(result.centroids, m * PQ_CODES * subDims);
  }
  return { numSubVectors, subDims, codebook };
}

/** One centroid block per slice, for encoding with findNearestCentroids. */
export function codebookBlocks(pq: ProductQuantizer): CentroidBlock[] {
  const { numSubVectors, subDims, codebook } = pq;
  const size = PQ_CODES * subDims;
  return Array.from({ length: numSubVectors }, (_, m) => createCentroidBlock(codebook.subarray(m * size, (m + 1) * size), PQ_CODES, subDims));
}

/**
 * The asymmetric-distance table of one query: entry m × 256 + c is the dot
 * product of the query's slice m with codeword c of slice m. With it, q·r̂ for
 * any encoded residual r̂ is a sum of numSubVectors table entries.
 */
export function buildLookupTable(pq: ProductQuantizer, query: Float32Array, queryOffset: number): Float32Array {
  const { numSubVectors, subDims, codebook } = pq;
  const table = new Float32Array(numSubVectors * PQ_CODES);
  for (let m = 0; m < numSubVectors; m++) {
    const q = queryOffset + m * subDims;
    for (let c = 0; c < PQ_CODES; c++) table[m * PQ_CODES + c] = dotAt(query, q, codebook, (m * PQ_CODES + c) * subDims, subDims);
  }
  return table;
}
