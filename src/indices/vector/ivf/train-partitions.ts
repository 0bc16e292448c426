import type { DistanceKernel } from "../../../exec/distance-kernel.js";
import type { IvfParams } from "./ivf-options.js";
import { trainKMeans } from "./kmeans.js";
import type { KMeansPoints } from "./kmeans-points.js";
import { createCentroidBlock, findNearestCentroids } from "./nearest-centroids.js";
import { createSeededRandom, sampleIndices } from "./seeded-random.js";
import { normaliseAt } from "./vector-math.js";
import type { VectorSet } from "./vector-set.js";
import type { WorkPacer } from "./work-pacer.js";

/**
 * Training the IVF centroids and assigning every row to one.
 *
 * Distances while clustering: l2 clusters in squared Euclidean distance, as
 * searched. Cosine normalises every vector and runs spherical k-means, which
 * is k-means under cosine distance. Dot also clusters in Euclidean distance:
 * k-means that assigns by inner product collapses (every point prefers the
 * longest centroid), and Euclidean cells keep each partition's vectors close
 * to its centroid, so q·x = q·c + q·(x − c) is ranked well by q·c when probing.
 *
 * @internal
 * @module
 */

/** The rows k-means trains on: sampleRate × numPartitions of them, as LanceDB. */
export function trainingSampleSize(rows: number, perCentroid: number, centroids: number): number {
  return Math.min(rows, perCentroid * centroids);
}

/** Trains `params.numPartitions` centroids on a seeded sample of `data`. */
export async function trainPartitionCentroids(data: VectorSet, params: IvfParams, pacer: WorkPacer, kernel?: DistanceKernel): Promise<Float32Array> {
  const random = createSeededRandom(params.seed);
  const sample = sampleIndices(data.rows, trainingSampleSize(data.rows, params.sampleRate, params.numPartitions), random);
  const points = sampledPoints(data, sample, params.distanceType === "cosine");
  const result = await trainKMeans(points, {
    k: params.numPartitions,
    maxIterations: params.maxIterations,
    seed: params.seed,
    spherical: params.distanceType === "cosine",
    pacer,
    ...(kernel ? { kernel } : {}),
  });
  return result.centroids;
}

/** The rows of `data` listed in `sample`, normalised when `normalise` is set. */
export function sampledPoints(data: VectorSet, sample: Uint32Array, normalise: boolean): KMeansPoints {
  const { vectors, dims } = data;
  return {
    count: sample.length,
    dims,
    read(index, out, outRow) {
      const row = sample[index]!;
      out.set(vectors.subarray(row * dims, row * dims + dims), outRow * dims);
      if (normalise) normaliseAt(out, outRow * dims, dims);
    },
  };
}

/** Rows per chunk of assignment: about 2^25 multiply-adds, so the pacer gets control every few tens of milliseconds. */
function assignmentChunkRows(centroids: number, dims: number): number {
  return Math.max(16, Math.min(16384, Math.floor((1 << 25) / Math.max(1, centroids * dims))));
}

/** The partition (nearest centroid) of every row; cosine compares normalised vectors with the unit centroids. */
export async function assignPartitions(
  data: VectorSet,
  centroids: Float32Array,
  numPartitions: number,
  normalise: boolean,
  pacer: WorkPacer,
  kernel?: DistanceKernel,
): Promise<Uint32Array> {
  const { vectors, rows, dims } = data;
  const block = createCentroidBlock(centroids, numPartitions, dims);
  const chunkRows = assignmentChunkRows(numPartitions, dims);
  const chunk = new Float32Array(chunkRows * dims);
  const found = { nearest: new Uint32Array(chunkRows), nearestDistance: new Float32Array(chunkRows), secondDistance: null };
  const partitionOf = new Uint32Array(rows);
  for (let start = 0; start < rows; start += chunkRows) {
    const count = Math.min(chunkRows, rows - start);
    // A copy at byte 0: the native kernel ignores a view's offset.
    chunk.set(vectors.subarray(start * dims, (start + count) * dims));
    if (normalise) for (let r = 0; r < count; r++) normaliseAt(chunk, r * dims, dims);
    findNearestCentroids(chunk, count, block, found, kernel);
    partitionOf.set(found.nearest.subarray(0, count), start);
    await pacer.step((start + count) / rows);
  }
  return partitionOf;
}
