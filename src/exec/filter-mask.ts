import type { RecordBatch } from "apache-arrow";
import { evaluatePredicate } from "../filter/index.js";
import { evaluateScalarFilter, type FragmentVerdict } from "../indices/scalar/scalar-filter-rows.js";
import { planScalarFilter } from "../indices/scalar/scalar-filter-plan.js";
import type { FilterNode } from "../plan/index.js";
import type { IndexEntry } from "../storage/manifest.js";
import type { FragmentSnapshot, TableSnapshot } from "../storage/table-snapshot.js";

/**
 * A query's filters prepared against one version: where scalar indexes cover
 * a fragment, its passing rows come from them (and a fragment they prove
 * empty need not be read); everywhere else the filters are evaluated on the
 * rows. Either way the rows kept are exactly those evaluateFilters keeps.
 */
export interface FilterMasks {
  /** The scalar indexes the filters use in this version, for explainPlan. */
  readonly indices: readonly IndexEntry[];
  /** False when the indexes prove that no row of `fragment` passes, so it need not be read. */
  mayMatch(fragment: FragmentSnapshot): boolean;
  /** 1 for each row of `fragment` (loaded as `batch`) that passes every filter; null when there are no filters. */
  evaluate(fragment: FragmentSnapshot, batch: RecordBatch): Uint8Array | null;
}

/** Prepares `filters` for `snapshot`, loading the scalar indexes they use (cached per connection). */
export async function prepareFilterMasks(filters: readonly FilterNode[], snapshot: TableSnapshot): Promise<FilterMasks> {
  const plan = filters.length === 0 ? undefined : planScalarFilter(filters.map((f) => f.expr), snapshot.schema, snapshot.indices);
  const verdicts = plan ? await evaluateScalarFilter(plan, snapshot) : new Map<number, FragmentVerdict>();
  return {
    indices: plan?.entries ?? [],
    mayMatch: (fragment) => verdicts.get(fragment.id)?.count !== 0,
    evaluate: (fragment, batch) => {
      const verdict = verdicts.get(fragment.id);
      if (!verdict) return evaluateFilters(filters, batch);
      if (verdict.residual.length === 0) return verdict.mask;
      const mask = Uint8Array.from(verdict.mask);
      for (const expr of verdict.residual) {
        const next = evaluatePredicate(expr, batch);
        for (let i = 0; i < mask.length; i++) mask[i] = mask[i]! & next[i]!;
      }
      return mask;
    },
  };
}

/** The scalar indexes `filters` would use in `snapshot`; reads no data. */
export function scalarIndicesUsed(filters: readonly FilterNode[], snapshot: TableSnapshot): readonly IndexEntry[] {
  if (filters.length === 0) return [];
  return planScalarFilter(filters.map((f) => f.expr), snapshot.schema, snapshot.indices)?.entries ?? [];
}

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
