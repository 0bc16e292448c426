import {
  Bool,
  type Data,
  type DataType,
  DateDay,
  DateMillisecond,
  Dictionary,
  Field,
  FixedSizeList,
  Float32,
  Float64,
  Int8,
  Int32,
  Int64,
  LargeUtf8,
  List,
  Struct,
  TimestampMicrosecond,
  TimestampMillisecond,
  Uint64,
  Utf8,
  makeVector,
  vectorFromArray,
} from "apache-arrow";
import { describe, expect, it } from "vitest";
import { takeRows } from "../../src/exec/take-rows.js";

function data(type: DataType, values: unknown[]): Data {
  return vectorFromArray(values, type as never).data[0] as Data;
}

function values(d: Data): unknown[] {
  return [...makeVector(d)].map((v) => (v !== null && typeof v === "object" && "toJSON" in v ? JSON.parse(JSON.stringify(v)) : v));
}

const cases: [string, DataType, unknown[]][] = [
  ["Int8", new Int8(), [1, null, -3, 4, 5, null, 7]],
  ["Int32", new Int32(), [10, 20, null, 40, 50, 60, 70]],
  ["Int64", new Int64(), [1n, 2n, null, -4n, 5n, 6n, 2n ** 40n]],
  ["Uint64", new Uint64(), [1n, null, 3n, 4n, 5n, 6n, 7n]],
  ["Float32", new Float32(), [0.5, 1.5, null, 3.5, 4.5, 5.5, 6.5]],
  ["Float64", new Float64(), [0.25, null, 2.25, 3.25, 4.25, 5.25, 6.25]],
  ["Bool", new Bool(), [true, false, null, true, true, false, true]],
  ["Utf8", new Utf8(), ["a", "", null, "dé", "eeee", "f", "ggg"]],
  ["LargeUtf8", new LargeUtf8(), ["a", "bb", null, "d", "e", "", "g"]],
  ["DateDay", new DateDay(), [new Date(0), null, new Date(86400000 * 3), new Date(86400000), new Date(0), new Date(0), new Date(86400000 * 9)]],
  ["DateMillisecond", new DateMillisecond(), [new Date(5), new Date(6), null, new Date(8), new Date(9), new Date(10), new Date(11)]],
  ["TimestampMillisecond", new TimestampMillisecond(), [1, 2, 3, null, 5, 6, 7]],
  ["TimestampMicrosecond", new TimestampMicrosecond(), [1, 2, 3, 4, null, 6, 7]],
  ["List<Int32>", new List(new Field("item", new Int32(), true)), [[1], [], null, [4, 5], [6, null], [7], [8, 9, 10]]],
  [
    "FixedSizeList<Float32>",
    new FixedSizeList(2, new Field("item", new Float32(), true)),
    [[1, 2], null, [3, 4], [5, 6], [7, 8], [9, 10], [11, 12]],
  ],
  [
    "FixedSizeList<Utf8>",
    new FixedSizeList(2, new Field("item", new Utf8(), true)),
    [["a", "b"], ["c", null], null, ["e", "f"], ["g", "h"], ["i", "j"], ["k", "l"]],
  ],
  [
    "Struct",
    new Struct([new Field("x", new Int32(), true), new Field("s", new Utf8(), true)]),
    [{ x: 1, s: "a" }, { x: 2, s: null }, null, { x: 4, s: "d" }, { x: null, s: "e" }, { x: 6, s: "f" }, { x: 7, s: "g" }],
  ],
  ["Dictionary<Utf8>", new Dictionary(new Utf8(), new Int32()), ["red", "green", null, "red", "blue", "green", "red"]],
];

describe("takeRows()", () => {
  it.each(cases)("gathers %s rows in any order, repeats included, nulls kept", (_name, type, input) => {
    const chunk = data(type, input);
    const rows = Uint32Array.from([6, 0, 2, 2, 3, 1]);
    const out = takeRows(type, [chunk], { sources: null, rows });
    expect(out.length).toBe(6);
    expect(values(out)).toEqual(Array.from(rows, (r) => values(chunk)[r]));
    expect(out.nullCount).toBe(Array.from(rows).filter((r) => input[r] === null).length);
  });

  it.each(cases)("gathers %s rows from sliced chunks of several sources", (_name, type, input) => {
    const whole = data(type, input);
    const a = whole.slice(1, 4); // rows 1..3
    const b = whole.slice(3, 4); // rows 3..6
    const out = takeRows(type, [a, b], { sources: Uint32Array.from([1, 0, 1, 0, 0]), rows: Uint32Array.from([3, 0, 0, 2, 1]) });
    const all = values(whole);
    expect(values(out)).toEqual([all[6], all[1], all[3], all[3], all[2]]);
  });

  it("keeps a shared dictionary instead of re-encoding", () => {
    const chunk = data(new Dictionary(new Utf8(), new Int32()), ["x", "y", "x"]);
    const out = takeRows(chunk.type, [chunk], { sources: null, rows: Uint32Array.from([2, 1]) });
    expect(out.dictionary).toBe(chunk.dictionary);
  });

  it("returns an empty chunk of the same type for no rows", () => {
    const chunk = data(new Utf8(), ["a", "b"]);
    const out = takeRows(chunk.type, [chunk], { sources: null, rows: new Uint32Array(0) });
    expect(out.length).toBe(0);
    expect(String(out.type)).toBe("Utf8");
  });
});
