import * as arrow from "apache-arrow";
import * as arrow15 from "apache-arrow-15";
import { describe, expect, test } from "vitest";
import { InvalidArgumentError, SchemaMismatchError } from "../../src/errors.js";
import { toArrowTable, type IngestData } from "../../src/arrow/to-arrow-table.js";
import { expectQuiverError } from "../helpers/expect-error.js";
import { plain, rowsOf } from "./arrow-values.js";

const options = { table: "docs", operation: "add" };

function field(name: string, type: arrow.DataType, nullable = true): arrow.Field {
  return new arrow.Field(name, type, nullable);
}

function vectorType(width: number, element: arrow.DataType = new arrow.Float32()): arrow.FixedSizeList {
  return new arrow.FixedSizeList(width, new arrow.Field("item", element, true));
}

/** Every batch and the table itself are of our apache-arrow, with the given schema. */
function expectOurs(table: arrow.Table, schema?: arrow.Schema): void {
  expect(Object.getPrototypeOf(table)).toBe(arrow.Table.prototype);
  expect(table.batches.length).toBeGreaterThanOrEqual(1);
  for (const batch of table.batches) {
    expect(Object.getPrototypeOf(batch)).toBe(arrow.RecordBatch.prototype);
    for (const child of batch.data.children) expect(Object.getPrototypeOf(child)).toBe(arrow.Data.prototype);
  }
  if (schema !== undefined) expect(table.schema).toBe(schema);
}

/** An apache-arrow 15 table with vectors, strings, a dictionary, a struct, a list, timestamps and nulls. */
function foreignTable(): arrow15.Table {
  return new arrow15.Table({
    id: arrow15.vectorFromArray([1n, 2n, 3n, 4n], new arrow15.Int64()),
    vector: arrow15.vectorFromArray(
      [[0.1, 0.2], [0.3, 0.4], null, [0.7, 0.8]],
      new arrow15.FixedSizeList(2, new arrow15.Field("item", new arrow15.Float32(), true)),
    ),
    text: arrow15.vectorFromArray(["alpha", null, "gamma", "δέλτα"], new arrow15.Utf8()),
    category: arrow15.vectorFromArray(["a", "b", "a", null], new arrow15.Dictionary(new arrow15.Utf8(), new arrow15.Int32())),
    meta: arrow15.vectorFromArray(
      [{ author: "x", year: 2020 }, null, { author: null, year: 2022 }, { author: "z", year: null }],
      new arrow15.Struct([new arrow15.Field("author", new arrow15.Utf8(), true), new arrow15.Field("year", new arrow15.Float64(), true)]),
    ),
    tags: arrow15.vectorFromArray([["a"], [], null, ["b", "c"]], new arrow15.List(new arrow15.Field("item", new arrow15.Utf8(), true))),
    at: arrow15.vectorFromArray(
      [new Date(1_700_000_000_000), null, new Date(0), new Date(86_400_000)],
      new arrow15.TimestampMillisecond(),
    ),
  });
}

const foreignSchema = () =>
  new arrow.Schema([
    field("id", new arrow.Int64()),
    field("vector", vectorType(2)),
    field("text", new arrow.Utf8()),
    field("category", new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32())),
    field("meta", new arrow.Struct([field("author", new arrow.Utf8()), field("year", new arrow.Float64())])),
    field("tags", new arrow.List(field("item", new arrow.Utf8()))),
    field("at", new arrow.TimestampMillisecond()),
  ]);

describe("toArrowTable()", () => {
  describe("rows", () => {
    test("infers a schema and builds the rows when no schema is given", () => {
      const table = toArrowTable(
        [
          { id: 1n, text: "a", vector: [0.5, 1], meta: { n: 1 } },
          { id: 2n, text: null, vector: new Float32Array([2, 3]), meta: null },
        ],
        options,
      );
      expectOurs(table);
      expect(table.schema.fields.map((f) => `${f.name}: ${String(f.type)}`)).toEqual([
        "id: Int64",
        "text: Utf8",
        "vector: FixedSizeList[2]<Float32>",
        "meta: Struct<{n:Float64}>",
      ]);
      expect(rowsOf(table)).toEqual([
        { id: "1n", text: "a", vector: [0.5, 1], meta: { n: 1 } },
        { id: "2n", text: null, vector: [2, 3], meta: null },
      ]);
    });

    test("builds rows with the given schema and returns exactly that schema", () => {
      const schema = new arrow.Schema([field("id", new arrow.Int32(), false), field("vector", vectorType(3)), field("text", new arrow.Utf8())]);
      const table = toArrowTable([{ id: 1, vector: [1, 2, 3] }, { vector: null, id: 2, text: "b" }], { ...options, schema });
      expectOurs(table, schema);
      expect(rowsOf(table)).toEqual([
        { id: 1, vector: [1, 2, 3], text: null },
        { id: 2, vector: null, text: "b" },
      ]);
    });

    test("accepts a schema made by another apache-arrow copy", () => {
      const schema = new arrow15.Schema([new arrow15.Field("v", new arrow15.FixedSizeList(2, new arrow15.Field("item", new arrow15.Float16(), true)))]);
      const table = toArrowTable([{ v: [0.5, 2] }], { ...options, schema });
      expectOurs(table);
      expect(String(table.schema.fields[0]!.type)).toBe("FixedSizeList[2]<Float16>");
      expect(rowsOf(table)).toEqual([{ v: [0.5, 2] }]);
    });

    test("counts undefined values as missing", () => {
      const schema = new arrow.Schema([field("a", new arrow.Utf8()), field("b", new arrow.Float64())]);
      expect(rowsOf(toArrowTable([{ a: undefined, b: 1, c: undefined }], { ...options, schema }))).toEqual([{ a: null, b: 1 }]);
      expect(rowsOf(toArrowTable([{ a: undefined, b: 1 }], options))).toEqual([{ b: 1 }]);
    });

    test("refuses a key the schema does not have, naming the table, field, row and the schema's fields", async () => {
      const schema = new arrow.Schema([field("id", new arrow.Int32()), field("vector", vectorType(2))]);
      const error = await expectQuiverError(
        () => toArrowTable([{ id: 1, vector: [1, 2] }, { id: 2, vector: [1, 2], title: "x" }], { ...options, schema }),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        'adding to table "docs" failed: Found field not in schema: title at row 1',
        "'id' and 'vector'",
      );
      expect(error.context).toMatchObject({ table: "docs", column: "title", row: 1 });
    });

    test("refuses an array of the wrong length for a vector field", async () => {
      const schema = new arrow.Schema([field("vector", vectorType(384))]);
      const rows = Array.from({ length: 18 }, (_, i) => ({ vector: new Array(i === 17 ? 256 : 384).fill(0) }));
      await expectQuiverError(
        () => toArrowTable(rows, { ...options, schema }),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        'adding to table "docs" failed: column "vector" takes 384 float32 values per row and row 17 has 256; re-embed with the table\'s model or create a new table.',
      );
    });

    test("builds an empty table from no rows and a schema", () => {
      const schema = new arrow.Schema([field("vector", vectorType(2))]);
      const table = toArrowTable([], { ...options, schema });
      expectOurs(table, schema);
      expect(table.numRows).toBe(0);
    });

    test("refuses no rows without a schema, in LanceDB's words", async () => {
      await expectQuiverError(
        () => toArrowTable([], { table: "docs", operation: "createTable" }),
        InvalidArgumentError,
        "INVALID_ARGUMENT",
        'creating table "docs" failed: At least one record or a schema needs to be provided',
      );
    });

    test("converts 10k rows of 384-dim vectors well under 100 ms", () => {
      const rows = Array.from({ length: 10_000 }, (_, i) => ({
        id: i,
        text: `doc ${i}`,
        vector: Array.from({ length: 384 }, (_, j) => Math.sin(i + j)),
      }));
      let table = toArrowTable(rows.slice(0, 100), options);
      const times = [0, 1, 2, 3].map(() => {
        const start = performance.now();
        table = toArrowTable(rows, options);
        return performance.now() - start;
      });
      console.log(
        `toArrowTable: 10k rows x 384 dims + id + text (number[], schema inferred): first call ${times[0]!.toFixed(1)} ms, ` +
          `then best of 3 ${Math.min(...times.slice(1)).toFixed(1)} ms`,
      );
      expect(table.numRows).toBe(10_000);
      expect(String(table.getChild("vector")!.type)).toBe("FixedSizeList[384]<Float32>");
    });
  });

  describe("Arrow data from apache-arrow 15", () => {
    test("accepts a table and keeps its values", () => {
      const theirs = foreignTable();
      const table = toArrowTable(theirs as unknown as IngestData, options);
      expectOurs(table);
      expect(rowsOf(table)).toEqual(rowsOf(theirs));
    });

    test("accepts a table with the table's schema and keeps its values", () => {
      const theirs = foreignTable();
      const schema = foreignSchema();
      const table = toArrowTable(theirs as unknown as IngestData, { ...options, schema });
      expectOurs(table, schema);
      expect(rowsOf(table)).toEqual(rowsOf(theirs));
    });

    test("accepts a sliced table", () => {
      const theirs = foreignTable().slice(1, 4);
      const table = toArrowTable(theirs as unknown as IngestData, { ...options, schema: foreignSchema() });
      expect(table.numRows).toBe(3);
      expect(rowsOf(table)).toEqual(rowsOf(theirs));
    });

    test("accepts a record batch", () => {
      const batch = foreignTable().batches[0]!;
      const table = toArrowTable(batch as unknown as IngestData, options);
      expectOurs(table);
      expect(rowsOf(table)).toEqual(rowsOf(batch));
    });

    test("accepts an array of record batches and numbers rows across them", async () => {
      const theirs = foreignTable();
      const batches = [...theirs.batches, ...theirs.slice(0, 2).batches];
      const table = toArrowTable(batches as unknown as IngestData, options);
      expectOurs(table);
      expect(table.numRows).toBe(6);
      expect(rowsOf(table)).toEqual([...rowsOf(theirs), ...rowsOf(theirs.slice(0, 2))]);
      const nonNull = new arrow.Schema([...foreignSchema().fields.map((f) => (f.name === "text" ? field("text", new arrow.Utf8(), false) : f))]);
      await expectQuiverError(
        () => toArrowTable(batches as unknown as IngestData, { ...options, schema: nonNull }),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        'column "text" does not allow nulls and row 1',
      );
    });

    test("casts float64 vectors into the table's float32 vector column", () => {
      const theirs = new arrow15.Table({
        vector: arrow15.vectorFromArray([[1, 2]], new arrow15.FixedSizeList(2, new arrow15.Field("item", new arrow15.Float64(), true))),
      });
      const table = toArrowTable(theirs as unknown as IngestData, { ...options, schema: new arrow.Schema([field("vector", vectorType(2))]) });
      expect(String(table.getChild("vector")!.type)).toBe("FixedSizeList[2]<Float32>");
      expect(plain(table.get(0)!.vector)).toEqual([1, 2]);
    });

    test("refuses a table with a column of the wrong type", async () => {
      const theirs = new arrow15.Table({ price: arrow15.vectorFromArray(["cheap"], new arrow15.Utf8()) });
      await expectQuiverError(
        () => toArrowTable(theirs as unknown as IngestData, { ...options, schema: new arrow.Schema([field("price", new arrow.Float64())]) }),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        'column "price" takes float64 values and the data has utf8',
      );
    });

    test("refuses NaN in vectors even without a schema", async () => {
      const theirs = new arrow15.Table({
        vector: arrow15.vectorFromArray([[1, Number.NaN]], new arrow15.FixedSizeList(2, new arrow15.Field("item", new arrow15.Float32(), true))),
      });
      await expectQuiverError(
        () => toArrowTable(theirs as unknown as IngestData, options),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        "row 0 has NaN at position 1",
      );
    });

    test("refuses record batches whose schemas differ when no schema is given", async () => {
      const a = new arrow15.Table({ x: arrow15.vectorFromArray([1], new arrow15.Float64()) }).batches[0]!;
      const b = new arrow15.Table({ x: arrow15.vectorFromArray(["1"], new arrow15.Utf8()) }).batches[0]!;
      await expectQuiverError(
        () => toArrowTable([a, b] as unknown as IngestData, options),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        'column "x" takes float64 values and the data has utf8',
      );
    });
  });

  describe("invalid data", () => {
    test.each([
      ["null", null, "data is null"],
      ["a number", 42, "data is a number (42)"],
      ["a string", "rows", "data is a string"],
      ["a single row object", { id: 1 }, "wrap a single row in an array"],
      ["a typed array", new Float32Array(2), "not an array of rows"],
    ])("refuses %s", async (_name, data, part) => {
      await expectQuiverError(
        () => toArrowTable(data as unknown as IngestData, options),
        InvalidArgumentError,
        "INVALID_ARGUMENT",
        'adding to table "docs" failed',
        part,
      );
    });

    test("refuses an array mixing record batches and rows", async () => {
      const batch = foreignTable().batches[0]!;
      await expectQuiverError(
        () => toArrowTable([batch, { id: 1 }] as unknown as IngestData, options),
        InvalidArgumentError,
        "INVALID_ARGUMENT",
        "item 1 of the data is an object",
      );
    });

    test("refuses a schema that is not an Arrow schema", async () => {
      await expectQuiverError(
        () => toArrowTable([{ a: 1 }], { ...options, schema: { a: "float" } as unknown as arrow.Schema }),
        InvalidArgumentError,
        "INVALID_ARGUMENT",
        "not an Arrow Schema",
      );
    });
  });
});
