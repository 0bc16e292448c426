import { type Data, type Field, vectorFromArray } from "apache-arrow";
import { takeRows } from "../../exec/take-rows.js";
import type { FragmentSnapshot } from "../../storage/table-snapshot.js";
import { type ValueKey, compareKeys, readKeys } from "./scalar-column.js";
import type { ValueIndex } from "./value-index.js";

/**
 * Builds a btree / bitmap index over `column` of `fragments`. Every physical
 * row is indexed, deleted ones included: deletions only grow while a fragment
 * lives, and queries apply them anyway, so the index never needs their state.
 */
export async function buildValueIndex(fragments: readonly FragmentSnapshot[], field: Field, signal?: AbortSignal): Promise<ValueIndex> {
  const chunks: Data[] = [];
  // Rows grouped by value as they come, so postings are in row-id order and only distinct values are sorted.
  const groups = new Map<ValueKey | typeof NEGATIVE_ZERO, Group>();
  const nulls: Group = { key: false, chunk: -1, row: -1, fragments: [], rows: [] };
  for (const fragment of fragments) {
    signal?.throwIfAborted();
    const batch = await fragment.load();
    const index = batch.schema.fields.findIndex((f) => f.name === field.name);
    const data = batch.data.children[index]!;
    const c = chunks.length;
    chunks.push(data);
    const values = readKeys(data);
    for (let row = 0; row < values.length; row++) {
      const key = values[row];
      let group: Group | undefined;
      if (key === undefined) {
        group = nulls;
      } else {
        // Map keys compare with SameValueZero, which merges -0 into 0: give -0 a key no number can have.
        const mapKey = Object.is(key, -0) ? NEGATIVE_ZERO : key;
        group = groups.get(mapKey);
        if (!group) {
          group = { key, chunk: c, row, fragments: [], rows: [] };
          groups.set(mapKey, group);
        }
      }
      if (group.chunk < 0) [group.chunk, group.row] = [c, row];
      group.fragments.push(fragment.id);
      group.rows.push(row);
    }
  }

  const sorted = [...groups.values()].sort((a, b) => compareKeys(a.key, b.key));
  if (nulls.rows.length > 0) sorted.push(nulls);
  let total = 0;
  for (const group of sorted) total += group.rows.length;
  const fragmentIds = new Uint32Array(total);
  const rows = new Uint32Array(total);
  const starts = new Uint32Array(sorted.length + 1);
  let at = 0;
  sorted.forEach((group, v) => {
    starts[v] = at;
    fragmentIds.set(group.fragments, at);
    rows.set(group.rows, at);
    at += group.rows.length;
  });
  starts[sorted.length] = at;
  // One row of the column per distinct value (its first occurrence), so the values keep the column's exact type.
  const values =
    sorted.length > 0
      ? takeRows(field.type, chunks, { sources: Uint32Array.from(sorted, (g) => g.chunk), rows: Uint32Array.from(sorted, (g) => g.row) })
      : vectorFromArray([], field.type).data[0]!;
  return { field, values, starts, fragments: fragmentIds, rows };
}

/** The rows of one distinct value, and where it first occurs. */
interface Group {
  readonly key: ValueKey;
  chunk: number;
  row: number;
  readonly fragments: number[];
  readonly rows: number[];
}

const NEGATIVE_ZERO = Symbol("-0");
