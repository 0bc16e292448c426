import { type DistanceKernel, getDistanceKernel } from "../../../exec/distance-kernel.js";
import { initialiseCentroids } from "./kmeans-init.js";
import type { KMeansPoints } from "./kmeans-points.js";
import { type CentroidBlock, createCentroidBlock, findNearestCentroids, NATIVE_MIN_DIMS } from "./nearest-centroids.js";
import { createSeededRandom } from "./seeded-random.js";
import { normaliseAt, squaredL2At } from "./vector-math.js";
import type { WorkPacer } from "./work-pacer.js";

/**
 * Lloyd's k-means in squared Euclidean distance, with two exact shortcuts:
 *
 * - Hamerly's bounds: each point keeps an upper bound on the distance to its
 *   centroid and a lower bound on the distance to any other, both moved by how
 *   far centroids drift. A point whose upper bound is below its lower bound
 *   keeps its centroid without a search.
 * - Centroid neighbourhoods (Elkan's lemma): a point at distance u from its
 *   centroid a cannot be nearer to a centroid c with d(a, c) ≥ 2u, so a point
 *   that needs a search only compares the centroids within 2u of a. On
 *   clustered data in many dimensions that is a small share of them, which
 *   is what makes later iterations cheap (100k × 384 benchmark data: 50
 *   iterations cost about as much as 36); in few dimensions (PQ sub-vectors)
 *   the ball holds most centroids, so it is used from NATIVE_MIN_DIMS up.
 *
 * Neither changes an assignment, so the result is plain Lloyd's up to float
 * rounding (cluster sums are updated by the points that move rather than
 * re-added every iteration).
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

/** Multiply-adds per batch of searches: tens of milliseconds, so the pacer can yield often enough. */
const CHUNK_WORK = 1 << 25;

/** Rows per batch of searches at most (bounds the batch buffer: 4096 × 384 floats = 6 MB). */
const MAX_BATCH_ROWS = 4096;

/** Points checked against their bounds between two pacer steps. */
const BOUND_ROWS_PER_STEP = 8192;

/**
 * A neighbourhood holding more than this share of the centroids is searched
 * as the whole block: gathering a candidate block would cost more than it saves.
 */
const PRUNE_MAX_SHARE = 0.5;

/** Trains `k` centroids on `points`. */
export async function trainKMeans(points: KMeansPoints, options: KMeansOptions): Promise<KMeansResult> {
  const { k, maxIterations, spherical, pacer } = options;
  const kernel = options.kernel ?? getDistanceKernel();
  const { count: n, dims } = points;
  if (k < 1 || k > n) throw new RangeError(`k-means: k=${k} needs 1 ≤ k ≤ ${n} points`);
  const random = createSeededRandom(options.seed);
  const initial = await initialiseCentroids(points, k, random, pacer.range(0, INIT_PROGRESS), options.initOversample);
  if (spherical) for (let c = 0; c < k; c++) normaliseAt(initial, c * dims, dims);
  const state = new LloydState(points, k, kernel);
  let block = createCentroidBlock(initial, k, dims);
  const limit = Math.max(1, maxIterations);
  // The settling pass (returnAssignments) gets one iteration's share of progress.
  const passes = limit + (options.returnAssignments ? 1 : 0);
  const iterationPacer = pacer.range(INIT_PROGRESS, 1);
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const minChanged = (options.minChangedFraction ?? 0) * n;
  let previousLoss = Infinity;
  let iterations = 0;
  let converged = false;

  for (let iteration = 0; iteration < limit; iteration++) {
    const passPacer = iterationPacer.range(iteration / passes, (iteration + 1) / passes);
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
    await state.reassign(block, iterationPacer.range(limit / passes, 1));
    assignments = state.assigned;
  }
  await pacer.step(1);
  return { centroids: block.centroids, iterations, converged, assignments };
}

/** For each centroid, the others by ascending distance: row a of `order`/`distance` (k entries each). */
interface Neighbourhoods {
  readonly order: Uint32Array;
  /** Euclidean (not squared) distances, ascending within a row. */
  readonly distance: Float32Array;
}

/** The assignment state of one k-means run, kept across iterations. */
class LloydState {
  readonly points: KMeansPoints;
  readonly k: number;
  readonly dims: number;
  readonly kernel: DistanceKernel;
  readonly assigned: Uint32Array;
  /** Upper bound on each point's distance to its centroid (exact right after a search). */
  readonly upper: Float32Array;
  /** Lower bound on each point's distance to every other centroid. */
  readonly lower: Float32Array;
  /** Per-cluster sums of their points, kept up to date as points move. */
  readonly sums: Float64Array;
  readonly counts: Float64Array;
  /** Σ‖x‖² over all points (for the loss). */
  totalSquares = 0;
  /** A batch of points handed to the search, starting at byte 0 (the native kernel's requirement). */
  #batch: Float32Array;
  readonly #row: Float32Array;
  readonly #found: { nearest: Uint32Array; nearestDistance: Float32Array; secondDistance: Float32Array };

  constructor(points: KMeansPoints, k: number, kernel: DistanceKernel) {
    const n = points.count;
    this.points = points;
    this.k = k;
    this.dims = points.dims;
    this.kernel = kernel;
    this.assigned = new Uint32Array(n);
    this.upper = new Float32Array(n);
    this.lower = new Float32Array(n);
    this.sums = new Float64Array(k * points.dims);
    this.counts = new Float64Array(k);
    this.#batch = new Float32Array(0);
    this.#row = new Float32Array(points.dims);
    const rows = Math.min(MAX_BATCH_ROWS, n);
    this.#found = { nearest: new Uint32Array(rows), nearestDistance: new Float32Array(rows), secondDistance: new Float32Array(rows) };
  }

  /** Rows per search batch against `centroids` centroids. */
  #batchRows(centroids: number): number {
    return Math.max(16, Math.min(MAX_BATCH_ROWS, Math.floor(CHUNK_WORK / Math.max(1, centroids * this.dims))));
  }

  #batchBuffer(rows: number): Float32Array {
    if (this.#batch.length < rows * this.dims) this.#batch = new Float32Array(rows * this.dims);
    return this.#batch;
  }

  /** First iteration: every point searched against every centroid; sums and bounds start here. */
  async assignAll(block: CentroidBlock, pacer: WorkPacer): Promise<number> {
    const { points, dims, assigned, upper, lower, sums, counts } = this;
    const n = points.count;
    const batchRows = this.#batchRows(block.count);
    const batch = this.#batchBuffer(batchRows);
    const found = this.#found;
    let squares = 0;
    for (let start = 0; start < n; start += batchRows) {
      const rows = Math.min(batchRows, n - start);
      for (let r = 0; r < rows; r++) points.read(start + r, batch, r);
      findNearestCentroids(batch, rows, block, found, this.kernel);
      for (let r = 0; r < rows; r++) {
        const i = start + r;
        const c = found.nearest[r]!;
        assigned[i] = c;
        upper[i] = Math.sqrt(found.nearestDistance[r]!);
        lower[i] = Math.sqrt(found.secondDistance[r]!);
        counts[c]!++;
        for (let j = 0, o = c * dims, p = r * dims; j < dims; j++) {
          const v = batch[p + j]!;
          sums[o + j] += v;
          squares += v * v;
        }
      }
      await pacer.step((start + rows) / n);
    }
    this.totalSquares = squares;
    return n;
  }

  /**
   * A later iteration: points whose bounds no longer prove their centroid are
   * searched, each among the centroids near its current one. Returns how many
   * points changed centroid.
   */
  async reassign(block: CentroidBlock, pacer: WorkPacer): Promise<number> {
    const { points, dims, assigned, upper, lower, k } = this;
    const n = points.count;
    const row = this.#row;
    // 1. Bounds: tighten the upper bound to the exact distance where it is not enough.
    const pending: number[] = [];
    for (let i = 0; i < n; i++) {
      if (upper[i]! > lower[i]!) {
        points.read(i, row, 0);
        const u = Math.sqrt(squaredL2At(row, 0, block.centroids, assigned[i]! * dims, dims));
        upper[i] = u;
        if (u > lower[i]!) pending.push(i);
      }
      if ((i + 1) % BOUND_ROWS_PER_STEP === 0) await pacer.step((0.1 * (i + 1)) / n);
    }
    if (pending.length === 0) return 0;
    // 2. Group the pending points by centroid (stable, so the order is deterministic).
    const groupStart = new Uint32Array(k + 1);
    for (const i of pending) groupStart[assigned[i]! + 1]!++;
    for (let c = 0; c < k; c++) groupStart[c + 1] = groupStart[c + 1]! + groupStart[c]!;
    const fill = groupStart.slice(0, k);
    const grouped = new Uint32Array(pending.length);
    for (const i of pending) grouped[fill[assigned[i]!]!++] = i;
    const neighbours = k > 2 && dims >= NATIVE_MIN_DIMS ? centroidNeighbourhoods(block, this.kernel) : null;
    // 3. Search each group among its centroid's neighbourhood.
    let changed = 0;
    let done = 0;
    for (let a = 0; a < k; a++) {
      const from = groupStart[a]!;
      const to = groupStart[a + 1]!;
      if (from === to) continue;
      let reach = 0;
      for (let g = from; g < to; g++) reach = Math.max(reach, upper[grouped[g]!]!);
      const candidates = neighbours ? neighbourhood(neighbours, block, a, reach) : null;
      const searched = candidates?.block ?? block;
      const batchRows = this.#batchRows(searched.count);
      const batch = this.#batchBuffer(batchRows);
      for (let start = from; start < to; start += batchRows) {
        const rows = Math.min(batchRows, to - start);
        for (let r = 0; r < rows; r++) points.read(grouped[start + r]!, batch, r);
        findNearestCentroids(batch, rows, searched, this.#found, this.kernel);
        changed += this.#record(grouped, start, rows, batch, candidates);
        done += rows;
        await pacer.step(0.1 + (0.9 * done) / pending.length);
      }
    }
    return changed;
  }

  /** Stores the search results of `rows` grouped points; moves the ones that changed centroid between sums. */
  #record(grouped: Uint32Array, start: number, rows: number, batch: Float32Array, candidates: Neighbourhood | null): number {
    const { dims, assigned, upper, lower, sums, counts } = this;
    const found = this.#found;
    let changed = 0;
    for (let r = 0; r < rows; r++) {
      const i = grouped[start + r]!;
      const old = assigned[i]!;
      const c = candidates ? candidates.ids[found.nearest[r]!]! : found.nearest[r]!;
      let second = Math.sqrt(found.secondDistance[r]!);
      // A centroid outside the neighbourhood is at least (its distance from `old`) − u away.
      if (candidates) second = Math.min(second, candidates.outside - upper[i]!);
      upper[i] = Math.sqrt(found.nearestDistance[r]!);
      lower[i] = second;
      if (c === old) continue;
      changed++;
      assigned[i] = c;
      counts[old]!--;
      counts[c]!++;
      for (let j = 0, p = r * dims, o = old * dims, q = c * dims; j < dims; j++) {
        const v = batch[p + j]!;
        sums[o + j] -= v;
        sums[q + j] += v;
      }
    }
    return changed;
  }

  /**
   * A centroid that lost all its points takes the point farthest from its own
   * centroid (in a cluster that keeps at least one other point): that point
   * is the worst served, and the next assignment splits its cluster. Without
   * this an index could keep partitions that are always empty.
   */
  repairEmptyClusters(): void {
    const { counts, assigned, upper, lower, sums, dims, points } = this;
    const empty: number[] = [];
    for (let c = 0; c < counts.length; c++) if (counts[c] === 0) empty.push(c);
    if (empty.length === 0) return;
    const order = Array.from({ length: assigned.length }, (_, i) => i).sort((a, b) => upper[b]! - upper[a]! || a - b);
    const row = this.#row;
    let e = 0;
    for (const i of order) {
      if (e === empty.length) break;
      const from = assigned[i]!;
      if (counts[from]! <= 1) continue;
      const target = empty[e++]!;
      points.read(i, row, 0);
      for (let j = 0; j < dims; j++) {
        sums[from * dims + j] -= row[j]!;
        sums[target * dims + j] = row[j]!;
      }
      counts[from]!--;
      counts[target] = 1;
      assigned[i] = target;
      // The point is its new centroid: distance 0, and nothing is known about the others.
      upper[i] = 0;
      lower[i] = 0;
    }
  }

  /** The clusters' means (a cluster left empty keeps zeros: only possible when k exceeds the distinct points). */
  means(): Float32Array {
    const { k, dims, sums, counts } = this;
    const next = new Float32Array(k * dims);
    for (let c = 0; c < k; c++) {
      const count = counts[c]!;
      if (count === 0) continue;
      for (let j = 0, o = c * dims; j < dims; j++) next[o + j] = sums[o + j]! / count;
    }
    return next;
  }

  loss(means: Float32Array): number {
    const { k, dims, counts } = this;
    let explained = 0;
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0, o = c * dims; j < dims; j++) s += means[o + j]! * means[o + j]!;
      explained += counts[c]! * s;
    }
    return Math.max(0, this.totalSquares - explained);
  }

  /** Moves every point's bounds by how far the centroids moved; returns the total squared movement. */
  moveBounds(old: CentroidBlock, next: Float32Array): number {
    const { k, dims, assigned, upper, lower } = this;
    const drift = new Float64Array(k);
    let shift = 0;
    let maxDrift = 0;
    let secondDrift = 0;
    let maxDriftCentroid = -1;
    for (let c = 0; c < k; c++) {
      const squared = squaredL2At(next, c * dims, old.centroids, c * dims, dims);
      shift += squared;
      const d = Math.sqrt(squared);
      drift[c] = d;
      if (d > maxDrift) (secondDrift = maxDrift), (maxDrift = d), (maxDriftCentroid = c);
      else if (d > secondDrift) secondDrift = d;
    }
    for (let i = 0; i < assigned.length; i++) {
      const c = assigned[i]!;
      upper[i] = upper[i]! + drift[c]!;
      lower[i] = lower[i]! - (c === maxDriftCentroid ? secondDrift : maxDrift);
    }
    return shift;
  }
}

/** Distances between all centroids, each row sorted: one native call of k × k × dims multiply-adds. */
function centroidNeighbourhoods(block: CentroidBlock, kernel: DistanceKernel): Neighbourhoods {
  const { centroids, count, dims } = block;
  const found = kernel.search({ dataset: centroids, rows: count, dims, queries: centroids, queryCount: count, count, metric: "l2" });
  const distance = new Float32Array(count * count);
  for (let i = 0; i < distance.length; i++) distance[i] = Math.sqrt(Math.max(0, found.distances[i]!));
  return { order: found.rows, distance };
}

/** The centroids a group of points around centroid `a` must compare, for the group's largest upper bound `reach`. */
interface Neighbourhood {
  readonly block: CentroidBlock;
  /** Centroid id of each row of `block`. */
  readonly ids: Uint32Array;
  /** Distance from `a` of the nearest centroid left out (Infinity when none is). */
  readonly outside: number;
}

/** Relative slack on the cut-off: float32 distances from the kernel may be off by a few ulps. */
const CUTOFF_SLACK = 1e-5;

function neighbourhood(neighbours: Neighbourhoods, block: CentroidBlock, a: number, reach: number): Neighbourhood | null {
  const { count: k, dims } = block;
  const base = a * k;
  const cutoff = 2 * reach * (1 + CUTOFF_SLACK);
  // Binary search: the first neighbour at or beyond the cut-off.
  let lo = 0;
  let hi = k;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (neighbours.distance[base + mid]! < cutoff) lo = mid + 1;
    else hi = mid;
  }
  let m = lo;
  if (m > k * PRUNE_MAX_SHARE) return null;
  // The kernel's order of exact ties is unspecified: `a` itself must be in the block.
  let hasSelf = false;
  for (let r = 0; r < m; r++) if (neighbours.order[base + r] === a) hasSelf = true;
  const ids = new Uint32Array(hasSelf ? m : m + 1);
  ids.set(neighbours.order.subarray(base, base + m));
  if (!hasSelf) ids[m++] = a;
  const centroids = new Float32Array(m * dims);
  const norms = new Float32Array(m);
  for (let r = 0; r < m; r++) {
    const c = ids[r]!;
    centroids.set(block.centroids.subarray(c * dims, c * dims + dims), r * dims);
    norms[r] = block.norms[c]!;
  }
  const outside = lo < k ? neighbours.distance[base + lo]! * (1 - CUTOFF_SLACK) : Infinity;
  return { block: { centroids, count: m, dims, norms }, ids, outside };
}
