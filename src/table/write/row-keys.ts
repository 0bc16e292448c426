import type { RecordBatch, Vector } from "apache-arrow";

/**
 * Join keys of rows: one JS value per row (or a composite string for several
 * columns), null when any key column is null — SQL semantics, a null key never
 * matches.
 */
export function rowKeys(batch: RecordBatch, columns: readonly string[]): (string | number | bigint | boolean | null)[] {
  const vectors = columns.map((c) => batch.getChild(c)) as Vector[];
  const keys = new Array<string | number | bigint | boolean | null>(batch.numRows);
  for (let row = 0; row < batch.numRows; row++) {
    if (vectors.length === 1) {
      const value: unknown = vectors[0]!.get(row);
      keys[row] = value === null || value === undefined ? null : keyOf(value);
      continue;
    }
    let composite = "";
    let hasNull = false;
    for (const vector of vectors) {
      const value: unknown = vector.get(row);
      if (value === null || value === undefined) {
        hasNull = true;
        break;
      }
      const key = keyOf(value);
      composite += `${typeof key}:${String(key).length}:${String(key)}|`;
    }
    keys[row] = hasNull ? null : composite;
  }
  return keys;
}

function keyOf(value: unknown): string | number | bigint | boolean {
  if (typeof value === "string" || typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") {
    return value;
  }
  if (value instanceof Date) return value.getTime();
  // Binary, lists and structs compare by their JSON form.
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
}
