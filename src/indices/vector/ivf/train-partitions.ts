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

/** Trained partition centroids, and the partition of each row they were trained on. */
export interface TrainedPartitions {
  readonly centroids: Float32Array;
  /** What {@link assignPartitions} needs not search again: `rows[i]` is in partition `partitions[i]`. */
  readonly known: KnownPartitions;
}

/** Rows whose partition is already known (the training sample, assigned to the final centroids). */
export interface KnownPartitions {
  readonly rows: Uint32Array;
  readonly partitions: Uint32Array;
}

/** Trains `params.numPartitions` centroids on a seeded sample of `data`. */
export async function trainPartitionCentroids(data: VectorSet, params: IvfParams, pacer: WorkPacer, kernel?: DistanceKernel): Promise<TrainedPartitions> {
  const random = createSeededRandom(params.seed);
  const sample = sampleIndices(data.rows, trainingSampleSize(data.rows, params.sampleRate, params.numPartitions), random);
  const points = sampledPoints(data, sample, params.distanceType === "cosine");
  const result = await trainKMeans(points, {
    k: params.numPartitions,
    maxIterations: params.maxIterations,
    seed: params.seed,
    spherical: params.distanceType === "cosine",
    returnAssignments: true,
    pacer,
    ...(kernel ? { kernel } : {}),
  });
  return { centroids: result.centroids, known: { rows: sample, partitions: result.assignments! } };
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

/**
 * The partition (nearest centroid) of every row; cosine compares normalised
 * vectors with the unit centroids. Rows in `known` (the training sample, which
 * k-means already assigned to these centroids) are not searched again: with
 * LanceDB's sample of sampleRate × numPartitions rows that is most of a table.
 */
export async function assignPartitions(
  data: VectorSet,
  centroids: Float32Array,
  numPartitions: number,
  normalise: boolean,
  pacer: WorkPacer,
  kernel?: DistanceKernel,
  known?: KnownPartitions,
): Promise<Uint32Array> {
  const { vectors, rows, dims } = data;
  const partitionOf = new Uint32Array(rows);
  const isKnown = new Uint8Array(rows);
  if (known) {
    for (let i = 0; i < known.rows.length; i++) {
      partitionOf[known.rows[i]!] = known.partitions[i]!;
      isKnown[known.rows[i]!] = 1;
    }
  }
  const todo: number[] = [];
  for (let row = 0; row < rows; row++) if (isKnown[row] === 0) todo.push(row);
  const block = createCentroidBlock(centroids, numPartitions, dims);
  const chunkRows = assignmentChunkRows(numPartitions, dims);
  // A buffer of its own, at byte 0: the native kernel ignores a view's offset.
  const chunk = new Float32Array(chunkRows * dims);
  const found = { nearest: new Uint32Array(chunkRows), nearestDistance: new Float32Array(chunkRows), secondDistance: null };
  for (let start = 0; start < todo.length; start += chunkRows) {
    const count = Math.min(chunkRows, todo.length - start);
    for (let r = 0; r < count; r++) {
      const row = todo[start + r]!;
      chunk.set(vectors.subarray(row * dims, row * dims + dims), r * dims);
      if (normalise) normaliseAt(chunk, r * dims, dims);
    }
    findNearestCentroids(chunk, count, block, found, kernel);
    for (let r = 0; r < count; r++) partitionOf[todo[start + r]!] = found.nearest[r]!;
    await pacer.step((start + count) / todo.length);
  }
  await pacer.step(1);
  return partitionOf;
}
