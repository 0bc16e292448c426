import {
  type Data,
  type DataType,
  type Dictionary,
  type FixedSizeList,
  type Vector,
  Type,
  makeBuilder,
  makeData,
  makeVector,
} from "apache-arrow";
import type { TypedArray } from "../util/typed-array.js";


/**
 * Which rows to gather: row `rows[i]` of source chunk `sources[i]` becomes
 * output row i. `sources` is null when every row comes from chunk 0.
 */
export interface RowRefs {
  readonly sources: Uint32Array | null;
  readonly rows: Uint32Array;
}

/**
 * Gathers arbitrary rows of one column, spread over one or more chunks of the
 * same type, into a new chunk. Fixed-width values, booleans, strings and
 * binaries are copied straight between typed arrays; lists, fixed-size lists
 * and structs recurse into their children; dictionaries keep their dictionary
 * when every chunk shares it. Anything else is rebuilt value by value with an
 * Arrow builder. Nulls are preserved.
 */
export function takeRows(type: DataType, chunks: readonly Data[], refs: RowRefs): Data {
  const length = refs.rows.length;
  const { nullCount, nullBitmap } = takeValidity(chunks, refs);
  switch (type.typeId) {
    case Type.Int:
    case Type.Float:
    case Type.Date:
    case Type.Timestamp:
    case Type.Time:
    case Type.Duration:
    case Type.Interval:
    case Type.Decimal:
    case Type.FixedSizeBinary: {
      const values = takeFixedWidth(chunks, refs);
      return makeData({ type, length, nullCount, nullBitmap, data: values } as never);
    }
    case Type.Bool:
      return makeData({ type, length, nullCount, nullBitmap, data: takeBits(chunks, refs) } as never);
    case Type.Utf8:
    case Type.Binary:
    case Type.LargeUtf8:
    case Type.LargeBinary: {
      const { valueOffsets, data } = takeVariableWidth(chunks, refs, type.typeId === Type.LargeUtf8 || type.typeId === Type.LargeBinary);
      return makeData({ type, length, nullCount, nullBitmap, valueOffsets, data } as never);
    }
    case Type.FixedSizeList: {
      const child = takeFixedSizeListChild(type as FixedSizeList, chunks, refs);
      return makeData({ type, length, nullCount, nullBitmap, child } as never);
    }
    case Type.List: {
      const { valueOffsets, childRefs } = expandListRows(chunks, refs);
      const child = takeRows(type.children[0]!.type, chunks.map((c) => c.children[0]!), childRefs);
      return makeData({ type, length, nullCount, nullBitmap, valueOffsets, child } as never);
    }
    case Type.Struct: {
      const children = type.children.map((field, i) =>
        takeRows(
          field.type,
          chunks.map((c) => c.children[i]!),
          refs,
        ),
      );
      return makeData({ type, length, nullCount, nullBitmap, children } as never);
    }
    case Type.Dictionary: {
      const dictionary = chunks[0]!.dictionary;
      if (dictionary && chunks.every((c) => c.dictionary === dictionary)) {
        const indices = takeFixedWidth(chunks, refs);
        return makeData({ type: type as Dictionary, length, nullCount, nullBitmap, data: indices as never, dictionary } as never);
      }
      return takeWithBuilder(type, chunks, refs);
    }
    default:
      return takeWithBuilder(type, chunks, refs);
  }
}

function sourceOf(refs: RowRefs, i: number): number {
  return refs.sources === null ? 0 : refs.sources[i]!;
}

function takeValidity(chunks: readonly Data[], refs: RowRefs): { nullCount: number; nullBitmap: Uint8Array | undefined } {
  if (chunks.every((c) => c.nullCount === 0)) return { nullCount: 0, nullBitmap: undefined };
  const length = refs.rows.length;
  const bits = new Uint8Array(Math.ceil(length / 8));
  let nulls = 0;
  for (let i = 0; i < length; i++) {
    const chunk = chunks[sourceOf(refs, i)]!;
    let valid = true;
    if (chunk.nullCount > 0) {
      const bitmap = chunk.nullBitmap;
      if (chunk.typeId === Type.Null) valid = false;
      else if (bitmap && bitmap.length > 0) {
        const b = chunk.offset + refs.rows[i]!;
        valid = ((bitmap[b >> 3]! >> (b & 7)) & 1) === 1;
      }
    }
    if (valid) bits[i >> 3]! |= 1 << (i & 7);
    else nulls++;
  }
  return nulls === 0 ? { nullCount: 0, nullBitmap: undefined } : { nullCount: nulls, nullBitmap: bits };
}

function takeFixedWidth(chunks: readonly Data[], refs: RowRefs): TypedArray {
  const stride = chunks[0]!.stride;
  const first = chunks[0]!.values as TypedArray;
  const Ctor = first.constructor as new (n: number) => TypedArray;
  const length = refs.rows.length;
  const out = new Ctor(length * stride);
  if (refs.sources === null && stride === 1) {
    const src = first as Float64Array;
    const dst = out as Float64Array;
    const rows = refs.rows;
    for (let i = 0; i < length; i++) dst[i] = src[rows[i]!]!;
    return out;
  }
  for (let i = 0; i < length; i++) {
    const src = chunks[sourceOf(refs, i)]!.values as Float64Array;
    const base = refs.rows[i]! * stride;
    for (let j = 0; j < stride; j++) (out as Float64Array)[i * stride + j] = src[base + j]!;
  }
  return out;
}

function takeBits(chunks: readonly Data[], refs: RowRefs): Uint8Array {
  const length = refs.rows.length;
  const out = new Uint8Array(Math.ceil(length / 8));
  for (let i = 0; i < length; i++) {
    const chunk = chunks[sourceOf(refs, i)]!;
    const bits = chunk.values as Uint8Array;
    const b = chunk.offset + refs.rows[i]!;
    if ((bits[b >> 3]! >> (b & 7)) & 1) out[i >> 3]! |= 1 << (i & 7);
  }
  return out;
}

function takeVariableWidth(
  chunks: readonly Data[],
  refs: RowRefs,
  large: boolean,
): { valueOffsets: Int32Array | BigInt64Array; data: Uint8Array } {
  const length = refs.rows.length;
  let bytes = 0;
  for (let i = 0; i < length; i++) {
    const offsets = chunks[sourceOf(refs, i)]!.valueOffsets as Int32Array | BigInt64Array;
    const r = refs.rows[i]!;
    bytes += Number(offsets[r + 1]!) - Number(offsets[r]!);
  }
  const data = new Uint8Array(bytes);
  const valueOffsets = large ? new BigInt64Array(length + 1) : new Int32Array(length + 1);
  let at = 0;
  for (let i = 0; i < length; i++) {
    const chunk = chunks[sourceOf(refs, i)]!;
    const offsets = chunk.valueOffsets as Int32Array | BigInt64Array;
    const r = refs.rows[i]!;
    const start = Number(offsets[r]!);
    const end = Number(offsets[r + 1]!);
    if (end > start) data.set((chunk.values as Uint8Array).subarray(start, end), at);
    at += end - start;
    if (large) (valueOffsets as BigInt64Array)[i + 1] = BigInt(at);
    else (valueOffsets as Int32Array)[i + 1] = at;
  }
  return { valueOffsets, data };
}

function takeFixedSizeListChild(type: FixedSizeList, chunks: readonly Data[], refs: RowRefs): Data {
  const size = type.listSize;
  const childType = type.children[0]!.type;
  const children = chunks.map((c) => c.children[0]!);
  const length = refs.rows.length;
  const primitive = childType.typeId === Type.Int || childType.typeId === Type.Float;
  if (primitive && children.every((c) => c.nullCount === 0 && c.stride === 1)) {
    // The hot case (result vectors): one typed-array copy per row.
    const Ctor = (children[0]!.values as TypedArray).constructor as new (n: number) => TypedArray;
    const values = new Ctor(length * size);
    for (let i = 0; i < length; i++) {
      const src = children[sourceOf(refs, i)]!.values as Float32Array;
      const r = refs.rows[i]!;
      (values as Float32Array).set(src.subarray(r * size, (r + 1) * size), i * size);
    }
    return makeData({ type: childType, length: length * size, nullCount: 0, data: values } as never);
  }
  const childRows = new Uint32Array(length * size);
  const childSources = refs.sources === null ? null : new Uint32Array(length * size);
  for (let i = 0; i < length; i++) {
    const r = refs.rows[i]!;
    for (let j = 0; j < size; j++) {
      childRows[i * size + j] = r * size + j;
      if (childSources) childSources[i * size + j] = refs.sources![i]!;
    }
  }
  return takeRows(childType, children, { sources: childSources, rows: childRows });
}

function expandListRows(chunks: readonly Data[], refs: RowRefs): { valueOffsets: Int32Array; childRefs: RowRefs } {
  const length = refs.rows.length;
  const valueOffsets = new Int32Array(length + 1);
  let total = 0;
  for (let i = 0; i < length; i++) {
    const offsets = chunks[sourceOf(refs, i)]!.valueOffsets as Int32Array;
    const r = refs.rows[i]!;
    total += offsets[r + 1]! - offsets[r]!;
    valueOffsets[i + 1] = total;
  }
  const rows = new Uint32Array(total);
  const sources = refs.sources === null ? null : new Uint32Array(total);
  let at = 0;
  for (let i = 0; i < length; i++) {
    const offsets = chunks[sourceOf(refs, i)]!.valueOffsets as Int32Array;
    const r = refs.rows[i]!;
    for (let c = offsets[r]!; c < offsets[r + 1]!; c++) {
      rows[at] = c;
      if (sources) sources[at] = refs.sources![i]!;
      at++;
    }
  }
  return { valueOffsets, childRefs: { sources, rows } };
}

function takeWithBuilder(type: DataType, chunks: readonly Data[], refs: RowRefs): Data {
  const vectors: Vector[] = chunks.map((c) => makeVector(c));
  const builder = makeBuilder({ type, nullValues: [null, undefined] });
  for (let i = 0; i < refs.rows.length; i++) builder.append(vectors[sourceOf(refs, i)]!.get(refs.rows[i]!));
  return builder.finish().flush();
}
