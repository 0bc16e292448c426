import * as arrow from "apache-arrow";
import { describe, expect, test } from "vitest";
import { InvalidArgumentError, SchemaMismatchError } from "../../src/errors.js";
import { rowsToTable } from "../../src/arrow/rows-to-table.js";
import { expectQuiverError } from "../helpers/expect-error.js";
import { plain, rowsOf } from "./arrow-values.js";

const ctx = { table: "docs", operation: "add" };
const DAY = 86_400_000;

function field(name: string, type: arrow.DataType, nullable = true): arrow.Field {
  return new arrow.Field(name, type, nullable);
}

function vectorType(width: number, element: arrow.DataType = new arrow.Float32()): arrow.FixedSizeList {
  return new arrow.FixedSizeList(width, new arrow.Field("item", element, true));
}

function build(rows: Record<string, unknown>[], ...fields: arrow.Field[]): arrow.Table {
  return rowsToTable(rows, new arrow.Schema(fields), ctx);
}

/** The values of column `name` as plain data. */
function column(table: arrow.Table, name: string): unknown[] {
  return rowsOf(table).map((row) => (row as Record<string, unknown>)[name]);
}

describe("rowsToTable()", () => {
  describe("round trips of every common type", () => {
    const cases: [string, arrow.DataType, unknown[], unknown[]][] = [
      ["bool", new arrow.Bool(), [true, false, null], [true, false, null]],
      ["int8", new arrow.Int8(), [-128, 127, null], [-128, 127, null]],
      ["int16", new arrow.Int16(), [-32768, 5n, null], [-32768, 5, null]],
      ["int32", new arrow.Int32(), [2 ** 31 - 1, -1, null], [2 ** 31 - 1, -1, null]],
      ["int64", new arrow.Int64(), [2n ** 62n, -7, null], ["4611686018427387904n", "-7n", null]],
      ["uint8", new arrow.Uint8(), [0, 255, null], [0, 255, null]],
      ["uint16", new arrow.Uint16(), [65535, 1, null], [65535, 1, null]],
      ["uint32", new arrow.Uint32(), [2 ** 32 - 1, 0, null], [2 ** 32 - 1, 0, null]],
      ["uint64", new arrow.Uint64(), [2n ** 64n - 1n, 3, null], ["18446744073709551615n", "3n", null]],
      ["float16", new arrow.Float16(), [1.5, -0.25, null], [1.5, -0.25, null]],
      ["float32", new arrow.Float32(), [0.5, Number.NaN, null], [0.5, Number.NaN, null]],
      ["float64", new arrow.Float64(), [Math.PI, -Infinity, null], [Math.PI, -Infinity, null]],
      ["utf8", new arrow.Utf8(), ["héllo 🌍", "", null], ["héllo 🌍", "", null]],
      ["large utf8", new arrow.LargeUtf8(), ["a", "bc", null], ["a", "bc", null]],
      ["binary", new arrow.Binary(), [Buffer.from("ab"), new Uint8Array([0, 255]), null], [[97, 98], [0, 255], null]],
      ["large binary", new arrow.LargeBinary(), [new Uint8Array([1]), null, new Uint8Array([])], [[1], null, []]],
      ["fixed size binary", new arrow.FixedSizeBinary(2), [new Uint8Array([1, 2]), null, new Uint8Array([3, 4])], [[1, 2], null, [3, 4]]],
      ["date day", new arrow.DateDay(), [new Date(3 * DAY), 2 * DAY, null], [3 * DAY, 2 * DAY, null]],
      ["date millisecond", new arrow.DateMillisecond(), [new Date(3 * DAY + 7), -5, null], [3 * DAY + 7, -5, null]],
      [
        "timestamp millisecond",
        new arrow.TimestampMillisecond(),
        [new Date(1_700_000_000_123), 5, null],
        [1_700_000_000_123, 5, null],
      ],
      ["timestamp second", new arrow.TimestampSecond(), [new Date(1_700_000_000_999), null, 0], [1_700_000_000_000, null, 0]],
      ["timestamp microsecond UTC", new arrow.TimestampMicrosecond("UTC"), [new Date(1_700_000_000_123), null, 1.5], [1_700_000_000_123, null, 1.5]],
      ["timestamp nanosecond", new arrow.TimestampNanosecond(), [new Date(1_700_000_000_123), null, 7], [1_700_000_000_123, null, 7]],
      ["list of strings", new arrow.List(new arrow.Field("item", new arrow.Utf8(), true)), [["a", null], [], null], [["a", null], [], null]],
      ["list of int32", new arrow.List(new arrow.Field("item", new arrow.Int32(), true)), [[1, 2], new Int32Array([3]), null], [[1, 2], [3], null]],
      ["large list", new arrow.LargeList(new arrow.Field("item", new arrow.Float64(), true)), [[1.5], null], [[1.5], null]],
      ["float32 vector", vectorType(3), [[1, 2, 3], new Float32Array([4, 5, 6]), null], [[1, 2, 3], [4, 5, 6], null]],
      ["float64 vector", vectorType(2, new arrow.Float64()), [[0.1, 0.2], new Float64Array([1, 2])], [[0.1, 0.2], [1, 2]]],
      ["float16 vector", vectorType(2, new arrow.Float16()), [[0.5, -2], new Float32Array([1, 4])], [[0.5, -2], [1, 4]]],
      ["uint8 vector", vectorType(2, new arrow.Uint8()), [new Uint8Array([1, 2]), [3, 4], null], [[1, 2], [3, 4], null]],
      [
        "multivector",
        new arrow.List(new arrow.Field("item", vectorType(2), true)),
        [[[1, 2], [3, 4]], [], null],
        [[[1, 2], [3, 4]], [], null],
      ],
      [
        "struct",
        new arrow.Struct([field("a", new arrow.Utf8()), field("b", new arrow.Struct([field("c", new arrow.Float64())]))]),
        [{ a: "x", b: { c: 1 } }, { a: null }, null],
        [{ a: "x", b: { c: 1 } }, { a: null, b: null }, null],
      ],
      [
        "dictionary of strings",
        new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32()),
        ["red", "blue", null, "red"],
        ["red", "blue", null, "red"],
      ],
      ["null", new arrow.Null(), [null, undefined], [null, null]],
      ["time millisecond", new arrow.TimeMillisecond(), [1000, null], [1000, null]],
    ];

    test.each(cases)("builds a %s column", (_name, type, values, expected) => {
      const table = build(
        values.map((v) => ({ v })),
        field("v", type),
      );
      expect(table).toBeInstanceOf(arrow.Table);
      expect(table.numRows).toBe(values.length);
      expect(table.batches.length).toBe(1);
      expect(String(table.schema.fields[0]!.type)).toBe(String(type));
      expect(column(table, "v")).toEqual(expected);
    });

    test("keeps the schema's column order, metadata and nullability", () => {
      const schema = new arrow.Schema(
        [field("b", new arrow.Utf8(), false), field("a", new arrow.Float64())],
        new Map([["k", "v"]]),
      );
      const table = rowsToTable([{ a: 1, b: "x" }], schema, ctx);
      expect(table.schema.fields.map((f) => f.name)).toEqual(["b", "a"]);
      expect(table.schema.fields[0]!.nullable).toBe(false);
      expect(table.schema.metadata.get("k")).toBe("v");
    });

    test("fills columns missing from every row with nulls", () => {
      const table = build([{ a: 1 }], field("a", new arrow.Float64()), field("b", new arrow.Utf8()));
      expect(column(table, "b")).toEqual([null]);
    });

    test("treats undefined values as missing", () => {
      const table = build([{ a: undefined, b: 1 }], field("a", new arrow.Utf8()), field("b", new arrow.Float64()));
      expect(rowsOf(table)).toEqual([{ a: null, b: 1 }]);
    });

    test("builds an empty table from no rows", () => {
      const table = build([], field("v", vectorType(3)));
      expect(table.numRows).toBe(0);
      expect(table.batches.length).toBe(1);
    });

    test("leaves zeros, not nulls, inside null vectors of a non-nullable element type", () => {
      const type = new arrow.FixedSizeList(2, new arrow.Field("item", new arrow.Uint8(), false));
      const table = build([{ v: null }, { v: [1, 2] }], field("v", type));
      expect(column(table, "v")).toEqual([null, [1, 2]]);
    });
  });

  describe("refusals", () => {
    test("refuses a vector of the wrong width, in the documented wording", async () => {
      const rows = Array.from({ length: 20 }, (_, i) => ({ id: i, vector: new Array(i === 17 ? 256 : 384).fill(0.5) }));
      const error = await expectQuiverError(
        () => build(rows, field("id", new arrow.Int32()), field("vector", vectorType(384))),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        'adding to table "docs" failed: column "vector" takes 384 float32 values per row and row 17 has 256; re-embed with the table\'s model or create a new table.',
      );
      expect(error.context).toMatchObject({ table: "docs", column: "vector", row: 17 });
    });

    test("refuses a typed-array vector of the wrong width", async () => {
      await expectQuiverError(
        () => build([{ v: new Float32Array(3) }], field("v", vectorType(4))),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        "takes 4 float32 values per row and row 0 has 3",
      );
    });

    test.each([
      ["NaN", [1, Number.NaN], "NaN at position 1"],
      ["Infinity", [Infinity, 1], "Infinity at position 0"],
      ["-Infinity in a Float32Array", new Float32Array([1, -Infinity]), "-Infinity at position 1"],
      ["NaN in a Float64Array", new Float64Array([Number.NaN, 1]), "NaN at position 0"],
    ])("refuses %s inside a vector, naming table, column, row and the fix", async (_name, value, where) => {
      const error = await expectQuiverError(
        () => build([{ v: [1, 2] }, { v: value }], field("v", vectorType(2))),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        'adding to table "docs" failed: column "v"',
        `row 1 has ${where}`,
        "finite numbers",
      );
      expect(error.context.row).toBe(1);
    });

    test("refuses a null inside a vector", async () => {
      await expectQuiverError(
        () => build([{ v: [1, null] }], field("v", vectorType(2))),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        "row 0 has a null at position 1",
      );
    });

    test("refuses a string inside a vector", async () => {
      await expectQuiverError(
        () => build([{ v: [1, "2"] }], field("v", vectorType(2))),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        "row 0 has a string at position 1",
      );
    });

    test("refuses a number too large for a float32 vector", async () => {
      await expectQuiverError(
        () => build([{ v: [1, 1e39] }], field("v", vectorType(2))),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        "too large for float32",
      );
    });

    test("refuses a number too large for a float16 vector", async () => {
      await expectQuiverError(
        () => build([{ v: [70000, 1] }], field("v", vectorType(2, new arrow.Float16()))),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        "too large for float16",
      );
    });

    test("refuses a string for a float64 column, where LanceDB stores null", async () => {
      const error = await expectQuiverError(
        () => build([{ price: 1 }, { price: "3.5" }], field("price", new arrow.Float64())),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        'column "price" takes float64 values and row 1 has a string',
        "store a number",
      );
      expect(error.context).toMatchObject({ column: "price", row: 1, expected: "float64", actual: "a string" });
    });

    test.each([
      ["a non-integer", new arrow.Int32(), 1.5, "not an integer"],
      ["an out-of-range number", new arrow.Int8(), 300, "outside int8's range -128..127"],
      ["a negative number for unsigned", new arrow.Uint32(), -1, "outside uint32's range"],
      ["an out-of-range bigint", new arrow.Int64(), 2n ** 63n, "outside int64's range"],
      ["a string", new arrow.Int64(), "12", "has a string"],
    ])("refuses %s for an integer column", async (_name, type, value, part) => {
      await expectQuiverError(() => build([{ n: value }], field("n", type)), SchemaMismatchError, "SCHEMA_MISMATCH", part);
    });

    test.each([
      ["a number for a string column", new arrow.Utf8(), 5],
      ["a string for a bool column", new arrow.Bool(), "true"],
      ["a string for a binary column", new arrow.Binary(), "bytes"],
      ["an invalid Date for a timestamp column", new arrow.TimestampMillisecond(), new Date("nope")],
      ["a string for a date column", new arrow.DateDay(), "2024-01-01"],
      ["a string for a list column", new arrow.List(new arrow.Field("item", new arrow.Utf8(), true)), "a,b"],
      ["an array for a struct column", new arrow.Struct([field("a", new arrow.Utf8())]), ["x"]],
      ["a number for a vector column", vectorType(2), 1],
      ["3 bytes for a fixed size binary column of 2", new arrow.FixedSizeBinary(2), new Uint8Array(3)],
    ])("refuses %s", async (_name, type, value) => {
      await expectQuiverError(() => build([{ v: value }], field("v", type)), SchemaMismatchError, "SCHEMA_MISMATCH", 'column "v"', "row 0");
    });

    test("refuses a null in a non-nullable column, naming the row", async () => {
      const error = await expectQuiverError(
        () => build([{ id: 1 }, { id: null }], field("id", new arrow.Int32(), false)),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        'column "id" does not allow nulls and row 1 has a null',
      );
      expect(error.context.row).toBe(1);
    });

    test("refuses a missing value in a non-nullable column", async () => {
      await expectQuiverError(
        () => build([{ id: 1, text: "a" }, { text: "b" }], field("id", new arrow.Int32(), false), field("text", new arrow.Utf8())),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        'column "id" does not allow nulls and row 1 has no value',
      );
    });

    test("refuses a missing non-nullable struct field only where the struct itself is present", async () => {
      const type = new arrow.Struct([field("a", new arrow.Utf8(), false)]);
      expect(column(build([{ m: null }, { m: { a: "x" } }], field("m", type)), "m")).toEqual([null, { a: "x" }]);
      await expectQuiverError(
        () => build([{ m: { a: "x" } }, { m: {} }], field("m", type)),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        'column "m.a" does not allow nulls and row 1',
      );
    });

    test("refuses a key the schema does not have, naming table, field, row and the schema's fields", async () => {
      const error = await expectQuiverError(
        () => build([{ id: 1 }, { id: 2, extra: "x" }], field("id", new arrow.Int32()), field("text", new arrow.Utf8())),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        'adding to table "docs" failed: Found field not in schema: extra at row 1',
        "'id' and 'text'",
      );
      expect(error.context).toMatchObject({ column: "extra", row: 1 });
    });

    test("refuses a nested key the struct does not have", async () => {
      await expectQuiverError(
        () => build([{ m: { a: "x", b: 1 } }], field("m", new arrow.Struct([field("a", new arrow.Utf8())]))),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        "Found field not in schema: m.b at row 0",
        `"m" has the fields 'a'`,
      );
    });

    test("ignores keys the schema does not have when their value is undefined or an empty object, as LanceDB does", () => {
      const table = build([{ id: 1, extra: undefined, meta: {} }], field("id", new arrow.Int32()));
      expect(rowsOf(table)).toEqual([{ id: 1 }]);
    });

    test("refuses a dictionary with more distinct values than its index type holds", async () => {
      const type = new arrow.Dictionary(new arrow.Utf8(), new arrow.Int8());
      const rows = Array.from({ length: 200 }, (_, i) => ({ c: `v${i}` }));
      await expectQuiverError(() => build(rows, field("c", type)), SchemaMismatchError, "SCHEMA_MISMATCH", "at most 128 distinct values");
    });

    test("refuses a row that is not an object", async () => {
      await expectQuiverError(
        () => build([{ a: 1 }, null as unknown as Record<string, unknown>], field("a", new arrow.Float64())),
        InvalidArgumentError,
        "INVALID_ARGUMENT",
        "row 1 is null, not an object",
      );
    });

    test("names the row, not the list element, for a bad value inside a list", async () => {
      const error = await expectQuiverError(
        () => build([{ t: ["a"] }, { t: ["b", "c"] }, { t: ["d", 5] }], field("t", new arrow.List(field("item", new arrow.Utf8())))),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        "row 2 has a number (5)",
      );
      expect(error.context.row).toBe(2);
    });
  });

  test("builds 10k rows of 384-dim vectors quickly", () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => ({
      id: i,
      vector: Array.from({ length: 384 }, (_, j) => ((i + j) % 97) / 97),
    }));
    const schema = new arrow.Schema([field("id", new arrow.Int32()), field("vector", vectorType(384))]);
    let table = rowsToTable(rows.slice(0, 100), schema, ctx);
    const times = [0, 1, 2, 3].map(() => {
      const start = performance.now();
      table = rowsToTable(rows, schema, ctx);
      return performance.now() - start;
    });
    console.log(
      `rowsToTable: 10k rows x 384 dims (number[]): first call ${times[0]!.toFixed(1)} ms, ` +
        `then best of 3 ${Math.min(...times.slice(1)).toFixed(1)} ms`,
    );
    expect(table.numRows).toBe(10_000);
    expect(plain(table.get(9_999)!.vector)).toEqual(rows[9_999]!.vector.map((x) => Math.fround(x)));
  });
});
