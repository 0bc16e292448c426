/**
 * Reads a column of a record batch where it lies: its Arrow `Data` chunks, each with the
 * struct parents whose nulls also null its rows. The kernels work on these buffers in
 * place; {@link readValues} copies them into the evaluator's flat form when an
 * expression needs computing.
 *
 * Arrow JS conventions relied on: fixed-width `values` and `valueOffsets` are already
 * sliced to the chunk (index `i` is row `i`), while validity and boolean bits are read
 * at `offset + i`.
 *
 * @internal
 * @module
 */

import { makeVector, Type, util, type Data, type DataType, type RecordBatch, type Vector } from "apache-arrow";
import {
  type BigIntValues,
  type BoolValues,
  type ColumnValues,
  type NumberValues,
  type StringValues,
  type Validity,
} from "./column-values.js";
import { NANOS_PER_UNIT } from "./temporal.js";
import type { ValueType } from "./value-type.js";

// The three-valued codes of column-values.ts, copied here: once transpiled (vitest, CJS
// bundles) an imported constant becomes a getter call on every use, far too slow in row loops.
const NULL = 1;

export interface ColumnChunk {
  readonly data: Data;
  /** Struct ancestors, outermost first: a null parent makes the field null. */
  readonly parents: readonly Data[];
  /** The chunk's first row within the batch. */
  readonly start: number;
}

export interface ColumnSource {
  readonly type: DataType;
  readonly chunks: readonly ColumnChunk[];
  readonly length: number;
}

const MS_PER_DAY = 86_400_000n;
const utf8Decoder = new TextDecoder();

/** The chunks of the field at `indices` (child indices from the batch root). */
export function sourceOf(batch: RecordBatch, indices: readonly number[]): ColumnSource {
  const top = batch.getChildAt(indices[0]!);
  if (top === null) throw new RangeError(`the batch has no column at index ${indices[0]}`);
  const chunks: ColumnChunk[] = [];
  let start = 0;
  let type: DataType = top.type;
  for (const root of top.data) {
    let data: Data = root;
    const parents: Data[] = [];
    for (let level = 1; level < indices.length; level++) {
      parents.push(data);
      data = data.children[indices[level]!]!;
      // Row i of a struct is row i of its children (Arrow JS slices them along), but a
      // child may be longer than its parent; only the parent's rows exist.
      if (data.length > root.length) data = data.slice(0, root.length);
    }
    type = data.type;
    chunks.push({ data, parents, start });
    start += data.length;
  }
  return { type, chunks, length: start };
}

/** The chunks of a whole vector, such as a dictionary's values. */
export function sourceOfVector(vector: Vector): ColumnSource {
  const chunks: ColumnChunk[] = [];
  let start = 0;
  for (const data of vector.data) {
    chunks.push({ data, parents: [], start });
    start += data.length;
  }
  return { type: vector.type, chunks, length: start };
}

/** True when the chunk's own validity bitmap marks any row null. */
export function hasNullBitmap(data: Data): boolean {
  const bitmap = data.nullBitmap as Uint8Array | undefined;
  return bitmap !== undefined && bitmap.length > 0 && data.nullCount > 0;
}

function chunkHasNulls(chunk: ColumnChunk): boolean {
  return hasNullBitmap(chunk.data) || chunk.parents.some(hasNullBitmap);
}

/** Sets `out[start + i]` to NULL for the null rows of `data`. */
function markNullsOf(data: Data, out: Uint8Array, start: number): void {
  if (!hasNullBitmap(data)) return;
  const bitmap = data.nullBitmap as Uint8Array;
  const offset = data.offset;
  const length = data.length;
  // Branch-free per row: a valid bit keeps the code (x & -1), a null bit gives NULL (0 | 1).
  const mark = (i: number, bit: number) => {
    const j = start + i;
    out[j] = (out[j]! & -bit) | (1 & (bit - 1));
  };
  let i = 0;
  for (; i < length && ((offset + i) & 7) !== 0; i++) mark(i, (bitmap[(offset + i) >> 3]! >> ((offset + i) & 7)) & 1);
  for (; i + 8 <= length; i += 8) {
    const byte = bitmap[(offset + i) >> 3]!;
    if (byte === 0xff) continue;
    for (let k = 0; k < 8; k++) mark(i + k, (byte >> k) & 1);
  }
  for (; i < length; i++) mark(i, (bitmap[(offset + i) >> 3]! >> ((offset + i) & 7)) & 1);
}

/** Sets NULL in the three-valued `out` for every null row of the chunk (its own or a parent's). */
export function markChunkNulls(chunk: ColumnChunk, out: Uint8Array): void {
  markNullsOf(chunk.data, out, chunk.start);
  for (const parent of chunk.parents) markNullsOf(parent, out, chunk.start);
}

/** One validity byte per row of the whole source, or null when no row is null. */
export function sourceValidity(source: ColumnSource): Validity {
  if (!source.chunks.some(chunkHasNulls)) return null;
  const marks = new Uint8Array(source.length);
  for (const chunk of source.chunks) markChunkNulls(chunk, marks);
  // markChunkNulls writes NULL (1) at null rows; flip to 1 = valid.
  for (let i = 0; i < marks.length; i++) marks[i] = marks[i] === NULL ? 0 : 1;
  return marks;
}

/** The chunk's data with its parents' nulls folded into its own bitmap. */
export function chunkWithParentNulls(chunk: ColumnChunk): Data {
  const { data, parents } = chunk;
  if (!parents.some(hasNullBitmap)) return data;
  const marks = new Uint8Array(data.length);
  markChunkNulls({ data, parents, start: 0 }, marks);
  const bitmap = new Uint8Array((data.offset + data.length + 7) >> 3);
  let nulls = 0;
  for (let i = 0; i < data.length; i++) {
    if (marks[i] === NULL) {
      nulls++;
      continue;
    }
    const bit = data.offset + i;
    bitmap[bit >> 3]! |= 1 << (bit & 7);
  }
  // Buffers are indexed by Arrow's BufferType: OFFSET, DATA, VALIDITY, TYPE.
  const buffers = [data.valueOffsets, data.values, bitmap, data.typeIds] as unknown as Parameters<Data["clone"]>[4];
  return data.clone(data.type, data.offset, data.length, nulls, buffers, data.children);
}

/** The whole source as one vector, with parents' nulls applied. */
export function vectorOf(source: ColumnSource): Vector {
  return makeVector(source.chunks.map(chunkWithParentNulls));
}

/** Decodes the UTF-8 strings of a Utf8 / LargeUtf8 chunk into `out[start ..]` (null rows included). */
export function decodeUtf8Chunk(data: Data, out: string[], start: number): void {
  const bytes = data.values as Uint8Array;
  const offsets = data.valueOffsets as Int32Array | BigInt64Array;
  const n = data.length;
  if (n === 0) return;
  const first = Number(offsets[0]!);
  const last = Number(offsets[n]!);
  let ascii = true;
  for (let b = first; b < last; b++) {
    if (bytes[b]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    // One decode for the whole chunk: for ASCII, byte offsets are character offsets.
    const text = utf8Decoder.decode(bytes.subarray(first, last));
    for (let i = 0; i < n; i++) out[start + i] = text.slice(Number(offsets[i]!) - first, Number(offsets[i + 1]!) - first);
    return;
  }
  for (let i = 0; i < n; i++) out[start + i] = utf8Decoder.decode(bytes.subarray(Number(offsets[i]!), Number(offsets[i + 1]!)));
}

function readStrings(source: ColumnSource, valid: Validity): StringValues {
  const out: string[] = new Array<string>(source.length).fill("");
  for (const { data, start } of source.chunks) {
    const typeId = data.type.typeId;
    if (typeId === Type.Utf8 || typeId === Type.LargeUtf8) {
      decodeUtf8Chunk(data, out, start);
    } else if (typeId === Type.Dictionary) {
      const dictionary = readValues(sourceOfVector(data.dictionary!), "string");
      const words = dictionary.form === "string" ? dictionary.values : [];
      const keys = data.values as ArrayLike<number | bigint>;
      for (let i = 0; i < data.length; i++) out[start + i] = words[Number(keys[i]!)] ?? "";
    } else {
      const vector = makeVector(data);
      for (let i = 0; i < data.length; i++) out[start + i] = (vector.get(i) as string | null) ?? "";
    }
  }
  if (valid !== null) for (let i = 0; i < out.length; i++) if (valid[i] === 0) out[i] = "";
  return { form: "string", type: "string", values: out, valid };
}

/** Reads a dictionary-encoded source by decoding its dictionary once and gathering. */
function readDictionary(source: ColumnSource, type: ValueType, valid: Validity): ColumnValues {
  const n = source.length;
  const parts = source.chunks.map(({ data, start }) => ({
    dictionary: readValues(sourceOfVector(data.dictionary!), type),
    keys: data.values as ArrayLike<number | bigint>,
    start,
    length: data.length,
  }));
  const gather = <T>(pick: (values: ColumnValues, key: number) => T, fill: T, out: { [i: number]: T }) => {
    for (const part of parts) {
      for (let i = 0; i < part.length; i++) {
        out[part.start + i] = valid === null || valid[part.start + i] === 1 ? pick(part.dictionary, Number(part.keys[i]!)) : fill;
      }
    }
  };
  // A null dictionary entry is a null row too.
  const validOut = new Uint8Array(n).fill(1);
  gather((d, k) => (d.form === "bool" ? (d.tri[k] === NULL ? 0 : 1) : d.form === "scalar" ? 0 : d.form === "vector" || d.valid === null ? 1 : d.valid[k]!), 0, validOut);
  const merged: Validity = validOut.every((v) => v === 1) ? null : validOut;
  switch (type) {
    case "int":
    case "float":
    case "date": {
      const values = new Float64Array(n);
      gather((d, k) => (d.form === "number" ? d.values[k]! : d.form === "bigint" ? Number(d.values[k]!) : 0), 0, values);
      const numberType: NumberValues["type"] = type;
      return { form: "number", type: numberType, values, valid: merged };
    }
    case "timestamp": {
      const values = new BigInt64Array(n);
      gather((d, k) => (d.form === "bigint" ? d.values[k]! : 0n), 0n, values);
      return { form: "bigint", type: "timestamp", values, valid: merged };
    }
    case "bool": {
      const tri = new Uint8Array(n);
      gather((d, k) => (d.form === "bool" ? d.tri[k]! : NULL), NULL, tri);
      return { form: "bool", type: "bool", tri };
    }
    default:
      return { form: "vector", type: "other", vector: vectorOf(source) };
  }
}

/**
 * Copies a source into the evaluator's flat form. Ints up to 32 bits become doubles;
 * 64-bit ints stay bigints (Uint64 values above 2^63 wrap); dates become days and
 * timestamps nanoseconds.
 */
export function readValues(source: ColumnSource, type: ValueType): ColumnValues {
  const n = source.length;
  if (type === "null") return { form: "scalar", type: "null", value: null };
  if (type === "other") return { form: "vector", type: "other", vector: vectorOf(source) };
  const isDictionary = source.chunks.some((c) => c.data.type.typeId === Type.Dictionary);
  if (type === "bool" && !isDictionary) {
    const tri = new Uint8Array(n);
    for (const chunk of source.chunks) {
      const { data, start } = chunk;
      const bits = data.values as Uint8Array;
      for (let i = 0; i < data.length; i++) {
        const bit = data.offset + i;
        tri[start + i] = ((bits[bit >> 3]! >> (bit & 7)) & 1) << 1;
      }
      markChunkNulls(chunk, tri);
    }
    const result: BoolValues = { form: "bool", type: "bool", tri };
    return result;
  }
  const valid = sourceValidity(source);
  if (type === "string") return readStrings(source, valid);
  if (isDictionary) return readDictionary(source, type, valid);
  switch (type) {
    case "int": {
      if (source.chunks.some((c) => c.data.values instanceof BigInt64Array || c.data.values instanceof BigUint64Array)) {
        const values = new BigInt64Array(n);
        for (const { data, start } of source.chunks) {
          const src = data.values as ArrayLike<bigint | number>;
          for (let i = 0; i < data.length; i++) values[start + i] = BigInt(src[i]!);
        }
        const result: BigIntValues = { form: "bigint", type: "int", values, valid };
        return result;
      }
      const values = new Float64Array(n);
      for (const { data, start } of source.chunks) values.set((data.values as Int32Array).subarray(0, data.length), start);
      return { form: "number", type: "int", values, valid };
    }
    case "float": {
      const values = new Float64Array(n);
      for (const { data, start } of source.chunks) {
        if (data.type.typeId === Type.Float && (data.type as DataType & { precision: number }).precision === 0) {
          const halves = data.values as Uint16Array;
          for (let i = 0; i < data.length; i++) values[start + i] = util.uint16ToFloat64(halves[i]!);
        } else {
          values.set((data.values as Float64Array).subarray(0, data.length), start);
        }
      }
      return { form: "number", type: "float", values, valid };
    }
    case "date": {
      const values = new Float64Array(n);
      for (const { data, start } of source.chunks) {
        if (data.values instanceof BigInt64Array) {
          // Date64 stores milliseconds; the day is the floor, also before 1970.
          const ms = data.values;
          for (let i = 0; i < data.length; i++) {
            const v = ms[i]!;
            const d = v / MS_PER_DAY;
            values[start + i] = Number(v < 0n && d * MS_PER_DAY !== v ? d - 1n : d);
          }
        } else {
          values.set((data.values as Int32Array).subarray(0, data.length), start);
        }
      }
      return { form: "number", type: "date", values, valid };
    }
    case "timestamp": {
      const values = new BigInt64Array(n);
      for (const { data, start } of source.chunks) {
        const scale = NANOS_PER_UNIT[(data.type as DataType & { unit: number }).unit]!;
        const src = data.values as BigInt64Array;
        if (scale === 1n) values.set(src.subarray(0, data.length), start);
        else for (let i = 0; i < data.length; i++) values[start + i] = src[i]! * scale;
      }
      return { form: "bigint", type: "timestamp", values, valid };
    }
    default:
      throw new TypeError(`readValues cannot read ${type} values`);
  }
}

