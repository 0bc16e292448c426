import { Float16, Float32, Int32, type RecordBatch, Uint64 } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { ColumnNotFoundError, InvalidArgumentError, SchemaMismatchError } from "../../src/errors.js";
import type { DistanceType } from "../../src/plan/index.js";
import { Query } from "../../src/query/index.js";
import { expectQuiverError } from "../helpers/expect-error.js";
import { createFakeSnapshot, fakeSource, makeBatch, vectorData } from "./fake-snapshot.js";
import { createVectorFixture, expectedNearest, idsAndDistances } from "./vector-fixture.js";

const METRICS: DistanceType[] = ["l2", "cosine", "dot"];

function expectClose(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(a).toBeCloseTo(expected[i]!, 4));
}

describe("VectorQuery.toArrow(): exact search", () => {
  const fixture = createVectorFixture({ sizes: [60, 45, 80], dims: 8, seed: 5, deletedFraction: 0.1, fragmentIds: [0, 3, 9] });

  it.each(METRICS)("%s: returns the true top 10 across fragments, nearest first, deleted rows never", async (metric) => {
    for (let trial = 0; trial < 5; trial++) {
      const v = fixture.vector();
      const table = await fixture.query().nearestTo(v).distanceType(metric).toArrow();
      const expected = expectedNearest(fixture.rows, v, metric, {});
      const got = idsAndDistances(table);
      expect(got.ids).toEqual(expected.map((e) => e.id));
      expectClose(got.distances, expected.map((e) => e.distance));
    }
  });

  it.each(METRICS)("%s with a prefilter returns k rows whenever k rows match", async (metric) => {
    const v = fixture.vector();
    const table = await fixture.query().nearestTo(v).distanceType(metric).where("category = 'b'").limit(15).toArrow();
    const expected = expectedNearest(fixture.rows, v, metric, { limit: 15, keep: (r) => r.category === "b" });
    expect(expected).toHaveLength(15);
    expect(idsAndDistances(table).ids).toEqual(expected.map((e) => e.id));
  });

  it("a narrow prefilter (gathered rows) returns every matching row when fewer than k match", async () => {
    const v = fixture.vector();
    const table = await fixture.query().nearestTo(v).where("id < 12").limit(50).toArrow();
    const expected = expectedNearest(fixture.rows, v, "l2", { limit: 50, keep: (r) => r.id < 12 });
    expect(idsAndDistances(table).ids).toEqual(expected.map((e) => e.id));
    expect(table.numRows).toBe(fixture.rows.filter((r) => r.id < 12 && !r.deleted).length);
  });

  it("postfilter takes the top (limit + offset) first and filters after, so fewer rows may come back", async () => {
    const v = fixture.vector();
    const table = await fixture.query().nearestTo(v).where("category = 'a'").postfilter().limit(6).offset(1).toArrow();
    const expected = expectedNearest(fixture.rows, v, "l2", { limit: 6, offset: 1, postKeep: (r) => r.category === "a" });
    expect(idsAndDistances(table).ids).toEqual(expected.map((e) => e.id));
    expect(table.numRows).toBeLessThan(6);
    const pre = await fixture.query().nearestTo(v).where("category = 'a'").limit(6).offset(1).toArrow();
    expect(pre.numRows).toBe(6);
  });

  it.each([0, 1, 7, 30])("offset %i pages through the ranking", async (offset) => {
    const v = fixture.vector();
    const table = await fixture.query().nearestTo(v).offset(offset).limit(5).toArrow();
    expect(idsAndDistances(table).ids).toEqual(expectedNearest(fixture.rows, v, "l2", { limit: 5, offset }).map((e) => e.id));
  });

  it("returns the _distance column last, as Float32, after every table column", async () => {
    const table = await fixture.query().nearestTo(fixture.vector()).limit(3).toArrow();
    expect(table.schema.fields.map((f) => f.name)).toEqual(["id", "category", "score", "vector", "_distance"]);
    expect(table.schema.fields[4]!.type).toBeInstanceOf(Float32);
    const row = (await fixture.query().nearestTo(fixture.vector()).limit(1).toArray())[0];
    expect(Array.from(row.vector.toArray() as Float32Array)).toHaveLength(8);
  });

  it("withRowId adds _rowid (Uint64) = fragment id · 2^32 + offset, after _distance", async () => {
    const v = fixture.vector();
    const table = await fixture.query().nearestTo(v).withRowId().limit(20).toArrow();
    expect(table.schema.fields.map((f) => f.name).slice(-2)).toEqual(["_distance", "_rowid"]);
    expect(table.schema.fields.at(-1)!.type).toBeInstanceOf(Uint64);
    const expected = expectedNearest(fixture.rows, v, "l2", { limit: 20 });
    const rowIds = Array.from(table.getChild("_rowid")!.toArray() as BigUint64Array);
    expect(rowIds).toEqual(expected.map((e) => BigInt(e.row.fragmentId) * 2n ** 32n + BigInt(e.row.offset)));
    expect(new Set(expected.map((e) => e.row.fragmentId)).size).toBeGreaterThan(1);
  });

  it("select() returns the chosen columns and still appends _distance, as LanceDB does", async () => {
    const v = fixture.vector();
    const table = await fixture.query().nearestTo(v).select(["score", "id"]).limit(4).toArrow();
    expect(table.schema.fields.map((f) => f.name)).toEqual(["score", "id", "_distance"]);
    const expected = expectedNearest(fixture.rows, v, "l2", { limit: 4 });
    expect(Array.from(table.getChild("score")!.toArray() as Float64Array)).toEqual(expected.map((e) => e.row.score));
  });

  it("select() may place _distance and _rowid explicitly", async () => {
    const table = await fixture.query().nearestTo(fixture.vector()).select(["_distance", "id", "_rowid"]).limit(2).toArrow();
    expect(table.schema.fields.map((f) => f.name)).toEqual(["_distance", "id", "_rowid"]);
  });

  it("select() with aliases evaluates SQL over the result rows, _distance included", async () => {
    const v = fixture.vector();
    const table = await fixture.query()
      .nearestTo(v)
      .select({ key: "id", doubled: "score * 2", far: "_distance > 1" })
      .limit(5)
      .toArrow();
    expect(table.schema.fields.map((f) => f.name)).toEqual(["key", "doubled", "far", "_distance"]);
    const expected = expectedNearest(fixture.rows, v, "l2", { limit: 5 });
    const rows = table.toArray();
    rows.forEach((row, i) => {
      expect(row.key).toBe(expected[i]!.id);
      expect(Number(row.doubled)).toBeCloseTo(expected[i]!.row.score * 2);
      expect(row.far).toBe(expected[i]!.distance > 1);
    });
  });

  it("a search that matches nothing returns zero rows with the full schema", async () => {
    const table = await fixture.query().nearestTo(fixture.vector()).where("id < 0").withRowId().toArrow();
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      "id:Int32",
      "category:Utf8",
      "score:Float64",
      "vector:FixedSizeList[8]<Float32>",
      "_distance:Float32",
      "_rowid:Uint64",
    ]);
    expect(await fixture.query().nearestTo(fixture.vector()).where("id < 0").toArray()).toEqual([]);
  });

  it("async iteration yields the result as record batches", async () => {
    const v = fixture.vector();
    const batches: RecordBatch[] = [];
    for await (const batch of fixture.query().nearestTo(v).limit(7)) batches.push(batch);
    expect(batches.reduce((n, b) => n + b.numRows, 0)).toBe(7);
    expect(batches[0]!.schema.fields.at(-1)!.name).toBe("_distance");
  });

  it("maxBatchLength splits the result", async () => {
    const table = await fixture.query().nearestTo(fixture.vector()).limit(10).toArrow({ maxBatchLength: 4 });
    expect(table.batches.map((b) => b.numRows)).toEqual([4, 4, 2]);
  });

  it("distanceRange keeps lower ≤ distance < upper, before the limit", async () => {
    // Integer vectors on a line: squared L2 distances to the origin are exact (0, 1, 4, 9, ...).
    const values = Array.from({ length: 20 }, (_, i) => [i, 0]).flat();
    const batch = makeBatch({ id: Array.from({ length: 20 }, (_, i) => i), vector: vectorData(Float32Array.from(values), 2) }, { id: new Int32() });
    const source = fakeSource(createFakeSnapshot("line", [{ batch }]));
    const ids = async (q: ReturnType<Query["nearestTo"]>) => Array.from((await q.toArrow()).getChild("id")!.toArray() as Int32Array);
    expect(await ids(new Query(source).nearestTo([0, 0]).distanceRange(4, 25))).toEqual([2, 3, 4]);
    expect(await ids(new Query(source).nearestTo([0, 0]).distanceRange(100).limit(3))).toEqual([10, 11, 12]);
    expect(await ids(new Query(source).nearestTo([0, 0]).distanceRange(undefined, 1))).toEqual([0]);
    expect(await ids(new Query(source).nearestTo([0, 0]).distanceRange(5, 5))).toEqual([]);
  });

  it("orders equal distances by row id, across fragments", async () => {
    const same = (n: number) => vectorData(new Float32Array(n * 2).fill(1), 2);
    const snapshot = createFakeSnapshot("ties", [
      { batch: makeBatch({ id: [0, 1, 2], vector: same(3) }, { id: new Int32() }), id: 5 },
      { batch: makeBatch({ id: [3, 4, 5], vector: same(3) }, { id: new Int32() }), id: 2 },
    ]);
    const table = await new Query(fakeSource(snapshot)).nearestTo([0, 0]).limit(4).toArrow();
    expect(Array.from(table.getChild("id")!.toArray() as Int32Array)).toEqual([3, 4, 5, 0]);
  });

  it("orders equal distances by row id when small fragments are searched together", async () => {
    const same = (n: number) => vectorData(new Float32Array(n * 2).fill(1), 2);
    const fragment = (id: number, first: number) => ({ batch: makeBatch({ id: [first, first + 1, first + 2], vector: same(3) }, { id: new Int32() }), id });
    const ids = async (fragmentIds: number[]) => {
      const snapshot = createFakeSnapshot("ties", fragmentIds.map((id, i) => fragment(id, i * 3)));
      const table = await new Query(fakeSource(snapshot)).nearestTo([0, 0]).limit(4).toArrow();
      return Array.from(table.getChild("id")!.toArray() as Int32Array);
    };
    expect(await ids([1, 2, 3])).toEqual([0, 1, 2, 3]);
    expect(await ids([3, 1, 2])).toEqual([3, 4, 5, 6]);
  });
});

describe("VectorQuery.toArrow(): vector columns", () => {
  it("never returns rows whose vector is null", async () => {
    const fixture = createVectorFixture({ sizes: [30, 30], nullEvery: 3, seed: 8 });
    const v = fixture.vector();
    const table = await fixture.query().nearestTo(v).limit(100).toArrow();
    expect(table.numRows).toBe(fixture.rows.filter((r) => r.vector !== null).length);
    expect(idsAndDistances(table).ids).toEqual(expectedNearest(fixture.rows, v, "l2", { limit: 100 }).map((e) => e.id));
  });

  it.each(METRICS)("searches Float16 vectors (%s) and returns them as Float16", async (metric) => {
    const fixture = createVectorFixture({ sizes: [50, 40], elementType: new Float16(), seed: 9 });
    const v = fixture.vector();
    const table = await fixture.query().nearestTo(v).distanceType(metric).toArrow();
    expect(String(table.schema.fields.find((f) => f.name === "vector")!.type)).toBe("FixedSizeList[8]<Float16>");
    const expected = expectedNearest(fixture.rows, v, metric, {});
    const got = idsAndDistances(table);
    expect(got.ids).toEqual(expected.map((e) => e.id));
    expectClose(got.distances, expected.map((e) => e.distance));
  });

  it("gives the same results when fragments come from Arrow IPC (buffers at non-zero offsets)", async () => {
    const memory = createVectorFixture({ sizes: [40, 70], seed: 12, deletedFraction: 0.05 });
    const ipc = createVectorFixture({ sizes: [40, 70], seed: 12, deletedFraction: 0.05, ipc: true });
    const v = memory.vector();
    for (const metric of METRICS) {
      const a = idsAndDistances(await memory.query().nearestTo(v).distanceType(metric).limit(15).toArrow());
      const b = idsAndDistances(await ipc.query().nearestTo(v).distanceType(metric).limit(15).toArrow());
      expect(b).toEqual(a);
    }
  });

  it("chooses the column named with .column() when the table has several", async () => {
    const batch = makeBatch(
      { id: [0, 1, 2], a: vectorData(Float32Array.from([0, 0, 5, 5, 9, 9]), 2), b: vectorData(Float32Array.from([9, 9, 9, 5, 5, 5, 0, 0, 0]), 3) },
      { id: new Int32() },
    );
    const source = fakeSource(createFakeSnapshot("two", [{ batch }]));
    const ids = async (column: string, v: number[]) =>
      Array.from((await new Query(source).nearestTo(v).column(column).limit(1).toArrow()).getChild("id")!.toArray() as Int32Array);
    expect(await ids("a", [0, 0])).toEqual([0]);
    expect(await ids("b", [0, 0, 0])).toEqual([2]);
    await expectQuiverError(
      new Query(source).nearestTo([0, 0]).toArray(),
      InvalidArgumentError,
      "INVALID_ARGUMENT",
      "'two'",
      "2 vector columns",
      "'a' and 'b'",
      ".column(",
    );
  });

  it("fails before reading data when the query vector's dimension differs from the column's", async () => {
    const fixture = createVectorFixture({ sizes: [10, 10], dims: 8 });
    const error = await expectQuiverError(
      fixture.query().nearestTo([1, 2, 3]).toArray(),
      SchemaMismatchError,
      "SCHEMA_MISMATCH",
      "No vector column found to match with the query vector dimension: 3",
      "'vector'",
      "'items'",
      "8-dimensional",
    );
    expect(error.context).toMatchObject({ table: "items", column: "vector", expected: "8 dimensions", actual: "3 dimensions" });
    expect(fixture.snapshot.loads).toEqual([0, 0]);
  });

  it("fails for an unknown or non-vector .column()", async () => {
    const fixture = createVectorFixture({ sizes: [5] });
    await expectQuiverError(fixture.query().nearestTo(fixture.vector()).column("nope").toArray(), ColumnNotFoundError, "COLUMN_NOT_FOUND", "'nope'", "'vector'");
    await expectQuiverError(
      fixture.query().nearestTo(fixture.vector()).column("score").toArray(),
      InvalidArgumentError,
      "INVALID_ARGUMENT",
      "'score' is not a vector column",
      "Float64",
    );
  });

  it("fails before reading data for unknown columns in select() and where()", async () => {
    const fixture = createVectorFixture({ sizes: [5, 5] });
    await expectQuiverError(
      fixture.query().nearestTo(fixture.vector()).select(["id", "nope"]).toArray(),
      ColumnNotFoundError,
      "COLUMN_NOT_FOUND",
      "'nope'",
      "'id', 'category', 'score', 'vector'",
    );
    await expectQuiverError(fixture.query().nearestTo(fixture.vector()).where("nope > 1").toArray(), ColumnNotFoundError, "COLUMN_NOT_FOUND", "nope");
    await expectQuiverError(fixture.query().select({ x: "nope + 1" }).toArray(), ColumnNotFoundError, "COLUMN_NOT_FOUND", "nope");
    expect(fixture.snapshot.loads).toEqual([0, 0]);
  });
});

describe("VectorQuery.addQueryVector(): several query vectors", () => {
  const fixture = createVectorFixture({ sizes: [50, 50], seed: 21, deletedFraction: 0.1 });

  it("searches each vector on its own and numbers the results with a leading query_index", async () => {
    const v0 = fixture.vector();
    const v1 = fixture.vector();
    const v2 = fixture.vector();
    const table = await fixture.query().nearestTo(v0).addQueryVector(v1).addQueryVector(v2).where("category != 'c'").limit(4).offset(1).toArrow();
    expect(table.schema.fields[0]!.name).toBe("query_index");
    expect(table.schema.fields[0]!.type).toBeInstanceOf(Int32);
    expect(table.schema.fields[0]!.nullable).toBe(false);
    const queryIndex = Array.from(table.getChild("query_index")!.toArray() as Int32Array);
    expect(queryIndex).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
    const ids = Array.from(table.getChild("id")!.toArray() as Int32Array);
    [v0, v1, v2].forEach((v, q) => {
      const expected = expectedNearest(fixture.rows, v, "l2", { limit: 4, offset: 1, keep: (r) => r.category !== "c" });
      expect(ids.slice(q * 4, q * 4 + 4)).toEqual(expected.map((e) => e.id));
    });
  });

  it("resolves a promised query vector when the query runs, and reports its rejection there", async () => {
    const v = fixture.vector();
    const table = await fixture.query().nearestTo(Promise.resolve(Array.from(v))).limit(3).toArrow();
    expect(idsAndDistances(table).ids).toEqual(expectedNearest(fixture.rows, v, "l2", { limit: 3 }).map((e) => e.id));
    const failing = fixture.query().nearestTo(Promise.reject(new Error("embedding service down")));
    await expect(failing.toArray()).rejects.toThrow("embedding service down");
    await expectQuiverError(fixture.query().nearestTo(Promise.resolve([1, 2])).toArray(), SchemaMismatchError, "SCHEMA_MISMATCH", "dimension: 2");
  });
});

describe("VectorQuery.toArrow(): larger tables", () => {
  it("matches the reference over many small fragments, searched together in blocks", async () => {
    // Fragments of 1–40 rows, one too large for a block in the middle, and fragment ids out of commit order
    // in places (a block never takes a fragment after one of larger id).
    const sizes = Array.from({ length: 90 }, (_, i) => (i === 45 ? 1500 : 1 + ((i * 37) % 40)));
    const fragmentIds = sizes.map((_, i) => (i % 30 === 17 ? 1000 - i : i));
    const fixture = createVectorFixture({ sizes, fragmentIds, dims: 32, seed: 7, deletedFraction: 0.05, nullEvery: 53, ipc: true });
    const filters: [string | undefined, (r: { id: number }) => boolean][] = [
      [undefined, () => true],
      ["id % 3 = 0", (r) => r.id % 3 === 0],
      ["id % 97 = 0", (r) => r.id % 97 === 0],
    ];
    for (const [where, keep] of filters) {
      for (const metric of METRICS) {
        const v = fixture.vector();
        const query = fixture.query().nearestTo(v).distanceType(metric).limit(30);
        const table = await (where === undefined ? query : query.where(where)).toArrow();
        const expected = expectedNearest(fixture.rows, v, metric, { limit: 30, keep });
        expect(idsAndDistances(table).ids).toEqual(expected.map((e) => e.id));
      }
    }
  });

  it("matches the reference with many fragments, deletions and filters of every selectivity", async () => {
    const fixture = createVectorFixture({ sizes: [500, 300, 700, 1], dims: 32, seed: 31, deletedFraction: 0.02, nullEvery: 97 });
    for (const [where, keep] of [
      ["id % 2 = 0", (r: { id: number }) => r.id % 2 === 0],
      ["id % 50 = 0", (r: { id: number }) => r.id % 50 === 0],
      ["id > 5", (r: { id: number }) => r.id > 5],
    ] as const) {
      for (const metric of METRICS) {
        const v = fixture.vector();
        const table = await fixture.query().nearestTo(v).distanceType(metric).where(where).limit(25).toArrow();
        expect(idsAndDistances(table).ids).toEqual(expectedNearest(fixture.rows, v, metric, { limit: 25, keep }).map((e) => e.id));
      }
    }
  });
});
