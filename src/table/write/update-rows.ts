import type { RecordBatch } from "apache-arrow";
import { selectRows } from "../../arrow/select-rows.js";
import type { FilterExpr } from "../../filter/index.js";
import type { Manifest } from "../../storage/manifest.js";
import type { TableStorage } from "../../storage/table-storage.js";
import { applyDeletions, type DeletionPlan } from "./mark-deleted.js";
import { matchRows } from "./match-rows.js";
import { assignFragmentIds, writeFragments } from "./write-fragments.js";

/** Turns the selected rows of one fragment into their updated form (same schema, same row count). */
export type RowUpdater = (rows: RecordBatch) => RecordBatch;

/**
 * Updates the live rows matching `filter`: they are deleted from their fragments
 * and written, changed, as a new fragment, in one commit. Evaluated on the latest
 * version at commit time, like a delete.
 */
export async function updateRows(
  storage: TableStorage,
  filter: FilterExpr | undefined,
  update: RowUpdater,
  description: Record<string, string>,
): Promise<{ manifest: Manifest; updated: number }> {
  let updated = 0;
  const manifest = await storage.commit(async (latest) => {
    const base = storage.requireBase(latest);
    const snapshot = storage.snapshot(base);
    const plan: DeletionPlan = new Map();
    const changed: RecordBatch[] = [];
    for (const fragment of snapshot.fragments) {
      const { batch, mask, matched } = await matchRows(fragment, filter);
      if (matched === 0) continue;
      plan.set(fragment.id, mask);
      changed.push(update(selectRows(batch, mask)));
    }
    const written = await writeFragments(storage, base.schema, changed);
    const dataFiles = written.map((w) => w.file);
    try {
      const result = await applyDeletions(storage, base, snapshot, plan);
      const { fragments, nextFragmentId } = assignFragmentIds(base, written);
      updated = result.deleted;
      return {
        draft: {
          schema: base.schema,
          fragments: [...result.fragments, ...fragments],
          nextFragmentId,
          metadata: { operation: "update", rows: String(result.deleted), ...description },
        },
        attemptFiles: [...dataFiles, ...result.files],
      };
    } catch (error) {
      await storage.removeFiles(dataFiles);
      throw error;
    }
  });
  return { manifest, updated };
}
