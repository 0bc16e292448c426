// Small Arrow tables for the ingest-stage tests.
import { Field, FixedSizeList, Float16, Float32, Schema, Table, Utf8, vectorFromArray, type Float, type Vector } from "apache-arrow";

export function vectorType(width: number, element: Float = new Float32()): FixedSizeList {
  return new FixedSizeList(width, new Field("item", element, true));
}

/** A table with a `text` column and, when `vectors` is given, a nullable `vector` column. */
export function textTable(texts: (string | null)[], vectors?: (number[] | null)[], width = 3, element: Float = new Float32()): Table {
  const columns: Record<string, Vector> = { text: vectorFromArray(texts, new Utf8()) };
  if (vectors !== undefined) columns.vector = vectorFromArray(vectors, vectorType(width, element));
  return new Table(columns);
}

/** The rows of a vector column as plain arrays (null for null rows). */
export function vectorRows(table: Table, column = "vector"): (number[] | null)[] {
  const vector = table.getChild(column);
  if (vector === null) throw new Error(`no column ${column}`);
  return Array.from({ length: table.numRows }, (_, i) => {
    // Element by element: get() decodes float16 (toArray() would give the raw bits).
    const value = vector.get(i) as { length: number; get(k: number): number } | null;
    return value === null ? null : Array.from({ length: value.length }, (_, k) => value.get(k));
  });
}

export { Float16, Float32, Schema };
