/**
 * Turns an evaluated column into an Arrow vector: Int64 for integers, Float64, Utf8,
 * Bool, Date32 (days) and Timestamp(ns); constants are broadcast to every row.
 *
 * @internal
 * @module
 */

import {
  Bool,
  DateDay,
  Float64,
  Int64,
  makeData,
  makeVector,
  Null,
  TimestampNanosecond,
  Utf8,
  type Vector,
} from "apache-arrow";
import { type ColumnValues, type Validity } from "./column-values.js";
import type { Scalar, ValueType } from "./value-type.js";

// The three-valued codes of column-values.ts, copied here: once transpiled (vitest, CJS
// bundles) an imported constant becomes a getter call on every use, far too slow in row loops.
const NULL = 1;
const TRUE = 2;

const utf8Encoder = new TextEncoder();

/** Packs validity bytes into an Arrow bitmap; undefined when every row is valid. */
function packValidity(valid: Validity, n: number): { nullBitmap?: Uint8Array; nullCount: number } {
  if (valid === null) return { nullCount: 0 };
  const bitmap = new Uint8Array((n + 7) >> 3);
  let nullCount = 0;
  for (let i = 0; i < n; i++) {
    if (valid[i] === 1) bitmap[i >> 3]! |= 1 << (i & 7);
    else nullCount++;
  }
  return nullCount === 0 ? { nullCount: 0 } : { nullBitmap: bitmap, nullCount };
}

function stringVector(values: readonly string[], valid: Validity, n: number): Vector {
  const offsets = new Int32Array(n + 1);
  let chars = 0;
  for (let i = 0; i < n; i++) {
    if (valid === null || valid[i] === 1) chars += values[i]!.length;
    offsets[i + 1] = chars;
  }
  const joined = valid === null ? values.join("") : values.map((s, i) => (valid[i] === 1 ? s : "")).join("");
  let bytes = utf8Encoder.encode(joined);
  // Only ASCII text encodes to one byte per UTF-16 unit; then the character offsets are byte offsets.
  if (bytes.length !== chars) {
    bytes = new Uint8Array(bytes.length);
    let at = 0;
    for (let i = 0; i < n; i++) {
      offsets[i] = at;
      if (valid === null || valid[i] === 1) at += utf8Encoder.encodeInto(values[i]!, bytes.subarray(at)).written;
    }
    offsets[n] = at;
  }
  return makeVector(makeData({ type: new Utf8(), length: n, valueOffsets: offsets, data: bytes, ...packValidity(valid, n) }));
}

function boolVector(tri: Uint8Array, n: number): Vector {
  const bits = new Uint8Array((n + 7) >> 3);
  const valid = new Uint8Array(n);
  let anyNull = false;
  for (let i = 0; i < n; i++) {
    const code = tri[i]!;
    if (code === TRUE) bits[i >> 3]! |= 1 << (i & 7);
    if (code === NULL) anyNull = true;
    else valid[i] = 1;
  }
  return makeVector(makeData({ type: new Bool(), length: n, data: bits, ...packValidity(anyNull ? valid : null, n) }));
}

function broadcast(type: ValueType, value: Scalar, n: number): Vector {
  if (type === "null") return makeVector(makeData({ type: new Null(), length: n }));
  const valid: Validity = value === null ? new Uint8Array(n) : null;
  switch (type) {
    case "bool":
      return boolVector(new Uint8Array(n).fill(value === null ? NULL : value === true ? TRUE : 0), n);
    case "int":
      return makeVector(makeData({ type: new Int64(), length: n, data: new BigInt64Array(n).fill((value as bigint | null) ?? 0n), ...packValidity(valid, n) }));
    case "float":
      return makeVector(makeData({ type: new Float64(), length: n, data: new Float64Array(n).fill((value as number | null) ?? 0), ...packValidity(valid, n) }));
    case "date":
      return makeVector(makeData({ type: new DateDay(), length: n, data: new Int32Array(n).fill((value as number | null) ?? 0), ...packValidity(valid, n) }));
    case "timestamp":
      return makeVector(
        makeData({ type: new TimestampNanosecond(), length: n, data: new BigInt64Array(n).fill((value as bigint | null) ?? 0n), ...packValidity(valid, n) }),
      );
    default:
      return stringVector(new Array<string>(n).fill((value as string | null) ?? ""), valid, n);
  }
}

/**
 * Int64 values of doubles that hold safe integers, written as two 32-bit words each
 * (little-endian, as Arrow JS assumes): a BigInt per row would be several times slower.
 */
function safeIntsToInt64(values: Float64Array): BigInt64Array {
  const out = new BigInt64Array(values.length);
  const low = new Uint32Array(out.buffer);
  const high = new Int32Array(out.buffer);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const hi = Math.floor(v / 4294967296);
    low[2 * i] = v - hi * 4294967296;
    high[2 * i + 1] = hi;
  }
  return out;
}

/** An Arrow vector of `n` rows holding `values`. */
export function toVector(values: ColumnValues, n: number): Vector {
  switch (values.form) {
    case "scalar":
      return broadcast(values.type, values.value, n);
    case "vector":
      return values.vector;
    case "bool":
      return boolVector(values.tri, n);
    case "string":
      return stringVector(values.values, values.valid, n);
    case "bigint": {
      const validity = packValidity(values.valid, n);
      if (values.type === "timestamp") return makeVector(makeData({ type: new TimestampNanosecond(), length: n, data: values.values, ...validity }));
      return makeVector(makeData({ type: new Int64(), length: n, data: values.values, ...validity }));
    }
    case "number": {
      const validity = packValidity(values.valid, n);
      if (values.type === "float") return makeVector(makeData({ type: new Float64(), length: n, data: values.values, ...validity }));
      if (values.type === "date") return makeVector(makeData({ type: new DateDay(), length: n, data: Int32Array.from(values.values), ...validity }));
      return makeVector(makeData({ type: new Int64(), length: n, data: safeIntsToInt64(values.values), ...validity }));
    }
  }
}
