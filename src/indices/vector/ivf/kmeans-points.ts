/**
 * What k-means trains on: a numbered set of points it reads one at a time, so
 * the training sample never has to be copied out of the caller's vectors as a
 * whole (80k sampled 384-dim rows would be another 120 MB).
 *
 * @internal
 * @module
 */
export interface KMeansPoints {
  readonly count: number;
  readonly dims: number;
  /** Writes point `index` (0 ≤ index < count) to `out` at row `outRow`. */
  read(index: number, out: Float32Array, outRow: number): void;
  /**
   * Optional: the squared Euclidean distance from point `index` to the `dims`
   * values of `values` from `offset`, without copying the point out (k-means
   * checks tens of thousands of bounds per iteration this way).
   */
  squaredDistance?(index: number, values: Float32Array, offset: number): number;
}

/** Reads `count` points from `first` into `out` from row 0. */
export function readPoints(points: KMeansPoints, first: number, count: number, out: Float32Array): void {
  for (let i = 0; i < count; i++) points.read(first + i, out, i);
}

