import type { FragmentEntry, Manifest } from "../../storage/manifest.js";
import { writeDeletionFile } from "../../storage/deletion-file.js";
import type { TableStorage } from "../../storage/table-storage.js";
import type { TableSnapshot } from "../../storage/table-snapshot.js";

/** Rows to delete per fragment id: a mask over the fragment's physical rows (1 = delete). */
export type DeletionPlan = Map<number, Uint8Array>;

/**
 * Applies a deletion plan to `base`: each touched fragment gets a new deletion
 * file holding its old and new deletions, and a fragment left with no live rows
 * is dropped from the manifest. Returns the new fragment list, the deletion files
 * written (so a lost commit race can remove them) and the number of rows newly
 * deleted.
 */
export async function applyDeletions(
  storage: TableStorage,
  base: Manifest,
  snapshot: TableSnapshot,
  plan: DeletionPlan,
): Promise<{ fragments: FragmentEntry[]; files: string[]; deleted: number }> {
  const fragments: FragmentEntry[] = [];
  const files: string[] = [];
  let deleted = 0;
  try {
    for (let i = 0; i < base.fragments.length; i++) {
      const entry = base.fragments[i]!;
      const remove = plan.get(entry.id);
      if (!remove) {
        fragments.push(entry);
        continue;
      }
      const existing = await snapshot.fragments[i]!.deletionMask();
      const merged = new Uint8Array(entry.rows);
      let total = 0;
      let added = 0;
      for (let row = 0; row < entry.rows; row++) {
        const was = existing ? existing[row]! : 0;
        const now = was || remove[row]! ? 1 : 0;
        merged[row] = now;
        total += now;
        if (now && !was) added++;
      }
      deleted += added;
      if (added === 0) {
        fragments.push(entry);
      } else if (total === entry.rows) {
        // Every row is gone: the fragment leaves this version (its file stays for older versions).
      } else {
        const deletion = await writeDeletionFile(storage.store, storage.dir, merged);
        files.push(deletion.file);
        fragments.push({ ...entry, deletion });
      }
    }
    return { fragments, files, deleted };
  } catch (error) {
    await storage.removeFiles(files);
    throw error;
  }
}

/** Live-row mask of a fragment: 1 where the row is not deleted. */
export function liveMask(rows: number, deleted: Uint8Array | null): Uint8Array {
  const mask = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) mask[i] = deleted && deleted[i] ? 0 : 1;
  return mask;
}
