/**
 * The built-in SQL functions: lower, upper, length, abs, round and coalesce, over
 * evaluated columns (see `column-values.ts`).
 *
 * @internal
 * @module
 */

import type { FunctionName } from "./filter-ast.js";
import {
  scalarValues,
  triOf,
  validityOf,
  type ColumnValues,
  type Validity,
} from "./column-values.js";
import {
  castValues,
  isSafeIntForm,
  scalarAt,
  scalarToNumber,
  toBigInt64,
  toFloat64,
  toStrings,
  type FailFn,
} from "./value-ops.js";
import type { ValueType } from "./value-type.js";

// The three-valued codes of column-values.ts, copied here: once transpiled (vitest, CJS
// bundles) an imported constant becomes a getter call on every use, far too slow in row loops.
const NULL = 1;

/** Characters (code points), as SQL length() counts them. */
function codePointLength(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff) n--;
  }
  return n;
}

function roundHalfAway(value: number, digits: number): number {
  const scale = 10 ** digits;
  return (Math.sign(value) * Math.round(Math.abs(value) * scale)) / scale;
}

function mapStrings(values: ColumnValues, n: number, fn: (s: string) => string): ColumnValues {
  if (values.form === "scalar") return scalarValues("string", values.value === null ? null : fn(values.value as string));
  const src = toStrings(values, n);
  return { form: "string", type: "string", values: src.map(fn), valid: validityOf(values, n) };
}

/** Calls a built-in function; `args` are already cast as the binder decided (length() gets text). */
export function callFunction(
  name: FunctionName,
  args: readonly ColumnValues[],
  argTypes: readonly ValueType[],
  type: ValueType,
  n: number,
  fail: FailFn,
): ColumnValues {
  const first = args[0]!;
  switch (name) {
    case "make_array":
    case "array_has":
    case "array_has_any":
    case "array_has_all":
      // Bound with their list column and evaluated by list-functions.ts, never here.
      throw new TypeError(`${name}() is evaluated on its list column, not as a scalar function`);
    case "lower":
      return mapStrings(first, n, (s) => s.toLowerCase());
    case "upper":
      return mapStrings(first, n, (s) => s.toUpperCase());
    case "length": {
      if (first.form === "scalar") return scalarValues("int", first.value === null ? null : BigInt(codePointLength(first.value as string)));
      const src = toStrings(first, n);
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = codePointLength(src[i]!);
      return { form: "number", type: "int", values: out, valid: validityOf(first, n) };
    }
    case "abs": {
      if (first.form === "scalar") {
        const v = first.value;
        return scalarValues(type, v === null ? null : typeof v === "bigint" ? (v < 0n ? BigInt.asIntN(64, -v) : v) : Math.abs(v as number));
      }
      if (first.form === "number") return { ...first, values: first.values.map(Math.abs) };
      if (first.form === "bigint") return { ...first, values: first.values.map((v) => (v < 0n ? -v : v)) };
      return first;
    }
    case "round": {
      const digitsArg = args[1];
      const digits = digitsArg?.form === "scalar" && digitsArg.value !== null ? Number(digitsArg.value) : 0;
      if (digitsArg?.form === "scalar" && digitsArg.value === null) return scalarValues(type, null);
      if (type === "int" && digits >= 0) return first;
      if (first.form === "scalar") {
        if (first.value === null) return scalarValues(type, null);
        const rounded = roundHalfAway(scalarToNumber(first.value), digits);
        return scalarValues(type, type === "int" ? BigInt(rounded) : rounded);
      }
      const rounded = toFloat64(first, n).map((v) => roundHalfAway(v, digits));
      const out: ColumnValues = { form: "number", type: "float", values: rounded, valid: validityOf(first, n) };
      return type === "int" ? castValues(out, "float", "int", n, fail) : out;
    }
    case "coalesce":
      return coalesce(args.map((a, i) => castValues(a, argTypes[i]!, type, n, fail)), type, n);
  }
}

function coalesce(args: readonly ColumnValues[], type: ValueType, n: number): ColumnValues {
  if (args.every((a) => a.form === "scalar")) {
    for (const a of args) if (a.form === "scalar" && a.value !== null) return scalarValues(type, a.value);
    return scalarValues(type, null);
  }
  const pick = new Int32Array(n).fill(-1);
  const validities = args.map((a) => validityOf(a, n));
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < args.length; k++) {
      const valid = validities[k]!;
      if (valid === null || valid[i] === 1) {
        pick[i] = k;
        break;
      }
    }
  }
  const outValid: Validity = pick.every((k) => k >= 0) ? null : Uint8Array.from(pick, (k) => (k >= 0 ? 1 : 0));
  switch (type) {
    case "bool": {
      const tri = new Uint8Array(n).fill(NULL);
      for (let i = 0; i < n; i++) if (pick[i]! >= 0) tri[i] = triOf(scalarAt(args[pick[i]!]!, i));
      return { form: "bool", type: "bool", tri };
    }
    case "string": {
      const sources = args.map((a) => toStrings(a, n));
      const out = Array.from({ length: n }, (_, i) => (pick[i]! >= 0 ? sources[pick[i]!]![i]! : ""));
      return { form: "string", type: "string", values: out, valid: outValid };
    }
    case "timestamp":
    case "int": {
      if (type === "int" && args.every(isSafeIntForm)) break;
      const sources = args.map((a) => toBigInt64(a, n));
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) if (pick[i]! >= 0) out[i] = sources[pick[i]!]![i]!;
      return { form: "bigint", type, values: out, valid: outValid };
    }
    default:
      break;
  }
  const sources = args.map((a) => toFloat64(a, n));
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) if (pick[i]! >= 0) out[i] = sources[pick[i]!]![i]!;
  const numberType = type === "int" || type === "date" ? type : "float";
  return { form: "number", type: numberType, values: out, valid: outValid };
}

