import type { IndexEntry, Manifest } from "../../storage/manifest.js";
import type { TableStorage } from "../../storage/table-storage.js";
import { builderOfEntry } from "./index-builders.js";

/** True when an index misses rows of `manifest` or holds rows of fragments that are gone. */
export function isIndexStale(index: IndexEntry, manifest: Manifest): boolean {
  const covered = new Set(index.fragmentIds);
  const present = new Set(manifest.fragments.map((f) => f.id));
  const uncovered = manifest.fragments.some((f) => !covered.has(f.id) && f.rows - (f.deletion?.rows ?? 0) > 0);
  const vanished = index.fragmentIds.some((id) => !present.has(id));
  return uncovered || vanished;
}

/**
 * Brings every index up to date with the latest version (`optimize()`): an
 * index that misses fragments (rows added, or fragments rewritten by
 * compaction) or still holds fragments that are gone is rewritten — its builder
 * reuses what it can of the old index (see each builder) — and
 * all rewritten indexes are committed together. An index
 * replaced or dropped by someone else meanwhile is left as that writer left it.
 * Returns undefined when nothing was stale.
 */
export async function updateIndices(storage: TableStorage): Promise<Manifest | undefined> {
  const base = await storage.readLatest();
  const stale = base.indices.filter((index) => isIndexStale(index, base));
  if (stale.length === 0) return undefined;
  const snapshot = storage.snapshot(base);
  const rebuilt = new Map<string, IndexEntry>();
  try {
    for (const index of stale) {
      const builder = builderOfEntry(storage.tableName, index);
      const entry = await builder.write(storage, snapshot, builder.requestOf(index), index);
      rebuilt.set(index.uuid, entry);
    }
    const manifest = await storage.commit(async (latest) => {
      const current = storage.requireBase(latest);
      return {
        draft: {
          schema: current.schema,
          fragments: current.fragments,
          nextFragmentId: current.nextFragmentId,
          metadata: { operation: "optimizeIndices", indices: stale.map((i) => i.name).join(",") },
          indices: current.indices.map((index) => rebuilt.get(index.uuid) ?? index),
        },
      };
    });
    // A rebuild whose index was dropped or replaced meanwhile is not referenced by any version.
    const kept = new Set(manifest.indices.map((i) => i.uuid));
    for (const entry of rebuilt.values()) if (!kept.has(entry.uuid)) await storage.store.removeDir(`${storage.dir}/_indices/${entry.uuid}`);
    return manifest;
  } catch (error) {
    for (const entry of rebuilt.values()) await storage.store.removeDir(`${storage.dir}/_indices/${entry.uuid}`);
    throw error;
  }
}
