import { Field, FixedSizeList, Float32, Int32, Schema, Utf8 } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { ColumnNotFoundError, InvalidArgumentError } from "../../src/errors.js";
import { createTypeScriptKernel, executeToTable } from "../../src/exec/index.js";
import { findVectorColumns, resolveVectorColumn, unsearchableRows, vectorsAsFloat32 } from "../../src/exec/vector-column.js";
import { expectQuiverError } from "../helpers/expect-error.js";
import { vectorData } from "./fake-snapshot.js";
import { createVectorFixture } from "./vector-fixture.js";

const vec = (dims: number) => new FixedSizeList(dims, new Field("item", new Float32(), true));

describe("resolveVectorColumn()", () => {
  const schema = new Schema([new Field("id", new Int32()), new Field("text", new Utf8()), new Field("emb", vec(4))]);

  it("finds the only vector column, or the one named", () => {
    expect(resolveVectorColumn(schema, "t", undefined)).toMatchObject({ name: "emb", index: 2, dims: 4 });
    expect(resolveVectorColumn(schema, "t", "emb").dims).toBe(4);
    expect(findVectorColumns(schema).map((c) => c.name)).toEqual(["emb"]);
  });

  it("explains what to do when there is no vector column", async () => {
    const plain = new Schema([new Field("id", new Int32())]);
    await expectQuiverError(() => resolveVectorColumn(plain, "t", undefined), InvalidArgumentError, "INVALID_ARGUMENT", "no vector column", "'id'", "table.query()");
    await expectQuiverError(() => resolveVectorColumn(schema, "t", "missing"), ColumnNotFoundError, "COLUMN_NOT_FOUND", "'missing'", "'emb'");
  });
});

describe("vectorsAsFloat32()", () => {
  it("uses a Float32 buffer that starts at byte 0 as it is", () => {
    const values = new Float32Array([1, 2, 3, 4]);
    const data = vectorData(values, 2);
    expect(vectorsAsFloat32(data as never, 2)).toBe((data.children[0]!.values as Float32Array));
  });

  it("copies a sliced chunk once into its own buffer, and caches the copy", () => {
    const data = vectorData(new Float32Array([1, 2, 3, 4, 5, 6]), 2).slice(1, 2);
    const first = vectorsAsFloat32(data as never, 2);
    expect(first.byteOffset).toBe(0);
    expect(Array.from(first)).toEqual([3, 4, 5, 6]);
    expect(vectorsAsFloat32(data as never, 2)).toBe(first);
  });
});

describe("unsearchableRows()", () => {
  it("marks null vectors, and is null when there are none", () => {
    expect(unsearchableRows(vectorData(new Float32Array(6), 2) as never, 2)).toBeNull();
    expect(Array.from(unsearchableRows(vectorData(new Float32Array(6), 2, [1]) as never, 2)!)).toEqual([0, 1, 0]);
    expect(Array.from(unsearchableRows(vectorData(new Float32Array(8), 2, [0, 3]).slice(1, 3) as never, 2)!)).toEqual([0, 0, 1]);
  });
});

describe("the TypeScript kernel fallback", () => {
  it("gives the same results as usearch through the whole search", async () => {
    const fixture = createVectorFixture({ sizes: [300, 200], dims: 16, seed: 77, deletedFraction: 0.05, nullEvery: 50 });
    for (const metric of ["l2", "cosine", "dot"] as const) {
      const plan = fixture.query().nearestTo(fixture.vector()).distanceType(metric).where("id % 3 != 0").limit(20).withRowId().toPlan();
      const native = await executeToTable(plan, fixture.snapshot);
      const fallback = await executeToTable(plan, fixture.snapshot, { kernel: createTypeScriptKernel() });
      expect(Array.from(fallback.getChild("_rowid")!.toArray() as BigUint64Array)).toEqual(Array.from(native.getChild("_rowid")!.toArray() as BigUint64Array));
      const a = native.getChild("_distance")!.toArray() as Float32Array;
      const b = fallback.getChild("_distance")!.toArray() as Float32Array;
      a.forEach((d, i) => expect(b[i]).toBeCloseTo(d, 4));
    }
  });
});
