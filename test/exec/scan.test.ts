import { Int32, type RecordBatch, Utf8 } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { Query } from "../../src/query/index.js";
import { createFakeSnapshot, fakeSource, makeBatch } from "./fake-snapshot.js";
import { createVectorFixture } from "./vector-fixture.js";

function ids(table: { getChild(name: string): { toArray(): unknown } | null }): number[] {
  return Array.from(table.getChild("id")!.toArray() as Int32Array);
}

describe("Query.toArrow(): scans", () => {
  const fixture = createVectorFixture({ sizes: [40, 0, 25, 35], seed: 2, deletedFraction: 0.2, fragmentIds: [1, 2, 4, 8] });
  const live = fixture.rows.filter((r) => !r.deleted);

  it("returns every live row in fragment order, all columns, no limit by default", async () => {
    const table = await fixture.query().toArrow();
    expect(ids(table)).toEqual(live.map((r) => r.id));
    expect(table.schema.fields.map((f) => f.name)).toEqual(["id", "category", "score", "vector"]);
  });

  it("applies where() with deletions", async () => {
    const table = await fixture.query().where("category = 'a' AND score > 10").toArrow();
    expect(ids(table)).toEqual(live.filter((r) => r.category === "a" && r.score > 10).map((r) => r.id));
  });

  it("joins repeated where() calls with AND", async () => {
    const table = await fixture.query().where("id > 10").where("id < 30").toArrow();
    expect(ids(table)).toEqual(live.filter((r) => r.id > 10 && r.id < 30).map((r) => r.id));
  });

  it("applies offset and limit across fragment boundaries, with and without a filter", async () => {
    const filtered = live.filter((r) => r.category !== "b");
    for (const [offset, limit] of [
      [0, 1],
      [3, 10],
      [30, 20],
      [38, 5],
      [60, 100],
      [200, 5],
    ] as const) {
      expect(ids(await fixture.query().offset(offset).limit(limit).toArrow())).toEqual(live.slice(offset, offset + limit).map((r) => r.id));
      expect(ids(await fixture.query().where("category != 'b'").offset(offset).limit(limit).toArrow())).toEqual(
        filtered.slice(offset, offset + limit).map((r) => r.id),
      );
    }
    expect(ids(await fixture.query().offset(5).toArrow())).toEqual(live.slice(5).map((r) => r.id));
  });

  it("stops reading fragments once the limit is met, and skips fragments an offset covers", async () => {
    const local = createVectorFixture({ sizes: [10, 10, 10, 10], seed: 4 });
    await local.query().limit(5).toArray();
    expect(local.snapshot.loads).toEqual([1, 0, 0, 0]);
    await local.query().offset(25).limit(3).toArray();
    expect(local.snapshot.loads).toEqual([1, 0, 1, 0]);
    await local.query().limit(0).toArray();
    expect(local.snapshot.loads).toEqual([1, 0, 1, 0]);
  });

  it("withRowId adds _rowid = fragment id · 2^32 + offset, last", async () => {
    const table = await fixture.query().where("id > 30").withRowId().toArrow();
    expect(table.schema.fields.at(-1)!.name).toBe("_rowid");
    const expected = live.filter((r) => r.id > 30).map((r) => (BigInt(r.fragmentId) << 32n) | BigInt(r.offset));
    expect(Array.from(table.getChild("_rowid")!.toArray() as BigUint64Array)).toEqual(expected);
  });

  it("select() picks columns in the given order, and computes aliased SQL expressions", async () => {
    const picked = await fixture.query().select(["score", "id"]).limit(3).toArrow();
    expect(picked.schema.fields.map((f) => f.name)).toEqual(["score", "id"]);
    const computed = await fixture.query().select(new Map([["twice", "score * 2"], ["label", "category"]])).limit(4).toArray();
    expect(computed.map((r) => ({ twice: Number(r.twice), label: r.label }))).toEqual(
      live.slice(0, 4).map((r) => ({ twice: r.score * 2, label: r.category })),
    );
    const single = await fixture.query().select("id").limit(2).toArrow();
    expect(single.schema.fields.map((f) => f.name)).toEqual(["id"]);
  });

  it("keeps the schema when no row matches", async () => {
    const table = await fixture.query().where("id < 0").select({ id: "id", half: "score / 2" }).withRowId().toArrow();
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((f) => f.name)).toEqual(["id", "half", "_rowid"]);
    const limited = await fixture.query().limit(0).toArrow();
    expect(limited.numRows).toBe(0);
    expect(limited.schema.fields.map((f) => f.name)).toEqual(["id", "category", "score", "vector"]);
  });

  it("yields record batches when iterated, cut at maxBatchLength", async () => {
    const batches: RecordBatch[] = [];
    for await (const batch of fixture.query()) batches.push(batch);
    expect(batches.reduce((n, b) => n + b.numRows, 0)).toBe(live.length);
    const table = await fixture.query().toArrow({ maxBatchLength: 4 });
    expect(table.numRows).toBe(live.length);
    expect(Math.max(...table.batches.map((b) => b.numRows))).toBeLessThanOrEqual(4);
    expect(ids(table)).toEqual(live.map((r) => r.id));
  });

  it("returns the same rows whether selected rows form long runs (slices) or are scattered (gathered)", async () => {
    const n = 1000;
    const batch = makeBatch(
      { id: Array.from({ length: n }, (_, i) => i), name: Array.from({ length: n }, (_, i) => `row ${i}`) },
      { id: new Int32(), name: new Utf8() },
    );
    const source = fakeSource(createFakeSnapshot("runs", [{ batch, deleted: [3, 500] }]));
    const runs = await new Query(source).where("id >= 100 AND id < 700").toArray();
    expect(runs.map((r) => r.id)).toEqual(Array.from({ length: 600 }, (_, i) => 100 + i).filter((i) => i !== 500));
    const scattered = await new Query(source).where("id % 3 = 1").toArray();
    expect(scattered.map((r) => r.id)).toEqual(Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 === 1));
    expect(scattered.map((r) => r.name)).toEqual(scattered.map((r) => `row ${r.id}`));
  });

  it("toArray() returns rows whose fields read by name, as LanceDB's do", async () => {
    const [row] = await fixture.query().limit(1).toArray();
    expect(row.id).toBe(live[0]!.id);
    expect(row.category).toBe(live[0]!.category);
    expect(Object.keys(row)).toEqual(["id", "category", "score", "vector"]);
  });

  it("takes a new snapshot for every execution", async () => {
    const local = createVectorFixture({ sizes: [3] });
    const query = local.query();
    await query.toArray();
    await query.toArrow();
    for await (const batch of query) void batch;
    expect(local.source.snapshots).toBe(3);
  });
});
