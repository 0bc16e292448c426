import type { DistanceKernel } from "../../../exec/distance-kernel.js";
import { initialiseCentroids } from "./kmeans-init.js";
import type { KMeansPoints } from "./kmeans-points.js";
import { createCentroidBlock, findNearestCentroids } from "./nearest-centroids.js";
import { createSeededRandom } from "./seeded-random.js";
import { normaliseAt, squaredL2At } from "./vector-math.js";
import type { WorkPacer } from "./work-pacer.js";

/**
 * Lloyd's k-means in squared Euclidean distance, with Hamerly's bounds: each
 * point keeps an upper bound on the distance to its centroid and a lower
 * bound on the distance to any other, both moved by how far centroids drift.
 * A point whose upper bound is below its lower bound keeps its centroid
 * without a search, so later iterations cost a fraction of the first. The
 * result is the same as plain Lloyd's (the bounds only skip work that cannot
 * change an assignment).
 *
 * @internal
 * @module
 */

export interface KMeansOptions {
  /** Number of centroids; 1 ≤ k ≤ points.count. */
  readonly k: number;
  /** Upper bound on Lloyd iterations (LanceDB's maxIterations). */
  readonly maxIterations: number;
  readonly seed: number;
  /**
   * Spherical k-means: centroids are scaled to unit length after each update.
   * For cosine distance, with points that the source already normalised.
   */
  readonly spherical: boolean;
  /** Stop when the centroids' total squared movement falls below tolerance × the data's mean per-dimension variance. */
  readonly tolerance?: number;
  /**
   * Also stop once fewer than this fraction of the points changed centroid in
   * an iteration (default 0: only the tolerance and maxIterations stop it).
   * Late iterations move a handful of boundary points and barely change the
   * centroids; PQ training, which runs one k-means per sub-vector, stops there.
   */
  readonly minChangedFraction?: number;
  readonly pacer: WorkPacer;
  readonly kernel?: DistanceKernel;
  /** k-means++ candidates per centroid (default KMEANS_PLUS_PLUS_OVERSAMPLE; 1 = random initialisation). For measurements. */
  readonly initOversample?: number;
}

export interface KMeansResult {
  /** `k × dims` centroids, in a buffer of their own. */
  readonly centroids: Float32Array;
  readonly iterations: number;
  /** True when training stopped because the centroids stopped moving, not at maxIterations. */
  readonly converged: boolean;
}

/** LanceDB's k-means tolerance. */
export const DEFAULT_TOLERANCE = 1e-4;

/** Share of a training's progress given to initialisation. */
const INIT_PROGRESS = 0.05;

/** Multiply-adds per chunk of full assignments: tens of milliseconds, so the pacer can yield often enough. */
const CHUNK_WORK = 1 << 25;

/** Trains `k` centroids on `points`. */
export async function trainKMeans(points: KMeansPoints, options: KMeansOptions): Promise<KMeansResult> {
  const { k, maxIterations, spherical, pacer, kernel } = options;
  const { count: n, dims } = points;
  if (k < 1 || k > n) throw new RangeError(`k-means: k=${k} needs 1 ≤ k ≤ ${n} points`);
  const random = createSeededRandom(options.seed);
  const initial = await initialiseCentroids(points, k, random, pacer.range(0, INIT_PROGRESS), options.initOversample);
  if (spherical) for (let c = 0; c < k; c++) normaliseAt(initial, c * dims, dims);
  let block = createCentroidBlock(initial, k, dims);
  const iterationPacer = pacer.range(INIT_PROGRESS, 1);

  const assigned = new Uint32Array(n);
  const upper = new Float32Array(n);
  const lower = new Float32Array(n);
  const chunkRows = Math.max(16, Math.min(16384, Math.floor(CHUNK_WORK / Math.max(1, k * dims))));
  const chunk = new Float32Array(chunkRows * dims);
  const searchBuffer = new Float32Array(chunkRows * dims);
  const searchRows = new Uint32Array(chunkRows);
  const found = { nearest: new Uint32Array(chunkRows), nearestDistance: new Float32Array(chunkRows), secondDistance: new Float32Array(chunkRows) };
  const sums = new Float64Array(k * dims);
  const counts = new Float64Array(k);
  const dimSum = new Float64Array(dims);
  const dimSquares = new Float64Array(dims);
  let threshold = 0;
  let iterations = 0;
  let converged = false;
  const minChanged = (options.minChangedFraction ?? 0) * n;

  for (let iteration = 0; iteration < Math.max(1, maxIterations); iteration++) {
    sums.fill(0);
    counts.fill(0);
    const first = iteration === 0;
    let changed = 0;
    for (let start = 0; start < n; start += chunkRows) {
      const rows = Math.min(chunkRows, n - start);
      for (let r = 0; r < rows; r++) points.read(start + r, chunk, r);
      // Points whose bounds no longer prove their assignment get a full search.
      let pending = 0;
      for (let r = 0; r < rows; r++) {
        const i = start + r;
        if (!first) {
          if (upper[i]! <= lower[i]!) continue;
          upper[i] = Math.sqrt(squaredL2At(chunk, r * dims, block.centroids, assigned[i]! * dims, dims));
          if (upper[i]! <= lower[i]!) continue;
        }
        searchRows[pending] = r;
        if (!first) searchBuffer.set(chunk.subarray(r * dims, r * dims + dims), pending * dims);
        pending++;
      }
      if (pending > 0) {
        findNearestCentroids(first ? chunk : searchBuffer, pending, block, found, kernel);
        for (let p = 0; p < pending; p++) {
          const i = start + searchRows[p]!;
          if (!first && assigned[i] !== found.nearest[p]!) changed++;
          assigned[i] = found.nearest[p]!;
          upper[i] = Math.sqrt(found.nearestDistance[p]!);
          lower[i] = Math.sqrt(found.secondDistance[p]!);
        }
      }
      for (let r = 0; r < rows; r++) {
        const c = assigned[start + r]!;
        counts[c]!++;
        for (let j = 0, o = c * dims, p = r * dims; j < dims; j++) sums[o + j] += chunk[p + j]!;
        if (first) {
          for (let j = 0, p = r * dims; j < dims; j++) {
            const v = chunk[p + j]!;
            dimSum[j] += v;
            dimSquares[j] += v * v;
          }
        }
      }
      await iterationPacer.step((iteration + (start + rows) / n) / maxIterations);
    }
    if (first) threshold = (options.tolerance ?? DEFAULT_TOLERANCE) * meanVariance(dimSum, dimSquares, n);

    const next = new Float32Array(k * dims);
    for (let c = 0; c < k; c++) {
      const count = counts[c]!;
      if (count === 0) continue;
      for (let j = 0, o = c * dims; j < dims; j++) next[o + j] = sums[o + j]! / count;
    }
    repairEmptyClusters(points, next, counts, assigned, upper);
    if (spherical) for (let c = 0; c < k; c++) normaliseAt(next, c * dims, dims);

    const drift = new Float64Array(k);
    let shift = 0;
    let maxDrift = 0;
    let secondDrift = 0;
    let maxDriftCentroid = -1;
    for (let c = 0; c < k; c++) {
      const squared = squaredL2At(next, c * dims, block.centroids, c * dims, dims);
      shift += squared;
      const d = Math.sqrt(squared);
      drift[c] = d;
      if (d > maxDrift) (secondDrift = maxDrift), (maxDrift = d), (maxDriftCentroid = c);
      else if (d > secondDrift) secondDrift = d;
    }
    block = createCentroidBlock(next, k, dims);
    iterations++;
    if (shift <= threshold || (!first && changed < minChanged)) {
      converged = true;
      break;
    }
    for (let i = 0; i < n; i++) {
      const c = assigned[i]!;
      upper[i] = upper[i]! + drift[c]!;
      lower[i] = lower[i]! - (c === maxDriftCentroid ? secondDrift : maxDrift);
    }
  }
  await pacer.step(1);
  return { centroids: block.centroids, iterations, converged };
}

function meanVariance(sum: Float64Array, squares: Float64Array, n: number): number {
  let total = 0;
  for (let j = 0; j < sum.length; j++) {
    const mean = sum[j]! / n;
    total += Math.max(0, squares[j]! / n - mean * mean);
  }
  return total / Math.max(1, sum.length);
}

/**
 * A centroid that lost all its points moves onto the point farthest from its
 * own centroid (in a cluster that keeps at least one other point): that point
 * is the worst served, and the next assignment splits its cluster. Without
 * this an index could keep partitions that are always empty.
 */
function repairEmptyClusters(points: KMeansPoints, next: Float32Array, counts: Float64Array, assigned: Uint32Array, upper: Float32Array): void {
  const empty: number[] = [];
  for (let c = 0; c < counts.length; c++) if (counts[c] === 0) empty.push(c);
  if (empty.length === 0) return;
  const order = Array.from({ length: assigned.length }, (_, i) => i).sort((a, b) => upper[b]! - upper[a]! || a - b);
  let e = 0;
  for (const i of order) {
    if (e === empty.length) break;
    const from = assigned[i]!;
    if (counts[from]! <= 1) continue;
    const target = empty[e++]!;
    counts[from]!--;
    counts[target] = 1;
    points.read(i, next, target);
  }
}
