import type { RecordBatch } from "apache-arrow";
import { evaluatePredicate, type FilterExpr } from "../../filter/index.js";
import type { FragmentSnapshot } from "../../storage/table-snapshot.js";

/**
 * The live rows of one fragment that satisfy `filter` (all live rows when it is
 * undefined), as a mask, plus the loaded batch and the count of matches.
 */
export async function matchRows(
  fragment: FragmentSnapshot,
  filter: FilterExpr | undefined,
): Promise<{ batch: RecordBatch; mask: Uint8Array; matched: number }> {
  const batch = await fragment.load();
  const deleted = await fragment.deletionMask();
  const mask = filter ? evaluatePredicate(filter, batch) : new Uint8Array(batch.numRows).fill(1);
  let matched = 0;
  for (let i = 0; i < mask.length; i++) {
    if (deleted && deleted[i]) mask[i] = 0;
    else if (mask[i]) matched++;
  }
  return { batch, mask, matched };
}
