import type { DistanceType } from "../../../plan/index.js";

/**
 * The "IVF" of every IVF index: centroids, and the indexed rows grouped by
 * the partition (nearest centroid) they fall in. Rows are stored partition by
 * partition; partition p holds stored rows offsets[p] … offsets[p+1]−1, and
 * positions[s] is the original position (in the built {@link VectorSet}) of
 * stored row s.
 *
 * @module
 */
export interface IvfPartitioning {
  readonly distanceType: DistanceType;
  readonly dims: number;
  readonly rows: number;
  readonly numPartitions: number;
  /**
   * `numPartitions × dims` values. For cosine they are unit length (trained on
   * normalised vectors); for l2 and dot they are plain means.
   */
  readonly centroids: Float32Array;
  /** `numPartitions + 1` ascending values from 0 to rows. */
  readonly offsets: Uint32Array;
  /** `rows` original positions, partition by partition, ascending within a partition. */
  readonly positions: Uint32Array;
}

/** Groups rows by partition (a counting sort, stable so positions ascend within a partition). */
export function layoutPartitions(partitionOf: Uint32Array, numPartitions: number): { offsets: Uint32Array; positions: Uint32Array } {
  const offsets = new Uint32Array(numPartitions + 1);
  for (let i = 0; i < partitionOf.length; i++) offsets[partitionOf[i]! + 1]!++;
  for (let p = 0; p < numPartitions; p++) offsets[p + 1] = offsets[p + 1]! + offsets[p]!;
  const next = offsets.slice(0, numPartitions);
  const positions = new Uint32Array(partitionOf.length);
  for (let i = 0; i < partitionOf.length; i++) positions[next[partitionOf[i]!]!++] = i;
  return { offsets, positions };
}
