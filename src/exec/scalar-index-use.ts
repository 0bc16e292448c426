import { SCALAR_INDEX_LIST_NAMES, isScalarIndexKind } from "../indices/scalar/scalar-index-kind.js";
import type { QueryPlan } from "../plan/index.js";
import type { TableSnapshot } from "../storage/table-snapshot.js";
import { scalarIndicesUsed } from "./filter-mask.js";

/**
 * The scalar indexes a plan's filters use in `snapshot`, as explainPlan shows
 * them (`cat_idx (Bitmap on cat)`); reads the manifest only, no data.
 */
export function describeScalarIndexUse(plan: QueryPlan, snapshot: TableSnapshot): string[] {
  return scalarIndicesUsed(plan.filters, snapshot).map((entry) => {
    const type = isScalarIndexKind(entry.kind) ? SCALAR_INDEX_LIST_NAMES[entry.kind] : entry.kind;
    return `${entry.name} (${type} on ${entry.column})`;
  });
}
