import { Data, RecordBatch, Struct, makeData } from "apache-arrow";

/** `batch` with some columns replaced by new data of the same length (same schema). */
export function replaceColumns(batch: RecordBatch, replacements: ReadonlyMap<string, Data>): RecordBatch {
  const children = batch.schema.fields.map((field, i) => replacements.get(field.name) ?? batch.data.children[i]!);
  const data = makeData({ type: new Struct(batch.schema.fields), length: batch.numRows, nullCount: 0, children });
  return new RecordBatch(batch.schema, data);
}
