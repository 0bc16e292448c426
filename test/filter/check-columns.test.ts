import { Field, Int32, Schema, Struct, Utf8 } from "apache-arrow";
import { describe, expect, test } from "vitest";
import { ColumnNotFoundError, InvalidArgumentError } from "../../src/errors.js";
import { checkColumns, referencedColumns } from "../../src/filter/check-columns.js";
import { parseFilter } from "../../src/filter/parser.js";
import { expectQuiverError } from "../helpers/expect-error.js";

const schema = new Schema([
  new Field("id", new Int32()),
  new Field("camelCase", new Int32()),
  new Field("Weird Name", new Utf8()),
  new Field("meta", new Struct([new Field("source", new Utf8()), new Field("inner", new Struct([new Field("x", new Int32())]))])),
]);

describe("checkColumns()", () => {
  test("accepts columns and nested struct fields that exist", () => {
    expect(() => checkColumns(parseFilter("id > 1 AND meta.source = 'x' AND meta.inner.x = 2 AND `Weird Name` = 'a'"), schema)).not.toThrow();
  });

  test("names the missing column, the table and the columns that exist", async () => {
    const error = await expectQuiverError(
      () => checkColumns(parseFilter("id > 1 AND price < 3"), schema, { table: "items", where: "delete()" }),
      ColumnNotFoundError,
      "COLUMN_NOT_FOUND",
      "delete(): column 'price' does not exist in table 'items'",
      "'id', 'camelCase', 'Weird Name' and 'meta'",
    );
    expect(error.column).toBe("price");
    expect(error.available).toEqual(["id", "camelCase", "Weird Name", "meta"]);
    expect(error.table).toBe("items");
  });

  test("for a missing nested field, lists the fields of that struct", async () => {
    const error = await expectQuiverError(
      () => checkColumns(parseFilter("meta.inner.y = 1"), schema),
      ColumnNotFoundError,
      "COLUMN_NOT_FOUND",
      "column 'meta.inner.y' does not exist",
      "'meta.inner.x'",
    );
    expect(error.available).toEqual(["meta.inner.x"]);
  });

  test("a path through a column that is not a struct is a missing column", async () => {
    await expectQuiverError(() => checkColumns(parseFilter("id.x = 1"), schema), ColumnNotFoundError, "COLUMN_NOT_FOUND", "column 'id.x' does not exist");
  });

  test("unquoted names match a column that differs only in case", () => {
    expect(() => checkColumns(parseFilter("camelcase = 1 AND ID = 2 AND META.Source = 'x'"), schema)).not.toThrow();
  });

  test("backquoted names must match exactly", async () => {
    await expectQuiverError(() => checkColumns(parseFilter("`camelcase` = 1"), schema), ColumnNotFoundError, "COLUMN_NOT_FOUND", "column 'camelcase'");
  });

  test("a case-insensitive match that is not unique is refused as ambiguous", async () => {
    const twoCases = new Schema([new Field("Name", new Utf8()), new Field("NAME", new Utf8())]);
    await expectQuiverError(
      () => checkColumns(parseFilter("name = 'x'"), twoCases),
      InvalidArgumentError,
      "INVALID_ARGUMENT",
      "column 'name' is ambiguous",
      "'Name' and 'NAME'",
      "`Name`",
    );
    expect(() => checkColumns(parseFilter("Name = 'x'"), twoCases)).not.toThrow();
  });

  test("a double-quoted name that matches no column is a string, as in LanceDB", () => {
    expect(() => checkColumns(parseFilter('meta.source = "x"'), schema)).not.toThrow();
    expect(() => checkColumns(parseFilter('"Weird Name" = \'a\''), schema)).not.toThrow();
  });

  test("a double-quoted path of several segments must exist", async () => {
    await expectQuiverError(() => checkColumns(parseFilter('"meta"."nope" = 1'), schema), ColumnNotFoundError, "COLUMN_NOT_FOUND", "meta.nope");
  });
});

describe("referencedColumns()", () => {
  test("lists distinct paths as written, in order of first use", () => {
    expect(referencedColumns(parseFilter("b > 1 AND meta.source = 'x' AND (b < 5 OR lower(a) IN (c, 'z'))"))).toEqual([
      ["b"],
      ["meta", "source"],
      ["a"],
      ["c"],
    ]);
  });

  test("keeps a dotted name apart from a path", () => {
    expect(referencedColumns(parseFilter("`a.b` = 1 AND a.b = 2"))).toEqual([["a.b"], ["a", "b"]]);
  });

  test("with a schema, gives stored names and leaves out double-quoted strings", () => {
    expect(referencedColumns(parseFilter('CAMELCASE = 1 AND meta.SOURCE = "x" AND camelCase > 0'), schema)).toEqual([
      ["camelCase"],
      ["meta", "source"],
    ]);
  });

  test("is empty for a filter of constants", () => {
    expect(referencedColumns(parseFilter("1 = 1"))).toEqual([]);
  });
});
