import { type Data, type DataType, type Field, type Float, Precision, Type, makeVector } from "apache-arrow";

/** The Arrow types a btree or bitmap index holds: those filters compare by value. */
export function isValueIndexable(type: DataType): boolean {
  switch (type.typeId) {
    case Type.Bool:
    case Type.Int:
    case Type.Float:
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Date:
    case Type.Timestamp:
      return true;
    default:
      return false;
  }
}

/** The list types a label-list index holds: lists of strings or integers. */
export function isLabelListIndexable(field: Field): boolean {
  const type = field.type;
  if (type.typeId !== Type.List && type.typeId !== Type.LargeList) return false;
  const child = (type.children as Field[])[0];
  return child !== undefined && (child.type.typeId === Type.Utf8 || child.type.typeId === Type.LargeUtf8 || child.type.typeId === Type.Int);
}

/** A value as sorted and compared by an index: equal keys (Object.is) mean the same value. */
export type ValueKey = number | bigint | string | boolean;

/**
 * Reads the key of every row of one chunk of a value-indexable column; null rows
 * get undefined. Fixed-width numbers are read from the buffer itself, so 64-bit
 * integers and nanosecond timestamps keep their precision (Vector.get rounds
 * timestamps to milliseconds).
 */
export function readKeys(data: Data): (ValueKey | undefined)[] {
  const n = data.length;
  const out = new Array<ValueKey | undefined>(n);
  const valid = (i: number) => data.nullCount === 0 || data.getValid(i);
  // Half floats are stored as raw bits, so they go through Vector.get like strings and booleans.
  const isHalf = data.typeId === Type.Float && (data.type as Float).precision === Precision.HALF;
  const direct = (data.typeId === Type.Int || data.typeId === Type.Date || data.typeId === Type.Timestamp || data.typeId === Type.Float) && !isHalf && data.stride === 1;
  if (direct) {
    const values = data.values as ArrayLike<number | bigint>;
    for (let i = 0; i < n; i++) out[i] = valid(i) ? values[data.offset + i]! : undefined;
    return out;
  }
  const vector = makeVector(data);
  for (let i = 0; i < n; i++) out[i] = valid(i) ? (vector.get(i) as ValueKey) : undefined;
  return out;
}

/** Orders keys of one column: numbers ascending with -0 before 0 and NaN last, strings by code unit, false before true. */
export function compareKeys(a: ValueKey, b: ValueKey): number {
  if (typeof a === "number" && typeof b === "number") {
    if (a < b) return -1;
    if (a > b) return 1;
    if (a === b) return Object.is(a, b) ? 0 : Object.is(a, -0) ? -1 : 1;
    // At least one NaN: NaN sorts last and equals NaN.
    return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1;
  }
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}
