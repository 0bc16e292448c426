import type { DistanceKernel } from "../../../exec/distance-kernel.js";
import { type CentroidBlock, createCentroidBlock, findNearestCentroids } from "./nearest-centroids.js";
import { squaredL2At } from "./vector-math.js";

/**
 * A cheap first guess at each point's nearest centroid, for the exact search
 * that follows (lloyd-state.ts): a point at distance u from its guess only
 * compares the centroids within 2u of it, so a guess that is the nearest
 * centroid or close to it turns a search of all k centroids into one of a
 * few dozen.
 *
 * The guess is two-level: the centroids are grouped around √k of them
 * (chosen farthest-first, so they spread over the data), a point picks the
 * nearest of those √k, then the nearest centroid of that group: about 2√k
 * distances instead of k. When the true nearest centroid sits in another
 * group the guess is farther, and the exact search only compares more.
 *
 * @internal
 * @module
 */

/** The centroids grouped around representatives. */
export interface CentroidGroups {
  /** The representatives (themselves centroids), one per group. */
  readonly leaders: CentroidBlock;
  /** Each group's centroids, as a block of their own. */
  readonly members: readonly CentroidBlock[];
  /** Centroid id of each row of `members[g]`. */
  readonly memberIds: readonly Uint32Array[];
}

/** Groups `block`'s centroids around √k leaders picked farthest-first from centroid 0 (deterministic). */
export function groupCentroids(block: CentroidBlock, kernel: DistanceKernel): CentroidGroups {
  const { centroids, count: k, dims } = block;
  const groups = Math.max(1, Math.min(k, Math.round(Math.sqrt(k))));
  const leaderIds = new Uint32Array(groups);
  const nearest = new Float64Array(k).fill(Infinity);
  let pick = 0;
  for (let g = 0; g < groups; g++) {
    leaderIds[g] = pick;
    let farthest = -1;
    for (let c = 0; c < k; c++) {
      const d = squaredL2At(centroids, c * dims, centroids, pick * dims, dims);
      if (d < nearest[c]!) nearest[c] = d;
      if (farthest < 0 || nearest[c]! > nearest[farthest]!) farthest = c;
    }
    pick = farthest;
  }
  const leaderValues = new Float32Array(groups * dims);
  for (let g = 0; g < groups; g++) leaderValues.set(centroids.subarray(leaderIds[g]! * dims, leaderIds[g]! * dims + dims), g * dims);
  const leaders = createCentroidBlock(leaderValues, groups, dims);
  const found = { nearest: new Uint32Array(k), nearestDistance: new Float32Array(k), secondDistance: null };
  findNearestCentroids(block.centroids, k, leaders, found, kernel);
  // A leader is its own group's member even when a duplicate centroid ties with it.
  for (let g = 0; g < groups; g++) found.nearest[leaderIds[g]!] = g;
  const sizes = new Uint32Array(groups);
  for (let c = 0; c < k; c++) sizes[found.nearest[c]!]!++;
  const memberIds = Array.from({ length: groups }, (_, g) => new Uint32Array(sizes[g]!));
  const fill = new Uint32Array(groups);
  for (let c = 0; c < k; c++) {
    const g = found.nearest[c]!;
    memberIds[g]![fill[g]!++] = c;
  }
  const members = memberIds.map((ids) => {
    const values = new Float32Array(ids.length * dims);
    for (let r = 0; r < ids.length; r++) values.set(centroids.subarray(ids[r]! * dims, ids[r]! * dims + dims), r * dims);
    return createCentroidBlock(values, ids.length, dims);
  });
  return { leaders, members, memberIds };
}

/** Scratch space of {@link guessNearest}, reused across calls. */
export class GuessScratch {
  #values = new Float32Array(0);
  #rows = new Uint32Array(0);
  #found = { nearest: new Uint32Array(0), nearestDistance: new Float32Array(0), secondDistance: null };

  /** A buffer of at least `rows × dims` values, starting at byte 0. */
  values(rows: number, dims: number): Float32Array {
    if (this.#values.length < rows * dims) this.#values = new Float32Array(rows * dims);
    return this.#values;
  }

  rows(count: number): Uint32Array {
    if (this.#rows.length < count) this.#rows = new Uint32Array(count);
    return this.#rows;
  }

  found(count: number): { nearest: Uint32Array; nearestDistance: Float32Array; secondDistance: null } {
    if (this.#found.nearest.length < count) this.#found = { nearest: new Uint32Array(count), nearestDistance: new Float32Array(count), secondDistance: null };
    return this.#found;
  }
}

/**
 * For `count` points in `batch` (from index 0, at byte 0 of its buffer): the
 * guessed centroid in `guess` and the squared distance to it in `distance`.
 */
export function guessNearest(
  batch: Float32Array,
  count: number,
  groups: CentroidGroups,
  guess: Uint32Array,
  distance: Float32Array,
  scratch: GuessScratch,
  kernel: DistanceKernel,
): void {
  const dims = groups.leaders.dims;
  const found = scratch.found(count);
  findNearestCentroids(batch, count, groups.leaders, found, kernel);
  // Bucket the points by leader (counting sort, stable).
  const leaderCount = groups.leaders.count;
  const start = new Uint32Array(leaderCount + 1);
  for (let r = 0; r < count; r++) start[found.nearest[r]! + 1]!++;
  for (let g = 0; g < leaderCount; g++) start[g + 1] = start[g + 1]! + start[g]!;
  const order = scratch.rows(count);
  const fill = start.slice(0, leaderCount);
  for (let r = 0; r < count; r++) order[fill[found.nearest[r]!]!++] = r;
  for (let g = 0; g < leaderCount; g++) {
    const from = start[g]!;
    const size = start[g + 1]! - from;
    if (size === 0) continue;
    const members = groups.members[g]!;
    const ids = groups.memberIds[g]!;
    // Copied out before the next search overwrites `found`.
    const rows = order.slice(from, from + size);
    const values = scratch.values(size, dims);
    for (let i = 0; i < size; i++) values.set(batch.subarray(rows[i]! * dims, rows[i]! * dims + dims), i * dims);
    const inGroup = scratch.found(size);
    findNearestCentroids(values, size, members, inGroup, kernel);
    for (let i = 0; i < size; i++) {
      guess[rows[i]!] = ids[inGroup.nearest[i]!]!;
      distance[rows[i]!] = inGroup.nearestDistance[i]!;
    }
  }
}
