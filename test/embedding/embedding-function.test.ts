import { DataType, Field, FixedSizeList, Float16, Float32, Float64, Int32, LargeUtf8, Precision, Utf8, type Float } from "apache-arrow";
import * as arrow15 from "apache-arrow-15";
import { describe, expect, it } from "vitest";
import { EmbeddingError, InvalidArgumentError } from "../../src/errors.js";
import { expectQuiverError } from "../helpers/expect-error.js";
import { HalfFunction, OptionsFunction, ScriptedFunction } from "./fake-functions.js";

function listOf(type: DataType): { width: number; element: Float } {
  expect(DataType.isFixedSizeList(type)).toBe(true);
  const list = type as FixedSizeList;
  return { width: list.listSize, element: list.children[0]!.type as Float };
}

describe("EmbeddingFunction.vectorField()", () => {
  it("honours embeddingDataType(): a Float16 function gets a float16 column (LanceDB always uses float32)", () => {
    const [type, markers] = new HalfFunction().vectorField();
    const { width, element } = listOf(type);
    expect(width).toBe(4);
    expect(element.precision).toBe(Precision.HALF);
    expect(markers.get("vector_column_for")).toBeInstanceOf(HalfFunction);
  });

  it("gives a float32 function a float32 column of ndims() values", () => {
    const { width, element } = listOf(new OptionsFunction({ width: 5 }).vectorField()[0]);
    expect(width).toBe(5);
    expect(element.precision).toBe(Precision.SINGLE);
  });

  it("takes an explicit Float element type, a FixedSizeList, or {datatype, dims}", () => {
    const fn = new ScriptedFunction({ ndims: 3 });
    expect(listOf(fn.vectorField(new Float16())[0]).element.precision).toBe(Precision.HALF);
    expect(listOf(fn.vectorField({ datatype: new Float64() })[0]).element.precision).toBe(Precision.DOUBLE);
    const fixed = new FixedSizeList(3, new Field("item", new Float32(), true));
    expect(fn.vectorField(fixed)[0]).toBe(fixed);
    const noDims = new ScriptedFunction({ ndims: undefined });
    expect(listOf(noDims.vectorField({ dims: 7 })[0]).width).toBe(7);
    expect(listOf(noDims.vectorField({ datatype: new Float16(), dims: 2 })[0])).toMatchObject({ width: 2 });
  });

  it("accepts types from another apache-arrow copy", () => {
    const { width, element } = listOf(new ScriptedFunction({ ndims: 3 }).vectorField(new arrow15.Float16() as unknown as DataType)[0]);
    expect(width).toBe(3);
    expect(element.precision).toBe(Precision.HALF);
  });

  it("fails without a width, with LanceDB's wording", async () => {
    await expectQuiverError(
      () => new ScriptedFunction({ ndims: undefined }).vectorField(),
      InvalidArgumentError,
      "INVALID_ARGUMENT",
      "ndims is required for vector field",
    );
  });

  it("refuses a non-float type and a width that contradicts ndims()", async () => {
    const fn = new ScriptedFunction({ ndims: 3 });
    await expectQuiverError(() => fn.vectorField(new Int32()), InvalidArgumentError, "INVALID_ARGUMENT", "Expected FixedSizeList or Float as datatype for vector field");
    await expectQuiverError(() => fn.vectorField({ dims: 4 }), InvalidArgumentError, "INVALID_ARGUMENT", "produces 3 values per vector");
    await expectQuiverError(
      () => fn.vectorField(new FixedSizeList(8, new Field("item", new Float32(), true))),
      InvalidArgumentError,
      "INVALID_ARGUMENT",
      "must be 3 wide, not 8",
    );
    await expectQuiverError(
      () => fn.vectorField(new FixedSizeList(3, new Field("item", new Int32(), true))),
      InvalidArgumentError,
      "INVALID_ARGUMENT",
      "float16, float32 or float64",
    );
  });
});

describe("EmbeddingFunction.sourceField()", () => {
  it("declares a text function's source as utf8 by default and accepts large_utf8", () => {
    const fn = new ScriptedFunction();
    const [type, markers] = fn.sourceField();
    expect(DataType.isUtf8(type)).toBe(true);
    expect(markers.get("source_column_for")).toBe(fn);
    expect(DataType.isLargeUtf8(fn.sourceField(new LargeUtf8())[0])).toBe(true);
  });

  it("refuses a non-text type for a text function", async () => {
    await expectQuiverError(() => new ScriptedFunction().sourceField(new Int32()), InvalidArgumentError, "INVALID_ARGUMENT", "utf8 or large_utf8");
  });

  it("requires a datatype for a generic function, with LanceDB's wording", async () => {
    const fn = new HalfFunction();
    expect(DataType.isUtf8(fn.sourceField(new Utf8())[0])).toBe(true);
    expect(DataType.isUtf8(fn.sourceField({ datatype: new Utf8() })[0])).toBe(true);
    await expectQuiverError(() => fn.sourceField({}), InvalidArgumentError, "INVALID_ARGUMENT", "Datatype is required");
  });
});

describe("EmbeddingFunction.computeQueryEmbeddings()", () => {
  it("embeds one value through the batch path by default", async () => {
    expect(await new HalfFunction().computeQueryEmbeddings("abc")).toEqual([0.5, -0.25, 3, 1]);
    expect(await new ScriptedFunction().computeQueryEmbeddings("hi")).toEqual([2, 104, 2]);
  });

  it("fails with an EmbeddingError when the batch path returns nothing", async () => {
    const fn = new ScriptedFunction({ script: () => [] });
    await expectQuiverError(fn.computeQueryEmbeddings("x"), EmbeddingError, "EMBEDDING_FAILED", "returned no embedding for the query");
  });
});

describe("TextEmbeddingFunction.embeddingDataType()", () => {
  it("is float32", () => {
    expect((new OptionsFunction().embeddingDataType() as Float).precision).toBe(Precision.SINGLE);
  });
});
