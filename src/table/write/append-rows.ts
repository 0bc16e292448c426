import { sameType } from "../../arrow/same-type.js";
import type { RecordBatch, Schema } from "apache-arrow";
import { CommitConflictError } from "../../errors.js";
import type { Manifest } from "../../storage/manifest.js";
import type { TableStorage } from "../../storage/table-storage.js";
import { assignFragmentIds, writeFragments, type WrittenFile } from "./write-fragments.js";

export interface AppendOptions {
  /** "overwrite" replaces all rows (and the schema) in the new version. */
  readonly mode: "append" | "overwrite";
  /** Called after each file is written. */
  readonly onFileWritten?: (file: WrittenFile) => void;
  /** For "create": the table must not have a version yet. */
  readonly mustNotExist?: () => Error;
}

/**
 * Writes `batches` (shaped like `schema`) as new fragments and commits them: as
 * an append, the fragments join whatever the latest version holds (so a lost race
 * simply retries on the new latest); as an overwrite, they replace it. Data files
 * are written once, before the commit loop, and removed if the commit fails.
 */
export async function appendRows(
  storage: TableStorage,
  schema: Schema,
  batches: readonly RecordBatch[],
  options: AppendOptions,
): Promise<Manifest> {
  const written = await writeFragments(storage, schema, batches);
  for (const file of written) options.onFileWritten?.(file);
  try {
    return await storage.commit(async (base) => {
      if (base && options.mustNotExist) throw options.mustNotExist();
      if (base && options.mode === "append" && !sameSchema(base.schema, schema)) {
        throw new CommitConflictError(
          `Adding to table '${storage.tableName}' failed: its schema changed while the rows were being written ` +
            `(another writer altered the columns). Retry the add; the rows will be checked against the new schema.`,
          storage.tableName,
        );
      }
      const { fragments, nextFragmentId } = assignFragmentIds(base, written);
      return {
        draft: {
          schema: options.mode === "overwrite" || !base ? schema : base.schema,
          fragments: options.mode === "overwrite" || !base ? fragments : [...base.fragments, ...fragments],
          nextFragmentId,
          metadata: { operation: base ? options.mode : "create", rows: String(written.reduce((n, w) => n + w.rows, 0)) },
        },
      };
    });
  } catch (error) {
    await storage.removeFiles(written.map((w) => w.file));
    throw error;
  }
}

/** Two schemas with the same fields (names, types, nullability) and metadata. */
export function sameSchema(a: Schema, b: Schema): boolean {
  if (a === b) return true;
  if (a.fields.length !== b.fields.length) return false;
  for (let i = 0; i < a.fields.length; i++) {
    const x = a.fields[i]!;
    const y = b.fields[i]!;
    if (x.name !== y.name || x.nullable !== y.nullable || !sameType(x.type, y.type)) return false;
  }
  if (a.metadata.size !== b.metadata.size) return false;
  for (const [key, value] of a.metadata) if (b.metadata.get(key) !== value) return false;
  return true;
}
