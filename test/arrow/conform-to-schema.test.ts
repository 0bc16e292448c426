import * as arrow from "apache-arrow";
import * as arrow15 from "apache-arrow-15";
import { describe, expect, test } from "vitest";
import { SchemaMismatchError } from "../../src/errors.js";
import { conformToSchema } from "../../src/arrow/conform-to-schema.js";
import { expectQuiverError } from "../helpers/expect-error.js";
import { plain, rowsOf } from "./arrow-values.js";

const ctx = { table: "docs", operation: "add" };

function field(name: string, type: arrow.DataType, nullable = true): arrow.Field {
  return new arrow.Field(name, type, nullable);
}

function vectorType(width: number, element: arrow.DataType = new arrow.Float32()): arrow.FixedSizeList {
  return new arrow.FixedSizeList(width, new arrow.Field("item", element, true));
}

function schemaOf(...fields: arrow.Field[]): arrow.Schema {
  return new arrow.Schema(fields);
}

/** A table of ours with one column per entry, each built with apache-arrow's vectorFromArray. */
function tableOf(columns: Record<string, [unknown[], arrow.DataType]>): arrow.Table {
  const vectors = Object.fromEntries(Object.entries(columns).map(([name, [values, type]]) => [name, arrow.vectorFromArray(values, type)]));
  return new arrow.Table(vectors);
}

function column(table: arrow.Table, name: string): unknown[] {
  return rowsOf(table).map((row) => (row as Record<string, unknown>)[name]);
}

/** Writes the table to Arrow IPC and reads it back, which fails on malformed buffers. */
function ipcRoundTrip(table: arrow.Table): arrow.Table {
  return arrow.tableFromIPC(arrow.tableToIPC(table));
}

describe("conformToSchema()", () => {
  test("returns the target schema object, its column order and one or more batches of ours", () => {
    const table = tableOf({ b: [["x", "y"], new arrow.Utf8()], a: [[1, 2], new arrow.Float64()] });
    const schema = schemaOf(field("a", new arrow.Float64()), field("b", new arrow.Utf8()));
    const out = conformToSchema(table, schema, ctx);
    expect(out.schema).toBe(schema);
    expect(out.batches.length).toBeGreaterThanOrEqual(1);
    expect(rowsOf(out)).toEqual([
      { a: 1, b: "x" },
      { a: 2, b: "y" },
    ]);
  });

  test("gives an empty table one empty batch", () => {
    const schema = schemaOf(field("v", vectorType(2)));
    const out = conformToSchema(new arrow.Table(schema), schema, ctx);
    expect(out.numRows).toBe(0);
    expect(out.batches.length).toBe(1);
  });

  describe("missing and extra columns", () => {
    test("fills a missing nullable column of any type with well-formed nulls", () => {
      const table = tableOf({ id: [[1, 2], new arrow.Int32()] });
      const schema = schemaOf(
        field("id", new arrow.Int32()),
        field("text", new arrow.Utf8()),
        field("big", new arrow.LargeUtf8()),
        field("flag", new arrow.Bool()),
        field("n", new arrow.Int64()),
        field("at", new arrow.TimestampMicrosecond()),
        field("vector", vectorType(3)),
        field("tags", new arrow.List(field("item", new arrow.Utf8()))),
        field("meta", new arrow.Struct([field("a", new arrow.Float64()), field("b", new arrow.Utf8(), false)])),
        field("cat", new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32())),
        field("bytes", new arrow.FixedSizeBinary(4)),
      );
      const out = conformToSchema(table, schema, ctx);
      const back = ipcRoundTrip(out);
      for (const row of [...rowsOf(out), ...rowsOf(back)] as Record<string, unknown>[]) {
        const { id, ...rest } = row;
        expect(id).not.toBeNull();
        expect(Object.values(rest).every((v) => v === null)).toBe(true);
      }
    });

    test("refuses a missing non-nullable column", async () => {
      const table = tableOf({ id: [[1], new arrow.Int32()] });
      await expectQuiverError(
        () => conformToSchema(table, schemaOf(field("id", new arrow.Int32()), field("vector", vectorType(2), false)), ctx),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        'adding to table "docs" failed: column "vector" is missing from the data and does not allow nulls',
      );
    });

    test("refuses a column the schema does not have, naming it and the schema's columns", async () => {
      const table = tableOf({ id: [[1], new arrow.Int32()], extra: [["x"], new arrow.Utf8()] });
      const error = await expectQuiverError(
        () => conformToSchema(table, schemaOf(field("id", new arrow.Int32()), field("text", new arrow.Utf8())), ctx),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        "Found field not in schema: extra",
        "the table's columns are 'id' and 'text'",
      );
      expect(error.column).toBe("extra");
    });
  });

  describe("casts that lose nothing", () => {
    test.each([
      ["int8 → int32", [[-5, null, 7], new arrow.Int8()], new arrow.Int32(), [-5, null, 7]],
      ["uint16 → int32", [[65535, 0, null], new arrow.Uint16()], new arrow.Int32(), [65535, 0, null]],
      ["uint8 → uint64", [[255, null, 1], new arrow.Uint8()], new arrow.Uint64(), ["255n", null, "1n"]],
      ["int32 → int64", [[-(2 ** 31), 1, null], new arrow.Int32()], new arrow.Int64(), [`${-(2 ** 31)}n`, "1n", null]],
      ["int32 → float64", [[7, null, -1], new arrow.Int32()], new arrow.Float64(), [7, null, -1]],
      ["int64 → float64", [[2n ** 53n, null, -3n], new arrow.Int64()], new arrow.Float64(), [2 ** 53, null, -3]],
      ["int16 → float32", [[-300, null, 2], new arrow.Int16()], new arrow.Float32(), [-300, null, 2]],
      ["float32 → float64", [[0.5, null, 1.25], new arrow.Float32()], new arrow.Float64(), [0.5, null, 1.25]],
      ["float64 → float32", [[0.1, null, 3], new arrow.Float64()], new arrow.Float32(), [Math.fround(0.1), null, 3]],
      ["utf8 → large utf8", [["a", null, "bc"], new arrow.Utf8()], new arrow.LargeUtf8(), ["a", null, "bc"]],
      ["binary → large binary", [[new Uint8Array([1]), null], new arrow.Binary()], new arrow.LargeBinary(), [[1], null]],
      [
        "dictionary<utf8> → utf8",
        [["red", "blue", null, "red"], new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32())],
        new arrow.Utf8(),
        ["red", "blue", null, "red"],
      ],
    ] as [string, [unknown[], arrow.DataType], arrow.DataType, unknown[]][])("applies %s", (_name, [values, from], to, expected) => {
      const out = conformToSchema(tableOf({ v: [values, from] }), schemaOf(field("v", to)), ctx);
      expect(String(out.schema.fields[0]!.type)).toBe(String(to));
      expect(String(out.getChild("v")!.type)).toBe(String(to));
      expect(column(out, "v")).toEqual(expected);
      expect(column(ipcRoundTrip(out), "v")).toEqual(expected);
    });

    test.each([
      ["float64 vectors into a float32 vector column", new arrow.Float64(), new arrow.Float32(), [[1, 2], null, [0.5, 4]]],
      ["float32 vectors into a float16 vector column", new arrow.Float32(), new arrow.Float16(), [[1, 2], null, [0.5, 4]]],
      ["float64 vectors into a float16 vector column", new arrow.Float64(), new arrow.Float16(), [[1, 2], null, [0.5, 4]]],
      ["uint8 vectors into a float32 vector column", new arrow.Uint8(), new arrow.Float32(), [[1, 2], null, [3, 4]]],
    ])("casts %s", (_name, from, to, values) => {
      const table = tableOf({ v: [values, vectorType(2, from)] });
      const out = conformToSchema(table, schemaOf(field("v", vectorType(2, to))), ctx);
      expect(String(out.getChild("v")!.type)).toBe(String(vectorType(2, to)));
      expect(column(out, "v")).toEqual(values);
      expect(column(ipcRoundTrip(out), "v")).toEqual(values);
    });

    test("refuses a float64 vector value too large for a float16 vector column", async () => {
      const table = tableOf({ v: [[[1, 2], [1e6, 0]], vectorType(2, new arrow.Float64())] });
      await expectQuiverError(
        () => conformToSchema(table, schemaOf(field("v", vectorType(2, new arrow.Float16()))), ctx),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        "row 1 has 1000000 at position 0, too large for float16",
      );
    });

    test("turns a List column of equal-length number arrays into a vector column", () => {
      const table = new arrow.Table({ vector: arrow.vectorFromArray([[1, 2, 3], [4, 5, 6]]) }); // List<Float64>
      expect(String(table.getChild("vector")!.type)).toBe("List<Float64>");
      const out = conformToSchema(table, schemaOf(field("vector", vectorType(3))), ctx);
      expect(column(out, "vector")).toEqual([
        [1, 2, 3],
        [4, 5, 6],
      ]);
    });

    test("turns a List column with null rows into a vector column", () => {
      const type = new arrow.List(field("item", new arrow.Float32()));
      const table = tableOf({ vector: [[[1, 2], null, [3, 4]], type] });
      const out = conformToSchema(table, schemaOf(field("vector", vectorType(2))), ctx);
      expect(column(out, "vector")).toEqual([[1, 2], null, [3, 4]]);
    });
  });

  describe("refusals", () => {
    test("refuses a utf8 column for a float64 column, where LanceDB stores nulls", async () => {
      const error = await expectQuiverError(
        () => conformToSchema(tableOf({ price: [["1.5"], new arrow.Utf8()] }), schemaOf(field("price", new arrow.Float64())), ctx),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        'adding to table "docs" failed: column "price" takes float64 values and the data has utf8',
        'cast "price" to float64',
      );
      expect(error.context).toMatchObject({ table: "docs", column: "price", expected: "float64", actual: "utf8" });
    });

    test.each([
      ["int64 → int32", new arrow.Int64(), new arrow.Int32(), [1n]],
      ["int32 → int16", new arrow.Int32(), new arrow.Int16(), [1]],
      ["int8 → uint32", new arrow.Int8(), new arrow.Uint32(), [1]],
      ["int32 → float32", new arrow.Int32(), new arrow.Float32(), [1]],
      ["float64 → int64", new arrow.Float64(), new arrow.Int64(), [1]],
      ["timestamp us → timestamp ms", new arrow.TimestampMicrosecond(), new arrow.TimestampMillisecond(), [new Date(0)]],
      ["bool → utf8", new arrow.Bool(), new arrow.Utf8(), [true]],
      ["utf8 → vector", new arrow.Utf8(), vectorType(2), ["x"]],
    ])("refuses %s", async (_name, from, to, values) => {
      await expectQuiverError(
        () => conformToSchema(tableOf({ v: [values, from] }), schemaOf(field("v", to)), ctx),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        'column "v" takes',
      );
    });

    test("refuses an int64 that float64 cannot hold exactly, naming the row", async () => {
      const error = await expectQuiverError(
        () => conformToSchema(tableOf({ n: [[1n, 2n ** 53n + 1n], new arrow.Int64()] }), schemaOf(field("n", new arrow.Float64())), ctx),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        "row 1 has 9007199254740993",
      );
      expect(error.context.row).toBe(1);
    });

    test("refuses a float64 too large for float32", async () => {
      await expectQuiverError(
        () => conformToSchema(tableOf({ x: [[1, 1e300], new arrow.Float64()] }), schemaOf(field("x", new arrow.Float32())), ctx),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        "row 1 has 1e+300, too large for float32",
      );
    });

    test("refuses vectors of the wrong width at the first non-null row", async () => {
      const values = [null, null, Array.from({ length: 256 }, () => 0.5)];
      const error = await expectQuiverError(
        () => conformToSchema(tableOf({ vector: [values, vectorType(256)] }), schemaOf(field("vector", vectorType(384))), ctx),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        'adding to table "docs" failed: column "vector" takes 384 float32 values per row and row 2 has 256; re-embed with the table\'s model or create a new table.',
      );
      expect(error.context.row).toBe(2);
    });

    test("refuses a List vector column at the first row of the wrong width", async () => {
      const values = Array.from({ length: 20 }, (_, i) => new Array(i === 17 ? 256 : 384).fill(0.25));
      const table = tableOf({ vector: [values, new arrow.List(field("item", new arrow.Float32()))] });
      await expectQuiverError(
        () => conformToSchema(table, schemaOf(field("vector", vectorType(384))), ctx),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        'adding to table "docs" failed: column "vector" takes 384 float32 values per row and row 17 has 256; re-embed with the table\'s model or create a new table.',
      );
    });

    test.each([
      ["NaN", Number.NaN],
      ["Infinity", Infinity],
      ["-Infinity", -Infinity],
    ])("refuses %s inside a float vector, naming table, column, row and the fix", async (name, bad) => {
      const table = tableOf({ vector: [[[1, 2], [3, 4], [5, bad]], vectorType(2)] });
      const error = await expectQuiverError(
        () => conformToSchema(table, schemaOf(field("vector", vectorType(2))), ctx),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        'adding to table "docs" failed: column "vector"',
        `row 2 has ${name} at position 1`,
        "vectors must hold finite numbers only",
      );
      expect(error.context.row).toBe(2);
    });

    test("counts rows across batches", async () => {
      const good = tableOf({ vector: [[[1, 2], [3, 4]], vectorType(2)] });
      const bad = tableOf({ vector: [[[1, 2], [Number.NaN, 4]], vectorType(2)] });
      const table = new arrow.Table([...good.batches, ...bad.batches]);
      await expectQuiverError(
        () => conformToSchema(table, schemaOf(field("vector", vectorType(2))), ctx),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        "row 3 has NaN",
      );
    });

    test("ignores NaN in rows sliced away and under null rows", () => {
      const table = tableOf({ vector: [[[Number.NaN, 1], [1, 2]], vectorType(2)] }).slice(1);
      expect(column(conformToSchema(table, schemaOf(field("vector", vectorType(2))), ctx), "vector")).toEqual([[1, 2]]);
    });

    test("refuses a null element inside a vector", async () => {
      const table = tableOf({ vector: [[[1, null]], vectorType(2)] });
      await expectQuiverError(
        () => conformToSchema(table, schemaOf(field("vector", vectorType(2))), ctx),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        "row 0 has a null at position 1",
      );
    });

    test("refuses a column of the null type for a non-nullable column", async () => {
      await expectQuiverError(
        () => conformToSchema(tableOf({ id: [[null, null], new arrow.Null()] }), schemaOf(field("id", new arrow.Int32(), false)), ctx),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        'column "id" does not allow nulls and row 0 has a null',
      );
    });

    test("turns a column of the null type into nulls of the target type", () => {
      const out = conformToSchema(tableOf({ v: [[null, null], new arrow.Null()] }), schemaOf(field("v", vectorType(2))), ctx);
      expect(String(out.getChild("v")!.type)).toBe("FixedSizeList[2]<Float32>");
      expect(column(ipcRoundTrip(out), "v")).toEqual([null, null]);
    });

    test("refuses nulls in a non-nullable column, naming the first row", async () => {
      const error = await expectQuiverError(
        () => conformToSchema(tableOf({ id: [[1, 2, null], new arrow.Int32()] }), schemaOf(field("id", new arrow.Int32(), false)), ctx),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        'column "id" does not allow nulls and row 2 has a null',
      );
      expect(error.context.row).toBe(2);
    });
  });

  describe("structs", () => {
    const source = () =>
      tableOf({
        meta: [
          [{ a: 1, b: "x" }, null, { a: 3, b: null }],
          new arrow.Struct([field("a", new arrow.Int32()), field("b", new arrow.Utf8())]),
        ],
      });

    test("conform their fields recursively: reordered, widened, missing ones null", () => {
      const target = new arrow.Struct([field("b", new arrow.Utf8()), field("a", new arrow.Float64()), field("c", new arrow.Bool())]);
      const out = conformToSchema(source(), schemaOf(field("meta", target)), ctx);
      expect(column(out, "meta")).toEqual([{ b: "x", a: 1, c: null }, null, { b: null, a: 3, c: null }]);
      expect(column(ipcRoundTrip(out), "meta")).toEqual(column(out, "meta"));
    });

    test("refuse a struct field the target does not have", async () => {
      await expectQuiverError(
        () => conformToSchema(source(), schemaOf(field("meta", new arrow.Struct([field("a", new arrow.Int32())]))), ctx),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        "Found field not in schema: meta.b",
        `"meta" has the fields 'a'`,
      );
    });

    test("refuse a struct field of the wrong type, naming its path", async () => {
      const target = new arrow.Struct([field("a", new arrow.Utf8()), field("b", new arrow.Utf8())]);
      await expectQuiverError(
        () => conformToSchema(source(), schemaOf(field("meta", target)), ctx),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        'column "meta.a" takes utf8 values and the data has int32',
      );
    });

    test("allow nulls in a non-nullable field only under null structs", async () => {
      const target = new arrow.Struct([field("a", new arrow.Int32(), false), field("b", new arrow.Utf8())]);
      expect(column(conformToSchema(source(), schemaOf(field("meta", target)), ctx), "meta")[1]).toBeNull();
      const targetB = new arrow.Struct([field("a", new arrow.Int32()), field("b", new arrow.Utf8(), false)]);
      await expectQuiverError(
        () => conformToSchema(source(), schemaOf(field("meta", targetB)), ctx),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        'column "meta.b" does not allow nulls and row 2',
      );
    });
  });

  test("conforms a foreign (apache-arrow 15) table", () => {
    const theirs = new arrow15.Table({
      id: arrow15.vectorFromArray([1, 2], new arrow15.Int32()),
      vector: arrow15.vectorFromArray([[1, 2], [3, 4]], new arrow15.FixedSizeList(2, new arrow15.Field("item", new arrow15.Float64(), true))),
    });
    const schema = schemaOf(field("id", new arrow.Int64()), field("vector", vectorType(2)), field("text", new arrow.Utf8()));
    const out = conformToSchema(theirs as unknown as arrow.Table, schema, ctx);
    expect(Object.getPrototypeOf(out)).toBe(arrow.Table.prototype);
    expect(rowsOf(out)).toEqual([
      { id: "1n", vector: [1, 2], text: null },
      { id: "2n", vector: [3, 4], text: null },
    ]);
  });

  test("checks 10k Arrow rows of 384-dim vectors quickly", () => {
    const values = new Float32Array(10_000 * 384).map((_, i) => (i % 101) / 101);
    const child = arrow.makeData({ type: new arrow.Float32(), length: values.length, data: values });
    const type = vectorType(384);
    const vectors = arrow.makeVector(arrow.makeData({ type, length: 10_000, child }));
    const table = new arrow.Table({ vector: vectors });
    const schema = schemaOf(field("vector", type));
    let out = conformToSchema(table.slice(0, 100), schema, ctx);
    const times = [0, 1, 2, 3].map(() => {
      const start = performance.now();
      out = conformToSchema(table, schema, ctx);
      return performance.now() - start;
    });
    console.log(
      `conformToSchema: 10k rows x 384 dims (Arrow float32): first call ${times[0]!.toFixed(1)} ms, ` +
        `then best of 3 ${Math.min(...times.slice(1)).toFixed(1)} ms`,
    );
    expect(out.numRows).toBe(10_000);
    expect(plain(out.get(1)!.vector)).toEqual(Array.from(values.subarray(384, 768)));
  });
});
