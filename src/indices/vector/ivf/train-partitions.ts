import { type DistanceKernel, getDistanceKernel } from "../../../exec/distance-kernel.js";
import type { IvfParams } from "./ivf-options.js";
import { trainKMeans } from "./kmeans.js";
import type { KMeansPoints } from "./kmeans-points.js";
import { nearestCentroidOfEach } from "./lloyd-state.js";
import { createCentroidBlock } from "./nearest-centroids.js";
import { createSeededRandom, sampleIndices } from "./seeded-random.js";
import { dotAt, normaliseAt, squaredL2At } from "./vector-math.js";
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
    squaredDistance(index, values, offset) {
      const start = sample[index]! * dims;
      if (!normalise) return squaredL2At(vectors, start, values, offset, dims);
      // ‖x/‖x‖ − c‖² = 1 − 2 x·c / ‖x‖ + ‖c‖²; a zero vector stays zero, as normaliseAt leaves it.
      const squaredNorm = dotAt(values, offset, values, offset, dims);
      const norm = Math.sqrt(dotAt(vectors, start, vectors, start, dims));
      if (norm === 0) return squaredNorm;
      return Math.max(0, 1 - (2 * dotAt(vectors, start, values, offset, dims)) / norm + squaredNorm);
    },
  };
}

/**
 * The partition (nearest centroid) of every row; cosine compares normalised
 * vectors with the unit centroids. Rows in `known` (the training sample, which
 * k-means already assigned to these centroids) are not searched again: with
 * LanceDB's sample of sampleRate × numPartitions rows that is most of a table.
 * The others are searched as k-means' first iteration searches: from a coarse
 * guess, then among the centroids near it (exact, a fraction of the distances).
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
  const { rows, dims } = data;
  const partitionOf = new Uint32Array(rows);
  const isKnown = new Uint8Array(rows);
  if (known) {
    for (let i = 0; i < known.rows.length; i++) {
      partitionOf[known.rows[i]!] = known.partitions[i]!;
      isKnown[known.rows[i]!] = 1;
    }
  }
  let unknown = 0;
  for (let row = 0; row < rows; row++) if (isKnown[row] === 0) unknown++;
  const todo = new Uint32Array(unknown);
  for (let row = 0, t = 0; row < rows; row++) if (isKnown[row] === 0) todo[t++] = row;
  const block = createCentroidBlock(centroids, numPartitions, dims);
  const found = await nearestCentroidOfEach(sampledPoints(data, todo, normalise), block, kernel ?? getDistanceKernel(), pacer);
  for (let t = 0; t < todo.length; t++) partitionOf[todo[t]!] = found[t]!;
  await pacer.step(1);
  return partitionOf;
}
