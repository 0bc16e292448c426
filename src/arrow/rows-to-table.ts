/**
 * Building an Arrow table of a given schema from plain row objects. Each
 * column is built straight into typed arrays, checking every value against the
 * column's type: a value that does not fit is refused with a
 * {@link SchemaMismatchError} naming the column and row, where LanceDB would
 * store a null, a truncated number or garbage.
 *
 * @module
 */

import {
  Data,
  DataType,
  DateUnit,
  Field,
  Precision,
  RecordBatch,
  Struct,
  Table,
  TimeUnit,
  Type,
  Vector,
  makeBuilder,
  type Dictionary,
  type FixedSizeBinary,
  type FixedSizeList,
  type Float,
  type Int,
  type Schema,
  type Timestamp,
  type Date_,
} from "apache-arrow";
import type { SchemaMismatchError } from "../errors.js";
import { adoptSchema, makeAnyData } from "./adopt-arrow.js";
import { isStructValue } from "./infer-schema.js";
import {
  describeType,
  describeValue,
  fieldNotInSchema,
  formatPath,
  invalidData,
  nonFiniteInVector,
  nullInVector,
  nullNotAllowed,
  schemaMismatch,
  vectorValueTooLarge,
  vectorWidthMismatch,
  type IngestContext,
  type IngestScope,
} from "./ingest-errors.js";


interface Validity {
  readonly nullCount: number;
  readonly nullBitmap: Uint8Array | undefined;
}

const MS_PER_DAY = 86_400_000;

function isNullish(value: unknown): value is null | undefined {
  return value === null || value === undefined;
}

/** A plain JS hint for the values a type takes, used in fixes. */
function expectedValue(type: DataType): string {
  if (DataType.isBool(type)) return "a boolean";
  if (DataType.isInt(type)) return (type as Int).bitWidth === 64 ? "a bigint or an integer number" : "an integer number";
  if (DataType.isFloat(type)) return "a number";
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type)) return "a string";
  if (DataType.isBinary(type) || DataType.isLargeBinary(type) || DataType.isFixedSizeBinary(type)) {
    return "a Uint8Array or Buffer";
  }
  if (DataType.isDate(type) || DataType.isTimestamp(type)) return "a Date";
  if (DataType.isFixedSizeList(type)) return `an array of ${(type as FixedSizeList).listSize} values`;
  if (DataType.isList(type) || DataType.isLargeList(type)) return "an array";
  if (DataType.isStruct(type)) return "an object";
  return `a ${describeType(type)} value`;
}

function wrongValue(scope: IngestScope, i: number, type: DataType, value: unknown, why?: string, cause?: unknown): SchemaMismatchError {
  const row = scope.rowOf(i);
  const column = formatPath(scope.path);
  return schemaMismatch(
    scope.ctx,
    {
      path: scope.path,
      row,
      expected: describeType(type),
      actual: describeValue(value),
      problem: `takes ${describeType(type)} values and row ${row} has ${describeValue(value)}${why ? ` (${why})` : ""}`,
      fix: `store ${expectedValue(type)} in "${column}", or create the table with a schema whose "${column}" column fits the data`,
    },
    cause,
  );
}

function emptyBitmap(length: number): Uint8Array {
  return new Uint8Array(((length + 63) & ~63) >> 3);
}

/** The null bitmap of `cells`, refusing nulls where the field does not allow them. */
function validityOf(cells: readonly unknown[], field: Field, scope: IngestScope): Validity {
  const n = cells.length;
  let nullCount = 0;
  for (let i = 0; i < n; i++) {
    const value = cells[i];
    if (value === null || value === undefined) {
      if (!field.nullable && !scope.isDead?.(i)) {
        throw nullNotAllowed(scope.ctx, scope.path, scope.rowOf(i), field.type as DataType, value === null ? "null" : "no value");
      }
      nullCount++;
    }
  }
  if (nullCount === 0) return { nullCount, nullBitmap: undefined };
  const bitmap = emptyBitmap(n);
  for (let i = 0; i < n; i++) {
    if (!isNullish(cells[i])) bitmap[i >> 3]! |= 1 << (i & 7);
  }
  return { nullCount, nullBitmap: bitmap };
}

/**
 * Builds the `Data` of one column from its cells (one JS value per row or list
 * element), checking each value against `field`.
 */
function buildColumn(cells: readonly unknown[], field: Field, scope: IngestScope): Data {
  const type = field.type as DataType;
  const validity = validityOf(cells, field, scope);
  switch (type.typeId) {
    case Type.Null:
      return buildNull(cells, type, scope);
    case Type.Bool:
      return buildBool(cells, type, validity, scope);
    case Type.Int:
      return buildInt(cells, type as Int, validity, scope);
    case Type.Float:
      return buildFloat(cells, type as Float, validity, scope);
    case Type.Utf8:
    case Type.LargeUtf8:
      return buildUtf8(cells, type, validity, scope);
    case Type.Binary:
    case Type.LargeBinary:
      return buildBinary(cells, type, validity, scope);
    case Type.FixedSizeBinary:
      return buildFixedSizeBinary(cells, type as FixedSizeBinary, validity, scope);
    case Type.Date:
      return buildDate(cells, type as Date_, validity, scope);
    case Type.Timestamp:
      return buildTimestamp(cells, type as Timestamp, validity, scope);
    case Type.List:
    case Type.LargeList:
      return buildList(cells, type, validity, scope);
    case Type.FixedSizeList:
      return buildFixedSizeList(cells, type as FixedSizeList, validity, scope);
    case Type.Struct:
      return buildStruct(cells, type as Struct, validity, scope);
    case Type.Dictionary:
      return buildDictionary(cells, type as Dictionary, validity, scope);
    default:
      return buildWithArrowBuilder(cells, type, scope);
  }
}

function buildNull(cells: readonly unknown[], type: DataType, scope: IngestScope): Data {
  cells.forEach((value, i) => {
    if (!isNullish(value)) throw wrongValue(scope, i, type, value, "the column's type is null");
  });
  return makeAnyData({ type, length: cells.length });
}

function buildBool(cells: readonly unknown[], type: DataType, validity: Validity, scope: IngestScope): Data {
  const values = emptyBitmap(cells.length);
  cells.forEach((value, i) => {
    if (isNullish(value)) return;
    if (typeof value !== "boolean") throw wrongValue(scope, i, type, value);
    if (value) values[i >> 3]! |= 1 << (i & 7);
  });
  return makeAnyData({ type, length: cells.length, ...validity, data: values });
}

function buildInt(cells: readonly unknown[], type: Int, validity: Validity, scope: IngestScope): Data {
  const n = cells.length;
  const bits = type.bitWidth;
  const signed = type.isSigned;
  if (bits === 64) {
    const out = signed ? new BigInt64Array(n) : new BigUint64Array(n);
    const min = signed ? -(1n << 63n) : 0n;
    const max = signed ? (1n << 63n) - 1n : (1n << 64n) - 1n;
    for (let i = 0; i < n; i++) {
      const value = cells[i];
      if (isNullish(value)) continue;
      let big: bigint;
      if (typeof value === "bigint") big = value;
      else if (typeof value === "number" && Number.isInteger(value)) big = BigInt(value);
      else throw wrongValue(scope, i, type, value, typeof value === "number" ? "not an integer" : undefined);
      if (big < min || big > max) throw wrongValue(scope, i, type, value, `outside ${describeType(type)}'s range ${min}..${max}`);
      out[i] = big;
    }
    return makeAnyData({ type, length: n, ...validity, data: out });
  }
  const Ctor = (type as unknown as { ArrayType: new (n: number) => Int32Array }).ArrayType;
  const out = new Ctor(n);
  const min = signed ? -(2 ** (bits - 1)) : 0;
  const max = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  for (let i = 0; i < n; i++) {
    const value = cells[i];
    if (isNullish(value)) continue;
    let num: number;
    if (typeof value === "number" && Number.isInteger(value)) num = value;
    else if (typeof value === "bigint") num = Number(value);
    else throw wrongValue(scope, i, type, value, typeof value === "number" ? "not an integer" : undefined);
    if (num < min || num > max || (typeof value === "bigint" && BigInt(num) !== value)) {
      throw wrongValue(scope, i, type, value, `outside ${describeType(type)}'s range ${min}..${max}`);
    }
    out[i] = num;
  }
  return makeAnyData({ type, length: n, ...validity, data: out });
}

function isInfiniteHalf(bits: number): boolean {
  return (bits & 0x7fff) === 0x7c00;
}

function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const rest = x - floor;
  if (rest > 0.5) return floor + 1;
  if (rest < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * The IEEE 754 half-precision bits of `value`, rounded to nearest even (too
 * large → ±Infinity). apache-arrow's own float64ToUint16 turns 70000 into 2.13
 * and 1e-8 into -Infinity, so Quiver does not use it.
 * @internal
 */
export function float64ToFloat16Bits(value: number): number {
  if (Number.isNaN(value)) return 0x7e00;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const a = Math.abs(value);
  if (a === Infinity) return sign | 0x7c00;
  if (a < 2 ** -14) return sign | roundHalfEven(a * 2 ** 24); // subnormal (1024 rounds up into the smallest normal)
  let exponent = Math.floor(Math.log2(a));
  if (2 ** exponent > a) exponent--;
  else if (2 ** (exponent + 1) <= a) exponent++;
  let mantissa = roundHalfEven((a / 2 ** exponent - 1) * 1024);
  if (mantissa === 1024) {
    mantissa = 0;
    exponent++;
  }
  if (exponent > 15) return sign | 0x7c00;
  return sign | ((exponent + 15) << 10) | mantissa;
}

/**
 * The number that IEEE 754 half-precision `bits` stand for.
 * @internal
 */
export function float16BitsToFloat64(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 31) return mantissa === 0 ? sign * Infinity : Number.NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

function buildFloat(cells: readonly unknown[], type: Float, validity: Validity, scope: IngestScope): Data {
  const n = cells.length;
  const precision = type.precision;
  const out =
    precision === Precision.DOUBLE ? new Float64Array(n) : precision === Precision.SINGLE ? new Float32Array(n) : new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    const value = cells[i];
    if (isNullish(value)) continue;
    if (typeof value !== "number") throw wrongValue(scope, i, type, value);
    if (precision === Precision.HALF) {
      const half = float64ToFloat16Bits(value);
      if (Number.isFinite(value) && isInfiniteHalf(half)) throw wrongValue(scope, i, type, value, "too large for float16");
      out[i] = half;
    } else {
      out[i] = value;
      if (precision === Precision.SINGLE && Number.isFinite(value) && !Number.isFinite(out[i]!)) {
        throw wrongValue(scope, i, type, value, "too large for float32");
      }
    }
  }
  return makeAnyData({ type, length: n, ...validity, data: out });
}

const MAX_INT32 = 2 ** 31 - 1;

function buildUtf8(cells: readonly unknown[], type: DataType, validity: Validity, scope: IngestScope): Data {
  const n = cells.length;
  const large = DataType.isLargeUtf8(type);
  const lengths = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const value = cells[i];
    if (isNullish(value)) continue;
    if (typeof value !== "string") throw wrongValue(scope, i, type, value);
    const bytes = Buffer.byteLength(value, "utf8");
    lengths[i] = bytes;
    total += bytes;
  }
  if (!large && total > MAX_INT32) {
    throw schemaMismatch(scope.ctx, {
      path: scope.path,
      expected: "at most 2 GiB of text per batch",
      actual: `${total} bytes`,
      problem: `holds ${total} bytes of text in one batch, more than a utf8 column can address`,
      fix: "add the rows in smaller batches, or use a LargeUtf8 column",
    });
  }
  const bytes = new Uint8Array(total);
  const writer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const offsets = large ? new BigInt64Array(n + 1) : new Int32Array(n + 1);
  let position = 0;
  for (let i = 0; i < n; i++) {
    const value = cells[i];
    if (typeof value === "string" && lengths[i]! > 0) writer.write(value, position, "utf8");
    position += lengths[i]!;
    if (large) (offsets as BigInt64Array)[i + 1] = BigInt(position);
    else (offsets as Int32Array)[i + 1] = position;
  }
  return makeAnyData({ type, length: n, ...validity, data: bytes, valueOffsets: offsets });
}

function bytesOf(value: unknown): Uint8Array | undefined {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return undefined;
}

function buildBinary(cells: readonly unknown[], type: DataType, validity: Validity, scope: IngestScope): Data {
  const n = cells.length;
  const large = DataType.isLargeBinary(type);
  const parts: (Uint8Array | undefined)[] = new Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const value = cells[i];
    if (isNullish(value)) continue;
    const part = bytesOf(value);
    if (part === undefined) throw wrongValue(scope, i, type, value);
    parts[i] = part;
    total += part.byteLength;
  }
  if (!large && total > MAX_INT32) {
    throw schemaMismatch(scope.ctx, {
      path: scope.path,
      expected: "at most 2 GiB of bytes per batch",
      actual: `${total} bytes`,
      problem: `holds ${total} bytes in one batch, more than a binary column can address`,
      fix: "add the rows in smaller batches, or use a LargeBinary column",
    });
  }
  const bytes = new Uint8Array(total);
  const offsets = large ? new BigInt64Array(n + 1) : new Int32Array(n + 1);
  let position = 0;
  for (let i = 0; i < n; i++) {
    const part = parts[i];
    if (part !== undefined) {
      bytes.set(part, position);
      position += part.byteLength;
    }
    if (large) (offsets as BigInt64Array)[i + 1] = BigInt(position);
    else (offsets as Int32Array)[i + 1] = position;
  }
  return makeAnyData({ type, length: n, ...validity, data: bytes, valueOffsets: offsets });
}

function buildFixedSizeBinary(cells: readonly unknown[], type: FixedSizeBinary, validity: Validity, scope: IngestScope): Data {
  const n = cells.length;
  const width = type.byteWidth;
  const bytes = new Uint8Array(n * width);
  for (let i = 0; i < n; i++) {
    const value = cells[i];
    if (isNullish(value)) continue;
    const part = bytesOf(value);
    if (part === undefined) throw wrongValue(scope, i, type, value);
    if (part.byteLength !== width) throw wrongValue(scope, i, type, value, `${part.byteLength} bytes instead of ${width}`);
    bytes.set(part, i * width);
  }
  return makeAnyData({ type, length: n, ...validity, data: bytes });
}

/** Epoch milliseconds of a Date or number, or undefined for anything else (or an invalid Date). */
function epochMs(value: unknown): number | undefined {
  if (value instanceof Date) {
    const ms = value.getTime();
    return Number.isNaN(ms) ? undefined : ms;
  }
  if (typeof value === "number" && Number.isFinite(value)) return value;
  return undefined;
}

function buildDate(cells: readonly unknown[], type: Date_, validity: Validity, scope: IngestScope): Data {
  const n = cells.length;
  const days = type.unit === DateUnit.DAY;
  const out = days ? new Int32Array(n) : new BigInt64Array(n);
  for (let i = 0; i < n; i++) {
    const value = cells[i];
    if (isNullish(value)) continue;
    const ms = epochMs(value);
    if (ms === undefined) throw wrongValue(scope, i, type, value, value instanceof Date ? "an invalid Date" : undefined);
    if (days) (out as Int32Array)[i] = Math.floor(ms / MS_PER_DAY);
    else (out as BigInt64Array)[i] = BigInt(Math.floor(ms));
  }
  return makeAnyData({ type, length: n, ...validity, data: out });
}

/** Epoch ms (a Date or number) in `unit`; fractions of a millisecond are kept for us and ns. */
function msToUnit(ms: number, unit: TimeUnit): bigint {
  const whole = Math.floor(ms);
  const fraction = ms - whole;
  switch (unit) {
    case TimeUnit.SECOND:
      return BigInt(Math.floor(ms / 1000));
    case TimeUnit.MILLISECOND:
      return BigInt(whole);
    case TimeUnit.MICROSECOND:
      return BigInt(whole) * 1000n + BigInt(Math.round(fraction * 1000));
    case TimeUnit.NANOSECOND:
      return BigInt(whole) * 1_000_000n + BigInt(Math.round(fraction * 1_000_000));
  }
}

function buildTimestamp(cells: readonly unknown[], type: Timestamp, validity: Validity, scope: IngestScope): Data {
  const n = cells.length;
  const out = new BigInt64Array(n);
  for (let i = 0; i < n; i++) {
    const value = cells[i];
    if (isNullish(value)) continue;
    if (typeof value === "bigint") {
      out[i] = value; // already in the column's unit
      continue;
    }
    const ms = epochMs(value);
    if (ms === undefined) throw wrongValue(scope, i, type, value, value instanceof Date ? "an invalid Date" : undefined);
    out[i] = msToUnit(ms, type.unit);
  }
  return makeAnyData({ type, length: n, ...validity, data: out });
}

function isArrayLikeCell(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

/** Index of the list (parent) that child position `j` belongs to, by binary search over offsets. */
function parentOf(offsets: Int32Array | Float64Array, j: number): number {
  let lo = 0;
  let hi = offsets.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid]! <= j) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function buildList(cells: readonly unknown[], type: DataType, validity: Validity, scope: IngestScope): Data {
  const n = cells.length;
  const large = DataType.isLargeList(type);
  const childField = type.children[0] as Field;
  const positions = new Float64Array(n + 1);
  const childCells: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const value = cells[i];
    if (!isNullish(value)) {
      if (!isArrayLikeCell(value)) throw wrongValue(scope, i, type, value);
      const items = value;
      for (let j = 0; j < items.length; j++) childCells.push(items[j]);
    }
    positions[i + 1] = childCells.length;
  }
  if (!large && childCells.length > MAX_INT32) {
    throw wrongValue(scope, 0, type, cells[0], "more list elements than a list column can address; use LargeList");
  }
  const child = buildColumn(childCells, childField, {
    ctx: scope.ctx,
    path: scope.path,
    rowOf: (j) => scope.rowOf(parentOf(positions, j)),
  });
  const offsets = large ? BigInt64Array.from(positions, (p) => BigInt(p)) : Int32Array.from(positions);
  return makeAnyData({ type, length: n, ...validity, valueOffsets: offsets, child });
}

function badVectorElement(scope: IngestScope, row: number, position: number, element: unknown, type: DataType): SchemaMismatchError {
  if (isNullish(element)) return nullInVector(scope.ctx, scope.path, row, position);
  if (typeof element === "number") return nonFiniteInVector(scope.ctx, scope.path, row, position, element);
  return schemaMismatch(scope.ctx, {
    path: scope.path,
    row,
    expected: describeType(type),
    actual: describeValue(element),
    problem: `takes vectors of numbers and row ${row} has ${describeValue(element)} at position ${position}`,
    fix: "store arrays of numbers (or Float32Arrays) in the vector column",
  });
}

/*
 * The copy loops below are split by output array type so each stays
 * monomorphic: with one loop over a union of typed arrays, V8 runs 4x slower.
 * Each returns the position of the first element that is not a finite number
 * representable in the output type, or -1.
 */

function copyToFloat32(out: Float32Array, base: number, source: ArrayLike<unknown>, size: number): number {
  for (let j = 0; j < size; j++) {
    const x = source[j];
    if (typeof x !== "number") return j;
    const f = Math.fround(x);
    if (f - f !== 0) return j; // NaN, ±Infinity, or too large for float32
    out[base + j] = f;
  }
  return -1;
}

function copyToFloat64(out: Float64Array, base: number, source: ArrayLike<unknown>, size: number): number {
  for (let j = 0; j < size; j++) {
    const x = source[j];
    if (typeof x !== "number" || x - x !== 0) return j;
    out[base + j] = x;
  }
  return -1;
}

function copyToFloat16(out: Uint16Array, base: number, source: ArrayLike<unknown>, size: number): number {
  for (let j = 0; j < size; j++) {
    const x = source[j];
    if (typeof x !== "number" || x - x !== 0) return j;
    const bits = float64ToFloat16Bits(x);
    if (isInfiniteHalf(bits)) return j;
    out[base + j] = bits;
  }
  return -1;
}

function firstNonFinite32(out: Float32Array, base: number, size: number): number {
  for (let j = 0; j < size; j++) {
    const f = out[base + j]!;
    if (f - f !== 0) return j;
  }
  return -1;
}

function firstNonFinite64(out: Float64Array, base: number, size: number): number {
  for (let j = 0; j < size; j++) {
    const f = out[base + j]!;
    if (f - f !== 0) return j;
  }
  return -1;
}

/** Copies one vector cell (number[] or numeric typed array) into `out` at `base`; position of a bad element or -1. */
function copyVector(out: Float32Array | Float64Array | Uint16Array, base: number, value: ArrayLike<unknown>, size: number): number {
  if (out instanceof Uint16Array) return copyToFloat16(out, base, value, size);
  if (Array.isArray(value)) {
    return out instanceof Float32Array ? copyToFloat32(out, base, value, size) : copyToFloat64(out, base, value, size);
  }
  out.set(value as ArrayLike<number>, base);
  return out instanceof Float32Array ? firstNonFinite32(out, base, size) : firstNonFinite64(out, base, size);
}

/** Vectors of floats: filled straight into one typed array, each element checked. */
function buildFloatVectors(cells: readonly unknown[], type: FixedSizeList, validity: Validity, scope: IngestScope): Data {
  const n = cells.length;
  const size = type.listSize;
  const childType = type.children[0]!.type as Float;
  const precision = childType.precision;
  const out =
    precision === Precision.DOUBLE
      ? new Float64Array(n * size)
      : precision === Precision.SINGLE
        ? new Float32Array(n * size)
        : new Uint16Array(n * size);
  const element = describeType(childType);
  for (let i = 0; i < n; i++) {
    const value = cells[i];
    if (value === null || value === undefined) continue;
    const isNumericView =
      ArrayBuffer.isView(value) &&
      !(value instanceof DataView) &&
      !(value instanceof BigInt64Array) &&
      !(value instanceof BigUint64Array);
    if (!Array.isArray(value) && !isNumericView) throw wrongValue(scope, i, type, value);
    const items = value as ArrayLike<unknown>;
    if (items.length !== size) {
      throw vectorWidthMismatch(scope.ctx, scope.path, scope.rowOf(i), { width: size, element }, items.length);
    }
    const bad = copyVector(out, i * size, items, size);
    if (bad >= 0) {
      const x = items[bad];
      if (typeof x === "number" && Number.isFinite(x)) {
        throw vectorValueTooLarge(scope.ctx, scope.path, scope.rowOf(i), bad, x, childType);
      }
      throw badVectorElement(scope, scope.rowOf(i), bad, x, type);
    }
  }
  const child = makeAnyData({ type: childType, length: n * size, nullCount: 0, data: out });
  return makeAnyData({ type, length: n, ...validity, child });
}

function buildFixedSizeList(cells: readonly unknown[], type: FixedSizeList, validity: Validity, scope: IngestScope): Data {
  const childField = type.children[0] as Field;
  if (DataType.isFloat(childField.type)) return buildFloatVectors(cells, type, validity, scope);
  const n = cells.length;
  const size = type.listSize;
  const childCells: unknown[] = new Array(n * size).fill(null);
  const deadRows = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const value = cells[i];
    if (isNullish(value)) {
      deadRows[i] = 1;
      continue;
    }
    if (!isArrayLikeCell(value)) throw wrongValue(scope, i, type, value);
    if (value.length !== size) {
      throw vectorWidthMismatch(
        scope.ctx,
        scope.path,
        scope.rowOf(i),
        { width: size, element: describeType(childField.type as DataType) },
        value.length,
      );
    }
    for (let j = 0; j < size; j++) childCells[i * size + j] = value[j];
  }
  const child = buildColumn(childCells, childField, {
    ctx: scope.ctx,
    path: scope.path,
    rowOf: (j) => scope.rowOf(Math.floor(j / size)),
    isDead: (j) => deadRows[Math.floor(j / size)] === 1,
  });
  return makeAnyData({ type, length: n, ...validity, child });
}

/** True when LanceDB would see a value in `value` (it skips undefined and empty objects). */
function hasValue(value: unknown): boolean {
  if (value === undefined) return false;
  if (!isStructValue(value)) return true;
  return Object.values(value).some(hasValue);
}

/** Refuses a key of `object` that is not a field (LanceDB: "Found field not in schema"). */
function checkKeys(object: Record<string, unknown>, names: ReadonlySet<string>, scope: IngestScope, i: number): void {
  for (const key of Object.keys(object)) {
    if (!names.has(key) && hasValue(object[key])) {
      throw fieldNotInSchema(scope.ctx, [...scope.path, key], scope.rowOf(i), [...names]);
    }
  }
}

/** The columns of a struct (or of the rows themselves) from their parent cells. */
function buildChildren(cells: readonly unknown[], fields: readonly Field[], scope: IngestScope): Data[] {
  const dead = (i: number) => isNullish(cells[i]) || scope.isDead?.(i) === true;
  return fields.map((field) => {
    const childCells = cells.map((cell) => (isNullish(cell) ? null : (cell as Record<string, unknown>)[field.name]));
    return buildColumn(childCells, field, { ctx: scope.ctx, path: [...scope.path, field.name], rowOf: scope.rowOf, isDead: dead });
  });
}

function buildStruct(cells: readonly unknown[], type: Struct, validity: Validity, scope: IngestScope): Data {
  const fields = type.children as Field[];
  const names = new Set(fields.map((f) => f.name));
  cells.forEach((value, i) => {
    if (isNullish(value)) return;
    if (!isStructValue(value)) throw wrongValue(scope, i, type, value);
    checkKeys(value, names, scope, i);
  });
  return makeAnyData({ type, length: cells.length, ...validity, children: buildChildren(cells, fields, scope) });
}

function dictionaryKey(value: unknown): unknown {
  if (value instanceof Date) return `date:${value.getTime()}`;
  return value;
}

function buildDictionary(cells: readonly unknown[], type: Dictionary, validity: Validity, scope: IngestScope): Data {
  const n = cells.length;
  const lookup = new Map<unknown, number>();
  const uniques: unknown[] = [];
  const firstCell: number[] = [];
  const indices = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const value = cells[i];
    if (isNullish(value)) continue;
    if (typeof value === "object" && !(value instanceof Date)) return buildWithArrowBuilder(cells, type, scope);
    const key = dictionaryKey(value);
    let index = lookup.get(key);
    if (index === undefined) {
      index = uniques.length;
      lookup.set(key, index);
      uniques.push(value);
      firstCell.push(i);
    }
    indices[i] = index;
  }
  const indexType = type.indices;
  const indexBits: number = indexType.bitWidth;
  const maxIndex = indexType.isSigned ? 2 ** (indexBits - 1) - 1 : 2 ** indexBits - 1;
  if (uniques.length - 1 > maxIndex) {
    throw schemaMismatch(scope.ctx, {
      path: scope.path,
      expected: `at most ${maxIndex + 1} distinct values`,
      actual: `${uniques.length} distinct values`,
      problem:
        `is dictionary-encoded with ${describeType(indexType)} indices, which hold at most ${maxIndex + 1} ` +
        `distinct values, and the data has ${uniques.length}`,
      fix: "use a wider index type (int32) for the dictionary, or a plain column",
    });
  }
  const dictionary = buildColumn(uniques, new Field("dictionary", type.dictionary, false), {
    ctx: scope.ctx,
    path: scope.path,
    rowOf: (k) => scope.rowOf(firstCell[k]!),
  });
  type IndexArrayCtor = { from(a: ArrayLike<number>, f?: (v: number) => unknown): ArrayBufferView };
  const IndexArray = (indexType as unknown as { ArrayType: IndexArrayCtor }).ArrayType;
  const data = indexBits === 64 ? IndexArray.from(indices, (v) => BigInt(v)) : IndexArray.from(indices);
  return makeAnyData({ type, length: n, ...validity, data, dictionary: new Vector([dictionary]) });
}

/** Types without a builder here (time, duration, interval, decimal, map, union) go through apache-arrow's builders. */
function buildWithArrowBuilder(cells: readonly unknown[], type: DataType, scope: IngestScope): Data {
  const builder = makeBuilder({ type, nullValues: [null, undefined] });
  cells.forEach((value, i) => {
    try {
      builder.append(value);
    } catch (error) {
      throw wrongValue(scope, i, type, value, undefined, error);
    }
  });
  builder.finish();
  return builder.flush();
}

/**
 * Builds a table of `schema` from plain row objects, one record batch with the
 * schema's columns in its order (and our apache-arrow classes). Every value is
 * checked against its column: a key the schema does not have, a value of the
 * wrong type, a null in a non-nullable column, a vector of the wrong width or
 * with NaN/Infinity are refused with a {@link SchemaMismatchError} that names the
 * table, operation, column and row. `undefined` counts as missing (null).
 *
 * Vector columns (FixedSizeList of floats) accept `number[]`, `Float32Array`
 * and `Float64Array` cells and are filled straight into one typed array, so
 * 10k rows of 384 dims take a few milliseconds. Dates and timestamps accept
 * `Date`s or epoch milliseconds; timestamps also accept a bigint in the
 * column's unit.
 *
 * @example
 * ```ts
 * const schema = new Schema([
 *   new Field("id", new Int32()),
 *   new Field("vector", new FixedSizeList(2, new Field("item", new Float32(), true))),
 * ]);
 * rowsToTable([{ id: 1, vector: [0.1, 0.2] }], schema, { table: "docs", operation: "add" });
 * ```
 */
export function rowsToTable(rows: readonly Record<string, unknown>[], schema: Schema, ctx: IngestContext): Table {
  const target = adoptSchema(schema);
  const fields = target.fields as Field[];
  const names = new Set(fields.map((f) => f.name));
  const scope: IngestScope = { ctx, path: [], rowOf: (i) => i };
  rows.forEach((row, i) => {
    if (!isStructValue(row)) {
      throw invalidData(
        ctx,
        `row ${i} is ${describeValue(row)}, not an object`,
        "pass an array of plain objects, one per row, such as [{ id: 1, vector: [...] }]",
      );
    }
    checkKeys(row, names, scope, i);
  });
  const children = buildChildren(rows, fields, scope);
  const data = makeAnyData({ type: new Struct(fields), length: rows.length, nullCount: 0, children });
  return new Table(target, [new RecordBatch(target, data as Data<Struct>)]);
}

/**
 * Builds one column's `Data` from JS values with the same checks as
 * {@link rowsToTable}; `rowOf(i)` tells which row value `i` came from.
 * @internal
 */
export function buildColumnFromValues(
  values: readonly unknown[],
  field: Field,
  ctx: IngestContext,
  path: readonly string[],
  rowOf: (i: number) => number,
): Data {
  return buildColumn(values, field, { ctx, path, rowOf });
}
