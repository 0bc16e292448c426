/**
 * The handful of value types the filter language reasons about, and how Arrow types
 * map onto them. Every integer width is "int" and every float width "float": the
 * kernels read the column's own typed array, so width only matters at the edges.
 *
 * @internal
 * @module
 */

import { DataType, Type } from "apache-arrow";

export type ValueType = "null" | "bool" | "int" | "float" | "string" | "date" | "timestamp" | "other";

/**
 * A constant: int and timestamp are bigints (timestamps in nanoseconds), float a number,
 * date a number of days, bool a boolean, string a string; null is SQL NULL.
 */
export type Scalar = bigint | number | string | boolean | null;

/** The value type of an Arrow type; dictionaries take their values' type. */
export function valueTypeOf(type: DataType): ValueType {
  switch (type.typeId) {
    case Type.Null:
      return "null";
    case Type.Bool:
      return "bool";
    case Type.Int:
      return "int";
    case Type.Float:
      return "float";
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Utf8View:
      return "string";
    case Type.Date:
      return "date";
    case Type.Timestamp:
      return "timestamp";
    case Type.Dictionary:
      return valueTypeOf((type as DataType & { dictionary: DataType }).dictionary);
    default:
      return "other";
  }
}

/** True for the types arithmetic accepts. */
export function isNumeric(type: ValueType): boolean {
  return type === "int" || type === "float";
}

/** True for date and timestamp. */
export function isTemporal(type: ValueType): boolean {
  return type === "date" || type === "timestamp";
}

/** The Arrow-style name of a computed value's type, for messages. */
export function describeValueType(type: ValueType): string {
  switch (type) {
    case "null":
      return "Null";
    case "bool":
      return "Boolean";
    case "int":
      return "Int64";
    case "float":
      return "Float64";
    case "string":
      return "Utf8";
    case "date":
      return "Date32";
    case "timestamp":
      return "Timestamp(Nanosecond)";
    case "other":
      return "an unsupported type";
  }
}

/**
 * The type two operands of a comparison are compared in, or undefined when they cannot be
 * compared. NULL compares with anything; ints and floats compare as floats; a date compares
 * with a timestamp as midnight of that day.
 */
export function commonCompareType(a: ValueType, b: ValueType): ValueType | undefined {
  if (a === "other" || b === "other") return undefined;
  if (a === "null") return b;
  if (b === "null") return a;
  if (a === b) return a;
  if (isNumeric(a) && isNumeric(b)) return "float";
  if (isTemporal(a) && isTemporal(b)) return "timestamp";
  return undefined;
}
