/**
 * Making an Arrow table fit a target schema exactly: the schema's columns in
 * its order, its types, our apache-arrow classes. Lossless numeric widenings
 * are applied; anything else that does not fit is refused with a
 * {@link SchemaMismatchError} where LanceDB would store nulls or garbage.
 *
 * @module
 */

import {
  Data,
  DataType,
  Field,
  IntervalUnit,
  Precision,
  RecordBatch,
  Struct,
  Table,
  Type,
  Vector,
  makeBuilder,
  type Decimal,
  type Dictionary,
  type FixedSizeBinary,
  type FixedSizeList,
  type Float,
  type Int,
  type Interval,
  type Schema,
} from "apache-arrow";
import type { SchemaMismatchError } from "../errors.js";
import { adoptSchema, adoptTable, makeAnyData } from "./adopt-arrow.js";
import {
  describeType,
  fieldNotInSchema,
  formatPath,
  nonFiniteInVector,
  nullInVector,
  nullNotAllowed,
  schemaMismatch,
  vectorValueTooLarge,
  vectorWidthMismatch,
  type IngestContext,
  type IngestScope,
} from "./ingest-errors.js";
import { buildColumnFromValues, float16BitsToFloat64, float64ToFloat16Bits } from "./rows-to-table.js";


type NumberArray = { readonly length: number; [index: number]: number };
type BigIntArray = { readonly length: number; [index: number]: bigint };

function emptyBitmap(length: number): Uint8Array {
  return new Uint8Array(((length + 63) & ~63) >> 3);
}

function isLive(scope: IngestScope, i: number): boolean {
  return !scope.isDead?.(i);
}

/** The first slot that is null and read (not under a null parent), or -1. */
function firstLiveNull(data: Data, scope: IngestScope): number {
  // A Null-typed array has no bitmap, and apache-arrow reports its slots as valid.
  const allNull = DataType.isNull(data.type);
  if (data.nullCount === 0 && !allNull) return -1;
  for (let i = 0; i < data.length; i++) {
    if ((allNull || !data.getValid(i)) && isLive(scope, i)) return i;
  }
  return -1;
}

/** Same type without looking at children: typeId and parameters. */
function sameLeafType(a: DataType, b: DataType): boolean {
  if (a.typeId !== b.typeId) return false;
  const x = a as unknown as Record<string, unknown>;
  const y = b as unknown as Record<string, unknown>;
  switch (a.typeId) {
    case Type.Int:
      return x.bitWidth === y.bitWidth && x.isSigned === y.isSigned;
    case Type.Float:
      return x.precision === y.precision;
    case Type.Date:
    case Type.Interval:
    case Type.Duration:
      return x.unit === y.unit;
    case Type.Time:
      return x.unit === y.unit && x.bitWidth === y.bitWidth;
    case Type.Timestamp:
      return x.unit === y.unit && (x.timezone ?? null) === (y.timezone ?? null);
    case Type.Decimal:
      return x.scale === y.scale && x.precision === y.precision && x.bitWidth === y.bitWidth;
    case Type.FixedSizeBinary:
      return x.byteWidth === y.byteWidth;
    case Type.Dictionary: {
      const d = a as Dictionary;
      const e = b as Dictionary;
      return sameLeafType(d.indices, e.indices) && sameType(d.dictionary, e.dictionary);
    }
    default:
      return true;
  }
}

/** Same type, children included (child field names and nullability ignored). */
function sameType(a: DataType, b: DataType): boolean {
  if (!sameLeafType(a, b)) return false;
  if (DataType.isFixedSizeList(a) && (a as FixedSizeList).listSize !== (b as FixedSizeList).listSize) return false;
  const ac = (a.children ?? []) as Field[];
  const bc = (b.children ?? []) as Field[];
  if (ac.length !== bc.length) return false;
  const named = DataType.isStruct(a) || DataType.isUnion(a);
  return ac.every((f, i) => (!named || f.name === bc[i]!.name) && sameType(f.type as DataType, bc[i]!.type as DataType));
}

function typeMismatch(scope: IngestScope, source: DataType, target: DataType, why?: string): SchemaMismatchError {
  const column = formatPath(scope.path);
  return schemaMismatch(scope.ctx, {
    path: scope.path,
    expected: describeType(target),
    actual: describeType(source),
    problem: `takes ${describeType(target)} values and the data has ${describeType(source)}${why ? ` (${why})` : ""}`,
    fix: `cast "${column}" to ${describeType(target)} before adding it, or pass the rows as plain objects so Quiver converts them`,
  });
}

function valueMismatch(scope: IngestScope, i: number, target: DataType, value: number | bigint, why: string): SchemaMismatchError {
  const row = scope.rowOf(i);
  const column = formatPath(scope.path);
  return schemaMismatch(scope.ctx, {
    path: scope.path,
    row,
    expected: describeType(target),
    actual: String(value),
    problem: `takes ${describeType(target)} values and row ${row} has ${String(value)}, ${why}`,
    fix: `fix the value, or store "${column}" in a wider type`,
  });
}

/** Bytes (or elements) per slot of a fixed-width type, as apache-arrow counts them. */
function strideOf(type: DataType): number {
  switch (type.typeId) {
    case Type.FixedSizeBinary:
      return (type as FixedSizeBinary).byteWidth;
    case Type.Decimal:
      return (type as Decimal).bitWidth / 32;
    case Type.Interval:
      return (type as Interval).unit === IntervalUnit.MONTH_DAY_NANO ? 4 : 1 + (type as Interval).unit;
    default:
      return 1;
  }
}

/**
 * All-null data of `type` and `length`, with real (zeroed) buffers so IPC
 * writers and readers see well-formed arrays.
 */
function makeNullData(type: DataType, length: number): Data {
  const nullBitmap = emptyBitmap(length);
  const base = { type, length, nullCount: length, nullBitmap };
  switch (type.typeId) {
    case Type.Null:
      return makeAnyData({ type, length });
    case Type.Bool:
      return makeAnyData({ ...base, data: emptyBitmap(length) });
    case Type.Int:
    case Type.Float:
    case Type.Decimal:
    case Type.Date:
    case Type.Time:
    case Type.Timestamp:
    case Type.Interval:
    case Type.Duration:
    case Type.FixedSizeBinary: {
      const Ctor = (type as unknown as { ArrayType: new (n: number) => ArrayBufferView }).ArrayType;
      return makeAnyData({ ...base, data: new Ctor(length * strideOf(type)) });
    }
    case Type.Utf8:
    case Type.Binary:
      return makeAnyData({ ...base, data: new Uint8Array(0), valueOffsets: new Int32Array(length + 1) });
    case Type.LargeUtf8:
    case Type.LargeBinary:
      return makeAnyData({ ...base, data: new Uint8Array(0), valueOffsets: new BigInt64Array(length + 1) });
    case Type.List:
    case Type.Map:
      return makeAnyData({
        ...base,
        valueOffsets: new Int32Array(length + 1),
        child: makeNullData(type.children[0]!.type as DataType, 0),
      });
    case Type.LargeList:
      return makeAnyData({
        ...base,
        valueOffsets: new BigInt64Array(length + 1),
        child: makeNullData(type.children[0]!.type as DataType, 0),
      });
    case Type.FixedSizeList: {
      const size = (type as FixedSizeList).listSize;
      return makeAnyData({ ...base, child: makeZeroData(type.children[0]!.type as DataType, length * size) });
    }
    case Type.Struct:
      return makeAnyData({
        ...base,
        children: (type.children as Field[]).map((f) => makeNullData(f.type as DataType, length)),
      });
    case Type.Dictionary: {
      const dict = type as Dictionary;
      const Ctor = (dict.indices as unknown as { ArrayType: new (n: number) => ArrayBufferView }).ArrayType;
      return makeAnyData({
        ...base,
        data: new Ctor(length),
        dictionary: new Vector([makeNullData(dict.dictionary, 0)]),
      });
    }
    default: {
      const builder = makeBuilder({ type, nullValues: [null] });
      for (let i = 0; i < length; i++) builder.append(null);
      builder.finish();
      return builder.flush();
    }
  }
}

/** Zero-filled, non-null data for fixed-width types (vector slots under null rows); null data otherwise. */
function makeZeroData(type: DataType, length: number): Data {
  switch (type.typeId) {
    case Type.Int:
    case Type.Float: {
      const Ctor = (type as unknown as { ArrayType: new (n: number) => ArrayBufferView }).ArrayType;
      return makeAnyData({ type, length, nullCount: 0, data: new Ctor(length) });
    }
    default:
      return makeNullData(type, length);
  }
}

/** A column the data lacks: all nulls, or an error when the field does not allow them and some row is read. */
function missingColumn(field: Field, length: number, scope: IngestScope): Data {
  if (!field.nullable) {
    for (let i = 0; i < length; i++) {
      if (scope.isDead?.(i)) continue;
      const column = formatPath(scope.path);
      throw schemaMismatch(scope.ctx, {
        path: scope.path,
        row: scope.rowOf(i),
        expected: `a non-null ${describeType(field.type as DataType)} column`,
        actual: "no such column",
        problem: "is missing from the data and does not allow nulls",
        fix: `add a "${column}" column to the data, or make the field nullable in the schema`,
      });
    }
  }
  return makeNullData(field.type as DataType, length);
}

/** Index of the list that child slot `j` belongs to (binary search over offsets). */
function parentOf(offsets: ArrayLike<number | bigint>, j: number): number {
  let lo = 0;
  let hi = offsets.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (Number(offsets[mid]!) <= j) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Reads slot `j` of a numeric array as a JS number or bigint (half floats decoded). */
function readNumber(data: Data, j: number): number | bigint {
  const values = data.values as NumberArray | BigIntArray;
  const raw = values[j]!;
  if (DataType.isFloat(data.type) && (data.type as Float).precision === Precision.HALF) return float16BitsToFloat64(raw as number);
  return raw;
}

/** 2^53: the largest integer range float64 holds exactly. */
const MAX_EXACT = 2n ** 53n;

function intFitsFloat(bits: number, precision: Precision): boolean {
  return precision === Precision.DOUBLE ? bits <= 32 : precision === Precision.SINGLE ? bits <= 16 : bits <= 8;
}

/** `data`'s validity with new values of type `target`. */
function withValues(data: Data, target: DataType, values: ArrayBufferView): Data {
  const { offset, length, nullCount, nullBitmap } = data;
  return makeAnyData({ type: target, offset, length, nullCount, nullBitmap, data: values });
}

/** A cast of numbers that loses nothing, or undefined when there is none from `source` to `target`. */
function widenNumbers(data: Data, target: DataType, scope: IngestScope, narrowFloats: boolean): Data | undefined {
  const source = data.type;
  const n = data.length;
  const Ctor = (target as unknown as { ArrayType: new (n: number) => ArrayBufferView }).ArrayType;
  if (DataType.isInt(source) && DataType.isInt(target)) {
    const s = source as Int;
    const t = target as Int;
    const ok = s.isSigned === t.isSigned ? t.bitWidth >= s.bitWidth : !s.isSigned && t.bitWidth > s.bitWidth;
    if (!ok) return undefined;
    const out = new Ctor(n) as unknown as NumberArray & BigIntArray;
    const toBig = t.bitWidth === 64;
    for (let i = 0; i < n; i++) {
      const v = readNumber(data, i);
      out[i] = (toBig ? BigInt(v) : Number(v)) as never;
    }
    return withValues(data, target, out as unknown as ArrayBufferView);
  }
  if ((DataType.isInt(source) || DataType.isFloat(source)) && DataType.isFloat(target)) {
    const t = target as Float;
    if (DataType.isInt(source)) {
      const bits = (source as Int).bitWidth;
      const exact = intFitsFloat(bits, t.precision) || (t.precision === Precision.DOUBLE && bits === 64);
      if (!exact) return undefined;
    } else if ((source as Float).precision > t.precision && !narrowFloats) {
      return undefined;
    }
    const out = new Ctor(n) as unknown as NumberArray;
    const half = t.precision === Precision.HALF;
    const checkInt64 = DataType.isInt(source) && (source as Int).bitWidth === 64;
    for (let i = 0; i < n; i++) {
      const raw = readNumber(data, i);
      const v = Number(raw);
      const live = data.getValid(i) && isLive(scope, i);
      if (checkInt64 && live && typeof raw === "bigint" && (raw > MAX_EXACT || raw < -MAX_EXACT)) {
        throw valueMismatch(scope, i, target, raw, "which float64 cannot hold exactly");
      }
      out[i] = half ? float64ToFloat16Bits(v) : v;
      if (live && Number.isFinite(v)) {
        const stored = half ? float16BitsToFloat64(out[i]!) : out[i]!;
        if (!Number.isFinite(stored)) throw valueMismatch(scope, i, target, v, `too large for ${describeType(target)}`);
      }
    }
    return withValues(data, target, out as unknown as ArrayBufferView);
  }
  return undefined;
}

/** Utf8 → LargeUtf8 and Binary → LargeBinary: the same bytes with 64-bit offsets. */
function widenOffsets(data: Data, target: DataType): Data | undefined {
  const fromUtf8 = DataType.isUtf8(data.type) && DataType.isLargeUtf8(target);
  const fromBinary = DataType.isBinary(data.type) && DataType.isLargeBinary(target);
  if (!fromUtf8 && !fromBinary) return undefined;
  const offsets = BigInt64Array.from(data.valueOffsets as Int32Array, (v) => BigInt(v));
  return makeAnyData({
    type: target,
    offset: data.offset,
    length: data.length,
    nullCount: data.nullCount,
    nullBitmap: data.nullBitmap,
    data: data.values as Uint8Array,
    valueOffsets: offsets,
  });
}

/** Dictionary-encoded values into a plain column of the dictionary's value type. */
function decodeDictionary(data: Data, field: Field, scope: IngestScope): Data {
  const vector = new Vector([data]);
  const values: unknown[] = new Array(data.length);
  for (let i = 0; i < data.length; i++) values[i] = vector.get(i);
  return buildColumnFromValues(values, field.clone({ nullable: true }), scope.ctx, scope.path, scope.rowOf);
}

/**
 * Makes `data` fit `field`: same type (ours), nulls only where allowed, vectors
 * of the right width with finite numbers.
 */
function conformData(data: Data, field: Field, scope: IngestScope): Data {
  const source = data.type;
  const target = field.type as DataType;
  if (!field.nullable) {
    const i = firstLiveNull(data, scope);
    if (i >= 0) throw nullNotAllowed(scope.ctx, scope.path, scope.rowOf(i), target);
  }
  if (DataType.isNull(source)) return DataType.isNull(target) ? data.clone(target) : makeNullData(target, data.length);
  switch (target.typeId) {
    case Type.Struct:
      return conformStruct(data, field, scope);
    case Type.FixedSizeList:
      return conformFixedSizeList(data, field, scope);
    case Type.List:
    case Type.LargeList:
    case Type.Map:
      return conformList(data, field, scope);
    default:
      break;
  }
  if (sameLeafType(source, target) && (!DataType.isUnion(source) || sameType(source, target))) return data.clone(target);
  if (DataType.isDictionary(source) && sameType((source as Dictionary).dictionary, target)) {
    return decodeDictionary(data, field, scope);
  }
  const widened = widenNumbers(data, target, scope, isFloat64ToFloat32(source, target)) ?? widenOffsets(data, target);
  if (widened !== undefined) return widened;
  throw typeMismatch(scope, source, target);
}

function isFloat64ToFloat32(source: DataType, target: DataType): boolean {
  return (
    DataType.isFloat(source) &&
    DataType.isFloat(target) &&
    (source as Float).precision === Precision.DOUBLE &&
    (target as Float).precision === Precision.SINGLE
  );
}

function conformStruct(data: Data, field: Field, scope: IngestScope): Data {
  const source = data.type;
  const target = field.type as Struct;
  if (!DataType.isStruct(source)) throw typeMismatch(scope, source, target);
  const sourceFields = source.children as Field[];
  const targetFields = target.children as Field[];
  const targetNames = targetFields.map((f) => f.name);
  for (const f of sourceFields) {
    if (!targetNames.includes(f.name)) throw fieldNotInSchema(scope.ctx, [...scope.path, f.name], undefined, targetNames);
  }
  const isDead = (i: number) => !data.getValid(i) || scope.isDead?.(i) === true;
  const children = targetFields.map((tf) => {
    const childScope: IngestScope = { ctx: scope.ctx, path: [...scope.path, tf.name], rowOf: scope.rowOf, isDead };
    const index = sourceFields.findIndex((f) => f.name === tf.name);
    return index < 0 ? missingColumn(tf, data.length, childScope) : conformData(data.children[index]!, tf, childScope);
  });
  return makeAnyData({
    type: target,
    offset: data.offset,
    length: data.length,
    nullCount: data.nullCount,
    nullBitmap: data.nullBitmap,
    children,
  });
}

function conformList(data: Data, field: Field, scope: IngestScope): Data {
  const source = data.type;
  const target = field.type as DataType;
  if (source.typeId !== target.typeId) throw typeMismatch(scope, source, target);
  const n = data.length;
  const large = DataType.isLargeList(target);
  const offsets = data.valueOffsets as unknown as ArrayLike<number | bigint>;
  let child = data.children[0]!;
  let valueOffsets: Int32Array | BigInt64Array = data.valueOffsets as unknown as Int32Array | BigInt64Array;
  const start = n === 0 ? 0 : Number(offsets[0]!);
  const end = n === 0 ? 0 : Number(offsets[n]!);
  if (start !== 0 || end !== child.length) {
    // Validate (and keep) only the child slots the rows point at.
    child = child.slice(start, end - start);
    valueOffsets = large
      ? BigInt64Array.from({ length: n + 1 }, (_, i) => BigInt(Number(offsets[i]!) - start))
      : Int32Array.from({ length: n + 1 }, (_, i) => Number(offsets[i]!) - start);
  }
  const rebased = valueOffsets;
  const childScope: IngestScope = {
    ctx: scope.ctx,
    path: scope.path,
    rowOf: (j) => scope.rowOf(parentOf(rebased, j)),
  };
  const newChild = conformData(child, target.children[0] as Field, childScope);
  return makeAnyData({
    type: target,
    offset: data.offset,
    length: n,
    nullCount: data.nullCount,
    nullBitmap: data.nullBitmap,
    valueOffsets,
    child: newChild,
  });
}

/** The first row that is valid and read, or -1. */
function firstLiveRow(data: Data, scope: IngestScope): number {
  for (let i = 0; i < data.length; i++) {
    if (data.getValid(i) && isLive(scope, i)) return i;
  }
  return -1;
}

/** A List column whose rows all have `size` elements, as the child of a FixedSizeList. */
function listChildAsFixed(data: Data, target: FixedSizeList, scope: IngestScope): Data {
  const size = target.listSize;
  const n = data.length;
  const offsets = data.valueOffsets as unknown as ArrayLike<number | bigint>;
  const child = data.children[0]!;
  const element = describeType(target.children[0]!.type as DataType);
  const start = n === 0 ? 0 : Number(offsets[0]!);
  let contiguous = true;
  for (let i = 0; i < n; i++) {
    const from = Number(offsets[i]!);
    const width = Number(offsets[i + 1]!) - from;
    const valid = data.getValid(i);
    if (valid && width !== size && isLive(scope, i)) {
      throw vectorWidthMismatch(scope.ctx, scope.path, scope.rowOf(i), { width: size, element }, width);
    }
    if (from !== start + i * size || width !== size) contiguous = false;
  }
  if (contiguous) return child.slice(start, n * size);
  // Null rows of zero length (or gaps) in between: gather the valid rows' values.
  const childType = child.type;
  if (!(DataType.isFloat(childType) || DataType.isInt(childType)) || child.nullCount > 0) {
    throw typeMismatch(
      scope,
      data.type,
      target,
      "its lists are not laid out one after another; build the column as a FixedSizeList",
    );
  }
  const Ctor = (childType as unknown as { ArrayType: new (n: number) => NumberArray }).ArrayType;
  const out = new Ctor(n * size);
  const values = child.values as unknown as NumberArray;
  for (let i = 0; i < n; i++) {
    if (!data.getValid(i)) continue;
    const from = Number(offsets[i]!);
    for (let k = 0; k < size; k++) out[i * size + k] = values[from + k]!;
  }
  return makeAnyData({ type: childType, length: n * size, nullCount: 0, data: out as unknown as ArrayBufferView });
}

/**
 * The child of a float vector column: every read slot non-null and finite, then
 * cast to the column's float type (narrowing allowed for vectors, overflow refused).
 */
function conformVectorChild(child: Data, parent: Data, target: FixedSizeList, scope: IngestScope): Data {
  const size = target.listSize;
  const childField = target.children[0] as Field;
  const childType = childField.type as Float;
  const source = child.type;
  const sourceBits = DataType.isInt(source) ? (source as Int).bitWidth : 0;
  const numeric =
    DataType.isFloat(source) || (DataType.isInt(source) && intFitsFloat(sourceBits, childType.precision));
  if (!numeric) {
    throw typeMismatch(scope, parent.type, target, `vectors of ${describeType(source)} cannot be stored as ${describeType(childType)}`);
  }
  const n = parent.length;
  const same = DataType.isFloat(source) && (source as Float).precision === childType.precision;
  if (same && childType.precision !== Precision.HALF && child.nullCount === 0) {
    checkFloatVectors(child.values as Float32Array | Float64Array, parent, size, scope);
    return child.clone(childType);
  }
  const half = childType.precision === Precision.HALF;
  const values = child.values as unknown as NumberArray;
  const sourceHalf = DataType.isFloat(source) && (source as Float).precision === Precision.HALF;
  const Ctor = (childType as unknown as { ArrayType: new (n: number) => NumberArray }).ArrayType;
  const out = same ? undefined : new Ctor(n * size);
  const parentHasNulls = parent.nullCount > 0 || scope.isDead !== undefined;
  const childHasNulls = child.nullCount > 0;
  for (let i = 0; i < n; i++) {
    const live = !parentHasNulls || (parent.getValid(i) && isLive(scope, i));
    const base = i * size;
    if (!live) continue;
    for (let k = 0; k < size; k++) {
      const j = base + k;
      if (childHasNulls && !child.getValid(j)) throw nullInVector(scope.ctx, scope.path, scope.rowOf(i), k);
      const raw = values[j]!;
      const v = sourceHalf ? float16BitsToFloat64(raw) : Number(raw);
      if (v - v !== 0) throw nonFiniteInVector(scope.ctx, scope.path, scope.rowOf(i), k, v);
      if (out !== undefined) {
        if (half) {
          const bits = float64ToFloat16Bits(v);
          if ((bits & 0x7fff) === 0x7c00) throw vectorValueTooLarge(scope.ctx, scope.path, scope.rowOf(i), k, v, childType);
          out[j] = bits;
        } else {
          out[j] = v;
          const stored = out[j]!;
          if (stored - stored !== 0) throw vectorValueTooLarge(scope.ctx, scope.path, scope.rowOf(i), k, v, childType);
        }
      }
    }
  }
  if (out === undefined) return child.clone(childType);
  return makeAnyData({
    type: childType,
    length: child.length,
    nullCount: child.nullCount,
    nullBitmap: child.nullBitmap,
    offset: child.offset,
    data: out as unknown as ArrayBufferView,
  });
}

function firstNonFinite32(values: Float32Array, from: number, to: number): number {
  for (let j = from; j < to; j++) {
    const x = values[j]!;
    if (x - x !== 0) return j;
  }
  return -1;
}

function firstNonFinite64(values: Float64Array, from: number, to: number): number {
  for (let j = from; j < to; j++) {
    const x = values[j]!;
    if (x - x !== 0) return j;
  }
  return -1;
}

/** The common case: float32/float64 vectors without null elements, checked for NaN/Infinity in the rows read. */
function checkFloatVectors(values: Float32Array | Float64Array, parent: Data, size: number, scope: IngestScope): void {
  const scan = (from: number, to: number) =>
    values instanceof Float32Array ? firstNonFinite32(values, from, to) : firstNonFinite64(values, from, to);
  const report = (j: number) => {
    const i = Math.floor(j / size);
    return nonFiniteInVector(scope.ctx, scope.path, scope.rowOf(i), j - i * size, values[j]!);
  };
  if (parent.nullCount === 0 && scope.isDead === undefined) {
    const bad = scan(0, parent.length * size);
    if (bad >= 0) throw report(bad);
    return;
  }
  for (let i = 0; i < parent.length; i++) {
    if (!parent.getValid(i) || !isLive(scope, i)) continue;
    const bad = scan(i * size, (i + 1) * size);
    if (bad >= 0) throw report(bad);
  }
}

function conformFixedSizeList(data: Data, field: Field, scope: IngestScope): Data {
  const source = data.type;
  const target = field.type as FixedSizeList;
  const size = target.listSize;
  const childField = target.children[0] as Field;
  let child: Data;
  if (DataType.isFixedSizeList(source)) {
    const width = (source as FixedSizeList).listSize;
    if (width !== size) {
      const row = firstLiveRow(data, scope);
      if (row >= 0) {
        throw vectorWidthMismatch(
          scope.ctx,
          scope.path,
          scope.rowOf(row),
          { width: size, element: describeType(childField.type as DataType) },
          width,
        );
      }
      return makeNullData(target, data.length); // every row is null or unread
    }
    child = data.children[0]!;
  } else if (DataType.isList(source) || DataType.isLargeList(source)) {
    child = listChildAsFixed(data, target, scope);
  } else {
    throw typeMismatch(scope, source, target);
  }
  const childScope: IngestScope = {
    ctx: scope.ctx,
    path: scope.path,
    rowOf: (j) => scope.rowOf(Math.floor(j / size)),
    isDead: (j) => {
      const i = Math.floor(j / size);
      return !data.getValid(i) || scope.isDead?.(i) === true;
    },
  };
  const newChild = DataType.isFloat(childField.type)
    ? conformVectorChild(child, data, target, scope)
    : conformData(child, childField, childScope);
  return makeAnyData({
    type: target,
    offset: data.offset,
    length: data.length,
    nullCount: data.nullCount,
    nullBitmap: data.nullBitmap,
    child: newChild,
  });
}

function conformBatch(batch: RecordBatch, target: Schema, ctx: IngestContext, rowBase: number): RecordBatch {
  const sourceFields = batch.schema.fields;
  const children = (target.fields as Field[]).map((tf) => {
    const scope: IngestScope = { ctx, path: [tf.name], rowOf: (i) => rowBase + i };
    const index = sourceFields.findIndex((f) => f.name === tf.name);
    return index < 0 ? missingColumn(tf, batch.numRows, scope) : conformData(batch.data.children[index]!, tf, scope);
  });
  const data = makeAnyData({ type: new Struct(target.fields), length: batch.numRows, nullCount: 0, children });
  return new RecordBatch(target, data as Data<Struct>);
}

/**
 * An empty record batch of `schema` (ours).
 * @internal
 */
export function emptyBatch(schema: Schema): RecordBatch {
  const children = (schema.fields as Field[]).map((f) => makeNullData(f.type as DataType, 0));
  const data = makeAnyData({ type: new Struct(schema.fields), length: 0, nullCount: 0, children });
  return new RecordBatch(schema, data as Data<Struct>);
}

/**
 * Makes an Arrow table fit `schema` exactly: the schema's columns in its order,
 * its types and metadata, our apache-arrow classes, at least one batch.
 *
 * - A missing nullable column becomes all nulls; a missing non-nullable one is refused.
 * - A column the schema does not have is refused, naming it and the schema's columns.
 * - Casts that lose nothing are applied: an int into a wider int, an int or float
 *   into float64, float64 into float32, and float vectors (float64/float32) into
 *   a float32 or float16 vector column. Utf8/Binary widen to their Large forms, and
 *   dictionary-encoded values decode into their value type.
 * - Anything else is refused with a {@link SchemaMismatchError} (LanceDB stores
 *   a utf8 value in a float64 column as null).
 * - A vector of the wrong width is refused at its first row: `column "vector"
 *   takes 384 float32 values per row and row 17 has 256; re-embed with the
 *   table's model or create a new table.` NaN, ±Infinity or nulls inside a
 *   float vector, and nulls in a non-nullable column, are refused naming the row.
 * - Struct fields conform the same way, recursively.
 *
 * Rows are numbered from 0 across all batches of `table`.
 *
 * @example
 * ```ts
 * const fitted = conformToSchema(userTable, await tbl.schema(), { table: "docs", operation: "add" });
 * ```
 */
export function conformToSchema(table: Table, schema: Schema, ctx: IngestContext): Table {
  const source = adoptTable(table);
  return conformBatches(source.batches, schema, ctx);
}

/**
 * {@link conformToSchema} for record batches (ours) that may have different
 * schemas; rows are numbered from 0 across the batches.
 * @internal
 */
export function conformBatches(batches: readonly RecordBatch[], schema: Schema, ctx: IngestContext): Table {
  const target = adoptSchema(schema);
  const targetNames = target.fields.map((f) => f.name);
  const out: RecordBatch[] = [];
  let rowBase = 0;
  for (const batch of batches) {
    for (const f of batch.schema.fields) {
      if (!targetNames.includes(f.name)) throw fieldNotInSchema(ctx, [f.name], undefined, targetNames);
    }
    out.push(conformBatch(batch, target, ctx, rowBase));
    rowBase += batch.numRows;
  }
  if (out.length === 0) out.push(emptyBatch(target));
  return new Table(target, out);
}
