import { Field, Float64, Int64, RecordBatch, Schema, Struct, TimestampNanosecond, Utf8, makeData, makeVector, vectorFromArray, type Data } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { buildValueIndex } from "../../../src/indices/scalar/build-value-index.js";
import { decodeValueIndex, encodeValueIndex } from "../../../src/indices/scalar/value-index-codec.js";
import type { ValueIndex } from "../../../src/indices/scalar/value-index.js";
import type { FragmentSnapshot } from "../../../src/storage/table-snapshot.js";

/** Fragments holding one column each, as the builder reads them. */
function fragmentsOf(field: Field, chunks: readonly Data[]): FragmentSnapshot[] {
  return chunks.map((data, i) => {
    const schema = new Schema([field]);
    const batch = new RecordBatch(schema, makeData({ type: new Struct([field]), length: data.length, nullCount: 0, children: [data] }));
    return {
      id: i * 10,
      file: `data/${i}.arrow`,
      physicalRows: data.length,
      deletedRows: 0,
      load: async () => batch,
      deletionMask: async () => null,
    };
  });
}

/** Each distinct value (as JS reads it) with its postings as "fragment:row". */
function postingsOf(index: ValueIndex): [unknown, string[]][] {
  const values = makeVector(index.values);
  return Array.from({ length: index.values.length }, (_, v) => {
    const rows: string[] = [];
    for (let p = index.starts[v]!; p < index.starts[v + 1]!; p++) rows.push(`${index.fragments[p]}:${index.rows[p]}`);
    return [values.get(v), rows];
  });
}

describe("buildValueIndex()", () => {
  it("sorts distinct values, keeps postings in row-id order and puts NULL last", async () => {
    const field = new Field("s", new Utf8(), true);
    const chunks = [vectorFromArray(["b", null, "a", "b"], new Utf8()).data[0]!, vectorFromArray(["a", null], new Utf8()).data[0]!];
    const index = await buildValueIndex(fragmentsOf(field, chunks), field);
    expect(postingsOf(index)).toEqual([
      ["a", ["0:2", "10:0"]],
      ["b", ["0:0", "0:3"]],
      [null, ["0:1", "10:1"]],
    ]);
  });

  it("keeps -0, 0 and NaN apart, and 64-bit values and nanosecond timestamps exact", async () => {
    const floats = new Field("f", new Float64(), true);
    const f = await buildValueIndex(fragmentsOf(floats, [vectorFromArray([0, Number.NaN, -0, 1, 0], new Float64()).data[0]!]), floats);
    expect(postingsOf(f).map(([v, rows]) => [Object.is(v, -0) ? "-0" : v, rows])).toEqual([
      ["-0", ["0:2"]],
      [0, ["0:0", "0:4"]],
      [1, ["0:3"]],
      [Number.NaN, ["0:1"]],
    ]);
    const big = new Field("i", new Int64(), true);
    const values = BigInt64Array.from([9007199254740993n, 9007199254740992n, 9007199254740993n]);
    const i = await buildValueIndex(fragmentsOf(big, [makeData({ type: new Int64(), length: 3, nullCount: 0, data: values })]), big);
    expect(postingsOf(i)).toEqual([
      [9007199254740992n, ["0:1"]],
      [9007199254740993n, ["0:0", "0:2"]],
    ]);
    const ts = new Field("t", new TimestampNanosecond(), true);
    const nanos = BigInt64Array.from([1_000_000_001n, 1_000_000_000n]);
    const t = await buildValueIndex(fragmentsOf(ts, [makeData({ type: new TimestampNanosecond(), length: 2, nullCount: 0, data: nanos })]), ts);
    expect(t.values.length).toBe(2);
  });

  it("round-trips through its files, an empty index too", async () => {
    const field = new Field("s", new Utf8(), true);
    const index = await buildValueIndex(fragmentsOf(field, [vectorFromArray(["x", null, "y", "x"], new Utf8()).data[0]!]), field);
    const files = encodeValueIndex(index);
    expect([...files.keys()]).toEqual(["values.arrow", "postings.arrow"]);
    const decoded = decodeValueIndex(field, (name) => files.get(name));
    expect(postingsOf(decoded)).toEqual(postingsOf(index));
    const empty = await buildValueIndex([], field);
    const emptyFiles = encodeValueIndex(empty);
    expect(postingsOf(decodeValueIndex(field, (name) => emptyFiles.get(name)))).toEqual([]);
    expect(() => decodeValueIndex(field, () => undefined)).toThrow(/values.arrow is missing/);
  });
});
