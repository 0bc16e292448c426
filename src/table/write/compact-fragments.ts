import type { RecordBatch } from "apache-arrow";
import { selectRows } from "../../arrow/select-rows.js";
import type { FragmentEntry, Manifest } from "../../storage/manifest.js";
import type { TableStorage } from "../../storage/table-storage.js";
import type { CompactionStats } from "../table-types.js";
import { liveMask } from "./mark-deleted.js";
import { MAX_ROWS_PER_FRAGMENT, assignFragmentIds, writeFragments } from "./write-fragments.js";

/** A fragment with fewer live rows than this is "small" and a candidate for compaction. */
export const TARGET_ROWS_PER_FRAGMENT = MAX_ROWS_PER_FRAGMENT;
/** A fragment whose deleted share exceeds this is rewritten to drop its deleted rows. */
const MAX_DELETED_SHARE = 0.1;

/**
 * Rewrites runs of small fragments (and fragments with many deletions) into as
 * few fragments as fit the target size, dropping deleted rows. Planned on the
 * latest version; if another writer commits first, the plan is remade from the
 * new latest, so compaction never fails because someone else wrote.
 */
export async function compactFragments(
  storage: TableStorage,
): Promise<{ manifest: Manifest | undefined; stats: CompactionStats }> {
  const stats: CompactionStats = { fragmentsRemoved: 0, fragmentsAdded: 0, filesRemoved: 0, filesAdded: 0 };
  const initial = await storage.readLatest();
  if (planCompaction(initial.fragments).length === 0) return { manifest: undefined, stats };

  const manifest = await storage.commit(async (latest) => {
    const base = storage.requireBase(latest);
    const groups = planCompaction(base.fragments);
    const snapshot = storage.snapshot(base);
    const byId = new Map(snapshot.fragments.map((f) => [f.id, f]));
    const replaced = new Set<number>();
    const batches: RecordBatch[] = [];
    for (const group of groups) {
      for (const entry of group) {
        const fragment = byId.get(entry.id)!;
        const batch = await fragment.load();
        const deleted = await fragment.deletionMask();
        batches.push(deleted ? selectRows(batch, liveMask(batch.numRows, deleted)) : batch);
        replaced.add(entry.id);
      }
    }
    const written = await writeFragments(storage, base.schema, batches);
    const { fragments: added, nextFragmentId } = assignFragmentIds(base, written);
    // New fragments take the place of the first fragment they replace, keeping scan order stable.
    const fragments: FragmentEntry[] = [];
    let inserted = false;
    for (const entry of base.fragments) {
      if (!replaced.has(entry.id)) fragments.push(entry);
      else if (!inserted) {
        fragments.push(...added);
        inserted = true;
      }
    }
    const removedEntries = base.fragments.filter((f) => replaced.has(f.id));
    stats.fragmentsRemoved = removedEntries.length;
    stats.filesRemoved = removedEntries.length + removedEntries.filter((f) => f.deletion).length;
    stats.fragmentsAdded = added.length;
    stats.filesAdded = added.length;
    return {
      draft: {
        schema: base.schema,
        fragments,
        nextFragmentId,
        metadata: { operation: "compact", fragmentsRemoved: String(removedEntries.length), fragmentsAdded: String(added.length) },
      },
      attemptFiles: written.map((w) => w.file),
    };
  });
  return { manifest, stats };
}

/** Groups of fragments worth merging: all small or deletion-heavy fragments, when merging changes something. */
function planCompaction(fragments: readonly FragmentEntry[]): FragmentEntry[][] {
  const candidates = fragments.filter((f) => {
    const live = f.rows - (f.deletion?.rows ?? 0);
    return live < TARGET_ROWS_PER_FRAGMENT || (f.deletion?.rows ?? 0) > f.rows * MAX_DELETED_SHARE;
  });
  const withDeletions = candidates.some((f) => f.deletion);
  if (candidates.length < 2 && !withDeletions) return [];
  return [candidates];
}
