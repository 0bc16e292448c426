import { randomUUID } from "node:crypto";
import { InvalidArgumentError, formatList } from "../../errors.js";
import { buildFtsSegment } from "../../indices/fts/build-fts-segment.js";
import { type FtsParams, encodeFtsParams } from "../../indices/fts/fts-options.js";
import { FtsSegmentBuilder } from "../../indices/fts/fts-segment-builder.js";
import { encodeFtsSegment } from "../../indices/fts/fts-segment-codec.js";
import { loadFtsCorpus } from "../../indices/fts/load-fts-corpus.js";
import { createTokenizer } from "../../indices/fts/tokenizer.js";
import type { IndexEntry, Manifest } from "../../storage/manifest.js";
import type { TableSnapshot } from "../../storage/table-snapshot.js";
import type { TableStorage } from "../../storage/table-storage.js";

/** What to build: a full-text index named `name` on `column`. */
export interface FtsIndexRequest {
  readonly column: string;
  readonly name: string;
  readonly params: FtsParams;
}

/**
 * Builds a full-text index over every live row of `snapshot` and writes its
 * files under `_indices/<uuid>/`. The files belong to no version until a
 * manifest lists the returned entry; on failure they are removed.
 *
 * With `previous` (an index of the same column and parameters in this
 * snapshot), its postings are copied for the rows it holds that are still
 * live, and only the fragments it does not cover are tokenized — unless one
 * of those has a lower id than a row it keeps (possible only after unusual
 * histories), in which case everything is tokenized again.
 */
export async function writeFtsIndex(
  storage: TableStorage,
  snapshot: TableSnapshot,
  request: FtsIndexRequest,
  previous?: IndexEntry,
): Promise<IndexEntry> {
  const uuid = randomUUID();
  const folder = `_indices/${uuid}`;
  try {
    const tokenizer = createTokenizer(request.params);
    let fragments = snapshot.fragments.filter((f) => f.physicalRows - f.deletedRows > 0);
    let builder: FtsSegmentBuilder | undefined;
    if (previous) {
      const stored = (await loadFtsCorpus(snapshot, previous, { indexedOnly: true })).views[0]!;
      const covered = new Set(previous.fragmentIds);
      const added = fragments.filter((f) => !covered.has(f.id));
      const merged = FtsSegmentBuilder.fromSegment(stored.segment, stored.live);
      if (added.every((f) => f.id * 4294967296 > merged.lastRowKey)) {
        builder = merged;
        fragments = added;
      }
    }
    const segment = await buildFtsSegment(fragments, request.column, tokenizer, { skipDeleted: true, builder });
    await storage.store.makeDir(`${storage.dir}/${folder}`);
    const files: string[] = [];
    for (const [name, bytes] of encodeFtsSegment(segment)) {
      await storage.store.write(`${storage.dir}/${folder}/${name}`, bytes);
      files.push(`${folder}/${name}`);
    }
    return Object.freeze({
      uuid,
      name: request.name,
      kind: "fts",
      column: request.column,
      parameters: Object.freeze(encodeFtsParams(request.params)),
      fragmentIds: Object.freeze(snapshot.fragments.map((f) => f.id).sort((a, b) => a - b)),
      files: Object.freeze(files),
      createdAt: Date.now(),
    });
  } catch (error) {
    await storage.store.removeDir(`${storage.dir}/${folder}`);
    throw error;
  }
}

/** The indexes a new full-text index on `column` named `name` would replace. */
export function clashingIndices(indices: readonly IndexEntry[], request: { column: string; name: string }): IndexEntry[] {
  return indices.filter((i) => i.name === request.name || (i.kind === "fts" && i.column === request.column));
}

/**
 * Builds a full-text index from the latest version and commits it as a new
 * version. With `replace`, an index of the same name or a full-text index on
 * the same column is replaced; without, either is an error. Rows added while
 * the index was built are simply not covered yet (queries search them directly).
 */
export async function createFtsIndex(storage: TableStorage, request: FtsIndexRequest, replace: boolean): Promise<Manifest> {
  const base = await storage.readLatest();
  if (!replace) refuseClash(storage.tableName, base.indices, request);
  const entry = await writeFtsIndex(storage, storage.snapshot(base), request);
  try {
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

function refuseClash(table: string, indices: readonly IndexEntry[], request: FtsIndexRequest): void {
  const clash = clashingIndices(indices, request)[0];
  if (!clash) return;
  const what = clash.name === request.name ? `an index named '${clash.name}' already exists` : `column '${request.column}' already has the full-text index '${clash.name}'`;
  throw new InvalidArgumentError(
    `createIndex("${request.column}") on table '${table}': ${what}. ` +
      `Pass {replace: true} (the default) to rebuild it, or drop it first with dropIndex("${clash.name}").`,
    "replace",
  );
}
