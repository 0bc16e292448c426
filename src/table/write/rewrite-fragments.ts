import type { RecordBatch, Schema } from "apache-arrow";
import { writeFragmentFile } from "../../storage/fragment-file.js";
import type { IndexEntry, Manifest } from "../../storage/manifest.js";
import type { TableStorage } from "../../storage/table-storage.js";

/**
 * Commits a schema change that rewrites every fragment: each fragment's rows go
 * through `transform` into a new file under the new schema, keeping its id, row
 * order and deletion file. Built on the latest version and rebuilt if another
 * writer wins the race, so no concurrent change is lost.
 */
export async function rewriteFragments(
  storage: TableStorage,
  makeSchema: (base: Manifest) => Schema,
  transform: (batch: RecordBatch, schema: Schema) => RecordBatch,
  metadata: Record<string, string>,
  /** The indexes of the new version (default: the base's, minus those on columns the new schema lacks). */
  makeIndices?: (base: Manifest) => readonly IndexEntry[],
): Promise<Manifest> {
  return storage.commit(async (latest) => {
    const base = storage.requireBase(latest);
    const schema = makeSchema(base);
    const snapshot = storage.snapshot(base);
    const files: string[] = [];
    try {
      const fragments = [];
      for (let i = 0; i < base.fragments.length; i++) {
        const batch = transform(await snapshot.fragments[i]!.load(), schema);
        const { file, vectors } = await writeFragmentFile(storage.store, storage.dir, batch);
        files.push(file);
        fragments.push({ ...base.fragments[i]!, file, vectors });
      }
      return {
        draft: { schema, fragments, nextFragmentId: base.nextFragmentId, metadata, ...(makeIndices ? { indices: makeIndices(base) } : {}) },
        attemptFiles: files,
      };
    } catch (error) {
      await storage.removeFiles(files);
      throw error;
    }
  });
}
