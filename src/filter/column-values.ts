/**
 * The evaluator's working form of a computed column: one flat typed array per value
 * kind plus a validity byte per row, or a single scalar for constant subtrees. Booleans
 * use three-valued codes so AND is `min`, OR is `max` and NOT is `2 - x`.
 *
 * @internal
 * @module
 */

import type { Vector } from "apache-arrow";
import type { Scalar, ValueType } from "./value-type.js";

/** Three-valued logic codes, ordered FALSE < NULL < TRUE (Kleene logic). */
export const FALSE = 0;
export const NULL = 1;
export const TRUE = 2;

/** One byte per row, 1 = valid; `null` means every row is valid. */
export type Validity = Uint8Array | null;

export interface ScalarValues {
  readonly form: "scalar";
  readonly type: ValueType;
  readonly value: Scalar;
}

/** Ints that fit a double exactly, floats, and dates (as days). */
export interface NumberValues {
  readonly form: "number";
  readonly type: "int" | "float" | "date";
  readonly values: Float64Array;
  readonly valid: Validity;
}

/** Int64 values, and timestamps (as nanoseconds). */
export interface BigIntValues {
  readonly form: "bigint";
  readonly type: "int" | "timestamp";
  readonly values: BigInt64Array;
  readonly valid: Validity;
}

export interface StringValues {
  readonly form: "string";
  readonly type: "string";
  /** "" at null rows. */
  readonly values: readonly string[];
  readonly valid: Validity;
}

export interface BoolValues {
  readonly form: "bool";
  readonly type: "bool";
  /** FALSE / NULL / TRUE per row. */
  readonly tri: Uint8Array;
}

/** A column of a type the evaluator does not compute with, passed through as is. */
export interface VectorValues {
  readonly form: "vector";
  readonly type: "other";
  readonly vector: Vector;
}

export type ColumnValues = ScalarValues | NumberValues | BigIntValues | StringValues | BoolValues | VectorValues;

export function scalarValues(type: ValueType, value: Scalar): ScalarValues {
  return { form: "scalar", type, value };
}

/** The three-valued code of a boolean scalar. */
export function triOf(value: Scalar): number {
  return value === null ? NULL : value === true ? TRUE : FALSE;
}

/** The boolean scalar of a three-valued code. */
export function scalarOfTri(code: number): boolean | null {
  return code === NULL ? null : code === TRUE;
}

/** True when row `i` is valid. */
export function isValid(valid: Validity, i: number): boolean {
  return valid === null || valid[i] === 1;
}

/** Validity of rows valid in both; shares an input when the other is all-valid. */
export function andValidity(a: Validity, b: Validity): Validity {
  if (a === null) return b;
  if (b === null) return a;
  const out = new Uint8Array(a.length);
  for (let i = 0; i < out.length; i++) out[i] = a[i]! & b[i]!;
  return out;
}

/** Validity of a column's values (scalars and booleans included), for `numRows` rows. */
export function validityOf(values: ColumnValues, numRows: number): Validity {
  switch (values.form) {
    case "scalar":
      return values.value === null ? new Uint8Array(numRows) : null;
    case "bool": {
      const out = new Uint8Array(numRows);
      let all = true;
      for (let i = 0; i < numRows; i++) {
        const v = values.tri[i] !== NULL ? 1 : 0;
        out[i] = v;
        if (v === 0) all = false;
      }
      return all ? null : out;
    }
    case "vector": {
      const vector = values.vector;
      if (vector.nullCount === 0) return null;
      const out = new Uint8Array(numRows);
      for (let i = 0; i < numRows; i++) out[i] = vector.isValid(i) ? 1 : 0;
      return out;
    }
    default:
      return values.valid;
  }
}

/** Sets NULL in `tri` wherever `valid` says a row is null. */
export function applyValidity(tri: Uint8Array, valid: Validity): void {
  if (valid === null) return;
  for (let i = 0; i < tri.length; i++) if (valid[i] === 0) tri[i] = NULL;
}
