import type { IvfPartitioning } from "./ivf-partitioning.js";
import { dotAt, squaredL2At } from "./vector-math.js";

/**
 * The order in which a query probes partitions: nearest centroid first, by
 * the index's distance (l2: squared distance; cosine: 1 − cos to the unit
 * centroid; dot: 1 − q·c, the largest inner product first).
 *
 * @internal
 */
export function rankPartitions(ivf: IvfPartitioning, query: Float32Array, queryOffset: number): Uint32Array {
  const { numPartitions: count, dims, centroids, distanceType } = ivf;
  const scores = new Float64Array(count);
  if (distanceType === "l2") {
    for (let p = 0; p < count; p++) scores[p] = squaredL2At(query, queryOffset, centroids, p * dims, dims);
  } else {
    // Cosine: the centroid has unit length, so ordering by −q·c orders by cosine whatever ‖q‖ is.
    for (let p = 0; p < count; p++) scores[p] = -dotAt(query, queryOffset, centroids, p * dims, dims);
  }
  const order = new Uint32Array(count);
  for (let p = 0; p < count; p++) order[p] = p;
  // Ties (duplicate centroids) by partition number, so the order is deterministic.
  return order.sort((a, b) => scores[a]! - scores[b]! || a - b);
}
