import * as arrow from "apache-arrow";
import { describe, expect, test } from "vitest";
import { InvalidArgumentError, SchemaMismatchError } from "../../src/errors.js";
import { inferSchema, isVectorColumnName } from "../../src/arrow/infer-schema.js";
import { expectQuiverError } from "../helpers/expect-error.js";

const ctx = { table: "docs", operation: "add" };

/** name → type string of an inferred schema. */
function typesOf(rows: Record<string, unknown>[]): Record<string, string> {
  const schema = inferSchema(rows, ctx);
  return Object.fromEntries(schema.fields.map((f) => [f.name, String(f.type)]));
}

function fieldOf(rows: Record<string, unknown>[], name: string): arrow.Field {
  const field = inferSchema(rows, ctx).fields.find((f) => f.name === name);
  if (field === undefined) throw new Error(`no field ${name}`);
  return field;
}

describe("inferSchema()", () => {
  describe("LanceDB's rules", () => {
    test("maps JS primitives to Float64, Int64, Utf8 and Bool", () => {
      expect(typesOf([{ n: 1, b: 2n, s: "x", t: true }])).toEqual({ n: "Float64", b: "Int64", s: "Utf8", t: "Bool" });
    });

    test("maps integers to Float64 too, as LanceDB does", () => {
      expect(String(fieldOf([{ n: 3 }], "n").type)).toBe("Float64");
    });

    test("maps a Buffer to Binary whatever the column name", () => {
      expect(typesOf([{ data: Buffer.from("ab"), vector_bytes: Buffer.from("cd") }])).toEqual({
        data: "Binary",
        vector_bytes: "Binary",
      });
    });

    test("maps a Uint8Array in a column not named like a vector to Binary", () => {
      expect(String(fieldOf([{ blob: new Uint8Array([1, 2]) }], "blob").type)).toBe("Binary");
    });

    test("maps a Uint8Array in a vector-named column to FixedSizeList<Uint8>", () => {
      expect(String(fieldOf([{ vector: new Uint8Array([1, 2, 3]) }], "vector").type)).toBe("FixedSizeList[3]<Uint8>");
    });

    test.each([
      [new Float32Array(4), "FixedSizeList[4]<Float32>"],
      [new Float64Array(2), "FixedSizeList[2]<Float64>"],
      [new Int8Array(3), "FixedSizeList[3]<Int8>"],
      [new Int16Array(3), "FixedSizeList[3]<Int16>"],
      [new Int32Array(3), "FixedSizeList[3]<Int32>"],
      [new Uint16Array(3), "FixedSizeList[3]<Uint16>"],
      [new Uint32Array(3), "FixedSizeList[3]<Uint32>"],
    ])("maps a typed array (%o) to a FixedSizeList of its element type in any column", (value, expected) => {
      expect(String(fieldOf([{ feature: value }], "feature").type)).toBe(expected);
    });

    test.each(["vector", "vectors", "Embedding", "text_embedding", "MY_VECTOR_COL", "embeddings"])(
      "maps number arrays in the column %s to FixedSizeList<Float32>",
      (name) => {
        const field = fieldOf([{ [name]: [0.1, 0.2, 0.3] }], name);
        expect(String(field.type)).toBe("FixedSizeList[3]<Float32>");
        const child = (field.type as arrow.FixedSizeList).children[0]!;
        expect(child.name).toBe("item");
        expect(child.nullable).toBe(true);
      },
    );

    test("maps number arrays in other columns to List<Float64>", () => {
      expect(String(fieldOf([{ scores: [1, 2] }], "scores").type)).toBe("List<Float64>");
    });

    test("maps arrays to a List of their element type", () => {
      expect(typesOf([{ tags: ["a", "b"], flags: [true], ids: [1n] }])).toEqual({
        tags: "List<Utf8>",
        flags: "List<Bool>",
        ids: "List<Int64>",
      });
    });

    test("maps string arrays in a vector-named column to List<Utf8>, not a vector", () => {
      expect(String(fieldOf([{ vector_ids: ["a", "b"] }], "vector_ids").type)).toBe("List<Utf8>");
    });

    test("maps nested objects to Structs, recursively", () => {
      const type = fieldOf([{ meta: { author: "a", stats: { views: 1 } } }], "meta").type as arrow.Struct;
      expect(String(type)).toBe("Struct<{author:Utf8, stats:Struct<{views:Float64}>}>");
    });

    test("detects vectors inside structs by the nested field's name", () => {
      const type = fieldOf([{ doc: { embedding: [1, 2] } }], "doc").type;
      expect(String(type)).toBe("Struct<{embedding:FixedSizeList[2]<Float32>}>");
    });

    test("makes every field nullable", () => {
      const schema = inferSchema([{ a: 1, b: { c: "x" } }], ctx);
      expect(schema.fields.every((f) => f.nullable)).toBe(true);
      expect((schema.fields[1]!.type as arrow.Struct).children[0]!.nullable).toBe(true);
    });

    test("orders columns by first appearance across rows", () => {
      const schema = inferSchema([{ b: 1, a: 2 }, { c: 3, a: 4 }], ctx);
      expect(schema.fields.map((f) => f.name)).toEqual(["b", "a", "c"]);
    });

    test("merges struct fields seen in different rows", () => {
      const type = fieldOf([{ m: { a: 1 } }, { m: { b: "x" } }], "m").type;
      expect(String(type)).toBe("Struct<{a:Float64, b:Utf8}>");
    });

    test("skips undefined values as missing", () => {
      expect(typesOf([{ a: 1, gone: undefined }])).toEqual({ a: "Float64" });
    });

    test("drops a column that is an empty object in every row, as LanceDB does", () => {
      expect(typesOf([{ a: 1, meta: {} }])).toEqual({ a: "Float64" });
    });
  });

  describe("beyond LanceDB", () => {
    test("maps a Date to Timestamp(millisecond) without a time zone", () => {
      const type = fieldOf([{ at: new Date(0) }], "at").type as arrow.Timestamp;
      expect(type).toBeInstanceOf(arrow.Timestamp);
      expect(type.unit).toBe(arrow.TimeUnit.MILLISECOND);
      expect(type.timezone ?? null).toBeNull();
    });

    test("takes a column's type from its first non-null value", () => {
      expect(typesOf([{ a: null }, { a: undefined }, { a: "x" }])).toEqual({ a: "Utf8" });
    });

    test("takes a list's type from the first non-empty array", () => {
      expect(typesOf([{ tags: [] }, { tags: null }, { tags: ["x"] }])).toEqual({ tags: "List<Utf8>" });
    });

    test("takes a vector's width from the first non-empty array", () => {
      expect(typesOf([{ vector: [] }, { vector: [1, 2] }])).toEqual({ vector: "FixedSizeList[2]<Float32>" });
    });

    test("infers a list's element type from its first non-null element", () => {
      expect(typesOf([{ tags: [null, "x"] }])).toEqual({ tags: "List<Utf8>" });
    });

    test("infers a list of vectors (a multivector column) from arrays of number arrays", () => {
      expect(typesOf([{ vectors: [[1, 2], [3, 4]] }])).toEqual({ vectors: "List<FixedSizeList[2]<Float32>>" });
    });

    test("infers a list of structs from arrays of objects", () => {
      expect(typesOf([{ items: [{ a: 1 }, { b: "x" }] }])).toEqual({ items: "List<Struct<{a:Float64, b:Utf8}>>" });
    });

    test("accepts number arrays and float typed arrays in one vector column", () => {
      expect(typesOf([{ vector: [1, 2] }, { vector: new Float64Array(2) }, { vector: new Float32Array(2) }])).toEqual({
        vector: "FixedSizeList[2]<Float32>",
      });
    });
  });

  describe("refusals", () => {
    test("refuses a column that changes type between rows, naming the column, rows and types", async () => {
      const error = await expectQuiverError(
        () => inferSchema([{ id: 1, price: 3 }, { id: 2, price: 4 }, { id: 3, price: "cheap" }], ctx),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        'adding to table "docs" failed',
        'column "price"',
        "a number in row 0",
        "a string in row 2",
        "pass a schema",
      );
      expect(error.context).toMatchObject({ table: "docs", column: "price", row: 2, expected: "float64", actual: "utf8" });
    });

    test("refuses a struct field that changes type, naming its path", async () => {
      await expectQuiverError(
        () => inferSchema([{ meta: { n: 1 } }, { meta: { n: true } }], ctx),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        'column "meta.n"',
        "row 1",
      );
    });

    test("refuses an object where earlier rows had a string", async () => {
      await expectQuiverError(
        () => inferSchema([{ m: "x" }, { m: { a: 1 } }], ctx),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        'column "m"',
        "a string in row 0 but an object in row 1",
      );
    });

    test("refuses vectors of different lengths, naming both lengths and the row", async () => {
      const error = await expectQuiverError(
        () => inferSchema([{ vector: [1, 2, 3] }, { vector: [1, 2, 3] }, { vector: [1, 2] }], ctx),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        'column "vector"',
        "3 values (row 0)",
        "2 values (row 2)",
      );
      expect(error.context.row).toBe(2);
    });

    test("refuses typed-array vectors of different lengths", async () => {
      await expectQuiverError(
        () => inferSchema([{ feature: new Float32Array(4) }, { feature: new Float32Array(5) }], ctx),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        "4 values (row 0)",
        "5 values (row 1)",
      );
    });

    test("refuses a list mixing element types in one row", async () => {
      await expectQuiverError(
        () => inferSchema([{ tags: ["a", 1] }], ctx),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        'column "tags" mixes a string and a number in row 0',
      );
    });

    test("refuses a column that is null in every row, suggesting a schema", async () => {
      const error = await expectQuiverError(
        () => inferSchema([{ a: 1, note: null }, { a: 2, note: null }], ctx),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        'column "note" is null in every row',
        "pass a schema",
      );
      expect(error.column).toBe("note");
    });

    test("refuses a column with only empty arrays", async () => {
      await expectQuiverError(
        () => inferSchema([{ tags: [] }, { tags: [] }], ctx),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        'column "tags" holds only empty arrays or nulls',
      );
    });

    test("refuses an empty array followed by a string", async () => {
      await expectQuiverError(
        () => inferSchema([{ tags: [] }, { tags: "x" }], ctx),
        SchemaMismatchError,
        "SCHEMA_MISMATCH",
        "an empty array in row 0 but a string in row 1",
      );
    });

    test.each([
      ["a Map", new Map()],
      ["a Set", new Set()],
      ["a function", () => 1],
      ["a symbol", Symbol("x")],
      ["a Vector", arrow.vectorFromArray([1, 2])],
    ])("refuses %s as a value", async (what, value) => {
      await expectQuiverError(() => inferSchema([{ v: value }], ctx), SchemaMismatchError, "SCHEMA_MISMATCH", `holds ${what} in row 0`);
    });

    test("refuses an empty array of rows", async () => {
      await expectQuiverError(
        () => inferSchema([], ctx),
        InvalidArgumentError,
        "INVALID_ARGUMENT",
        "At least one record or a schema needs to be provided",
      );
    });

    test("refuses a row that is not an object, naming it", async () => {
      await expectQuiverError(
        () => inferSchema([{ a: 1 }, 5 as unknown as Record<string, unknown>], ctx),
        InvalidArgumentError,
        "INVALID_ARGUMENT",
        "row 1 is a number (5), not an object",
      );
    });
  });
});

describe("isVectorColumnName()", () => {
  test("matches names containing vector or embedding in any case", () => {
    expect(isVectorColumnName("Vector")).toBe(true);
    expect(isVectorColumnName("my_embedding")).toBe(true);
    expect(isVectorColumnName("vec")).toBe(false);
  });
});
