import {
  Data,
  DataType,
  RecordBatch,
  Schema,
  Struct,
  Type,
  makeBuilder,
  makeData,
  makeVector,
} from "apache-arrow";
import type { TypedArray } from "../util/typed-array.js";


/**
 * Concatenates record batches of one schema into a single batch, copying each
 * buffer once. Fragments are stored and searched as one batch, so an input of
 * many small batches (or compaction of small fragments) goes through here.
 */
export function concatBatches(schema: Schema, batches: readonly RecordBatch[]): RecordBatch {
  if (batches.length === 1 && batches[0]!.schema === schema) return batches[0]!;
  const length = batches.reduce((sum, b) => sum + b.numRows, 0);
  const children = schema.fields.map((_, column) =>
    concatData(
      schema.fields[column]!.type,
      batches.map((b) => b.data.children[column]!),
    ),
  );
  const structData = makeData({ type: new Struct(schema.fields), length, nullCount: 0, children });
  return new RecordBatch(schema, structData);
}

/** Concatenates same-typed Data chunks into one. */
export function concatData(type: DataType, allChunks: readonly Data[]): Data {
  // Zero-length chunks may lack buffers altogether; they contribute nothing.
  const nonEmpty = allChunks.filter((d) => d.length > 0);
  const chunks = nonEmpty.length > 0 ? nonEmpty : allChunks.slice(0, 1);
  if (chunks.length === 1) return chunks[0]!;
  const length = chunks.reduce((sum, d) => sum + d.length, 0);
  const nullCount = chunks.reduce((sum, d) => sum + d.nullCount, 0);
  const nullBitmap = nullCount > 0 ? concatValidity(chunks, length) : undefined;

  switch (type.typeId) {
    case Type.Null:
      return makeData({ type, length, nullCount: length } as never);
    case Type.Int:
    case Type.Float:
    case Type.Date:
    case Type.Timestamp:
    case Type.Time:
    case Type.Duration:
    case Type.Interval:
    case Type.Decimal:
    case Type.FixedSizeBinary: {
      const values = concatTyped(chunks.map((d) => (d.values as TypedArray).subarray(0, d.length * d.stride)));
      return makeData({ type, length, nullCount, nullBitmap, data: values } as never);
    }
    case Type.Bool: {
      const bits = new Uint8Array(Math.ceil(length / 8));
      let at = 0;
      for (const d of chunks) {
        const src = d.values as Uint8Array;
        for (let i = 0; i < d.length; i++, at++) {
          const bit = d.offset + i;
          if ((src[bit >> 3]! >> (bit & 7)) & 1) bits[at >> 3]! |= 1 << (at & 7);
        }
      }
      return makeData({ type, length, nullCount, nullBitmap, data: bits } as never);
    }
    case Type.Utf8:
    case Type.Binary:
    case Type.LargeUtf8:
    case Type.LargeBinary:
      return concatVariableWidth(type, chunks, length, nullCount, nullBitmap);
    case Type.List: {
      const offsets = new Int32Array(length + 1);
      const childChunks: Data[] = [];
      let at = 0;
      let base = 0;
      for (const d of chunks) {
        const src = d.valueOffsets as Int32Array;
        const start = src[0]!;
        for (let i = 1; i <= d.length; i++) offsets[at + i] = base + src[i]! - start;
        at += d.length;
        base += src[d.length]! - start;
        childChunks.push(d.children[0]!.slice(start, src[d.length]! - start));
      }
      const child = concatData(type.children[0]!.type, childChunks);
      return makeData({ type, length, nullCount, nullBitmap, valueOffsets: offsets, child } as never);
    }
    case Type.FixedSizeList: {
      const child = concatData(
        type.children[0]!.type,
        chunks.map((d) => d.children[0]!),
      );
      return makeData({ type, length, nullCount, nullBitmap, child } as never);
    }
    case Type.Struct: {
      const children = type.children.map((field, i) =>
        concatData(
          field.type,
          chunks.map((d) => d.children[i]!),
        ),
      );
      return makeData({ type, length, nullCount, nullBitmap, children } as never);
    }
    default:
      return concatWithBuilder(type, chunks);
  }
}

function concatVariableWidth(
  type: DataType,
  chunks: readonly Data[],
  length: number,
  nullCount: number,
  nullBitmap: Uint8Array | undefined,
): Data {
  const large = type.typeId === Type.LargeUtf8 || type.typeId === Type.LargeBinary;
  let bytes = 0;
  for (const d of chunks) {
    const o = d.valueOffsets as Int32Array | BigInt64Array;
    bytes += Number(o[d.length]!) - Number(o[0]!);
  }
  const values = new Uint8Array(bytes);
  const offsets = large ? new BigInt64Array(length + 1) : new Int32Array(length + 1);
  let at = 0;
  let base = 0;
  for (const d of chunks) {
    const o = d.valueOffsets as Int32Array | BigInt64Array;
    const start = Number(o[0]!);
    const end = Number(o[d.length]!);
    values.set((d.values as Uint8Array).subarray(start, end), base);
    for (let i = 1; i <= d.length; i++) {
      const value = base + Number(o[i]!) - start;
      if (large) (offsets as BigInt64Array)[at + i] = BigInt(value);
      else (offsets as Int32Array)[at + i] = value;
    }
    at += d.length;
    base += end - start;
  }
  return makeData({ type, length, nullCount, nullBitmap, valueOffsets: offsets, data: values } as never);
}

function concatValidity(chunks: readonly Data[], length: number): Uint8Array {
  const bits = new Uint8Array(Math.ceil(length / 8));
  let at = 0;
  for (const d of chunks) {
    const src = d.nullCount > 0 ? d.nullBitmap : undefined;
    if (!src || src.length === 0) {
      for (let i = 0; i < d.length; i++, at++) bits[at >> 3]! |= 1 << (at & 7);
      continue;
    }
    for (let i = 0; i < d.length; i++, at++) {
      const bit = d.offset + i;
      if ((src[bit >> 3]! >> (bit & 7)) & 1) bits[at >> 3]! |= 1 << (at & 7);
    }
  }
  return bits;
}

function concatTyped(parts: readonly TypedArray[]): TypedArray {
  const total = parts.reduce((sum, p) => sum + p.length, 0);
  const Ctor = parts[0]!.constructor as new (n: number) => TypedArray;
  const out = new Ctor(total);
  let at = 0;
  for (const p of parts) {
    out.set(p as never, at);
    at += p.length;
  }
  return out;
}

// Rare types (dictionary, map, union, views): rebuild value by value.
function concatWithBuilder(type: DataType, chunks: readonly Data[]): Data {
  const builder = makeBuilder({ type, nullValues: [null, undefined] });
  for (const d of chunks) {
    const vector = makeVector(d);
    for (let i = 0; i < vector.length; i++) builder.append(vector.get(i));
  }
  return builder.finish().flush();
}
