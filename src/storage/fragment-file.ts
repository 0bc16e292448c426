import { randomUUID } from "node:crypto";
import { Data, RecordBatch, RecordBatchFileWriter, Schema, Struct, Table, Type, makeData, tableFromIPC } from "apache-arrow";
import { concatBatches } from "../arrow/concat-batches.js";
import type { ObjectStore } from "./object-store.js";
import { writeTableFile } from "./write-table-file.js";

/**
 * Fragment data files: one Arrow IPC file per fragment holding one record batch.
 * Files are written once under a fresh random name and never modified, which is
 * what lets readers cache them and old versions stay readable.
 */

export const DATA_DIR = "data";

/** Where the values of one vector column lie in a fragment file (recorded in the manifest). */
export interface VectorRange {
  readonly column: string;
  readonly offset: number;
  readonly length: number;
}

/**
 * Writes `batch` as a new fragment file. Returns its table-relative path and the
 * byte ranges of its vector columns' values, so that a reader can load each into
 * a buffer of its own without a copy (see {@link decodeFragmentFile}).
 */
export async function writeFragmentFile(
  store: ObjectStore,
  tableDir: string,
  batch: RecordBatch,
): Promise<{ file: string; vectors: VectorRange[] }> {
  const file = `${DATA_DIR}/${randomUUID()}.arrow`;
  // The writer yields the file as pieces that are views of the batch's own buffers, so
  // writing them one after the other (writev) avoids joining them into one copy.
  const pieces: Uint8Array[] = [];
  for await (const piece of RecordBatchFileWriter.writeAll(new Table([batch]))) pieces.push(piece);
  await writeTableFile(store, tableDir, file, pieces);
  return { file, vectors: locatePieces(batch, pieces) ?? locateVectorValues(Buffer.concat(pieces)) };
}

/** Vector value ranges found by identity among the written pieces; undefined if the writer copied one. */
function locatePieces(batch: RecordBatch, pieces: readonly Uint8Array[]): VectorRange[] | undefined {
  const ranges: VectorRange[] = [];
  for (const [i, field] of batch.schema.fields.entries()) {
    const values = vectorValuesOf(batch.data.children[i]!);
    if (!values) continue;
    let offset = 0;
    let found = false;
    for (const piece of pieces) {
      if (piece.buffer === values.buffer && piece.byteOffset === values.byteOffset && piece.byteLength >= values.byteLength) {
        ranges.push({ column: field.name, offset, length: values.byteLength });
        found = true;
        break;
      }
      offset += piece.byteLength;
    }
    if (!found) return undefined;
  }
  return ranges;
}

function vectorValuesOf(data: Data): ArrayBufferView | undefined {
  if (data.type.typeId !== Type.FixedSizeList) return undefined;
  const child = data.children[0]!;
  if (child.type.typeId !== Type.Float || !child.values || child.values.byteLength === 0) return undefined;
  return child.values as ArrayBufferView;
}

/** Byte ranges of the float values of every fixed-size-list-of-float column in an IPC file. */
function locateVectorValues(bytes: Uint8Array): VectorRange[] {
  // Decoding is zero-copy: the values are views into `bytes`, so their offsets are the file offsets.
  const table = tableFromIPC(bytes);
  if (table.batches.length !== 1) return [];
  const ranges: VectorRange[] = [];
  table.schema.fields.forEach((field, i) => {
    if (field.type.typeId !== Type.FixedSizeList) return;
    const child = table.batches[0]!.data.children[i]!.children[0]!;
    if (child.type.typeId !== Type.Float || !child.values || child.values.byteLength === 0) return;
    const values = child.values as Uint8Array;
    ranges.push({ column: field.name, offset: values.byteOffset - bytes.byteOffset, length: values.byteLength });
  });
  return ranges;
}

/**
 * Reads a fragment file and returns its rows as one batch shaped like `schema`:
 * columns in schema order, taken by name (dropped columns are left out), with the
 * schema's field and table metadata. A column the file lacks is filled with nulls
 * when the field is nullable.
 */
export function decodeFragmentFile(
  bytes: Uint8Array,
  schema: Schema,
  file: string,
  vectorValues: ReadonlyMap<string, Uint8Array> = new Map(),
): RecordBatch {
  const table = tableFromIPC(bytes);
  const batch = table.batches.length === 1 ? table.batches[0]! : concatBatches(table.schema, table.batches);
  const byName = new Map(table.schema.fields.map((f, i) => [f.name, i]));
  const children = schema.fields.map((field) => {
    const index = byName.get(field.name);
    if (index === undefined) {
      if (!field.nullable) throw new Error(`fragment file ${file} lacks non-nullable column '${field.name}'`);
      return makeData({ type: field.type, length: batch.numRows, nullCount: batch.numRows } as never);
    }
    const data = batch.data.children[index]!;
    const separate = vectorValues.get(field.name);
    return separate ? withVectorValues(data, separate) : data;
  });
  const data = makeData({ type: new Struct(schema.fields), length: batch.numRows, nullCount: 0, children });
  return new RecordBatch(schema, data);
}

/** A fixed-size-list column whose float values come from `values` (read separately) instead of the file buffer. */
function withVectorValues(data: Data, values: Uint8Array): Data {
  const child = data.children[0]!;
  const Values = (child.values as Float32Array).constructor as Float32ArrayConstructor;
  const typed = new Values(values.buffer, values.byteOffset, values.byteLength / Values.BYTES_PER_ELEMENT);
  const newChild = makeData({
    type: child.type,
    length: child.length,
    nullCount: child.nullCount,
    nullBitmap: child.nullBitmap,
    data: typed,
  } as never);
  return makeData({
    type: data.type,
    length: data.length,
    nullCount: data.nullCount,
    nullBitmap: data.nullBitmap,
    child: newChild,
  } as never);
}
