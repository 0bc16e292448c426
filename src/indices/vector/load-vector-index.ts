import { CorruptTableError, NotSupportedError } from "../../errors.js";
import type { IndexEntry } from "../../storage/manifest.js";
import type { TableSnapshot } from "../../storage/table-snapshot.js";
import { type GraphRowKeys, loadGraphCopy } from "./hnsw/build-hnsw-index.js";
import { HNSW_PQ_FILE, decodeHnswPqIndex } from "./hnsw-pq/hnsw-pq-graph-codec.js";
import { HnswPqIndex } from "./hnsw-pq/hnsw-pq-index.js";
import { HNSW_GRAPH_FILE, HNSW_QUANTIZER_FILE, HnswIndex, USEARCH_METRICS } from "./hnsw/hnsw-index.js";
import { type ScalarQuantizer, decodeScalarQuantizer } from "./hnsw/scalar-quantizer.js";
import { FLAT_FILE, IVF_FILE, PQ_FILE, decodeIvfFlatIndex, decodeIvfPqIndex } from "./ivf/index.js";
import { IVF_ROWS_FILE, decodeIvfRowKeys } from "./ivf-row-keys.js";
import { IvfTableIndex } from "./ivf-table-index.js";
import { loadUsearchBinding } from "./usearch-binding.js";
import type { VectorIndex } from "./vector-index.js";
import { decodeVectorIndexParams } from "./vector-index-options.js";

/** Bytes a memory-mapped graph is charged in the cache: its pages belong to the OS page cache, not the heap. */
const VIEWED_GRAPH_BYTES = 64 * 1024;

/**
 * The loaded index of `entry`, once per connection (kept in the table's
 * cache under the index's uuid; index files never change). Loaded on first
 * use: a table folder on local disk is memory-mapped (usearch `view`), so
 * opening costs no copy and the OS pages it in as searched; other stores are
 * read and loaded into memory.
 *
 * @internal
 */
export async function loadVectorIndex(snapshot: TableSnapshot, entry: IndexEntry): Promise<VectorIndex> {
  if (entry.kind === "ivfFlat" || entry.kind === "ivfPq") return loadIvfIndex(snapshot, entry, entry.kind);
  if (entry.kind === "hnswPq") return loadHnswPqIndex(snapshot, entry);
  if (entry.kind !== "hnswSq") {
    throw new NotSupportedError(`Table '${snapshot.tableName}': the ${entry.kind} index '${entry.name}' was written by a newer Quiver; this version cannot search it.`);
  }
  const folder = `_indices/${entry.uuid}`;
  return snapshot.cached(`${folder}/${HNSW_GRAPH_FILE}#hnsw`, async () => {
    const quantizer = await readQuantizer(snapshot, entry, `${folder}/${HNSW_QUANTIZER_FILE}`);
    const params = decodeVectorIndexParams(entry.parameters);
    const { CompiledIndex } = loadUsearchBinding();
    const native = new CompiledIndex(quantizer.dims, USEARCH_METRICS[quantizer.distanceType], "i8", params.m ?? 20, params.efConstruction ?? 300, 1, false);
    const rowKeys = await readGraphRowKeys(snapshot, entry, `${folder}/${IVF_ROWS_FILE}`);
    const rowKeyBytes = rowKeys === null ? 0 : rowKeys.offsets.byteLength * 2;
    const graphPath = `${folder}/${HNSW_GRAPH_FILE}`;
    const local = snapshot.localFile?.(graphPath);
    try {
      if (local !== undefined) {
        native.view(local);
        return { value: new HnswIndex(native, quantizer, rowKeys), bytes: VIEWED_GRAPH_BYTES + rowKeyBytes };
      }
      const bytes = await snapshot.readFile(graphPath);
      await loadGraphCopy(native, bytes);
      return { value: new HnswIndex(native, quantizer, rowKeys), bytes: bytes.byteLength + rowKeyBytes };
    } catch (error) {
      throw corrupt(snapshot, entry, graphPath, "a usearch index file", error);
    }
  });
}

/** The HNSW-PQ file, decoded as views of the bytes read (the graph and codes are small beside the vectors). */
async function loadHnswPqIndex(snapshot: TableSnapshot, entry: IndexEntry): Promise<VectorIndex> {
  const path = `_indices/${entry.uuid}/${HNSW_PQ_FILE}`;
  return snapshot.cached(`${path}#hnswPq`, async () => {
    const bytes = await snapshot.readFile(path);
    try {
      return { value: new HnswPqIndex(decodeHnswPqIndex(bytes)), bytes: bytes.byteLength };
    } catch (error) {
      throw corrupt(snapshot, entry, path, "an HNSW-PQ index file (quiver-hnsw-pq/1)", error);
    }
  });
}

/** The files of an IVF index (decoded views of the bytes read; IVF-Flat's vectors are copied once per partition). */
async function loadIvfIndex(snapshot: TableSnapshot, entry: IndexEntry, kind: "ivfFlat" | "ivfPq"): Promise<VectorIndex> {
  const folder = `_indices/${entry.uuid}`;
  return snapshot.cached(`${folder}/${IVF_FILE}#ivf`, async () => {
    const names = [IVF_FILE, kind === "ivfFlat" ? FLAT_FILE : PQ_FILE, IVF_ROWS_FILE];
    const bytes = await Promise.all(names.map((name) => snapshot.readFile(`${folder}/${name}`)));
    const files = Object.fromEntries(names.map((name, i) => [name, bytes[i]!]));
    try {
      const ivf = kind === "ivfFlat" ? decodeIvfFlatIndex(files) : decodeIvfPqIndex(files);
      const rowKeys = decodeIvfRowKeys(files[IVF_ROWS_FILE]!, ivf.rows);
      return { value: new IvfTableIndex(ivf, rowKeys), bytes: bytes.reduce((sum, b) => sum + b.byteLength, 0) };
    } catch (error) {
      throw corrupt(snapshot, entry, folder, "IVF index files (quiver-ivf/1)", error);
    }
  });
}

/** The row of each graph key; null for a graph keyed by row keys (written before rows.bin existed). */
async function readGraphRowKeys(snapshot: TableSnapshot, entry: IndexEntry, path: string): Promise<GraphRowKeys | null> {
  if (!entry.files.includes(path)) return null;
  const bytes = await snapshot.readFile(path);
  try {
    return decodeIvfRowKeys(bytes);
  } catch (error) {
    throw corrupt(snapshot, entry, path, "row keys (quiver-ivf-rows)", error);
  }
}

async function readQuantizer(snapshot: TableSnapshot, entry: IndexEntry, path: string): Promise<ScalarQuantizer> {
  const bytes = await snapshot.readFile(path);
  try {
    return decodeScalarQuantizer(bytes);
  } catch (error) {
    throw corrupt(snapshot, entry, path, "a quantizer (quiver-sq/1 JSON)", error);
  }
}

function corrupt(snapshot: TableSnapshot, entry: IndexEntry, file: string, expected: string, cause: unknown): CorruptTableError {
  if (cause instanceof CorruptTableError) return cause;
  return new CorruptTableError(
    `Table '${snapshot.tableName}' version ${snapshot.version}: the index '${entry.name}' file ${file} is unreadable: ${(cause as Error).message}. ` +
      `Rebuild it with createIndex("${entry.column}", {replace: true}), or search without it with bypassVectorIndex().`,
    file,
    expected,
    "unreadable bytes",
    { cause },
  );
}
