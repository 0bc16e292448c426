import type { RecordBatch } from "apache-arrow";
import { evaluatePredicate } from "../filter/index.js";
import type { FilterNode } from "../plan/index.js";

/** 1 for each row of `batch` that passes every filter; null when there are no filters. */
export function evaluateFilters(filters: readonly FilterNode[], batch: RecordBatch): Uint8Array | null {
  if (filters.length === 0) return null;
  const first = evaluatePredicate(filters[0]!.expr, batch);
  if (filters.length === 1) return first;
  const mask = Uint8Array.from(first);
  for (let f = 1; f < filters.length; f++) {
    const next = evaluatePredicate(filters[f]!.expr, batch);
    for (let i = 0; i < mask.length; i++) mask[i] = mask[i]! & next[i]!;
  }
  return mask;
}

/**
 * 1 for each row to keep: not deleted and passing the filter. Null when every
 * row is kept (nothing deleted, no filter), so callers can take the fast path.
 */
export function selectionMask(rows: number, deleted: Uint8Array | null, filter: Uint8Array | null): Uint8Array | null {
  if (deleted === null && filter === null) return null;
  const out = new Uint8Array(rows);
  if (filter === null) {
    for (let i = 0; i < rows; i++) out[i] = deleted![i] === 1 ? 0 : 1;
  } else if (deleted === null) {
    for (let i = 0; i < rows; i++) out[i] = filter[i] === 1 ? 1 : 0;
  } else {
    for (let i = 0; i < rows; i++) out[i] = filter[i] === 1 && deleted[i] !== 1 ? 1 : 0;
  }
  return out;
}

/** Number of 1s in a mask. */
export function countOnes(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i] === 1 ? 1 : 0;
  return n;
}
