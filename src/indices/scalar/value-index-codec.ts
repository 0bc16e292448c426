import { type Data, Field, RecordBatch, Schema, Struct, Table, Uint32, makeData, tableFromIPC, tableToIPC, vectorFromArray } from "apache-arrow";
import type { ValueIndex } from "./value-index.js";

/**
 * The files of a stored btree or bitmap index, each an Arrow IPC file with one
 * record batch, in the index's folder `_indices/<uuid>/`:
 *
 * - `values.arrow`: `value` (the column's type, sorted distinct values, a trailing
 *   null for null rows), `start` (uint32) — where the value's postings start;
 * - `postings.arrow`: `fragment`, `row` (uint32) — grouped by value, in row-id order within one.
 */
export const VALUE_INDEX_FILES = Object.freeze({ values: "values.arrow", postings: "postings.arrow" });

/** The files of an index, by file name. */
export function encodeValueIndex(index: ValueIndex): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const distinct = index.values.length;
  files.set(
    VALUE_INDEX_FILES.values,
    ipcFile([
      [new Field("value", index.values.type, true), index.values],
      [new Field("start", new Uint32(), false), uint32Data(index.starts.subarray(0, distinct))],
    ]),
  );
  files.set(
    VALUE_INDEX_FILES.postings,
    ipcFile([
      [new Field("fragment", new Uint32(), false), uint32Data(index.fragments)],
      [new Field("row", new Uint32(), false), uint32Data(index.rows)],
    ]),
  );
  return files;
}

/** Rebuilds an index from its files for column `field`; throws a plain Error saying what is inconsistent. */
export function decodeValueIndex(field: Field, read: (name: string) => Uint8Array | undefined): ValueIndex {
  const values = open(read, VALUE_INDEX_FILES.values);
  const postings = open(read, VALUE_INDEX_FILES.postings);
  const valueColumn = values.getChild("value");
  if (!valueColumn) throw new Error(`${VALUE_INDEX_FILES.values} has no column 'value'`);
  const fragments = uint32Column(postings, "fragment");
  const rows = uint32Column(postings, "row");
  if (fragments.length !== rows.length) throw new Error(`${VALUE_INDEX_FILES.postings} has columns of different lengths`);
  const distinct = values.numRows;
  const starts = new Uint32Array(distinct + 1);
  starts.set(uint32Column(values, "start"));
  starts[distinct] = fragments.length;
  for (let v = 0; v < distinct; v++) {
    if (starts[v]! > starts[v + 1]!) throw new Error(`${VALUE_INDEX_FILES.values}: postings starts are not ascending at value ${v}`);
  }
  if (valueColumn.data.length > 1) throw new Error(`${VALUE_INDEX_FILES.values} holds more than one record batch`);
  const data = valueColumn.data[0] ?? vectorFromArray([], valueColumn.type).data[0]!;
  return { field: new Field(field.name, valueColumn.type, true), values: data, starts, fragments, rows };
}

function open(read: (name: string) => Uint8Array | undefined, name: string): Table {
  const bytes = read(name);
  if (!bytes) throw new Error(`the index file ${name} is missing`);
  // Typed-array views need aligned offsets; a buffer from a pool may not be.
  return tableFromIPC(bytes.byteOffset % 8 === 0 ? bytes : bytes.slice());
}

function uint32Data(values: Uint32Array): Data {
  return makeData({ type: new Uint32(), length: values.length, nullCount: 0, data: values });
}

function ipcFile(columns: readonly (readonly [Field, Data])[]): Uint8Array {
  const fields = columns.map(([f]) => f);
  const children = columns.map(([, d]) => d);
  const batch = new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: children[0]!.length, nullCount: 0, children }));
  return tableToIPC(new Table([batch]), "file");
}

function uint32Column(table: Table, name: string): Uint32Array {
  const column = table.getChild(name);
  if (!column) throw new Error(`an index file lacks its column '${name}'`);
  const values = column.toArray() as unknown;
  if (!(values instanceof Uint32Array)) throw new Error(`column '${name}' of an index file is not uint32`);
  return values;
}
