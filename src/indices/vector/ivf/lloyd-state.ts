import type { DistanceKernel } from "../../../exec/distance-kernel.js";
import type { KMeansPoints } from "./kmeans-points.js";
import { GuessScratch, groupCentroids, guessNearest } from "./coarse-guess.js";
import { type CentroidBlock, findNearestCentroids, NATIVE_MIN_DIMS } from "./nearest-centroids.js";
import { squaredL2At } from "./vector-math.js";
import type { WorkPacer } from "./work-pacer.js";

/**
 * One run of Lloyd's k-means iterations in squared Euclidean distance (see
 * kmeans.ts for the exact shortcuts it takes: bounds, centroid
 * neighbourhoods searched in tiers, a coarse first guess): the assignment of
 * every point, its bounds and the cluster sums, kept across iterations.
 *
 * @internal
 * @module
 */

/** Multiply-adds per batch of searches: tens of milliseconds, so the pacer can yield often enough. */
const CHUNK_WORK = 1 << 25;

/** Rows per batch of searches at most (bounds the batch buffer: 4096 × 384 floats = 6 MB). */
const MAX_BATCH_ROWS = 4096;

/**
 * From this many centroids the first assignment starts from a coarse guess
 * (√k leaders, then a group: about 2√k distances) instead of comparing all k.
 */
const GUESS_MIN_CENTROIDS = 64;

/** Share of the first assignment's progress given to the guesses. */
const GUESS_PROGRESS = 0.3;

/**
 * Points per reach tier: a centroid's pending points are searched nearest
 * first, this many at a time, each tier against the centroids within twice
 * its own largest bound. On the 100k × 384 benchmark data the iterations
 * after the first compared 52 million point–centroid pairs instead of 90
 * million with one reach per centroid (the group's largest bound).
 */
const REACH_TIER_ROWS = 32;

/** Points checked against their bounds between two pacer steps. */
const BOUND_ROWS_PER_STEP = 8192;

/**
 * A neighbourhood holding more than this share of the centroids is searched
 * as the whole block: gathering a candidate block would cost more than it saves.
 */
const PRUNE_MAX_SHARE = 0.5;

/** For each centroid, the others by ascending distance: row a of `order`/`distance` (k entries each). */
interface Neighbourhoods {
  readonly order: Uint32Array;
  /** Euclidean (not squared) distances, ascending within a row. */
  readonly distance: Float32Array;
}

/** The assignment state of one k-means run, kept across iterations. */
export class LloydState {
  readonly points: KMeansPoints;
  readonly k: number;
  readonly dims: number;
  readonly kernel: DistanceKernel;
  readonly assigned: Uint32Array;
  /** Upper bound on each point's distance to its centroid (exact right after a search). */
  readonly upper: Float32Array;
  /** Lower bound on each point's distance to every other centroid. */
  readonly lower: Float32Array;
  /**
   * The second-nearest centroid found by the last search (−1: none known) and
   * a lower bound on the distance to it alone; `lower` then bounds every
   * centroid but the two. Near a boundary the second centroid is close and
   * the third farther: `lower` can absorb the largest drift of any centroid
   * while the close one only moves by its own drift, so fewer points need a
   * search than with one bound.
   */
  readonly secondId: Int32Array;
  readonly secondLower: Float32Array;
  /** Per-cluster sums of their points, kept up to date as points move. */
  readonly sums: Float64Array;
  readonly counts: Float64Array;
  /** Σ‖x‖² over all points (for the loss). */
  totalSquares = 0;
  /** A batch of points handed to the search, starting at byte 0 (the native kernel's requirement). */
  #batch: Float32Array;
  readonly #row: Float32Array;
  readonly #found: { nearest: Uint32Array; nearestDistance: Float32Array; secondDistance: Float32Array; secondIndex: Int32Array; thirdDistance: Float32Array };

  constructor(points: KMeansPoints, k: number, kernel: DistanceKernel) {
    const n = points.count;
    this.points = points;
    this.k = k;
    this.dims = points.dims;
    this.kernel = kernel;
    this.assigned = new Uint32Array(n);
    this.upper = new Float32Array(n);
    this.lower = new Float32Array(n);
    this.secondId = new Int32Array(n).fill(-1);
    this.secondLower = new Float32Array(n);
    this.sums = new Float64Array(k * points.dims);
    this.counts = new Float64Array(k);
    this.#batch = new Float32Array(0);
    this.#row = new Float32Array(points.dims);
    const rows = Math.min(MAX_BATCH_ROWS, n);
    this.#found = {
      nearest: new Uint32Array(rows),
      nearestDistance: new Float32Array(rows),
      secondDistance: new Float32Array(rows),
      secondIndex: new Int32Array(rows),
      thirdDistance: new Float32Array(rows),
    };
  }

  /** Rows per search batch against `centroids` centroids. */
  #batchRows(centroids: number): number {
    return Math.max(16, Math.min(MAX_BATCH_ROWS, Math.floor(CHUNK_WORK / Math.max(1, centroids * this.dims))));
  }

  #batchBuffer(rows: number): Float32Array {
    if (this.#batch.length < rows * this.dims) this.#batch = new Float32Array(rows * this.dims);
    return this.#batch;
  }

  /**
   * First iteration: every point's nearest centroid; sums and bounds start
   * here. With many centroids in many dimensions each point starts from a
   * coarse guess (coarse-guess.ts) and the exact search of {@link reassign}
   * compares only the centroids near it; otherwise every point is compared
   * with every centroid.
   */
  async assignAll(block: CentroidBlock, pacer: WorkPacer): Promise<number> {
    if (block.count < GUESS_MIN_CENTROIDS || this.dims < NATIVE_MIN_DIMS) return this.#searchAll(block, pacer);
    const { points, dims, assigned, upper, lower, sums, counts } = this;
    const n = points.count;
    const groups = groupCentroids(block, this.kernel);
    const batchRows = MAX_BATCH_ROWS;
    const batch = this.#batchBuffer(batchRows);
    const guess = new Uint32Array(batchRows);
    const distance = new Float32Array(batchRows);
    const scratch = new GuessScratch();
    const guessPacer = pacer.range(0, GUESS_PROGRESS);
    let squares = 0;
    for (let start = 0; start < n; start += batchRows) {
      const rows = Math.min(batchRows, n - start);
      for (let r = 0; r < rows; r++) points.read(start + r, batch, r);
      guessNearest(batch, rows, groups, guess, distance, scratch, this.kernel);
      for (let r = 0; r < rows; r++) {
        const i = start + r;
        const c = guess[r]!;
        assigned[i] = c;
        upper[i] = Math.sqrt(distance[r]!);
        // Nothing is known of the other centroids: the search below must look.
        lower[i] = 0;
        this.secondLower[i] = 0;
        this.secondId[i] = -1;
        counts[c]!++;
        for (let j = 0, o = c * dims, p = r * dims; j < dims; j++) {
          const v = batch[p + j]!;
          sums[o + j] += v;
          squares += v * v;
        }
      }
      await guessPacer.step((start + rows) / n);
    }
    this.totalSquares = squares;
    await this.reassign(block, pacer.range(GUESS_PROGRESS, 1));
    return n;
  }

  /** {@link assignAll} by comparing every point with every centroid. */
  async #searchAll(block: CentroidBlock, pacer: WorkPacer): Promise<number> {
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
        const b = found.secondIndex[r]!;
        this.secondId[i] = b;
        this.secondLower[i] = Math.sqrt(found.secondDistance[r]!);
        lower[i] = Math.sqrt(b < 0 ? found.secondDistance[r]! : found.thirdDistance[r]!);
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
    const { points, dims, assigned, upper, lower, secondLower, k } = this;
    const n = points.count;
    const row = this.#row;
    // 1. Bounds: tighten the upper bound to the exact distance where it is not enough.
    const pending: number[] = [];
    for (let i = 0; i < n; i++) {
      if (upper[i]! > Math.min(lower[i]!, secondLower[i]!)) {
        const offset = assigned[i]! * dims;
        let squared: number;
        if (points.squaredDistance) squared = points.squaredDistance(i, block.centroids, offset);
        else {
          points.read(i, row, 0);
          squared = squaredL2At(row, 0, block.centroids, offset, dims);
        }
        const u = Math.sqrt(squared);
        upper[i] = u;
        if (u > Math.min(lower[i]!, secondLower[i]!)) pending.push(i);
      }
      if ((i + 1) % BOUND_ROWS_PER_STEP === 0) await pacer.step((0.1 * (i + 1)) / n);
    }
    // 2. Group the pending points by centroid (stable, so the order is deterministic).
    const groupStart = new Uint32Array(k + 1);
    for (const i of pending) groupStart[assigned[i]! + 1]!++;
    for (let c = 0; c < k; c++) groupStart[c + 1] = groupStart[c + 1]! + groupStart[c]!;
    const fill = groupStart.slice(0, k);
    const grouped = new Uint32Array(pending.length);
    for (const i of pending) grouped[fill[assigned[i]!]!++] = i;
    const neighbours = k > 2 && dims >= NATIVE_MIN_DIMS ? centroidNeighbourhoods(block, this.kernel) : null;
    // 3. Search each group among its centroid's neighbourhood, nearest points first: a tier
    //    of points reaches only as far as its own largest bound, not the group's.
    let changed = 0;
    let done = 0;
    for (let a = 0; a < k; a++) {
      const from = groupStart[a]!;
      const to = groupStart[a + 1]!;
      if (from === to) continue;
      if (neighbours) grouped.subarray(from, to).sort((x, y) => upper[x]! - upper[y]! || x - y);
      // The group's widest neighbourhood, built once: each tier searches a prefix of it.
      const widest = neighbours ? neighbourhood(neighbours, block, a, upper[grouped[to - 1]!]!) : null;
      for (let tier = from; tier < to; tier += widest ? REACH_TIER_ROWS : to - from) {
        const tierEnd = widest ? Math.min(to, tier + REACH_TIER_ROWS) : to;
        const candidates = widest ? nearestPart(widest, upper[grouped[tierEnd - 1]!]!, k) : null;
        const searched = candidates?.block ?? block;
        const batchRows = this.#batchRows(searched.count);
        const batch = this.#batchBuffer(batchRows);
        for (let start = tier; start < tierEnd; start += batchRows) {
          const rows = Math.min(batchRows, tierEnd - start);
          for (let r = 0; r < rows; r++) points.read(grouped[start + r]!, batch, r);
          findNearestCentroids(batch, rows, searched, this.#found, this.kernel);
          changed += this.#record(grouped, start, rows, batch, candidates);
          done += rows;
          await pacer.step(0.1 + (0.9 * done) / pending.length);
        }
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
      const b = found.secondIndex[r]!;
      const second = Math.sqrt(found.secondDistance[r]!);
      // Every centroid but the nearest two is at least the third distance away, and one
      // outside the neighbourhood at least (its distance from `old`) − u.
      let rest = b < 0 ? second : Math.sqrt(found.thirdDistance[r]!);
      if (candidates) rest = Math.min(rest, candidates.outside - upper[i]!);
      upper[i] = Math.sqrt(found.nearestDistance[r]!);
      lower[i] = rest;
      // The second centroid's own distance is exact (a search with one centroid finds none: −1).
      this.secondId[i] = b < 0 ? -1 : candidates ? candidates.ids[b]! : b;
      this.secondLower[i] = b < 0 ? rest : second;
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
      this.secondLower[i] = 0;
      this.secondId[i] = -1;
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
    const { secondId, secondLower } = this;
    for (let i = 0; i < assigned.length; i++) {
      const c = assigned[i]!;
      upper[i] = upper[i]! + drift[c]!;
      lower[i] = lower[i]! - (c === maxDriftCentroid ? secondDrift : maxDrift);
      const b = secondId[i]!;
      secondLower[i] = b < 0 ? lower[i]! : secondLower[i]! - drift[b]!;
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

/** Centroids around centroid `a`, nearest first, `a` itself in row 0. */
interface Neighbourhood {
  readonly block: CentroidBlock;
  /** Centroid id of each row of `block`. */
  readonly ids: Uint32Array;
  /** Distance from `a` of each row of `block` (ascending). */
  readonly distance: Float32Array;
  /** Distance from `a` of the nearest centroid left out (Infinity when none is). */
  readonly outside: number;
}

/** Relative slack on the cut-off: float32 distances from the kernel may be off by a few ulps. */
const CUTOFF_SLACK = 1e-5;

/** The centroids that points around centroid `a` with distances up to `reach` from it must compare. */
function neighbourhood(neighbours: Neighbourhoods, block: CentroidBlock, a: number, reach: number): Neighbourhood {
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
  // `a` goes first (the kernel's order of exact ties is unspecified), the others keep their order.
  let hasSelf = false;
  for (let r = 0; r < lo; r++) if (neighbours.order[base + r] === a) hasSelf = true;
  const m = hasSelf ? lo : lo + 1;
  const ids = new Uint32Array(m);
  const distance = new Float32Array(m);
  ids[0] = a;
  for (let r = 0, w = 1; r < lo; r++) {
    const c = neighbours.order[base + r]!;
    if (c === a) continue;
    ids[w] = c;
    distance[w++] = neighbours.distance[base + r]!;
  }
  const centroids = new Float32Array(m * dims);
  const norms = new Float32Array(m);
  for (let r = 0; r < m; r++) {
    const c = ids[r]!;
    centroids.set(block.centroids.subarray(c * dims, c * dims + dims), r * dims);
    norms[r] = block.norms[c]!;
  }
  const outside = lo < k ? neighbours.distance[base + lo]! * (1 - CUTOFF_SLACK) : Infinity;
  return { block: { centroids, count: m, dims, norms }, ids, distance, outside };
}

/**
 * The first rows of `widest` that points with distances up to `reach` from
 * its centroid must compare (a view, at byte 0 as the kernel needs); null
 * when that is more than PRUNE_MAX_SHARE of all `k` centroids.
 */
function nearestPart(widest: Neighbourhood, reach: number, k: number): Neighbourhood | null {
  const cutoff = 2 * reach * (1 + CUTOFF_SLACK);
  let lo = 1;
  let hi = widest.block.count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (widest.distance[mid]! < cutoff) lo = mid + 1;
    else hi = mid;
  }
  if (lo > k * PRUNE_MAX_SHARE) return null;
  if (lo === widest.block.count) return widest;
  const { centroids, dims, norms } = widest.block;
  return {
    block: { centroids: new Float32Array(centroids.buffer, 0, lo * dims), count: lo, dims, norms: norms.subarray(0, lo) },
    ids: widest.ids,
    distance: widest.distance,
    outside: widest.distance[lo]! * (1 - CUTOFF_SLACK),
  };
}

/**
 * The nearest of `block`'s centroids for each of `points`: exact, searched
 * as the first k-means iteration searches (from a coarse guess when there
 * are many centroids).
 */
export async function nearestCentroidOfEach(points: KMeansPoints, block: CentroidBlock, kernel: DistanceKernel, pacer: WorkPacer): Promise<Uint32Array> {
  const state = new LloydState(points, block.count, kernel);
  if (points.count > 0) await state.assignAll(block, pacer);
  return state.assigned;
}
