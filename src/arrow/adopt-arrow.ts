/**
 * Converting Arrow objects made by another copy of apache-arrow (any version
 * from 15 on) into objects of ours, so the rest of Quiver can rely on our
 * classes (`instanceof`, visitors, IPC writers). Types are rebuilt from their
 * `typeId` and parameters; `Data` is rebuilt with our `makeData` over the same
 * buffers, so adopting a table copies no values. Objects that are already ours
 * are returned as they are.
 *
 * @module
 */

import {
  Binary,
  Bool,
  Data,
  DataType,
  DateDay,
  DateMillisecond,
  Decimal,
  DenseUnion,
  Dictionary,
  DurationMicrosecond,
  DurationMillisecond,
  DurationNanosecond,
  DurationSecond,
  Field,
  FixedSizeBinary,
  FixedSizeList,
  Float16,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  IntervalDayTime,
  IntervalMonthDayNano,
  IntervalYearMonth,
  LargeBinary,
  LargeList,
  LargeUtf8,
  List,
  Map_,
  Null,
  RecordBatch,
  Schema,
  SparseUnion,
  Struct,
  Table,
  TimeMicrosecond,
  TimeMillisecond,
  TimeNanosecond,
  TimeSecond,
  TimestampMicrosecond,
  TimestampMillisecond,
  TimestampNanosecond,
  TimestampSecond,
  Type,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
  Vector,
  makeData,
} from "apache-arrow";
import { InvalidArgumentError, NotSupportedError } from "../errors.js";
import type {
  ArrowDataLike,
  ArrowDataTypeLike,
  ArrowFieldLike,
  ArrowSchemaLike,
  ArrowTableLike,
  ArrowVectorLike,
  RecordBatchLike,
} from "./is-arrow.js";

/** The props our `makeData` reads, for any type (its own overloads are per type). @internal */
export interface AnyDataProps {
  type: DataType;
  offset?: number;
  length?: number;
  nullCount?: number;
  nullBitmap?: Uint8Array | undefined;
  data?: ArrayBufferView | undefined;
  valueOffsets?: ArrayBufferView | undefined;
  typeIds?: ArrayBufferView | undefined;
  child?: Data | undefined;
  children?: Data[];
  dictionary?: Vector | undefined;
}

/** Our `makeData` for a type known only at run time. @internal */
export const makeAnyData = makeData as unknown as (props: AnyDataProps) => Data;

type TypedArrayCtor = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): ArrayBufferView;
  new (length: number): ArrayBufferView;
  readonly BYTES_PER_ELEMENT: number;
};

/**
 * `view` as a `ctor` array over the same bytes (a copy only when the bytes are
 * not aligned for `ctor`). apache-arrow 15 keeps 64-bit dates and timestamps in
 * Int32Arrays of two slots per value; ours uses BigInt64Array: same bytes.
 * @internal
 */
export function viewAs(ctor: TypedArrayCtor, input: unknown): ArrayBufferView | undefined {
  if (input === null || input === undefined) return undefined;
  if (!ArrayBuffer.isView(input)) {
    throw new InvalidArgumentError("an Arrow buffer is not a typed array; rebuild the data with apache-arrow", "data");
  }
  const view = input;
  if (view instanceof (ctor as unknown as typeof Uint8Array)) return view;
  const width = ctor.BYTES_PER_ELEMENT;
  if (view.byteOffset % width === 0 && view.byteLength % width === 0) {
    return new ctor(view.buffer, view.byteOffset, view.byteLength / width);
  }
  const copy = new Uint8Array(view.byteLength);
  copy.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
  return new ctor(copy.buffer, 0, Math.floor(view.byteLength / width));
}

function isOwn(proto: object, value: unknown): boolean {
  return typeof value === "object" && value !== null && Object.prototype.isPrototypeOf.call(proto, value);
}

function isOwnType(type: unknown): type is DataType {
  if (!isOwn(DataType.prototype, type)) return false;
  const t = type as DataType;
  if (DataType.isDictionary(t)) return isOwnType(t.dictionary) && isOwnType(t.indices);
  return (t.children ?? []).every((f: unknown) => isOwnField(f));
}

function isOwnField(field: unknown): field is Field {
  return isOwn(Field.prototype, field) && isOwnType((field as Field).type);
}

function isOwnSchema(schema: unknown): schema is Schema {
  return isOwn(Schema.prototype, schema) && (schema as Schema).fields.every(isOwnField);
}

function isOwnData(data: unknown): data is Data {
  if (!isOwn(Data.prototype, data)) return false;
  const d = data as Data;
  return isOwnType(d.type) && d.children.every(isOwnData) && (d.dictionary === undefined || isOwnVector(d.dictionary));
}

function isOwnVector(vector: unknown): vector is Vector {
  return isOwn(Vector.prototype, vector) && (vector as Vector).data.every(isOwnData);
}

function isOwnBatch(batch: unknown): batch is RecordBatch {
  return isOwn(RecordBatch.prototype, batch) && isOwnSchema((batch as RecordBatch).schema) && isOwnData((batch as RecordBatch).data);
}

function isOwnTable(table: unknown): table is Table {
  return isOwn(Table.prototype, table) && isOwnSchema((table as Table).schema) && (table as Table).batches.every(isOwnBatch);
}

function unreadable(type: ArrowDataTypeLike, what: string): InvalidArgumentError {
  return new InvalidArgumentError(
    `cannot read an Arrow ${String((type as { toString(): string }).toString?.() ?? type.typeId)} type: ${what}; ` +
      "build the data with apache-arrow 15 or later, or pass plain row objects instead",
    "data",
  );
}

function param(type: ArrowDataTypeLike, name: string): unknown {
  return (type as unknown as Record<string, unknown>)[name];
}

function numberParam(type: ArrowDataTypeLike, name: string): number {
  const value = param(type, name);
  if (typeof value !== "number" || !Number.isFinite(value)) throw unreadable(type, `its ${name} is ${String(value)}`);
  return value;
}

function makeInt(isSigned: boolean, bitWidth: number, source: ArrowDataTypeLike): DataType {
  switch (bitWidth) {
    case 8:
      return isSigned ? new Int8() : new Uint8();
    case 16:
      return isSigned ? new Int16() : new Uint16();
    case 32:
      return isSigned ? new Int32() : new Uint32();
    case 64:
      return isSigned ? new Int64() : new Uint64();
    default:
      throw unreadable(source, `integer bit width ${bitWidth}`);
  }
}

function makeFloat(precision: number, source: ArrowDataTypeLike): DataType {
  switch (precision) {
    case 0:
      return new Float16();
    case 1:
      return new Float32();
    case 2:
      return new Float64();
    default:
      throw unreadable(source, `float precision ${precision}`);
  }
}

function makeTimestamp(unit: number, timezone: string | undefined, source: ArrowDataTypeLike): DataType {
  switch (unit) {
    case 0:
      return new TimestampSecond(timezone);
    case 1:
      return new TimestampMillisecond(timezone);
    case 2:
      return new TimestampMicrosecond(timezone);
    case 3:
      return new TimestampNanosecond(timezone);
    default:
      throw unreadable(source, `timestamp unit ${unit}`);
  }
}

function makeTime(unit: number, source: ArrowDataTypeLike): DataType {
  switch (unit) {
    case 0:
      return new TimeSecond();
    case 1:
      return new TimeMillisecond();
    case 2:
      return new TimeMicrosecond();
    case 3:
      return new TimeNanosecond();
    default:
      throw unreadable(source, `time unit ${unit}`);
  }
}

function makeDuration(unit: number, source: ArrowDataTypeLike): DataType {
  switch (unit) {
    case 0:
      return new DurationSecond();
    case 1:
      return new DurationMillisecond();
    case 2:
      return new DurationMicrosecond();
    case 3:
      return new DurationNanosecond();
    default:
      throw unreadable(source, `duration unit ${unit}`);
  }
}

function makeInterval(unit: number, source: ArrowDataTypeLike): DataType {
  switch (unit) {
    case 0:
      return new IntervalYearMonth();
    case 1:
      return new IntervalDayTime();
    case 2:
      return new IntervalMonthDayNano();
    default:
      throw unreadable(source, `interval unit ${unit}`);
  }
}

function childFields(type: ArrowDataTypeLike): ArrowFieldLike[] {
  const children = type.children;
  if (!Array.isArray(children)) throw unreadable(type, "it has no child fields");
  return children as ArrowFieldLike[];
}

function onlyChild(type: ArrowDataTypeLike): Field {
  const children = childFields(type);
  if (children.length !== 1) throw unreadable(type, `it has ${children.length} child fields instead of 1`);
  return adoptField(children[0]!);
}

/**
 * Our copy of a data type from any apache-arrow copy, rebuilt from its
 * `typeId` and parameters (bit width, precision, unit, time zone, children...).
 * Ours is returned as it is.
 *
 * @example
 * ```ts
 * import * as userArrow from "apache-arrow"; // the user's copy
 * const t = adoptType(new userArrow.Float32()); // our Float32
 * ```
 */
export function adoptType(type: ArrowDataTypeLike): DataType {
  if (isOwnType(type)) return type;
  const id = type.typeId;
  switch (id) {
    case Type.Null:
      return new Null();
    case Type.Bool:
      return new Bool();
    case Type.Int:
      return makeInt(Boolean(param(type, "isSigned")), numberParam(type, "bitWidth"), type);
    case Type.Int8:
    case Type.Int16:
    case Type.Int32:
    case Type.Int64:
      return makeInt(true, 8 << (Type.Int8 - id), type);
    case Type.Uint8:
    case Type.Uint16:
    case Type.Uint32:
    case Type.Uint64:
      return makeInt(false, 8 << (Type.Uint8 - id), type);
    case Type.Float:
      return makeFloat(numberParam(type, "precision"), type);
    case Type.Float16:
    case Type.Float32:
    case Type.Float64:
      return makeFloat(Type.Float16 - id, type);
    case Type.Utf8:
      return new Utf8();
    case Type.LargeUtf8:
      return new LargeUtf8();
    case Type.Binary:
      return new Binary();
    case Type.LargeBinary:
      return new LargeBinary();
    case Type.FixedSizeBinary:
      return new FixedSizeBinary(numberParam(type, "byteWidth"));
    case Type.Decimal: {
      const bitWidth = param(type, "bitWidth");
      return new Decimal(
        numberParam(type, "scale"),
        numberParam(type, "precision"),
        typeof bitWidth === "number" ? bitWidth : 128,
      );
    }
    case Type.Date:
      return numberParam(type, "unit") === 0 ? new DateDay() : new DateMillisecond();
    case Type.DateDay:
      return new DateDay();
    case Type.DateMillisecond:
      return new DateMillisecond();
    case Type.Time:
      return makeTime(numberParam(type, "unit"), type);
    case Type.TimeSecond:
    case Type.TimeMillisecond:
    case Type.TimeMicrosecond:
    case Type.TimeNanosecond:
      return makeTime(Type.TimeSecond - id, type);
    case Type.Timestamp:
    case Type.TimestampSecond:
    case Type.TimestampMillisecond:
    case Type.TimestampMicrosecond:
    case Type.TimestampNanosecond: {
      const tz = param(type, "timezone");
      const unit = id === Type.Timestamp ? numberParam(type, "unit") : Type.TimestampSecond - id;
      return makeTimestamp(unit, typeof tz === "string" && tz !== "" ? tz : undefined, type);
    }
    case Type.Duration:
      return makeDuration(numberParam(type, "unit"), type);
    case Type.DurationSecond:
    case Type.DurationMillisecond:
    case Type.DurationMicrosecond:
    case Type.DurationNanosecond:
      return makeDuration(Type.DurationSecond - id, type);
    case Type.Interval:
      return makeInterval(numberParam(type, "unit"), type);
    case Type.IntervalYearMonth:
      return new IntervalYearMonth();
    case Type.IntervalDayTime:
      return new IntervalDayTime();
    case Type.IntervalMonthDayNano:
      return new IntervalMonthDayNano();
    case Type.List:
      return new List(onlyChild(type));
    case Type.LargeList:
      return new LargeList(onlyChild(type));
    case Type.FixedSizeList:
      return new FixedSizeList(numberParam(type, "listSize"), onlyChild(type));
    case Type.Struct:
      return new Struct(childFields(type).map(adoptField));
    case Type.Map:
      return new Map_(onlyChild(type) as Field<Struct>, Boolean(param(type, "keysSorted")));
    case Type.Dictionary: {
      const dictionary = param(type, "dictionary");
      const indices = param(type, "indices");
      if (typeof dictionary !== "object" || dictionary === null || typeof indices !== "object" || indices === null) {
        throw unreadable(type, "its dictionary or index type is missing");
      }
      const id = param(type, "id");
      return new Dictionary(
        adoptType(dictionary as ArrowDataTypeLike),
        adoptType(indices as ArrowDataTypeLike) as Int32,
        typeof id === "number" || typeof id === "bigint" ? id : null,
        Boolean(param(type, "isOrdered")),
      );
    }
    case Type.Union:
    case Type.DenseUnion:
    case Type.SparseUnion: {
      const mode = id === Type.DenseUnion ? 1 : id === Type.SparseUnion ? 0 : numberParam(type, "mode");
      const typeIds = param(type, "typeIds");
      const ids = Array.from((typeIds ?? []) as ArrayLike<number>);
      const children = childFields(type).map(adoptField);
      return mode === 1 ? new DenseUnion(ids, children) : new SparseUnion(ids, children);
    }
    default:
      throw new NotSupportedError(
        `Arrow type ${String(type)} (typeId ${id}) is not supported by Quiver; ` +
          "cast the column to a supported type (utf8, binary, numbers, lists, structs...) before adding it",
      );
  }
}

/**
 * Our copy of a field (name, type, nullable, metadata) from any apache-arrow
 * copy. Ours is returned as it is.
 */
export function adoptField(field: ArrowFieldLike): Field {
  if (isOwnField(field)) return field;
  return new Field(field.name, adoptType(field.type), field.nullable, new Map(field.metadata ?? []));
}

/**
 * Our copy of a schema from any apache-arrow copy, keeping the schema's and
 * every field's metadata (embedding function configs live there). Ours is
 * returned as it is.
 */
export function adoptSchema(schema: ArrowSchemaLike): Schema {
  if (isOwnSchema(schema)) return schema;
  return new Schema(schema.fields.map(adoptField), new Map(schema.metadata ?? []));
}

function typedArrayOf(type: DataType): TypedArrayCtor {
  return (type as unknown as { ArrayType: TypedArrayCtor }).ArrayType;
}

function bitmapOf(data: ArrowDataLike): Uint8Array | undefined {
  const bitmap = viewAs(Uint8Array, data.nullBitmap) as Uint8Array | undefined;
  return bitmap !== undefined && bitmap.byteLength > 0 ? bitmap : undefined;
}

function childData(data: ArrowDataLike, index: number, type: DataType): Data {
  const child = data.children[index];
  if (child === undefined) throw unreadable(data.type, `its data has no child ${index}`);
  return adoptData(child, type);
}

/**
 * Our `Data` over the same buffers as `data`, typed with `type` (our copy of
 * `data.type`; adopted when not given).
 * @internal
 */
export function adoptData(data: ArrowDataLike, type: DataType = adoptType(data.type)): Data {
  if (isOwnData(data) && data.type === type) return data;
  const nullBitmap = bitmapOf(data);
  const base = {
    type,
    offset: data.offset,
    length: data.length,
    nullCount: nullBitmap === undefined ? 0 : data.nullCount,
    nullBitmap,
  };
  switch (type.typeId) {
    case Type.Null:
      return makeAnyData({ type, offset: data.offset, length: data.length });
    case Type.Bool:
    case Type.Int:
    case Type.Float:
    case Type.Decimal:
    case Type.Date:
    case Type.Time:
    case Type.Timestamp:
    case Type.Interval:
    case Type.Duration:
    case Type.FixedSizeBinary:
      return makeAnyData({ ...base, data: viewAs(typedArrayOf(type), data.values) });
    case Type.Utf8:
    case Type.Binary:
      return makeAnyData({
        ...base,
        data: viewAs(Uint8Array, data.values),
        valueOffsets: viewAs(Int32Array, data.valueOffsets),
      });
    case Type.LargeUtf8:
    case Type.LargeBinary:
      return makeAnyData({
        ...base,
        data: viewAs(Uint8Array, data.values),
        valueOffsets: viewAs(BigInt64Array, data.valueOffsets),
      });
    case Type.List:
    case Type.Map:
      return makeAnyData({
        ...base,
        valueOffsets: viewAs(Int32Array, data.valueOffsets),
        child: childData(data, 0, type.children[0]!.type as DataType),
      });
    case Type.LargeList:
      return makeAnyData({
        ...base,
        valueOffsets: viewAs(BigInt64Array, data.valueOffsets),
        child: childData(data, 0, type.children[0]!.type as DataType),
      });
    case Type.FixedSizeList:
      return makeAnyData({ ...base, child: childData(data, 0, type.children[0]!.type as DataType) });
    case Type.Struct:
      return makeAnyData({
        ...base,
        children: type.children.map((f: Field, i: number) => childData(data, i, f.type as DataType)),
      });
    case Type.Union:
      return makeAnyData({
        type,
        offset: data.offset,
        length: data.length,
        typeIds: viewAs(Int8Array, data.typeIds),
        valueOffsets: viewAs(Int32Array, data.valueOffsets),
        children: type.children.map((f: Field, i: number) => childData(data, i, f.type as DataType)),
      });
    case Type.Dictionary: {
      const dict = type as Dictionary;
      if (data.dictionary === undefined || data.dictionary === null) throw unreadable(data.type, "its dictionary is missing");
      return makeAnyData({
        ...base,
        data: viewAs(typedArrayOf(dict.indices), data.values),
        dictionary: adoptVector(data.dictionary, dict.dictionary),
      });
    }
    default:
      throw new NotSupportedError(`Arrow type ${String(type)} is not supported by Quiver; cast the column before adding it`);
  }
}

/**
 * Our copy of a vector (column) from any apache-arrow copy, over the same
 * buffers. Ours is returned as it is.
 * @internal
 */
export function adoptVector(vector: ArrowVectorLike, type: DataType = adoptType(vector.type)): Vector {
  if (isOwnVector(vector) && vector.type === type) return vector;
  return new Vector(vector.data.map((d) => adoptData(d, type)));
}

/**
 * A record batch of ours with `schema` (already ours) over the buffers of
 * `batch`'s columns, which must match the schema's fields by position.
 * @internal
 */
export function adoptBatchWithSchema(batch: RecordBatchLike, schema: Schema): RecordBatch {
  const columns = batch.data.children;
  if (columns.length !== schema.fields.length) {
    throw new InvalidArgumentError(
      `an Arrow record batch has ${columns.length} columns but its schema has ${schema.fields.length} fields; ` +
        "rebuild the batch so its columns match its schema",
      "data",
    );
  }
  const children = schema.fields.map((f, i) => adoptData(columns[i]!, f.type as DataType));
  const data = makeAnyData({ type: new Struct(schema.fields), length: batch.data.length, nullCount: 0, children });
  return new RecordBatch(schema, data as Data<Struct>);
}

/**
 * Our copy of a record batch from any apache-arrow copy (schema metadata kept,
 * buffers shared). Ours is returned as it is.
 *
 * @example
 * ```ts
 * const batch = adoptRecordBatch(userTable.batches[0]);
 * batch instanceof RecordBatch; // true for our RecordBatch
 * ```
 */
export function adoptRecordBatch(batch: RecordBatchLike): RecordBatch {
  if (isOwnBatch(batch)) return batch;
  return adoptBatchWithSchema(batch, adoptSchema(batch.schema));
}

/**
 * Our copy of a table from any apache-arrow copy (schema metadata kept,
 * buffers shared, batches kept as they are). Ours is returned as it is.
 *
 * @example
 * ```ts
 * import * as arrow15 from "apache-arrow-15";
 * const theirs = arrow15.tableFromArrays({ x: new Float32Array([1, 2]) });
 * const ours = adoptTable(theirs); // same values, our classes, no copy
 * ```
 */
export function adoptTable(table: ArrowTableLike): Table {
  if (isOwnTable(table)) return table;
  const schema = adoptSchema(table.schema);
  return new Table(schema, table.batches.map((b) => adoptBatchWithSchema(b, schema)));
}
