import { DataType, Field, FixedSizeList, Float32, Int32, Precision, Utf8, type Float } from "apache-arrow";
import * as arrow15 from "apache-arrow-15";
import { afterEach, describe, expect, it } from "vitest";
import { LanceSchema, RegistryError, getRegistry, register } from "quiverdb/embedding";
import { InvalidArgumentError } from "../../src/errors.js";
import { expectQuiverError } from "../helpers/expect-error.js";
import { HalfFunction, OptionsFunction } from "./fake-functions.js";

afterEach(() => {
  for (const name of ["schema-options", "schema-half"]) getRegistry().unregister(name);
});

describe("LanceSchema()", () => {
  it("builds nullable fields and the embedding_functions metadata from the markers", () => {
    register("schema-options")(OptionsFunction);
    const fn = new OptionsFunction({ width: 4 });
    const schema = LanceSchema({ id: new Int32(), text: fn.sourceField(), vector: fn.vectorField() });
    expect(schema.fields.map((f) => [f.name, f.nullable])).toEqual([
      ["id", true],
      ["text", true],
      ["vector", true],
    ]);
    expect(DataType.isUtf8(schema.fields[1]!.type)).toBe(true);
    expect((schema.fields[2]!.type as FixedSizeList).listSize).toBe(4);
    expect(schema.metadata.get("embedding_functions")).toBe(
      '[{"sourceColumn":"text","vectorColumn":"vector","name":"schema-options","model":{"width":4}}]',
    );
  });

  it("groups markers by function instance: two instances give two pairs, a float16 one keeps float16", () => {
    register("schema-options")(OptionsFunction);
    register("schema-half")(HalfFunction);
    const a = new OptionsFunction({ width: 2 });
    const half = new HalfFunction();
    const schema = LanceSchema({
      title: a.sourceField(),
      body: half.sourceField(new Utf8()),
      title_vector: a.vectorField(),
      body_vector: half.vectorField(),
    });
    expect(JSON.parse(schema.metadata.get("embedding_functions")!)).toEqual([
      { sourceColumn: "title", vectorColumn: "title_vector", name: "schema-options", model: { width: 2 } },
      { sourceColumn: "body", vectorColumn: "body_vector", name: "schema-half", model: {} },
    ]);
    const element = (schema.fields[3]!.type as FixedSizeList).children[0]!.type as Float;
    expect(element.precision).toBe(Precision.HALF);
  });

  it("accepts Arrow types from another apache-arrow copy", () => {
    const schema = LanceSchema({ id: new arrow15.Int64(), score: new arrow15.Float32() });
    expect(schema.fields.map((f) => String(f.type))).toEqual(["Int64", "Float32"]);
    expect(schema.metadata.get("embedding_functions")).toBe("[]");
  });

  it("refuses an unregistered function up front", async () => {
    const fn = new OptionsFunction();
    await expectQuiverError(
      () => LanceSchema({ text: fn.sourceField(), vector: fn.vectorField() }),
      RegistryError,
      "EMBEDDING_REGISTRY",
      '"OptionsFunction" is not registered',
    );
  });

  it("refuses a vector field without a source field, and a non-type value", async () => {
    register("schema-options")(OptionsFunction);
    const fn = new OptionsFunction();
    await expectQuiverError(() => LanceSchema({ vector: fn.vectorField() }), InvalidArgumentError, "INVALID_ARGUMENT", "no source field");
    await expectQuiverError(() => LanceSchema({ text: "utf8" as never }), InvalidArgumentError, "INVALID_ARGUMENT", 'field "text" must be an Arrow data type');
  });

  it("uses a field named \"vector\" when a function has only a source field", () => {
    register("schema-options")(OptionsFunction);
    const fn = new OptionsFunction();
    const schema = LanceSchema({ text: fn.sourceField(), vector: new FixedSizeList(3, new Field("item", new Float32(), true)) });
    expect(JSON.parse(schema.metadata.get("embedding_functions")!)[0].vectorColumn).toBe("vector");
  });
});
