import type { Data, Field } from "apache-arrow";

/**
 * The in-memory form of a btree or bitmap index over one column: the column's
 * distinct values, sorted, each with the rows holding it. A NULL, when some row
 * is null, is the last distinct value. Postings of value `v` are entries
 * `starts[v] .. starts[v + 1]` of `fragments` / `rows`, in row-id order.
 *
 * Keeping the values as an Arrow column of the indexed column's own type lets a
 * query evaluate any predicate on that column once per distinct value with the
 * ordinary filter evaluator, so indexed and unindexed results cannot differ.
 */
export interface ValueIndex {
  /** The indexed column's field (name and type as when the index was built). */
  readonly field: Field;
  /** The distinct values, sorted; a trailing null stands for the null rows. */
  readonly values: Data;
  /** `values.length + 1` offsets into the postings. */
  readonly starts: Uint32Array;
  /** Fragment id of each posting. */
  readonly fragments: Uint32Array;
  /** Row offset within its fragment of each posting. */
  readonly rows: Uint32Array;
}

/** Approximate bytes held, for the connection's cache. */
export function valueIndexBytes(index: ValueIndex): number {
  let valueBytes = 0;
  for (const buffer of [index.values.values, index.values.valueOffsets, index.values.nullBitmap] as unknown[]) {
    if (ArrayBuffer.isView(buffer)) valueBytes += buffer.byteLength;
  }
  return valueBytes + index.starts.byteLength + index.fragments.byteLength + index.rows.byteLength;
}
