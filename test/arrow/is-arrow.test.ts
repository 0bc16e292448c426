import * as arrow from "apache-arrow";
import * as arrow15 from "apache-arrow-15";
import { describe, expect, test } from "vitest";
import {
  isArrowData,
  isArrowDataType,
  isArrowField,
  isArrowSchema,
  isArrowTable,
  isArrowVector,
  isRecordBatch,
} from "../../src/arrow/is-arrow.js";

const copies = [
  ["apache-arrow 21 (ours)", arrow, () => new arrow.FixedSizeList(3, new arrow.Field("item", new arrow.Float32()))],
  ["apache-arrow 15", arrow15, () => new arrow15.FixedSizeList(3, new arrow15.Field("item", new arrow15.Float32()))],
] as const;

describe.each(copies)("isArrow*() with objects of %s", (_name, lib, makeVectorType) => {
  const table = lib.tableFromArrays({ x: new Float32Array([1, 2]), s: ["a", "b"] });
  const batch = table.batches[0]!;
  const field = table.schema.fields[0]!;

  test("isArrowTable() recognises a table", () => {
    expect(isArrowTable(table)).toBe(true);
  });

  test("isRecordBatch() recognises a record batch", () => {
    expect(isRecordBatch(batch)).toBe(true);
  });

  test("isArrowSchema() recognises a schema", () => {
    expect(isArrowSchema(table.schema)).toBe(true);
  });

  test("isArrowField() recognises a field", () => {
    expect(isArrowField(field)).toBe(true);
  });

  test("isArrowDataType() recognises data types", () => {
    expect(isArrowDataType(new lib.Float32())).toBe(true);
    expect(isArrowDataType(new lib.Utf8())).toBe(true);
    expect(isArrowDataType(makeVectorType())).toBe(true);
  });

  test("isArrowVector() recognises a column and isArrowData() its chunks", () => {
    const column = table.getChild("x")!;
    expect(isArrowVector(column)).toBe(true);
    expect(isArrowData(column.data[0])).toBe(true);
  });

  test("each check refuses the other Arrow objects", () => {
    expect(isArrowTable(batch)).toBe(false);
    expect(isRecordBatch(table)).toBe(false);
    expect(isArrowSchema(field)).toBe(false);
    expect(isArrowField(table.schema)).toBe(false);
    expect(isArrowDataType(field)).toBe(false);
    expect(isArrowVector(table.schema)).toBe(false);
  });
});

describe("isArrow*() with other values", () => {
  const values: unknown[] = [null, undefined, 1, "x", [], [{ a: 1 }], { a: 1 }, { schema: 1, batches: 2 }, new Float32Array(2)];

  test.each(values.map((v) => [v]))("%j is no Arrow object", (value) => {
    expect(isArrowTable(value)).toBe(false);
    expect(isRecordBatch(value)).toBe(false);
    expect(isArrowSchema(value)).toBe(false);
    expect(isArrowField(value)).toBe(false);
    expect(isArrowDataType(value)).toBe(false);
    expect(isArrowVector(value)).toBe(false);
  });

  test("a plain {schema, batches} object shaped like a table is a table (LanceDB's TableLike)", () => {
    const table = arrow15.tableFromArrays({ x: new Float64Array([1]) });
    expect(isArrowTable({ schema: table.schema, batches: table.batches })).toBe(true);
  });

  test("an object whose typeId is no Arrow type id is no data type", () => {
    expect(isArrowDataType({ typeId: 99 })).toBe(false);
    expect(isArrowDataType({ typeId: "Float" })).toBe(false);
  });
});
