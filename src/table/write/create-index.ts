import { InvalidArgumentError, OperationAbortedError, formatList } from "../../errors.js";
import type { IndexEntry, Manifest } from "../../storage/manifest.js";
import type { TableStorage } from "../../storage/table-storage.js";
import type { IndexBuildControl, IndexBuilder, IndexRequest } from "./index-builder.js";
import { familyOf } from "./index-builders.js";

/** The indexes a new index would replace: the one of the same name, and one of the same family on the same column. */
export function clashingIndices(indices: readonly IndexEntry[], request: IndexRequest): IndexEntry[] {
  const family = familyOf(request.spec.kind);
  return indices.filter((i) => i.name === request.name || (i.column === request.column && familyOf(i.kind) === family));
}

/**
 * Builds an index from the latest version and commits it as a new version.
 * With `replace`, an index of the same name or of the same family on the same
 * column is replaced; without, either is an error. Rows added while the index
 * was built are simply not covered yet (queries search them directly). A
 * failed or cancelled build leaves the table and its old indexes as they were.
 */
export async function createIndex(
  storage: TableStorage,
  builder: IndexBuilder,
  request: IndexRequest,
  replace: boolean,
  control?: IndexBuildControl,
): Promise<Manifest> {
  const base = await storage.readLatest();
  if (!replace) refuseClash(storage.tableName, base.indices, request);
  const entry = await builder.write(storage, storage.snapshot(base), request, undefined, control);
  try {
    if (control?.signal?.aborted) throw new OperationAbortedError(`createIndex("${request.column}") on table '${storage.tableName}'`, { cause: control.signal.reason });
    return await storage.commit(async (latest) => {
      const current = storage.requireBase(latest);
      if (!current.schema.fields.some((f) => f.name === request.column)) {
        throw new InvalidArgumentError(
          `createIndex("${request.column}") on table '${storage.tableName}': the column was dropped or renamed while the index was built; ` +
            `its columns are ${formatList(current.schema.fields.map((f) => f.name))}.`,
          "column",
        );
      }
      if (!replace) refuseClash(storage.tableName, current.indices, request);
      const replaced = new Set(clashingIndices(current.indices, request));
      return {
        draft: {
          schema: current.schema,
          fragments: current.fragments,
          nextFragmentId: current.nextFragmentId,
          metadata: { operation: "createIndex", index: request.name, column: request.column },
          indices: [...current.indices.filter((i) => !replaced.has(i)), entry],
        },
      };
    });
  } catch (error) {
    await storage.store.removeDir(`${storage.dir}/_indices/${entry.uuid}`);
    throw error;
  }
}

function refuseClash(table: string, indices: readonly IndexEntry[], request: IndexRequest): void {
  const clash = clashingIndices(indices, request)[0];
  if (!clash) return;
  const what = clash.name === request.name ? `an index named '${clash.name}' already exists` : `column '${request.column}' already has the ${clash.kind} index '${clash.name}'`;
  throw new InvalidArgumentError(
    `createIndex("${request.column}") on table '${table}': ${what}. ` +
      `Pass {replace: true} (the default) to rebuild it, or drop it first with dropIndex("${clash.name}").`,
    "replace",
  );
}
