/**
 * Kernels for the predicates filters are made of: a column compared with a constant,
 * BETWEEN two constants, IN a list of constants, and IS NULL.
 * Each runs a tight loop over the column's own buffers: typed arrays for numbers,
 * BigInt64Array with a bigint literal for Int64 and timestamps, UTF-8 bytes compared
 * in place for strings, and dictionaries evaluated once per distinct value.
 *
 * The literal is converted into the column's domain once (see `literal-domain.ts`),
 * never every row.
 *
 * @internal
 * @module
 */

import { Type, util, type Data, type DataType } from "apache-arrow";
import type { ComparisonOp } from "./filter-ast.js";
import { markChunkNulls, sourceOfVector, type ColumnSource } from "./column-source.js";
import { isConstantAnswer, toBigIntPrepared, toNumberPrepared, type TypedScalar } from "./literal-domain.js";

// The three-valued codes of column-values.ts, copied here: once transpiled (vitest, CJS
// bundles) an imported constant becomes a getter call on every use, far too slow in row loops.
const FALSE = 0;
const NULL = 1;
const TRUE = 2;

/** Writes three-valued results for rows `start ..` of one chunk; false when the type has no kernel. */
export type ChunkKernel = (data: Data, out: Uint8Array, start: number) => boolean;

type NumberArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;
type BigArray = BigInt64Array | BigUint64Array;

const utf8Encoder = new TextEncoder();

/** `a OP b` as `b FLIP(OP) a`. */
export function flipComparison(op: ComparisonOp): ComparisonOp {
  switch (op) {
    case "<":
      return ">";
    case "<=":
      return ">=";
    case ">":
      return "<";
    case ">=":
      return "<=";
    default:
      return op;
  }
}

/**
 * Runs `kernel` over every chunk of `source` and marks null rows NULL. Dictionary chunks run
 * the kernel on the dictionary once and gather by key. Undefined when a chunk has no kernel.
 */
export function runKernel(source: ColumnSource, kernel: ChunkKernel): Uint8Array | undefined {
  const out = new Uint8Array(source.length);
  for (const chunk of source.chunks) {
    if (!runOnData(chunk.data, kernel, out, chunk.start)) return undefined;
    markChunkNulls(chunk, out);
  }
  return out;
}

function runOnData(data: Data, kernel: ChunkKernel, out: Uint8Array, start: number): boolean {
  if (data.type.typeId !== Type.Dictionary) return kernel(data, out, start);
  if (data.dictionary === undefined) return false;
  const perEntry = runKernel(sourceOfVector(data.dictionary), kernel);
  if (perEntry === undefined) return false;
  const keys = data.values as NumberArray | BigArray;
  const n = data.length;
  if (keys instanceof BigInt64Array || keys instanceof BigUint64Array) {
    for (let i = 0; i < n; i++) out[start + i] = perEntry[Number(keys[i]!)]!;
  } else {
    for (let i = 0; i < n; i++) out[start + i] = perEntry[keys[i]!]!;
  }
  return true;
}

// ---- the loops ----

function fill(out: Uint8Array, start: number, n: number, code: number): void {
  out.fill(code, start, start + n);
}

// The loops write `+(test) << 1`, TRUE (2) or FALSE (0) without a branch: on unsorted data a
// branch mispredicts half the time, which makes the loop about four times slower.

export function compareNumbers(values: NumberArray, n: number, op: ComparisonOp, lit: number, out: Uint8Array, start: number): void {
  switch (op) {
    case "=":
      for (let i = 0; i < n; i++) out[start + i] = +(values[i] === lit) << 1;
      return;
    case "!=":
      for (let i = 0; i < n; i++) out[start + i] = +(values[i] !== lit) << 1;
      return;
    case "<":
      for (let i = 0; i < n; i++) out[start + i] = +(values[i]! < lit) << 1;
      return;
    case "<=":
      for (let i = 0; i < n; i++) out[start + i] = +(values[i]! <= lit) << 1;
      return;
    case ">":
      for (let i = 0; i < n; i++) out[start + i] = +(values[i]! > lit) << 1;
      return;
    case ">=":
      for (let i = 0; i < n; i++) out[start + i] = +(values[i]! >= lit) << 1;
      return;
  }
}

export function compareBigInts(values: BigArray, n: number, op: ComparisonOp, lit: bigint, out: Uint8Array, start: number): void {
  switch (op) {
    case "=":
      for (let i = 0; i < n; i++) out[start + i] = +(values[i] === lit) << 1;
      return;
    case "!=":
      for (let i = 0; i < n; i++) out[start + i] = +(values[i] !== lit) << 1;
      return;
    case "<":
      for (let i = 0; i < n; i++) out[start + i] = +(values[i]! < lit) << 1;
      return;
    case "<=":
      for (let i = 0; i < n; i++) out[start + i] = +(values[i]! <= lit) << 1;
      return;
    case ">":
      for (let i = 0; i < n; i++) out[start + i] = +(values[i]! > lit) << 1;
      return;
    case ">=":
      for (let i = 0; i < n; i++) out[start + i] = +(values[i]! >= lit) << 1;
      return;
  }
}

/** Bits of a boolean chunk as 0/1 bytes. */
function unpackBits(data: Data): Uint8Array {
  const bits = data.values as Uint8Array;
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const bit = data.offset + i;
    out[i] = (bits[bit >> 3]! >> (bit & 7)) & 1;
  }
  return out;
}

/** Half floats decoded to doubles (Arrow JS keeps them as raw Uint16 bits). */
function decodeHalfFloats(data: Data): Float64Array {
  const halves = data.values as Uint16Array;
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = util.uint16ToFloat64(halves[i]!);
  return out;
}

/** A chunk's values as a number array, or undefined when it is not a number-domain type. */
function numberValuesOf(data: Data): NumberArray | undefined {
  const { typeId } = data.type;
  if (typeId === Type.Bool) return unpackBits(data);
  if (typeId === Type.Float && (data.type as DataType & { precision: number }).precision === 0) return decodeHalfFloats(data);
  if (typeId !== Type.Int && typeId !== Type.Float && typeId !== Type.Date) return undefined;
  const values = data.values as NumberArray | BigArray;
  return values instanceof BigInt64Array || values instanceof BigUint64Array ? undefined : values;
}

function bigValuesOf(data: Data): BigArray | undefined {
  const values = data.values as unknown;
  return values instanceof BigInt64Array || values instanceof BigUint64Array ? values : undefined;
}

/** Offsets of a Utf8 or LargeUtf8 chunk as numbers. */
function utf8OffsetsOf(data: Data): Int32Array | Float64Array | undefined {
  const { typeId } = data.type;
  if (typeId === Type.Utf8) return data.valueOffsets as Int32Array;
  if (typeId === Type.LargeUtf8) {
    const big = data.valueOffsets as unknown as BigInt64Array;
    const out = new Float64Array(data.length + 1);
    for (let i = 0; i <= data.length; i++) out[i] = Number(big[i]!);
    return out;
  }
  return undefined;
}

/** Bit mask of the orderings an operator accepts: 1 = less, 2 = equal, 4 = greater. */
export const ORDER_MASK: Record<ComparisonOp, number> = { "<": 1, "<=": 3, "=": 2, "!=": 5, ">": 4, ">=": 6 };

function compareUtf8(data: Data, op: ComparisonOp, lit: Uint8Array, out: Uint8Array, start: number): boolean {
  const offsets = utf8OffsetsOf(data);
  if (offsets === undefined) return false;
  const bytes = data.values as Uint8Array;
  const n = data.length;
  const len = lit.length;
  if (op === "=" || op === "!=") {
    const hit = op === "=" ? TRUE : FALSE;
    const miss = op === "=" ? FALSE : TRUE;
    for (let i = 0; i < n; i++) {
      const s = offsets[i]!;
      if (offsets[i + 1]! - s !== len) {
        out[start + i] = miss;
        continue;
      }
      let j = 0;
      while (j < len && bytes[s + j] === lit[j]) j++;
      out[start + i] = j === len ? hit : miss;
    }
    return true;
  }
  // Byte order of UTF-8 is code point order, which is how DataFusion orders strings.
  const mask = ORDER_MASK[op];
  for (let i = 0; i < n; i++) {
    const s = offsets[i]!;
    const rowLen = offsets[i + 1]! - s;
    const common = rowLen < len ? rowLen : len;
    let j = 0;
    while (j < common && bytes[s + j] === lit[j]) j++;
    const order = j < common ? (bytes[s + j]! < lit[j]! ? 1 : 4) : rowLen < len ? 1 : rowLen === len ? 2 : 4;
    out[start + i] = mask & order ? TRUE : FALSE;
  }
  return true;
}

/** A kernel for `column OP literal`. */
export function compareKernel(op: ComparisonOp, lit: TypedScalar): ChunkKernel {
  const litBytes = lit.type === "string" ? utf8Encoder.encode(lit.value as string) : undefined;
  return (data, out, start) => {
    const n = data.length;
    if (litBytes !== undefined) return compareUtf8(data, op, litBytes, out, start);
    const big = bigValuesOf(data);
    if (big !== undefined) {
      const prepared = toBigIntPrepared(op, lit, data.type);
      if (prepared === undefined) return false;
      if (isConstantAnswer(prepared)) fill(out, start, n, prepared.constant ? TRUE : FALSE);
      else compareBigInts(big, n, prepared.op, prepared.value, out, start);
      return true;
    }
    const values = numberValuesOf(data);
    if (values === undefined) return false;
    const prepared = toNumberPrepared(op, lit, data.type);
    if (prepared === undefined) return false;
    if (isConstantAnswer(prepared)) fill(out, start, n, prepared.constant ? TRUE : FALSE);
    else compareNumbers(values, n, prepared.op, prepared.value, out, start);
    return true;
  };
}

/** A kernel for `column BETWEEN low AND high` (bounds inclusive, both non-null). */
export function betweenKernel(low: TypedScalar, high: TypedScalar): ChunkKernel {
  return (data, out, start) => {
    const n = data.length;
    const big = bigValuesOf(data);
    if (big !== undefined) {
      const lo = toBigIntPrepared(">=", low, data.type);
      const hi = toBigIntPrepared("<=", high, data.type);
      if (lo === undefined || hi === undefined) return false;
      if ((isConstantAnswer(lo) && !lo.constant) || (isConstantAnswer(hi) && !hi.constant)) {
        fill(out, start, n, FALSE);
        return true;
      }
      // A bound that holds for every value (x >= -Infinity) is dropped by widening it to the type's range.
      const from = isConstantAnswer(lo) ? -(2n ** 64n) : lo.value;
      const to = isConstantAnswer(hi) ? 2n ** 64n : hi.value;
      for (let i = 0; i < n; i++) {
        const v = big[i]!;
        out[start + i] = (+(v >= from) & +(v <= to)) << 1;
      }
      return true;
    }
    const values = numberValuesOf(data);
    if (values === undefined) return false;
    const lo = toNumberPrepared(">=", low, data.type);
    const hi = toNumberPrepared("<=", high, data.type);
    if (lo === undefined || hi === undefined) return false;
    if ((isConstantAnswer(lo) && !lo.constant) || (isConstantAnswer(hi) && !hi.constant)) {
      fill(out, start, n, FALSE);
      return true;
    }
    const from = isConstantAnswer(lo) ? -Infinity : lo.value;
    const to = isConstantAnswer(hi) ? Infinity : hi.value;
    // `<=`/`>=` can only have turned into `>=`/`<=` with an adjusted value, never flipped direction.
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      out[start + i] = (+(v >= from) & +(v <= to)) << 1;
    }
    return true;
  };
}

/**
 * A kernel for `column IN (literals)`, without NOT: TRUE on a match, otherwise FALSE, or
 * NULL when the list holds a NULL (SQL: `1 IN (2, NULL)` is unknown).
 */
export function inListKernel(list: readonly TypedScalar[]): ChunkKernel {
  const hasNull = list.some((item) => item.value === null);
  const items = list.filter((item) => item.value !== null);
  const miss = hasNull ? NULL : FALSE;
  const stringItems = items.filter((item) => item.type === "string").map((item) => utf8Encoder.encode(item.value as string));
  const byLength = new Map<number, Uint8Array[]>();
  for (const bytes of stringItems) byLength.set(bytes.length, [...(byLength.get(bytes.length) ?? []), bytes]);
  return (data, out, start) => {
    const n = data.length;
    const offsets = utf8OffsetsOf(data);
    if (offsets !== undefined) {
      if (stringItems.length !== items.length) return false;
      const bytes = data.values as Uint8Array;
      for (let i = 0; i < n; i++) {
        const s = offsets[i]!;
        const candidates = byLength.get(offsets[i + 1]! - s);
        let found = false;
        if (candidates !== undefined) {
          for (const cand of candidates) {
            let j = 0;
            while (j < cand.length && bytes[s + j] === cand[j]) j++;
            if (j === cand.length) {
              found = true;
              break;
            }
          }
        }
        out[start + i] = found ? TRUE : miss;
      }
      return true;
    }
    const big = bigValuesOf(data);
    if (big !== undefined) {
      const wanted = new Set<bigint>();
      for (const item of items) {
        const prepared = toBigIntPrepared("=", item, data.type);
        if (prepared === undefined) return false;
        if (!isConstantAnswer(prepared)) wanted.add(prepared.value);
      }
      for (let i = 0; i < n; i++) out[start + i] = wanted.has(big[i]!) ? TRUE : miss;
      return true;
    }
    const values = numberValuesOf(data);
    if (values === undefined) return false;
    const wanted = new Set<number>();
    for (const item of items) {
      const prepared = toNumberPrepared("=", item, data.type);
      if (prepared === undefined) return false;
      if (!isConstantAnswer(prepared)) wanted.add(prepared.value);
    }
    if (wanted.size === 0) {
      fill(out, start, n, miss);
      return true;
    }
    if (wanted.size === 1) {
      const only = wanted.values().next().value!;
      for (let i = 0; i < n; i++) out[start + i] = values[i] === only ? TRUE : miss;
      return true;
    }
    const table = lookupTable(wanted);
    if (table !== undefined) {
      // Small integer sets (ids, codes) test with one range check and one byte read.
      const { min, hits } = table;
      const span = hits.length;
      for (let i = 0; i < n; i++) {
        const k = values[i]! - min;
        out[start + i] = k >= 0 && k < span && hits[k] === 1 ? TRUE : miss;
      }
      return true;
    }
    for (let i = 0; i < n; i++) out[start + i] = wanted.has(values[i]!) ? TRUE : miss;
    return true;
  };
}

/** A byte per integer in [min, max] when the set is all integers in a span of at most 64Ki. */
function lookupTable(values: ReadonlySet<number>): { min: number; hits: Uint8Array } | undefined {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (!Number.isInteger(v)) return undefined;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (max - min >= 65536) return undefined;
  const hits = new Uint8Array(max - min + 1);
  for (const v of values) hits[v - min] = 1;
  return { min, hits };
}

/** TRUE where the column is null (IS NULL), from validity bitmaps only; never NULL itself. */
export function isNullColumn(source: ColumnSource): Uint8Array {
  const marks = new Uint8Array(source.length);
  for (const chunk of source.chunks) {
    markChunkNulls(chunk, marks);
    // A null dictionary entry is a null value too.
    if (chunk.data.type.typeId === Type.Dictionary && chunk.data.dictionary !== undefined && chunk.data.dictionary.nullCount > 0) {
      const dictionary = chunk.data.dictionary;
      const keys = chunk.data.values as ArrayLike<number | bigint>;
      for (let i = 0; i < chunk.data.length; i++) if (!dictionary.isValid(Number(keys[i]!))) marks[chunk.start + i] = NULL;
    }
  }
  for (let i = 0; i < marks.length; i++) marks[i] = marks[i] === NULL ? TRUE : FALSE;
  return marks;
}
