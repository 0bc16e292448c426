import { InvalidArgumentError, OperationAbortedError } from "../../errors.js";
import { isVectorType } from "../../exec/vector-column.js";
import {
  type BuildControl,
  type IvfFlatIndex,
  type IvfIndexFiles,
  type IvfPqIndex,
  type VectorSet,
  buildIvfFlatIndex,
  buildIvfPqIndex,
  encodeIvfFlatIndex,
  encodeIvfPqIndex,
  extendIvfFlatIndex,
  extendIvfPqIndex,
} from "../../indices/vector/ivf/index.js";
import { liveVectors } from "../../indices/vector/live-vectors.js";
import { IVF_ROWS_FILE, type IvfRowKeys, encodeIvfRowKeys } from "../../indices/vector/ivf-row-keys.js";
import { IvfTableIndex } from "../../indices/vector/ivf-table-index.js";
import { loadVectorIndex } from "../../indices/vector/load-vector-index.js";
import { type VectorIndexParams, decodeVectorIndexParams, encodeVectorIndexParams } from "../../indices/vector/vector-index-options.js";
import type { IndexEntry } from "../../storage/manifest.js";
import type { FragmentSnapshot, TableSnapshot } from "../../storage/table-snapshot.js";
import type { IndexBuilder } from "./index-builder.js";
import { writeIndexFolder } from "./index-folder.js";
import { vectorIndexBuilder } from "./vector-index-builder.js";
import { monotonicProgress } from "../../util/monotonic-progress.js";

/**
 * IVF-Flat and IVF-PQ indexes (src/indices/vector/ivf/) over a table column.
 * The vectors of every live row with a finite vector are gathered into one
 * set (null or non-finite vectors are left out: k-means cannot use them and
 * an exact search never returns them), the module builds over it, and the
 * position → row key map is stored beside its files (ivf-row-keys.ts).
 *
 * optimize() (`previous` given) does not train again: rows deleted since, or
 * in fragments compaction removed, are dropped, and rows of new fragments are
 * assigned to the existing partitions (IVF-PQ: encoded with the existing
 * codebook), as LanceDB does. Centroids trained on far fewer rows than the
 * table now holds fit it badly (partitions grow, √rows no longer holds), so
 * past {@link RETRAIN_GROWTH} × the trained rows it trains afresh; a
 * createIndex call always trains afresh.
 */
const builder: IndexBuilder = {
  family: "vector",

  check(table, field, spec) {
    vectorIndexBuilder.check(table, field, spec);
  },

  async write(storage, snapshot, request, previous, control) {
    const spec = request.spec;
    if ((spec.kind !== "ivfFlat" && spec.kind !== "ivfPq") || !("params" in spec)) throw new TypeError(`ivfIndexBuilder cannot build a ${spec.kind} index`);
    const kind = spec.kind;
    const field = snapshot.schema.fields.find((f) => f.name === request.column);
    if (!field || !isVectorType(field.type)) throw new TypeError(`column ${request.column} is not a vector column`);
    const dims = field.type.listSize;
    const operation = `createIndex("${request.column}") on table '${storage.tableName}'`;
    const report = monotonicProgress(control?.onProgress);
    const checkAbort = () => {
      if (control?.signal?.aborted) throw new OperationAbortedError(operation, { cause: control.signal.reason });
    };
    const head = { name: request.name, kind, column: request.column, parameters: encodeVectorIndexParams(spec.params) };
    try {
      const entry = await writeIndexFolder(storage, snapshot, head, async () => {
        checkAbort();
        const live = snapshot.fragments.filter((f) => f.physicalRows - f.deletedRows > 0);
        const base = previous ? await reusableBase(snapshot, previous, kind, spec.params, dims) : undefined;
        const fresh = base ? live.filter((f) => !base.fragmentIds.has(f.id)) : live;
        const gathered = await gatherVectors(fresh, request.column, dims, checkAbort, (f) => report(READ_SHARE * f));
        const buildControl: BuildControl = {
          onProgress: (f) => report(READ_SHARE + (1 - READ_SHARE - WRITE_SHARE) * f),
          ...(control?.signal ? { signal: control.signal } : {}),
        };
        let built: { ivf: IvfFlatIndex | IvfPqIndex; rowKeys: IvfRowKeys };
        if (base !== undefined && (await keepsFitting(base, snapshot, gathered.set.rows))) {
          built = await extend(base, snapshot, gathered, buildControl);
        } else {
          const full = base ? await gatherVectors(live, request.column, dims, checkAbort, () => undefined) : gathered;
          built = await build(kind, full, spec.params, buildControl);
        }
        checkAbort();
        const files: IvfIndexFiles = {
          ...(built.ivf.kind === "ivfFlat" ? encodeIvfFlatIndex(built.ivf) : encodeIvfPqIndex(built.ivf)),
          [IVF_ROWS_FILE]: encodeIvfRowKeys(built.rowKeys),
        };
        return Object.entries(files);
      });
      report(1);
      return entry;
    } catch (error) {
      // The IVF module names its own step; the user called createIndex (or optimize).
      if (error instanceof OperationAbortedError && error.operation !== operation) throw new OperationAbortedError(operation, { cause: error.cause });
      // The IVF module knows the option and the numbers, not the table and column: add them.
      if (error instanceof InvalidArgumentError && !error.message.startsWith(operation)) {
        throw new InvalidArgumentError(`${operation}: ${error.message}`, error.argument, { cause: error });
      }
      throw error;
    }
  },

  requestOf(entry: IndexEntry) {
    return vectorIndexBuilder.requestOf(entry);
  },
};

export const ivfIndexBuilder: IndexBuilder = Object.freeze(builder);

/** Share of the progress given to reading the vectors, and to writing the files. */
const READ_SHARE = 0.1;
const WRITE_SHARE = 0.02;
/**
 * optimize() trains afresh once the live rows reach this many times the rows
 * the centroids were trained on: the default √rows partitions of the old
 * size are then too few, each probe scans twice the rows it was sized for,
 * and new regions of the data are served by centroids that never saw them.
 */
export const RETRAIN_GROWTH = 2;

/** Vectors gathered from fragments: the set and each position's row. */
interface Gathered {
  readonly set: VectorSet;
  readonly fragmentIds: Uint32Array;
  readonly offsets: Uint32Array;
}

/** The stored index being updated (optimize). */
interface Base {
  readonly index: IvfTableIndex;
  readonly fragmentIds: ReadonlySet<number>;
}

async function build(kind: "ivfFlat" | "ivfPq", data: Gathered, params: VectorIndexParams, control: BuildControl): Promise<{ ivf: IvfFlatIndex | IvfPqIndex; rowKeys: IvfRowKeys }> {
  const options = {
    ...control,
    distanceType: params.distanceType,
    ...(params.numPartitions !== undefined ? { numPartitions: params.numPartitions } : {}),
    ...(params.maxIterations !== undefined ? { maxIterations: params.maxIterations } : {}),
    ...(params.sampleRate !== undefined ? { sampleRate: params.sampleRate } : {}),
  };
  const ivf =
    kind === "ivfFlat"
      ? await buildIvfFlatIndex(data.set, options)
      : await buildIvfPqIndex(data.set, {
          ...options,
          ...(params.numSubVectors !== undefined ? { numSubVectors: params.numSubVectors } : {}),
          ...(params.numBits !== undefined ? { numBits: params.numBits } : {}),
        });
  return { ivf, rowKeys: { fragmentIds: data.fragmentIds, offsets: data.offsets, trainedRows: data.set.rows } };
}

/** The old index with rows that are gone dropped and `added` assigned to its partitions. */
async function extend(base: Base, snapshot: TableSnapshot, added: Gathered, control: BuildControl): Promise<{ ivf: IvfFlatIndex | IvfPqIndex; rowKeys: IvfRowKeys }> {
  const { ivf, rowKeys } = base.index;
  const keep = await keptPositions(base.index, snapshot);
  const change = { keep, added: added.set };
  const next = ivf.kind === "ivfFlat" ? await extendIvfFlatIndex(ivf, change, control) : await extendIvfPqIndex(ivf, change, control);
  // Positions of the result: kept old rows in order, then the added ones.
  const fragmentIds = new Uint32Array(next.rows);
  const offsets = new Uint32Array(next.rows);
  let n = 0;
  for (let p = 0; p < ivf.rows; p++) {
    if (keep !== null && keep[p] === 0) continue;
    fragmentIds[n] = rowKeys.fragmentIds[p]!;
    offsets[n++] = rowKeys.offsets[p]!;
  }
  fragmentIds.set(added.fragmentIds, n);
  offsets.set(added.offsets, n);
  return { ivf: next, rowKeys: { fragmentIds, offsets, trainedRows: rowKeys.trainedRows } };
}

/** 1 for each old position whose row is still live; null when all are. */
async function keptPositions(index: IvfTableIndex, snapshot: TableSnapshot): Promise<Uint8Array | null> {
  const masks = new Map<number, Uint8Array | null>();
  for (const fragment of snapshot.fragments) masks.set(fragment.id, fragment.deletedRows > 0 ? await fragment.deletionMask() : null);
  const { fragmentIds, offsets } = index.rowKeys;
  const keep = new Uint8Array(index.size);
  let dropped = 0;
  for (let p = 0; p < keep.length; p++) {
    const mask = masks.get(fragmentIds[p]!);
    const live = mask !== undefined && (mask === null || mask[offsets[p]!] !== 1);
    keep[p] = live ? 1 : 0;
    if (!live) dropped++;
  }
  return dropped === 0 ? null : keep;
}

/** False when the table has grown past RETRAIN_GROWTH × the rows the old index was trained on. */
async function keepsFitting(base: Base, snapshot: TableSnapshot, addedRows: number): Promise<boolean> {
  let kept = 0;
  for (const fragment of snapshot.fragments) if (base.fragmentIds.has(fragment.id)) kept += fragment.physicalRows - fragment.deletedRows;
  return kept + addedRows < RETRAIN_GROWTH * Math.max(1, base.index.rowKeys.trainedRows);
}

/** The stored index of `previous` when it is an IVF index of the same kind, metric and width. */
async function reusableBase(snapshot: TableSnapshot, previous: IndexEntry, kind: string, params: VectorIndexParams, dims: number): Promise<Base | undefined> {
  if (previous.kind !== kind || decodeVectorIndexParams(previous.parameters).distanceType !== params.distanceType) return undefined;
  const index = await loadVectorIndex(snapshot, previous);
  if (!(index instanceof IvfTableIndex) || index.dims !== dims) return undefined;
  return { index, fragmentIds: new Set(previous.fragmentIds) };
}

/**
 * The finite vectors of the live rows of `fragments`, copied into one set,
 * with each position's fragment id and offset.
 */
async function gatherVectors(
  fragments: readonly FragmentSnapshot[],
  column: string,
  dims: number,
  checkAbort: () => void,
  onProgress: (fraction: number) => void,
): Promise<Gathered> {
  const parts: { fragment: number; rows: Uint32Array; vectors: Float32Array }[] = [];
  let total = 0;
  for (let i = 0; i < fragments.length; i++) {
    checkAbort();
    const fragment = fragments[i]!;
    const { vectors, rows } = await liveVectors(fragment, column, dims);
    parts.push({ fragment: fragment.id, rows, vectors });
    total += rows.length;
    onProgress((i + 1) / fragments.length);
    // A turn for queries between fragments.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const out = new Float32Array(total * dims);
  const fragmentIds = new Uint32Array(total);
  const offsets = new Uint32Array(total);
  let n = 0;
  for (const { fragment, rows, vectors } of parts) {
    for (const r of rows) {
      out.set(vectors.subarray(r * dims, (r + 1) * dims), n * dims);
      fragmentIds[n] = fragment;
      offsets[n++] = r;
    }
  }
  return { set: { vectors: out, rows: total, dims }, fragmentIds, offsets };
}

