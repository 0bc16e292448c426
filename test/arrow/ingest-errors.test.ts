import * as arrow from "apache-arrow";
import { describe, expect, test } from "vitest";
import { SchemaMismatchError } from "../../src/errors.js";
import {
  describeFailure,
  describeType,
  describeValue,
  nullNotAllowed,
  vectorWidthMismatch,
} from "../../src/arrow/ingest-errors.js";

describe("describeFailure()", () => {
  test.each([
    ["add", 'adding to table "docs" failed'],
    ["createTable", 'creating table "docs" failed'],
    ["mergeInsert", 'merge-inserting into table "docs" failed'],
    ["update", 'updating table "docs" failed'],
    ["somethingElse", 'somethingElse on table "docs" failed'],
  ])("phrases the %s operation", (operation, expected) => {
    expect(describeFailure({ table: "docs", operation })).toBe(expected);
  });
});

describe("describeType()", () => {
  test.each([
    [new arrow.Float32(), "float32"],
    [new arrow.Uint8(), "uint8"],
    [new arrow.Int64(), "int64"],
    [new arrow.Utf8(), "utf8"],
    [new arrow.TimestampMicrosecond("UTC"), "timestamp[us, UTC]"],
    [new arrow.DateDay(), "date32[day]"],
    [new arrow.FixedSizeList(384, new arrow.Field("item", new arrow.Float16())), "fixed_size_list<float16>[384]"],
    [new arrow.List(new arrow.Field("item", new arrow.Utf8())), "list<utf8>"],
    [new arrow.Struct([new arrow.Field("a", new arrow.Bool())]), "struct<a: bool>"],
    [new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32()), "dictionary<utf8, int32>"],
  ])("names %s as %s", (type, expected) => {
    expect(describeType(type)).toBe(expected);
  });
});

describe("describeValue()", () => {
  test("names the kind of a value without showing strings", () => {
    expect(describeValue("secret text")).toBe("a string");
    expect(describeValue(1.5)).toBe("a number (1.5)");
    expect(describeValue([1, 2])).toBe("an array of 2");
    expect(describeValue(new Float32Array(3))).toBe("a Float32Array of 3");
    expect(describeValue(new Map())).toBe("a Map");
    expect(describeValue({})).toBe("an object");
    expect(describeValue(undefined)).toBe("no value");
  });
});

describe("error builders", () => {
  test("vectorWidthMismatch() fills the context and uses the documented wording", () => {
    const error = vectorWidthMismatch({ table: "docs", operation: "add" }, ["vector"], 17, { width: 384, element: "float32" }, 256);
    expect(error).toBeInstanceOf(SchemaMismatchError);
    expect(error.message).toBe(
      'adding to table "docs" failed: column "vector" takes 384 float32 values per row and row 17 has 256; re-embed with the table\'s model or create a new table.',
    );
    expect(error.context).toEqual({ table: "docs", column: "vector", row: 17, expected: "384 float32 values", actual: "256 values" });
  });

  test("nullNotAllowed() names the nested column path and the row", () => {
    const error = nullNotAllowed({ table: "t", operation: "add" }, ["meta", "author"], 3, new arrow.Utf8());
    expect(error.message).toContain('column "meta.author" does not allow nulls and row 3 has a null');
    expect(error.column).toBe("meta.author");
  });
});
