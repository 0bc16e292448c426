import { type DistanceKernel, getDistanceKernel } from "../../../exec/distance-kernel.js";
import { initialiseCentroids } from "./kmeans-init.js";
import type { KMeansPoints } from "./kmeans-points.js";
import { LloydState } from "./lloyd-state.js";
import { createCentroidBlock } from "./nearest-centroids.js";
import { createSeededRandom } from "./seeded-random.js";
import { normaliseAt } from "./vector-math.js";
import type { WorkPacer } from "./work-pacer.js";

/**
 * Lloyd's k-means in squared Euclidean distance (the iterations' state is in
 * lloyd-state.ts), with exact shortcuts:
 *
 * - Hamerly's bounds: each point keeps an upper bound on the distance to its
 *   centroid and lower bounds on the distance to the others, all moved by how
 *   far centroids drift. A point whose upper bound is below its lower bounds
 *   keeps its centroid without a search. The second-nearest centroid has a
 *   bound of its own (moved by its own drift only), the rest share one
 *   (moved by the largest drift): near a cluster boundary the second centroid
 *   is close and the third farther, so the shared bound has room to absorb
 *   the largest drift.
 * - Centroid neighbourhoods (Elkan's lemma): a point at distance u from its
 *   centroid a cannot be nearer to a centroid c with d(a, c) ≥ 2u, so a point
 *   that needs a search only compares the centroids within 2u of a. The points
 *   of a centroid are searched in tiers by u, each tier only as far as its own
 *   largest u. On clustered data in many dimensions that is a small share of
 *   the centroids; in few dimensions (PQ sub-vectors) the ball holds most of
 *   them, so it is used from NATIVE_MIN_DIMS up.
 * - The first assignment, with many centroids, starts each point from a
 *   coarse guess (coarse-guess.ts: about 2√k distances) and then searches the
 *   ball around the guess, instead of comparing all k centroids.
 *
 * None changes an assignment, so each iteration is Lloyd's up to float
 * rounding (cluster sums are updated by the points that move rather than
 * re-added every iteration; the order of those updates, and so the last
 * bits of the centroids, depends on which points are searched). On the
 * 100k × 384 benchmark data (80,896 training rows, 316 centroids, 32–33
 * iterations) they cut the point–centroid distances computed from 115
 * million (a full first pass, one lower bound, one reach per centroid) to
 * 47 million.
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
  /**
   * Stop once an iteration lowers the within-cluster sum of squares by less
   * than this fraction (LanceDB's convergence test, default DEFAULT_TOLERANCE).
   */
  readonly tolerance?: number;
  /**
   * Also stop once fewer than this fraction of the points changed centroid in
   * an iteration (default 0: only a fixpoint, the tolerance and maxIterations
   * stop it). Late iterations move a handful of boundary points and barely
   * change the centroids; PQ training, which runs one k-means per sub-vector,
   * stops there.
   */
  readonly minChangedFraction?: number;
  /**
   * Return every point's nearest centroid among the returned centroids (one
   * more pruned pass after the last update). IVF training asks for it so the
   * sampled rows need no second search when the index assigns its rows.
   */
  readonly returnAssignments?: boolean;
  readonly pacer: WorkPacer;
  readonly kernel?: DistanceKernel;
  /** k-means++ candidates per centroid (default KMEANS_PLUS_PLUS_OVERSAMPLE; 1 = random initialisation). For measurements. */
  readonly initOversample?: number;
}

export interface KMeansResult {
  /** `k × dims` centroids, in a buffer of their own. */
  readonly centroids: Float32Array;
  readonly iterations: number;
  /** True when training stopped by a convergence test, not at maxIterations. */
  readonly converged: boolean;
  /** With returnAssignments: the nearest returned centroid of each point; otherwise null. */
  readonly assignments: Uint32Array | null;
}

/** LanceDB's k-means tolerance: relative change of the loss between iterations. */
export const DEFAULT_TOLERANCE = 1e-4;

/** Share of a training's progress given to initialisation. */
const INIT_PROGRESS = 0.05;

/** Trains `k` centroids on `points`. */
export async function trainKMeans(points: KMeansPoints, options: KMeansOptions): Promise<KMeansResult> {
  const { k, maxIterations, pacer } = options;
  const n = points.count;
  if (k < 1 || k > n) throw new RangeError(`k-means: k=${k} needs 1 ≤ k ≤ ${n} points`);
  const random = createSeededRandom(options.seed);
  const initial = await initialiseCentroids(points, k, random, pacer.range(0, INIT_PROGRESS), options.initOversample);
  return runLloyd(points, initial, Math.max(1, maxIterations), options, pacer.range(INIT_PROGRESS, 1));
}

/** Lloyd's iterations from `initial` (`k × dims`, modified), at most `limit` of them. */
async function runLloyd(points: KMeansPoints, initial: Float32Array, limit: number, options: KMeansOptions, pacer: WorkPacer): Promise<KMeansResult> {
  const { k, spherical } = options;
  const { count: n, dims } = points;
  const kernel = options.kernel ?? getDistanceKernel();
  if (spherical) for (let c = 0; c < k; c++) normaliseAt(initial, c * dims, dims);
  const state = new LloydState(points, k, kernel);
  let block = createCentroidBlock(initial, k, dims);
  // The settling pass (returnAssignments) gets one iteration's share of progress.
  const passes = limit + (options.returnAssignments ? 1 : 0);
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const minChanged = (options.minChangedFraction ?? 0) * n;
  let previousLoss = Infinity;
  let iterations = 0;
  let converged = false;

  for (let iteration = 0; iteration < limit; iteration++) {
    const passPacer = pacer.range(iteration / passes, (iteration + 1) / passes);
    const changed = iteration === 0 ? await state.assignAll(block, passPacer) : await state.reassign(block, passPacer);
    state.repairEmptyClusters();
    const next = state.means();
    // Sum of squares within clusters around their means: Σ‖x‖² − Σ_c count_c ‖mean_c‖².
    const loss = state.loss(next);
    if (spherical) for (let c = 0; c < k; c++) normaliseAt(next, c * dims, dims);
    const shift = state.moveBounds(block, next);
    block = createCentroidBlock(next, k, dims);
    iterations++;
    const settled =
      (iteration > 0 && changed === 0) ||
      shift === 0 ||
      (previousLoss !== Infinity && Math.abs(previousLoss - loss) <= tolerance * previousLoss) ||
      (iteration > 0 && changed < minChanged);
    previousLoss = loss;
    if (settled) {
      converged = true;
      break;
    }
  }
  let assignments: Uint32Array | null = null;
  if (options.returnAssignments) {
    await state.reassign(block, pacer.range(limit / passes, 1));
    assignments = state.assigned;
  }
  await pacer.step(1);
  return { centroids: block.centroids, iterations, converged, assignments };
}
