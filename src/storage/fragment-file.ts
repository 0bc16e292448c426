import { randomUUID } from "node:crypto";
import { RecordBatch, Schema, Struct, Table, makeData, tableFromIPC, tableToIPC } from "apache-arrow";
import { concatBatches } from "../arrow/concat-batches.js";
import type { ObjectStore } from "./object-store.js";

/**
 * Fragment data files: one Arrow IPC file per fragment holding one record batch.
 * Files are written once under a fresh random name and never modified, which is
 * what lets readers cache them and old versions stay readable.
 */

export const DATA_DIR = "data";

/** Writes `batch` as a new fragment file and returns its table-relative path. */
export async function writeFragmentFile(store: ObjectStore, tableDir: string, batch: RecordBatch): Promise<string> {
  const file = `${DATA_DIR}/${randomUUID()}.arrow`;
  await store.write(`${tableDir}/${file}`, tableToIPC(new Table([batch]), "file"));
  return file;
}

/**
 * Reads a fragment file and returns its rows as one batch shaped like `schema`:
 * columns in schema order, taken by name (dropped columns are left out), with the
 * schema's field and table metadata. A column the file lacks is filled with nulls
 * when the field is nullable.
 */
export function decodeFragmentFile(bytes: Uint8Array, schema: Schema, file: string): RecordBatch {
  const table = tableFromIPC(bytes);
  const batch = table.batches.length === 1 ? table.batches[0]! : concatBatches(table.schema, table.batches);
  const byName = new Map(table.schema.fields.map((f, i) => [f.name, i]));
  const children = schema.fields.map((field) => {
    const index = byName.get(field.name);
    if (index === undefined) {
      if (!field.nullable) throw new Error(`fragment file ${file} lacks non-nullable column '${field.name}'`);
      return makeData({ type: field.type, length: batch.numRows, nullCount: batch.numRows } as never);
    }
    return batch.data.children[index]!;
  });
  const data = makeData({ type: new Struct(schema.fields), length: batch.numRows, nullCount: 0, children });
  return new RecordBatch(schema, data);
}
