import * as arrow from "apache-arrow";
import * as arrow15 from "apache-arrow-15";
import { describe, expect, test } from "vitest";
import { adoptField, adoptRecordBatch, adoptSchema, adoptTable, adoptType } from "../../src/arrow/adopt-arrow.js";
import { rowsOf } from "./arrow-values.js";

const DAY = 86_400_000;

/** A foreign type and the type of ours it must become. */
const typePairs: [string, arrow15.DataType, arrow.DataType][] = [
  ["null", new arrow15.Null(), new arrow.Null()],
  ["bool", new arrow15.Bool(), new arrow.Bool()],
  ["int8", new arrow15.Int8(), new arrow.Int8()],
  ["int16", new arrow15.Int16(), new arrow.Int16()],
  ["int32", new arrow15.Int32(), new arrow.Int32()],
  ["int64", new arrow15.Int64(), new arrow.Int64()],
  ["uint8", new arrow15.Uint8(), new arrow.Uint8()],
  ["uint16", new arrow15.Uint16(), new arrow.Uint16()],
  ["uint32", new arrow15.Uint32(), new arrow.Uint32()],
  ["uint64", new arrow15.Uint64(), new arrow.Uint64()],
  ["float16", new arrow15.Float16(), new arrow.Float16()],
  ["float32", new arrow15.Float32(), new arrow.Float32()],
  ["float64", new arrow15.Float64(), new arrow.Float64()],
  ["utf8", new arrow15.Utf8(), new arrow.Utf8()],
  ["large utf8", new arrow15.LargeUtf8(), new arrow.LargeUtf8()],
  ["binary", new arrow15.Binary(), new arrow.Binary()],
  ["large binary", new arrow15.LargeBinary(), new arrow.LargeBinary()],
  ["fixed size binary", new arrow15.FixedSizeBinary(4), new arrow.FixedSizeBinary(4)],
  ["date day", new arrow15.DateDay(), new arrow.DateDay()],
  ["date millisecond", new arrow15.DateMillisecond(), new arrow.DateMillisecond()],
  ["timestamp second", new arrow15.TimestampSecond(), new arrow.TimestampSecond()],
  ["timestamp ms UTC", new arrow15.TimestampMillisecond("UTC"), new arrow.TimestampMillisecond("UTC")],
  ["timestamp us", new arrow15.TimestampMicrosecond(), new arrow.TimestampMicrosecond()],
  ["timestamp ns Europe/Paris", new arrow15.TimestampNanosecond("Europe/Paris"), new arrow.TimestampNanosecond("Europe/Paris")],
  ["time ms", new arrow15.TimeMillisecond(), new arrow.TimeMillisecond()],
  ["time ns", new arrow15.TimeNanosecond(), new arrow.TimeNanosecond()],
  ["duration us", new arrow15.DurationMicrosecond(), new arrow.DurationMicrosecond()],
  ["interval day-time", new arrow15.IntervalDayTime(), new arrow.IntervalDayTime()],
  ["decimal", new arrow15.Decimal(2, 10, 128), new arrow.Decimal(2, 10, 128)],
  [
    "list",
    new arrow15.List(new arrow15.Field("item", new arrow15.Int32(), true)),
    new arrow.List(new arrow.Field("item", new arrow.Int32(), true)),
  ],
  [
    "fixed size list",
    new arrow15.FixedSizeList(3, new arrow15.Field("item", new arrow15.Float32(), true)),
    new arrow.FixedSizeList(3, new arrow.Field("item", new arrow.Float32(), true)),
  ],
  [
    "struct",
    new arrow15.Struct([new arrow15.Field("a", new arrow15.Utf8(), true), new arrow15.Field("b", new arrow15.Float64(), false)]),
    new arrow.Struct([new arrow.Field("a", new arrow.Utf8(), true), new arrow.Field("b", new arrow.Float64(), false)]),
  ],
  [
    "map",
    new arrow15.Map_(
      new arrow15.Field(
        "entries",
        new arrow15.Struct<{ key: arrow15.Utf8; value: arrow15.Int32 }>([
          new arrow15.Field("key", new arrow15.Utf8(), false),
          new arrow15.Field("value", new arrow15.Int32(), true),
        ]),
      ),
    ),
    new arrow.Map_(
      new arrow.Field(
        "entries",
        new arrow.Struct<{ key: arrow.Utf8; value: arrow.Int32 }>([
          new arrow.Field("key", new arrow.Utf8(), false),
          new arrow.Field("value", new arrow.Int32(), true),
        ]),
      ),
    ),
  ],
  [
    "dictionary",
    new arrow15.Dictionary(new arrow15.Utf8(), new arrow15.Int16()),
    new arrow.Dictionary(new arrow.Utf8(), new arrow.Int16()),
  ],
];

describe("adoptType()", () => {
  test.each(typePairs)("turns a foreign %s type into ours", (_name, foreign, expected) => {
    const adopted = adoptType(foreign);
    expect(adopted).toBeInstanceOf(arrow.DataType);
    expect(Object.getPrototypeOf(adopted)).toBe(Object.getPrototypeOf(expected));
    expect(String(adopted)).toBe(String(expected));
    expect(arrow.util.compareTypes(adopted, expected)).toBe(true);
  });

  test("returns a type of ours unchanged", () => {
    const ours = new arrow.FixedSizeList(2, new arrow.Field("item", new arrow.Float32(), true));
    expect(adoptType(ours)).toBe(ours);
  });

  test("keeps the time zone of a timestamp", () => {
    const adopted = adoptType(new arrow15.TimestampMicrosecond("Asia/Tokyo")) as arrow.Timestamp;
    expect(adopted.timezone).toBe("Asia/Tokyo");
    expect(adopted.unit).toBe(arrow.TimeUnit.MICROSECOND);
  });
});

describe("adoptField() and adoptSchema()", () => {
  test("keep names, nullability, and field and schema metadata", () => {
    const field = new arrow15.Field("v", new arrow15.Float32(), false, new Map([["unit", "cm"]]));
    const schema = new arrow15.Schema([field], new Map([["embedding_functions", "[]"]]));
    const adopted = adoptSchema(schema);
    expect(adopted).toBeInstanceOf(arrow.Schema);
    expect(adopted.metadata.get("embedding_functions")).toBe("[]");
    const f = adopted.fields[0]!;
    expect(f).toBeInstanceOf(arrow.Field);
    expect(f.name).toBe("v");
    expect(f.nullable).toBe(false);
    expect(f.metadata.get("unit")).toBe("cm");
    expect(adoptField(field).metadata.get("unit")).toBe("cm");
  });

  test("return a schema of ours unchanged", () => {
    const schema = new arrow.Schema([new arrow.Field("a", new arrow.Utf8())]);
    expect(adoptSchema(schema)).toBe(schema);
  });
});

/** A foreign (apache-arrow 15) table with a column of every common type, nulls included. */
function foreignTable(): arrow15.Table {
  const vec = (values: unknown[], type: arrow15.DataType) => arrow15.vectorFromArray(values, type);
  return new arrow15.Table({
    i8: vec([1, null, -3], new arrow15.Int8()),
    i32: vec([1, 2, null], new arrow15.Int32()),
    i64: vec([1n, null, -(2n ** 60n)], new arrow15.Int64()),
    u64: vec([2n ** 63n, 0n, null], new arrow15.Uint64()),
    f16: vec([1.5, null, -2], new arrow15.Float16()),
    f32: vec([0.5, 1.25, null], new arrow15.Float32()),
    f64: vec([Math.PI, null, -0], new arrow15.Float64()),
    flag: vec([true, false, null], new arrow15.Bool()),
    text: vec(["a", null, "ünïcödé"], new arrow15.Utf8()),
    big_text: vec(["x", "yy", null], new arrow15.LargeUtf8()),
    bytes: vec([new Uint8Array([1, 2]), null, new Uint8Array([])], new arrow15.Binary()),
    day: vec([new Date(3 * DAY), null, new Date(0)], new arrow15.DateDay()),
    ms_date: vec([new Date(3 * DAY + 5), null, new Date(-DAY)], new arrow15.DateMillisecond()),
    ts: vec([new Date(1_700_000_000_123), null, new Date(0)], new arrow15.TimestampMillisecond()),
    ts_us: vec([new Date(1_700_000_000_123), null, new Date(1)], new arrow15.TimestampMicrosecond("UTC")),
    time: vec([1000, null, 0], new arrow15.TimeMillisecond()),
    tags: vec([["a", "b"], null, []], new arrow15.List(new arrow15.Field("item", new arrow15.Utf8(), true))),
    vector: vec(
      [[1, 2, 3], null, [7, 8, 9]],
      new arrow15.FixedSizeList(3, new arrow15.Field("item", new arrow15.Float32(), true)),
    ),
    meta: vec(
      [{ a: "x", b: 1 }, null, { a: null, b: 3 }],
      new arrow15.Struct([new arrow15.Field("a", new arrow15.Utf8(), true), new arrow15.Field("b", new arrow15.Float64(), true)]),
    ),
    category: vec(["red", "blue", "red"], new arrow15.Dictionary(new arrow15.Utf8(), new arrow15.Int32())),
    nothing: vec([null, null, null], new arrow15.Null()),
  });
}

describe("adoptTable()", () => {
  test("turns a foreign table into a table of ours with equal values", () => {
    const theirs = foreignTable();
    const ours = adoptTable(theirs);
    expect(ours).toBeInstanceOf(arrow.Table);
    expect(Object.getPrototypeOf(ours)).toBe(arrow.Table.prototype);
    expect(ours.numRows).toBe(3);
    for (const batch of ours.batches) {
      expect(Object.getPrototypeOf(batch)).toBe(arrow.RecordBatch.prototype);
      for (const child of batch.data.children) expect(child).toBeInstanceOf(arrow.Data);
    }
    expect(ours.schema.fields.map((f) => String(f.type))).toEqual(theirs.schema.fields.map((f) => String(f.type)));
    expect(rowsOf(ours)).toEqual(rowsOf(theirs));
  });

  test("shares the foreign buffers instead of copying them", () => {
    const theirs = foreignTable();
    const ours = adoptTable(theirs);
    const theirVector = theirs.getChild("vector")!.data[0]!.children[0]!;
    const ourVector = ours.getChild("vector")!.data[0]!.children[0]!;
    expect(ourVector.values.buffer).toBe(theirVector.values.buffer);
    expect(ours.getChild("text")!.data[0]!.values.buffer).toBe(theirs.getChild("text")!.data[0]!.values.buffer);
    // apache-arrow 15 keeps timestamps as pairs of int32; ours reads the same bytes as int64.
    expect(ours.getChild("ts")!.data[0]!.values.buffer).toBe(theirs.getChild("ts")!.data[0]!.values.buffer);
  });

  test("keeps the values of a sliced foreign table", () => {
    const theirs = foreignTable().slice(1, 3);
    const ours = adoptTable(theirs);
    expect(ours.numRows).toBe(2);
    expect(rowsOf(ours)).toEqual(rowsOf(theirs));
  });

  test("keeps every batch of a foreign table with several batches", () => {
    const a = foreignTable();
    const theirs = new arrow15.Table(a.schema, [...a.batches, ...a.slice(0, 2).batches]);
    const ours = adoptTable(theirs);
    expect(ours.batches.length).toBe(theirs.batches.length);
    expect(rowsOf(ours)).toEqual(rowsOf(theirs));
  });

  test("returns a table of ours unchanged", () => {
    const ours = arrow.tableFromArrays({ x: new Float32Array([1, 2]) });
    expect(adoptTable(ours)).toBe(ours);
  });

  test("reads a plain {schema, batches} object built from foreign parts", () => {
    const theirs = foreignTable();
    const ours = adoptTable({ schema: theirs.schema, batches: theirs.batches });
    expect(rowsOf(ours)).toEqual(rowsOf(theirs));
  });
});

describe("adoptRecordBatch()", () => {
  test("turns a foreign record batch into one of ours with its schema metadata", () => {
    const t = foreignTable();
    const schema = new arrow15.Schema(t.schema.fields, new Map([["source", "test"]]));
    const batch = new arrow15.RecordBatch(schema, t.batches[0]!.data);
    const ours = adoptRecordBatch(batch);
    expect(Object.getPrototypeOf(ours)).toBe(arrow.RecordBatch.prototype);
    expect(ours.schema.metadata.get("source")).toBe("test");
    expect(rowsOf(ours)).toEqual(rowsOf(batch));
  });

  test("returns a record batch of ours unchanged", () => {
    const batch = arrow.tableFromArrays({ x: new Float32Array([1]) }).batches[0]!;
    expect(adoptRecordBatch(batch)).toBe(batch);
  });
});
