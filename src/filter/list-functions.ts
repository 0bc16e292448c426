/**
 * The list functions of the filter language, as DataFusion defines them for
 * LanceDB: `array_has(list, v)` (alias array_contains), `array_has_any(list,
 * [..])`, `array_has_all(list, [..])`. A NULL list gives NULL; otherwise the
 * answer is TRUE or FALSE by membership, NULL elements never matching. An
 * empty array makes array_has_any FALSE and array_has_all TRUE.
 *
 * @internal
 * @module
 */

import { type Data, type DataType, type Field, type RecordBatch, Type, makeVector } from "apache-arrow";
import type { FunctionName } from "./filter-ast.js";
import type { Scalar } from "./value-type.js";

const TRUE = 2;
const NULL = 1;

/** The functions bound and evaluated here rather than as scalar functions. */
export function isListFunction(name: FunctionName): boolean {
  return name === "make_array" || name === "array_has" || name === "array_has_any" || name === "array_has_all";
}

/** "string" or "int" for a list of strings or integers, else undefined. */
export function listElementType(type: DataType): "string" | "int" | undefined {
  if (type.typeId !== Type.List && type.typeId !== Type.LargeList) return undefined;
  const child = (type.children as Field[])[0]?.type;
  if (child?.typeId === Type.Utf8 || child?.typeId === Type.LargeUtf8) return "string";
  if (child?.typeId === Type.Int) return "int";
  return undefined;
}

/** A list element as compared: strings, and integers as bigint or number as the column stores them. */
export type ListElement = string | number | bigint;

/** Reads the elements of a list column's child; null elements are undefined. */
export function readListElements(child: Data): (ListElement | undefined)[] {
  const n = child.length;
  const out = new Array<ListElement | undefined>(n);
  const valid = (i: number) => child.nullCount === 0 || child.getValid(i);
  if (child.typeId === Type.Int) {
    const values = child.values as ArrayLike<number | bigint>;
    for (let i = 0; i < n; i++) out[i] = valid(i) ? values[child.offset + i]! : undefined;
  } else {
    const vector = makeVector(child);
    for (let i = 0; i < n; i++) out[i] = valid(i) ? (vector.get(i) as string) : undefined;
  }
  return out;
}

/** A literal as the list's elements hold it (bigint for 64-bit integer lists, number for narrower ones). */
export function toListElement(value: Scalar, child: Data): ListElement {
  if (typeof value === "string") return value;
  const wide = child.values instanceof BigInt64Array || child.values instanceof BigUint64Array;
  return wide ? BigInt(value as bigint | number) : Number(value);
}

/** The value offsets of a list column's rows: row i holds child elements offsets[i] .. offsets[i + 1]. */
export function listOffsets(list: Data): (i: number) => number {
  const offsets = list.valueOffsets as ArrayLike<number | bigint>;
  return (i) => Number(offsets[list.offset + i]!);
}

/** Three-valued codes (2 TRUE, 1 NULL, 0 FALSE) of a list function on every row of `batch`. */
export function evaluateListFunction(name: FunctionName, indices: readonly number[], needles: readonly Scalar[], batch: RecordBatch): Uint8Array {
  let list: Data = batch.data;
  for (const index of indices) list = list.children[index]!;
  const child = list.children[0]!;
  const elements = readListElements(child);
  const wanted = needles.map((v) => toListElement(v, child));
  const wantedSet = new Set<ListElement>(wanted);
  const offsetOf = listOffsets(list);
  const n = list.length;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (list.nullCount > 0 && !list.getValid(i)) {
      out[i] = NULL;
      continue;
    }
    const start = offsetOf(i);
    const end = offsetOf(i + 1);
    let hit: boolean;
    if (name === "array_has_all") {
      const seen = new Set<ListElement>();
      for (let j = start; j < end; j++) if (elements[j] !== undefined && wantedSet.has(elements[j]!)) seen.add(elements[j]!);
      hit = seen.size === wantedSet.size;
    } else {
      hit = false;
      for (let j = start; j < end && !hit; j++) hit = elements[j] !== undefined && wantedSet.has(elements[j]!);
    }
    out[i] = hit ? TRUE : 0;
  }
  return out;
}
