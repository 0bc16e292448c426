import {
  type Data,
  type DataType,
  Field,
  FixedSizeList,
  Float16,
  Float32,
  Float64,
  RecordBatch,
  Schema,
  Struct,
  Table,
  makeData,
  tableFromIPC,
  tableToIPC,
  util,
  vectorFromArray,
} from "apache-arrow";
import type { FragmentSnapshot, TableSnapshot } from "../../src/storage/table-snapshot.js";
import type { QuerySource } from "../../src/query/index.js";

/** One fragment of a fake table: its rows, and the offsets deleted from it. */
export interface FakeFragment {
  readonly batch: RecordBatch;
  readonly id?: number;
  readonly deleted?: readonly number[];
}

/** A snapshot that also counts how often each fragment was loaded. */
export interface FakeSnapshot extends TableSnapshot {
  readonly loads: number[];
}

/**
 * An in-memory {@link TableSnapshot} over record batches. With `ipc`, each
 * batch goes through an Arrow IPC round trip first, so its buffers are views
 * at non-zero offsets of one file buffer, as fragments read from disk are.
 */
export function createFakeSnapshot(
  tableName: string,
  fragments: readonly FakeFragment[],
  options: { ipc?: boolean; version?: number } = {},
): FakeSnapshot {
  const schema = fragments[0]!.batch.schema;
  const loads = fragments.map(() => 0);
  const frags: FragmentSnapshot[] = fragments.map((f, i) => {
    const batch = options.ipc ? roundTrip(f.batch) : f.batch;
    const deleted = [...new Set(f.deleted ?? [])];
    const mask = deleted.length === 0 ? null : new Uint8Array(batch.numRows);
    for (const d of deleted) mask![d] = 1;
    return {
      id: f.id ?? i,
      file: `data/fake-${i}.arrow`,
      physicalRows: batch.numRows,
      deletedRows: deleted.length,
      load: async () => {
        loads[i]!++;
        return batch;
      },
      deletionMask: async () => mask,
    };
  });
  return {
    tableName,
    version: options.version ?? 1,
    schema,
    fragments: frags,
    indices: [],
    readFile: async (path) => Promise.reject(new Error(`a fake snapshot has no file ${path}`)),
    localFile: () => undefined,
    cached: async (_key, compute) => (await compute()).value,
    loads,
  };
}

/** A query source that always returns `snapshot`. */
export function fakeSource(snapshot: TableSnapshot): QuerySource & { snapshots: number } {
  const source = {
    tableName: snapshot.tableName,
    snapshots: 0,
    async snapshot() {
      source.snapshots++;
      return snapshot;
    },
  };
  return source;
}

function roundTrip(batch: RecordBatch): RecordBatch {
  const table = tableFromIPC(tableToIPC(new Table([batch]), "file"));
  if (table.batches.length !== 1) throw new Error("expected one batch after the IPC round trip");
  return table.batches[0]!;
}

/** A deterministic pseudo-random generator in [0, 1). */
export function createRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `rows × dims` values in [-1, 1). */
export function randomVectors(random: () => number, rows: number, dims: number): Float32Array {
  const out = new Float32Array(rows * dims);
  for (let i = 0; i < out.length; i++) out[i] = random() * 2 - 1;
  return out;
}

/** A FixedSizeList<Float32> chunk; rows listed in `nullRows` are null. */
export function vectorData(values: Float32Array, dims: number, nullRows: readonly number[] = [], elementType: DataType = new Float32()): Data {
  const length = values.length / dims;
  const type = new FixedSizeList(dims, new Field("item", elementType, true));
  let data: ArrayLike<number> = values;
  if (elementType instanceof Float16) data = Uint16Array.from(values, (v) => util.float64ToUint16(v));
  if (elementType instanceof Float64) data = Float64Array.from(values);
  const child = makeData({ type: elementType as Float32, length: values.length, nullCount: 0, data: data as Float32Array });
  if (nullRows.length === 0) return makeData({ type, length, nullCount: 0, child });
  const bitmap = new Uint8Array(Math.ceil(length / 8)).fill(0xff);
  for (const r of nullRows) bitmap[r >> 3]! &= ~(1 << (r & 7));
  return makeData({ type, length, nullCount: nullRows.length, nullBitmap: bitmap, child });
}

/** A record batch from named chunks or plain JS arrays (converted with `vectorFromArray`). */
export function makeBatch(columns: Record<string, Data | readonly unknown[]>, types: Record<string, DataType> = {}): RecordBatch {
  const fields: Field[] = [];
  const children: Data[] = [];
  for (const [name, value] of Object.entries(columns)) {
    const data = Array.isArray(value)
      ? (vectorFromArray(value as unknown[], types[name] as never).data[0] as Data)
      : (value as Data);
    fields.push(new Field(name, data.type, true));
    children.push(data);
  }
  const schema = new Schema(fields);
  const length = children[0]!.length;
  return new RecordBatch(schema, makeData({ type: new Struct(fields), length, nullCount: 0, children }));
}

/** Row values as plain objects (vectors as number arrays, bigint kept), for equality checks. */
export function plainRows(table: Table): Record<string, unknown>[] {
  return table.toArray().map((row) => {
    const out: Record<string, unknown> = {};
    for (const field of table.schema.fields) {
      const value = (row as Record<string, unknown>)[field.name];
      out[field.name] = value !== null && typeof value === "object" && "toArray" in (value as object) ? Array.from((value as { toArray(): ArrayLike<unknown> }).toArray()) : value;
    }
    return out;
  });
}
