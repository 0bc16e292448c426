import type { FilterExpr } from "../../filter/index.js";
import type { Manifest } from "../../storage/manifest.js";
import type { TableStorage } from "../../storage/table-storage.js";
import { applyDeletions, type DeletionPlan } from "./mark-deleted.js";
import { matchRows } from "./match-rows.js";

/**
 * Deletes the live rows matching `filter`, evaluated on the latest version at
 * commit time (a lost race re-evaluates it on the new latest, so rows added by
 * the winner are judged too).
 */
export async function deleteRows(
  storage: TableStorage,
  filter: FilterExpr,
  filterText: string,
): Promise<{ manifest: Manifest; deleted: number }> {
  let deleted = 0;
  const manifest = await storage.commit(async (latest) => {
    const base = storage.requireBase(latest);
    const snapshot = storage.snapshot(base);
    const plan: DeletionPlan = new Map();
    for (const fragment of snapshot.fragments) {
      const { mask, matched } = await matchRows(fragment, filter);
      if (matched > 0) plan.set(fragment.id, mask);
    }
    const result = await applyDeletions(storage, base, snapshot, plan);
    deleted = result.deleted;
    return {
      draft: {
        schema: base.schema,
        fragments: result.fragments,
        nextFragmentId: base.nextFragmentId,
        metadata: { operation: "delete", predicate: filterText, rows: String(result.deleted) },
      },
      attemptFiles: result.files,
    };
  });
  return { manifest, deleted };
}
