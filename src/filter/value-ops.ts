/**
 * Computations on evaluated columns: conversions between value types, arithmetic
 * and CAST. Integer arithmetic stays in doubles while every
 * result is a safe integer and redoes the work in BigInt64 otherwise, so `a * b` on
 * Int32 columns is fast and Int64 results are exact (wrapping like two's complement).
 *
 * @internal
 * @module
 */

import type { ArithmeticOp } from "./filter-ast.js";
import {
  andValidity,
  scalarValues,
  triOf,
  validityOf,
  type ColumnValues,
  type Validity,
} from "./column-values.js";
import { daysToNanos, formatDate, formatTimestamp, nanosToDays, parseDateText, parseTimestampText } from "./temporal.js";
import type { Scalar, ValueType } from "./value-type.js";

// The three-valued codes of column-values.ts, copied here: once transpiled (vitest, CJS
// bundles) an imported constant becomes a getter call on every use, far too slow in row loops.
const NULL = 1;
const TRUE = 2;

/** Raises an evaluation error that names the filter; supplied by the evaluator. */
export type FailFn = (detail: string) => never;

const NANOS_PER_DAY = 86_400_000_000_000n;

// ---- scalar conversions ----

/** A scalar of type `from` as a double (ints, floats, dates, bools). */
export function scalarToNumber(value: Scalar): number {
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  return value as number;
}

function formatFloat(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  // Arrow prints whole floats with a fraction: 20 -> "20.0".
  return Number.isInteger(value) && Math.abs(value) < 1e21 ? `${value}.0` : String(value);
}

/** `value` of type `from` cast to `to`; throws through `fail` for text that does not parse. */
export function castScalar(value: Scalar, from: ValueType, to: ValueType, fail: FailFn): Scalar {
  if (value === null || from === to) return value;
  switch (to) {
    case "string":
      switch (from) {
        case "float":
          return formatFloat(value as number);
        case "date":
          return formatDate(value as number);
        case "timestamp":
          return formatTimestamp(value as bigint);
        default:
          return String(value);
      }
    case "int":
      if (from === "string") {
        const text = (value as string).trim();
        if (!/^[+-]?\d+$/.test(text)) return fail(`Cannot cast string '${String(value)}' to value of Int64 type.`);
        return BigInt.asIntN(64, BigInt(text));
      }
      if (from === "float") {
        const v = value as number;
        return Number.isFinite(v) ? BigInt.asIntN(64, BigInt(Math.trunc(v))) : null;
      }
      return typeof value === "boolean" ? (value ? 1n : 0n) : (value as bigint);
    case "float":
      if (from === "string") {
        const text = (value as string).trim();
        const v = Number(text);
        if (text === "" || Number.isNaN(v) && !/^[+-]?nan$/i.test(text)) {
          return fail(`Cannot cast string '${String(value)}' to value of Float64 type.`);
        }
        return v;
      }
      return scalarToNumber(value);
    case "bool":
      if (from === "string") {
        const text = (value as string).trim().toLowerCase();
        if (["true", "t", "yes", "y", "on", "1"].includes(text)) return true;
        if (["false", "f", "no", "n", "off", "0"].includes(text)) return false;
        return fail(`Cannot cast string '${String(value)}' to value of Boolean type.`);
      }
      return scalarToNumber(value) !== 0;
    case "date":
      if (from === "string") {
        const days = parseDateText(value as string) ?? nanosOrUndefined(value as string);
        if (days === undefined) return fail(`Cannot cast string '${String(value)}' to value of Date32 type.`);
        return days;
      }
      return from === "timestamp" ? nanosToDays(value as bigint) : (value as number);
    case "timestamp":
      if (from === "string") {
        const nanos = parseTimestampText(value as string);
        if (nanos === undefined) return fail(`Cannot cast string '${String(value)}' to value of Timestamp(Nanosecond) type.`);
        return nanos;
      }
      return from === "date" ? daysToNanos(value as number) : (value as bigint);
    default:
      return value;
  }
}

function nanosOrUndefined(text: string): number | undefined {
  const nanos = parseTimestampText(text);
  return nanos === undefined ? undefined : nanosToDays(nanos);
}

// ---- array conversions ----

/** The value of row `i` as a scalar (null when invalid). */
export function scalarAt(values: ColumnValues, i: number): Scalar {
  switch (values.form) {
    case "scalar":
      return values.value;
    case "bool":
      return values.tri[i] === NULL ? null : values.tri[i] === TRUE;
    case "vector":
      return null;
    case "number":
      if (values.valid !== null && values.valid[i] === 0) return null;
      return values.type === "int" ? BigInt(values.values[i]!) : values.values[i]!;
    default:
      if (values.valid !== null && values.valid[i] === 0) return null;
      return values.values[i]!;
  }
}

/** Doubles for numbers, dates (days) and bools; scalars are broadcast. */
export function toFloat64(values: ColumnValues, n: number): Float64Array {
  switch (values.form) {
    case "scalar":
      return new Float64Array(n).fill(values.value === null ? 0 : scalarToNumber(values.value));
    case "number":
      return values.values;
    case "bigint":
      return Float64Array.from(values.values, Number);
    case "bool":
      return Float64Array.from(values.tri, (t) => (t === TRUE ? 1 : 0));
    default:
      return new Float64Array(n);
  }
}

/** Int64 values; scalars are broadcast. */
export function toBigInt64(values: ColumnValues, n: number): BigInt64Array {
  switch (values.form) {
    case "scalar": {
      const v = values.value;
      return new BigInt64Array(n).fill(v === null ? 0n : typeof v === "bigint" ? v : BigInt(Math.trunc(scalarToNumber(v))));
    }
    case "bigint":
      return values.values;
    case "number": {
      const out = new BigInt64Array(n);
      const src = values.values;
      for (let i = 0; i < n; i++) out[i] = BigInt(Math.trunc(src[i]!));
      return out;
    }
    default:
      return new BigInt64Array(n);
  }
}

/** Timestamps as nanoseconds; dates become midnight. */
export function toNanos(values: ColumnValues, n: number): BigInt64Array {
  if (values.form === "number" && values.type === "date") {
    const out = new BigInt64Array(n);
    for (let i = 0; i < n; i++) out[i] = BigInt(values.values[i]!) * NANOS_PER_DAY;
    return out;
  }
  if (values.form === "scalar" && values.type === "date" && values.value !== null) {
    return new BigInt64Array(n).fill(daysToNanos(values.value as number));
  }
  return toBigInt64(values, n);
}

export function toStrings(values: ColumnValues, n: number): readonly string[] {
  if (values.form === "string") return values.values;
  if (values.form === "scalar") return new Array<string>(n).fill(typeof values.value === "string" ? values.value : "");
  return new Array<string>(n).fill("");
}

/** True when every value of an int column fits a double exactly. */
export function isSafeIntForm(values: ColumnValues): boolean {
  if (values.form === "number") return true;
  if (values.form !== "scalar") return false;
  const v = values.value;
  return v === null || typeof v !== "bigint" || (v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER));
}

// ---- arithmetic ----

function arithmeticScalar(op: ArithmeticOp, a: Scalar, b: Scalar, type: ValueType, fail: FailFn): Scalar {
  if (a === null || b === null) return null;
  if (type === "int") {
    const x = a as bigint;
    const y = b as bigint;
    if ((op === "/" || op === "%") && y === 0n) return fail("Divide by zero error.");
    const r = op === "+" ? x + y : op === "-" ? x - y : op === "*" ? x * y : op === "/" ? x / y : x % y;
    return BigInt.asIntN(64, r);
  }
  const x = scalarToNumber(a);
  const y = scalarToNumber(b);
  return op === "+" ? x + y : op === "-" ? x - y : op === "*" ? x * y : op === "/" ? x / y : x % y;
}

function floatLoop(op: ArithmeticOp, x: Float64Array, y: Float64Array, out: Float64Array): void {
  const n = out.length;
  switch (op) {
    case "+":
      for (let i = 0; i < n; i++) out[i] = x[i]! + y[i]!;
      return;
    case "-":
      for (let i = 0; i < n; i++) out[i] = x[i]! - y[i]!;
      return;
    case "*":
      for (let i = 0; i < n; i++) out[i] = x[i]! * y[i]!;
      return;
    case "/":
      for (let i = 0; i < n; i++) out[i] = x[i]! / y[i]!;
      return;
    case "%":
      for (let i = 0; i < n; i++) out[i] = x[i]! % y[i]!;
      return;
  }
}

function checkNoZeroDivisor(y: ArrayLike<number | bigint>, valid: Validity, fail: FailFn): void {
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if ((v === 0 || v === 0n) && (valid === null || valid[i] === 1)) fail(`Divide by zero error (row ${i}).`);
  }
}

/** `a OP b` with SQL semantics: NULL in, NULL out; integer division truncates; x / 0 fails for ints. */
export function arithmetic(op: ArithmeticOp, a: ColumnValues, b: ColumnValues, type: ValueType, n: number, fail: FailFn): ColumnValues {
  if (a.form === "scalar" && b.form === "scalar") return scalarValues(type, arithmeticScalar(op, a.value, b.value, type, fail));
  if (type === "null" || (a.form === "scalar" && a.value === null) || (b.form === "scalar" && b.value === null)) {
    return scalarValues(type, null);
  }
  const valid = andValidity(validityOf(a, n), validityOf(b, n));
  if (type === "float") {
    const out = new Float64Array(n);
    floatLoop(op, toFloat64(a, n), toFloat64(b, n), out);
    return { form: "number", type: "float", values: out, valid };
  }
  if (isSafeIntForm(a) && isSafeIntForm(b)) {
    const x = toFloat64(a, n);
    const y = toFloat64(b, n);
    if (op === "/" || op === "%") checkNoZeroDivisor(y, valid, fail);
    const out = new Float64Array(n);
    if (op === "/") {
      for (let i = 0; i < n; i++) out[i] = Math.trunc(x[i]! / y[i]!) || 0;
    } else {
      floatLoop(op, x, y, out);
    }
    let exact = true;
    for (let i = 0; i < n; i++) {
      const v = out[i]!;
      if (v > Number.MAX_SAFE_INTEGER || v < -Number.MAX_SAFE_INTEGER || v !== v) {
        if (valid === null || valid[i] === 1) {
          exact = false;
          break;
        }
        out[i] = 0;
      }
    }
    if (exact) return { form: "number", type: "int", values: out, valid };
  }
  const x = toBigInt64(a, n);
  const y = toBigInt64(b, n);
  if (op === "/" || op === "%") checkNoZeroDivisor(y, valid, fail);
  const out = new BigInt64Array(n);
  for (let i = 0; i < n; i++) {
    const p = x[i]!;
    const q = y[i]!;
    if (q === 0n && (op === "/" || op === "%")) continue;
    out[i] = op === "+" ? p + q : op === "-" ? p - q : op === "*" ? p * q : op === "/" ? p / q : p % q;
  }
  return { form: "bigint", type: "int", values: out, valid };
}

/** Unary minus. */
export function negate(values: ColumnValues): ColumnValues {
  switch (values.form) {
    case "scalar": {
      const v = values.value;
      return scalarValues(values.type, v === null ? null : typeof v === "bigint" ? BigInt.asIntN(64, -v) : -(v as number));
    }
    case "number":
      return { ...values, values: values.values.map((v) => -v || 0) };
    case "bigint":
      return { ...values, values: values.values.map((v) => -v) };
    default:
      return values;
  }
}

// ---- CAST ----

/** Casts every row of `values` (of type `from`) to `to`. */
export function castValues(values: ColumnValues, from: ValueType, to: ValueType, n: number, fail: FailFn): ColumnValues {
  if (values.form === "scalar") return scalarValues(to, castScalar(values.value, from, to, fail));
  if (from === to) return values;
  const valid = validityOf(values, n);
  const rowFail = (i: number): FailFn => (detail) => fail(`${detail.replace(/\.$/, "")} (row ${i}).`);
  switch (to) {
    case "float":
      if (values.form === "string") {
        const out = new Float64Array(n);
        for (let i = 0; i < n; i++) if (valid === null || valid[i] === 1) out[i] = castScalar(values.values[i]!, "string", "float", rowFail(i)) as number;
        return { form: "number", type: "float", values: out, valid };
      }
      return { form: "number", type: "float", values: Float64Array.from(toFloat64(values, n)), valid };
    case "int": {
      if (values.form === "number") {
        const out = values.values.map((v) => Math.trunc(v) || 0);
        const validOut = values.values.some((v) => !Number.isFinite(v)) ? nullWhere(valid, values.values, (v) => !Number.isFinite(v)) : valid;
        if (out.every((v) => Number.isSafeInteger(v))) return { form: "number", type: "int", values: out, valid: validOut };
        return { form: "bigint", type: "int", values: toBigInt64({ ...values, values: out }, n), valid: validOut };
      }
      if (values.form === "bool") {
        return { form: "number", type: "int", values: Float64Array.from(values.tri, (t) => (t === TRUE ? 1 : 0)), valid };
      }
      const out = new BigInt64Array(n);
      if (values.form === "string") {
        for (let i = 0; i < n; i++) if (valid === null || valid[i] === 1) out[i] = castScalar(values.values[i]!, "string", "int", rowFail(i)) as bigint;
      }
      return { form: "bigint", type: "int", values: values.form === "bigint" ? values.values : out, valid };
    }
    case "bool": {
      const tri = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const v = scalarAt(values, i);
        tri[i] = v === null ? NULL : triOf(castScalar(v, from, "bool", rowFail(i)));
      }
      return { form: "bool", type: "bool", tri };
    }
    case "string": {
      const out = new Array<string>(n);
      for (let i = 0; i < n; i++) {
        const v = scalarAt(values, i);
        out[i] = v === null ? "" : (castScalar(v, from, "string", fail) as string);
      }
      return { form: "string", type: "string", values: out, valid };
    }
    case "date": {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = scalarAt(values, i);
        if (v !== null) out[i] = castScalar(v, from, "date", rowFail(i)) as number;
      }
      return { form: "number", type: "date", values: out, valid };
    }
    case "timestamp": {
      if (from === "date") return { form: "bigint", type: "timestamp", values: toNanos(values, n), valid };
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) {
        const v = scalarAt(values, i);
        if (v !== null) out[i] = castScalar(v, from, "timestamp", rowFail(i)) as bigint;
      }
      return { form: "bigint", type: "timestamp", values: out, valid };
    }
    default:
      return values;
  }
}

function nullWhere(valid: Validity, values: Float64Array, isNull: (v: number) => boolean): Validity {
  const out = valid === null ? new Uint8Array(values.length).fill(1) : Uint8Array.from(valid);
  for (let i = 0; i < values.length; i++) if (isNull(values[i]!)) out[i] = 0;
  return out;
}
