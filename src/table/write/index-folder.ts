import { randomUUID } from "node:crypto";
import type { IndexEntry } from "../../storage/manifest.js";
import type { TableSnapshot } from "../../storage/table-snapshot.js";
import type { TableStorage } from "../../storage/table-storage.js";

/** What an index entry says besides its files: the parts a builder knows before it builds. */
export type IndexEntryHead = Pick<IndexEntry, "name" | "kind" | "column" | "parameters">;

/**
 * Runs `build` and writes the files it returns under a new `_indices/<uuid>/`,
 * then returns the entry that lists them, covering every fragment of
 * `snapshot`. The files belong to no version until a manifest lists the
 * entry; if anything fails, the folder is removed and the error passes on.
 */
export async function writeIndexFolder(
  storage: TableStorage,
  snapshot: TableSnapshot,
  head: IndexEntryHead,
  build: () => Promise<Iterable<readonly [string, Uint8Array]>>,
): Promise<IndexEntry> {
  const uuid = randomUUID();
  const folder = `_indices/${uuid}`;
  try {
    const built = await build();
    await storage.store.makeDir(`${storage.dir}/${folder}`);
    const files: string[] = [];
    for (const [name, bytes] of built) {
      await storage.store.write(`${storage.dir}/${folder}/${name}`, bytes);
      files.push(`${folder}/${name}`);
    }
    return Object.freeze({
      uuid,
      ...head,
      parameters: Object.freeze({ ...head.parameters }),
      fragmentIds: Object.freeze(snapshot.fragments.map((f) => f.id).sort((a, b) => a - b)),
      files: Object.freeze(files),
      createdAt: Date.now(),
    });
  } catch (error) {
    await storage.store.removeDir(`${storage.dir}/${folder}`);
    throw error;
  }
}
