import type { Field } from "apache-arrow";
import { InvalidArgumentError } from "../../errors.js";
import { isVectorType } from "../../exec/vector-column.js";
import { type HnswBase, buildHnswIndex } from "../../indices/vector/hnsw/build-hnsw-index.js";
import { HNSW_GRAPH_FILE, HNSW_QUANTIZER_FILE } from "../../indices/vector/hnsw/hnsw-index.js";
import { decodeScalarQuantizer, encodeScalarQuantizer } from "../../indices/vector/hnsw/scalar-quantizer.js";
import { decodeVectorIndexParams, encodeVectorIndexParams, isVectorIndexKind } from "../../indices/vector/vector-index-options.js";
import { IVF_ROWS_FILE, decodeIvfRowKeys, encodeIvfRowKeys } from "../../indices/vector/ivf-row-keys.js";
import type { IndexEntry } from "../../storage/manifest.js";
import type { TableSnapshot } from "../../storage/table-snapshot.js";
import type { IndexBuilder } from "./index-builder.js";
import { writeIndexFolder } from "./index-folder.js";

/**
 * HNSW-SQ vector indexes (usearch graph over 8-bit codes). With `previous`
 * (optimize) whose fragments all still exist, its graph is extended: rows
 * deleted since are removed and only new fragments are inserted, with the
 * old quantizer. After compaction (fragments gone) the graph is rebuilt.
 */
const builder: IndexBuilder = {
  family: "vector",

  check(table, field, spec) {
    if (!isVectorType(field.type)) {
      throw new InvalidArgumentError(
        `createIndex("${field.name}", {config: Index.${spec.kind}()}) on table '${table}': a vector index needs a vector column ` +
          `(a fixed-size list of Float16 or Float32), and '${field.name}' holds ${String(field.type)}. Index a vector column instead.`,
        "column",
      );
    }
  },

  async write(storage, snapshot, request, previous, control) {
    const spec = request.spec;
    if (spec.kind !== "hnswSq" || !("params" in spec)) throw new TypeError(`vectorIndexBuilder cannot build a ${spec.kind} index`);
    const field = vectorField(snapshot, request.column);
    const dims = field.type.listSize;
    const head = { name: request.name, kind: "hnswSq", column: request.column, parameters: encodeVectorIndexParams(spec.params) } as const;
    return writeIndexFolder(storage, snapshot, head, async () => {
      const fragments = snapshot.fragments.filter((f) => f.physicalRows - f.deletedRows > 0);
      const base = previous ? await reusableBase(snapshot, previous, spec.params.distanceType, dims) : undefined;
      const operation = `createIndex("${request.column}") on table '${storage.tableName}'`;
      const built = await buildHnswIndex(fragments, request.column, dims, spec.params, { signal: control?.signal, onProgress: control?.onProgress, operation }, base);
      const { fragmentIds, offsets } = built.rowKeys;
      return [
        [HNSW_GRAPH_FILE, built.graph],
        [HNSW_QUANTIZER_FILE, encodeScalarQuantizer(built.quantizer)],
        [IVF_ROWS_FILE, encodeIvfRowKeys({ fragmentIds, offsets, trainedRows: built.rows })],
      ] as const;
    });
  },

  requestOf(entry: IndexEntry) {
    if (!isVectorIndexKind(entry.kind)) throw new TypeError(`vectorIndexBuilder cannot rebuild a ${entry.kind} index`);
    return { column: entry.column, name: entry.name, spec: { kind: entry.kind, params: decodeVectorIndexParams(entry.parameters) } };
  },
};

export const vectorIndexBuilder: IndexBuilder = Object.freeze(builder);

function vectorField(snapshot: TableSnapshot, column: string): Field & { type: { listSize: number } } {
  const field = snapshot.schema.fields.find((f) => f.name === column);
  if (!field || !isVectorType(field.type)) throw new TypeError(`column ${column} is not a vector column`);
  return field as Field & { type: { listSize: number } };
}

/**
 * The previous index as a base to extend, when every fragment it holds is
 * still there and it fits. A graph keyed by row keys (written before graphs
 * were keyed by position, with no rows.bin) is rebuilt instead.
 */
async function reusableBase(snapshot: TableSnapshot, previous: IndexEntry, distanceType: string, dims: number): Promise<HnswBase | undefined> {
  if (previous.kind !== "hnswSq") return undefined;
  const present = new Set(snapshot.fragments.map((f) => f.id));
  if (!previous.fragmentIds.every((id) => present.has(id))) return undefined;
  const folder = `_indices/${previous.uuid}`;
  if (!previous.files.includes(`${folder}/${IVF_ROWS_FILE}`)) return undefined;
  const quantizer = decodeScalarQuantizer(await snapshot.readFile(`${folder}/${HNSW_QUANTIZER_FILE}`));
  if (quantizer.distanceType !== distanceType || quantizer.dims !== dims) return undefined;
  const graph = await snapshot.readFile(`${folder}/${HNSW_GRAPH_FILE}`);
  const rowKeys = decodeIvfRowKeys(await snapshot.readFile(`${folder}/${IVF_ROWS_FILE}`));
  return { graph, quantizer, fragmentIds: new Set(previous.fragmentIds), rowKeys };
}
