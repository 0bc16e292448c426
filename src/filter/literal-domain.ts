/**
 * Converts a literal into the domain of the column it is compared with, once per
 * chunk rather than once per row: an Int64 column compared with 2.5, a millisecond
 * timestamp with a nanosecond literal, a Date32 column with a timestamp. A literal
 * between two representable values turns `<` into `<=` on the floor, and so on; a
 * comparison that cannot hold (`int_col = 2.5`) becomes a constant answer.
 *
 * @internal
 * @module
 */

import { Type, type DataType } from "apache-arrow";
import type { ComparisonOp } from "./filter-ast.js";
import { NANOS_PER_UNIT, daysToNanos, floorDiv } from "./temporal.js";
import type { Scalar, ValueType } from "./value-type.js";

/** A literal typed for the kernels. */
export interface TypedScalar {
  readonly type: ValueType;
  readonly value: Scalar;
}

const NANOS_PER_DAY = 86_400_000_000_000n;
const NANOS_PER_MILLI = 1_000_000n;

/** A comparison whose answer is the same for every non-null row (`int_col = 2.5`). */
export interface ConstantAnswer {
  readonly constant: boolean;
}
export type Prepared<T> = { readonly op: ComparisonOp; readonly value: T } | ConstantAnswer;

export function isConstantAnswer<T>(p: Prepared<T>): p is ConstantAnswer {
  return "constant" in p;
}

/**
 * `x OP v` for an integer-valued `x`, given `floor = floor(v)` and whether `v` is that integer.
 * A fractional `v` never equals `x`, and `x < 2.5` is `x <= 2`, `x > 2.5` is `x >= 3`.
 */
function integerBound(op: ComparisonOp, floor: bigint, exact: boolean): Prepared<bigint> {
  if (exact) return { op, value: floor };
  switch (op) {
    case "=":
      return { constant: false };
    case "!=":
      return { constant: true };
    case "<":
    case "<=":
      return { op: "<=", value: floor };
    default:
      return { op: ">=", value: floor + 1n };
  }
}

function floatToIntBound(op: ComparisonOp, value: number): Prepared<bigint> {
  if (Number.isNaN(value)) return { constant: op === "!=" };
  if (!Number.isFinite(value)) {
    if (op === "=") return { constant: false };
    if (op === "!=") return { constant: true };
    return { constant: (op === "<" || op === "<=") === value > 0 };
  }
  const floor = Math.floor(value);
  return integerBound(op, BigInt(floor), floor === value);
}

/** A nanosecond literal against values counted in units of `unitNanos`. */
function scaledBound(op: ComparisonOp, nanos: bigint, unitNanos: bigint): Prepared<bigint> {
  const floor = floorDiv(nanos, unitNanos);
  return integerBound(op, floor, floor * unitNanos === nanos);
}

export function toBigIntPrepared(op: ComparisonOp, lit: TypedScalar, columnType: DataType): Prepared<bigint> | undefined {
  const { type, value } = lit;
  switch (columnType.typeId) {
    case Type.Int:
      if (type === "int") return { op, value: value as bigint };
      if (type === "float") return floatToIntBound(op, value as number);
      return undefined;
    case Type.Timestamp: {
      const unitNanos = NANOS_PER_UNIT[(columnType as DataType & { unit: number }).unit]!;
      if (type === "timestamp") return scaledBound(op, value as bigint, unitNanos);
      if (type === "date") return scaledBound(op, daysToNanos(value as number), unitNanos);
      return undefined;
    }
    case Type.Date:
      // Date64: milliseconds.
      if (type === "date") return { op, value: BigInt(value as number) * 86_400_000n };
      if (type === "timestamp") return scaledBound(op, value as bigint, NANOS_PER_MILLI);
      return undefined;
    default:
      return undefined;
  }
}

export function toNumberPrepared(op: ComparisonOp, lit: TypedScalar, columnType: DataType): Prepared<number> | undefined {
  const { type, value } = lit;
  if (columnType.typeId === Type.Date) {
    // Date32: days.
    if (type === "date") return { op, value: value as number };
    if (type !== "timestamp") return undefined;
    const bound = scaledBound(op, value as bigint, NANOS_PER_DAY);
    return isConstantAnswer(bound) ? bound : { op: bound.op, value: Number(bound.value) };
  }
  if (type === "int") return { op, value: Number(value as bigint) };
  if (type === "float") return { op, value: value as number };
  if (type === "bool" && columnType.typeId === Type.Bool) return { op, value: value ? 1 : 0 };
  return undefined;
}
