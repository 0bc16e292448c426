import { type Field, vectorFromArray } from "apache-arrow";
import { listOffsets, readListElements, type ListElement } from "../../filter/list-functions.js";
import type { FragmentSnapshot } from "../../storage/table-snapshot.js";
import { compareKeys } from "./scalar-column.js";
import type { ValueIndex } from "./value-index.js";

/**
 * Builds a label-list index over the list column `field`: each distinct label
 * (list element) with the rows whose list holds it — a row once per label —
 * and, as a trailing null value, the rows whose list is NULL. NULL elements are
 * no label (list functions never match them). Every physical row is indexed.
 */
export async function buildLabelListIndex(fragments: readonly FragmentSnapshot[], field: Field, signal?: AbortSignal): Promise<ValueIndex> {
  const elementType = (field.type.children as Field[])[0]!.type;
  const groups = new Map<ListElement, { fragments: number[]; rows: number[] }>();
  const nulls = { fragments: [] as number[], rows: [] as number[] };
  for (const fragment of fragments) {
    signal?.throwIfAborted();
    const batch = await fragment.load();
    const list = batch.data.children[batch.schema.fields.findIndex((f) => f.name === field.name)]!;
    const elements = readListElements(list.children[0]!);
    const offsetOf = listOffsets(list);
    for (let row = 0; row < list.length; row++) {
      if (list.nullCount > 0 && !list.getValid(row)) {
        nulls.fragments.push(fragment.id);
        nulls.rows.push(row);
        continue;
      }
      const seen = new Set<ListElement>();
      for (let j = offsetOf(row); j < offsetOf(row + 1); j++) {
        const label = elements[j];
        if (label === undefined || seen.has(label)) continue;
        seen.add(label);
        let group = groups.get(label);
        if (!group) {
          group = { fragments: [], rows: [] };
          groups.set(label, group);
        }
        group.fragments.push(fragment.id);
        group.rows.push(row);
      }
    }
  }
  const labels = [...groups.keys()].sort(compareKeys);
  const lists = labels.map((label) => groups.get(label)!);
  if (nulls.rows.length > 0) lists.push(nulls);
  let total = 0;
  for (const group of lists) total += group.rows.length;
  const fragmentIds = new Uint32Array(total);
  const rows = new Uint32Array(total);
  const starts = new Uint32Array(lists.length + 1);
  let at = 0;
  lists.forEach((group, v) => {
    starts[v] = at;
    fragmentIds.set(group.fragments, at);
    rows.set(group.rows, at);
    at += group.rows.length;
  });
  starts[lists.length] = at;
  const items: (ListElement | null)[] = nulls.rows.length > 0 ? [...labels, null] : labels;
  const values = vectorFromArray(items, elementType).data[0]!;
  return { field, values, starts, fragments: fragmentIds, rows };
}
