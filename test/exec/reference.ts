import type { DistanceType } from "../../src/plan/index.js";

/** The distance LanceDB defines, computed plainly in float64: the tests' ground truth. */
export function referenceDistance(a: ArrayLike<number>, b: ArrayLike<number>, metric: DistanceType): number {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  let l2 = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
    l2 += (a[i]! - b[i]!) ** 2;
  }
  if (metric === "l2") return l2;
  if (metric === "dot") return 1 - dot;
  if (aa === 0 && bb === 0) return 0;
  if (aa === 0 || bb === 0) return 1;
  return 1 - dot / Math.sqrt(aa * bb);
}

/** A candidate row for the reference search. */
export interface ReferenceRow {
  readonly fragmentId: number;
  readonly offset: number;
  readonly vector: ArrayLike<number> | null;
}

/** The reference top-k: every row compared, ordered by (distance, fragment id, offset). */
export function referenceTopK(
  rows: readonly ReferenceRow[],
  query: ArrayLike<number>,
  metric: DistanceType,
  k: number,
  offset = 0,
): { fragmentId: number; offset: number; distance: number }[] {
  return rows
    .filter((r) => r.vector !== null)
    .map((r) => ({ fragmentId: r.fragmentId, offset: r.offset, distance: referenceDistance(r.vector!, query, metric) }))
    .sort((a, b) => a.distance - b.distance || a.fragmentId - b.fragmentId || a.offset - b.offset)
    .slice(offset, offset + k);
}
