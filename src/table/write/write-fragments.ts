import type { RecordBatch, Schema } from "apache-arrow";
import { concatBatches } from "../../arrow/concat-batches.js";
import { writeFragmentFile, type VectorRange } from "../../storage/fragment-file.js";
import type { FragmentEntry, Manifest } from "../../storage/manifest.js";
import type { TableStorage } from "../../storage/table-storage.js";

/** Rows per fragment file at most; larger writes are split so that no file grows without bound. */
export const MAX_ROWS_PER_FRAGMENT = 1_048_576;

/** A data file written but not yet part of any version. */
export interface WrittenFile {
  readonly file: string;
  readonly rows: number;
  readonly vectors: readonly VectorRange[];
}

/**
 * Writes `batches` (already shaped like `schema`) as new fragment files of at most
 * {@link MAX_ROWS_PER_FRAGMENT} rows. The files are invisible until a manifest
 * lists them; the caller removes them if the commit fails.
 */
export async function writeFragments(
  storage: TableStorage,
  schema: Schema,
  batches: readonly RecordBatch[],
  maxRows = MAX_ROWS_PER_FRAGMENT,
): Promise<WrittenFile[]> {
  const written: WrittenFile[] = [];
  try {
    let pending: RecordBatch[] = [];
    let pendingRows = 0;
    const flush = async () => {
      if (pendingRows === 0) return;
      const batch = concatBatches(schema, pending);
      const { file, vectors } = await writeFragmentFile(storage.store, storage.dir, batch);
      written.push({ file, rows: batch.numRows, vectors });
      pending = [];
      pendingRows = 0;
    };
    for (const batch of batches) {
      for (let start = 0; start < batch.numRows; ) {
        const take = Math.min(maxRows - pendingRows, batch.numRows - start);
        pending.push(take === batch.numRows ? batch : batch.slice(start, start + take));
        pendingRows += take;
        start += take;
        if (pendingRows >= maxRows) await flush();
      }
    }
    await flush();
    return written;
  } catch (error) {
    await storage.removeFiles(written.map((w) => w.file));
    throw error;
  }
}

/** Gives written files fragment ids following `base`, as manifest entries. */
export function assignFragmentIds(base: Manifest | undefined, files: readonly WrittenFile[]): {
  fragments: FragmentEntry[];
  nextFragmentId: number;
} {
  let next = base?.nextFragmentId ?? 0;
  const fragments = files.map((f) => ({ id: next++, file: f.file, rows: f.rows, vectors: f.vectors }));
  return { fragments, nextFragmentId: next };
}
