import { Int32 } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { QuiverError } from "../../src/errors.js";
import { readFragments } from "../../src/exec/fragment-reader.js";
import { Query } from "../../src/query/index.js";
import type { FragmentSnapshot } from "../../src/storage/table-snapshot.js";
import { expectQuiverError } from "../helpers/expect-error.js";
import { createFakeSnapshot, fakeSource, makeBatch, vectorData } from "./fake-snapshot.js";
import { createVectorFixture } from "./vector-fixture.js";

function slowFragment(base: FragmentSnapshot, ms: number, log: string[]): FragmentSnapshot {
  return {
    ...base,
    load: async () => {
      log.push(`load ${base.id}`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      return base.load();
    },
    deletionMask: () => base.deletionMask(),
  };
}

describe("readFragments()", () => {
  it("loads on demand without read-ahead, one ahead with it", async () => {
    const fixture = createVectorFixture({ sizes: [2, 2, 2] });
    const log: string[] = [];
    const fragments = fixture.snapshot.fragments.map((f) => slowFragment(f, 1, log));
    for await (const loaded of readFragments(fragments, { readAhead: false })) log.push(`use ${loaded.fragment.id}`);
    expect(log).toEqual(["load 0", "use 0", "load 1", "use 1", "load 2", "use 2"]);
    log.length = 0;
    for await (const loaded of readFragments(fragments, { readAhead: true })) log.push(`use ${loaded.fragment.id}`);
    expect(log).toEqual(["load 0", "load 1", "use 0", "load 2", "use 1", "use 2"]);
  });

  it("takes fragments already in memory as they are, and loads only the others", async () => {
    const fixture = createVectorFixture({ sizes: [2, 2, 2] });
    const [a, b, c] = fixture.snapshot.fragments as FragmentSnapshot[];
    const batchA = await a!.load();
    const log: string[] = [];
    const inMemory: FragmentSnapshot = { ...slowFragment(a!, 1, log), cached: () => ({ batch: batchA, deleted: null }) };
    const notYet: FragmentSnapshot = { ...slowFragment(b!, 1, log), cached: () => undefined };
    const seen: number[] = [];
    for await (const loaded of readFragments([inMemory, notYet, slowFragment(c!, 1, log)], { readAhead: true })) {
      seen.push(loaded.fragment.id);
      if (loaded.fragment.id === 0) expect(loaded.batch).toBe(batchA);
    }
    expect(seen).toEqual([0, 1, 2]);
    expect(log).toEqual(["load 1", "load 2"]);
  });

  it("reports a failed read-ahead where it is used, not as an unhandled rejection", async () => {
    const fixture = createVectorFixture({ sizes: [2, 2] });
    const [first, second] = fixture.snapshot.fragments;
    const broken: FragmentSnapshot = { ...second!, load: async () => Promise.reject(new Error("disk gone")), deletionMask: async () => null };
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const loaded of readFragments([first!, broken], { readAhead: true })) seen.push(loaded.fragment.id);
      })(),
    ).rejects.toThrow("disk gone");
    expect(seen).toEqual([0]);
  });
});

describe("Query.toArrow(): edge cases", () => {
  it("a table whose rows are all deleted returns zero rows with the schema", async () => {
    const batch = makeBatch({ id: [1, 2], vector: vectorData(Float32Array.from([0, 0, 1, 1]), 2) }, { id: new Int32() });
    const source = fakeSource(createFakeSnapshot("gone", [{ batch, deleted: [0, 1] }]));
    const scan = await new Query(source).toArrow();
    expect(scan.numRows).toBe(0);
    expect(scan.schema.fields.map((f) => f.name)).toEqual(["id", "vector"]);
    const search = await new Query(source).nearestTo([0, 0]).toArrow();
    expect(search.numRows).toBe(0);
    expect(search.schema.fields.map((f) => f.name)).toEqual(["id", "vector", "_distance"]);
  });

  it("timeoutMs stops a query that runs too long, between fragments", async () => {
    const fixture = createVectorFixture({ sizes: [3, 3, 3, 3] });
    const log: string[] = [];
    const slow = { ...fixture.snapshot, fragments: fixture.snapshot.fragments.map((f) => slowFragment(f, 30, log)) };
    const source = fakeSource(slow);
    const error = await expectQuiverError(new Query(source).toArray({ timeoutMs: 40 }), QuiverError, "QUIVER_ERROR", "Query timeout", "'items'", "timeoutMs=40");
    expect(error.message).toContain("raise timeoutMs");
    await expectQuiverError(new Query(source).nearestTo(fixture.vector()).toArray({ timeoutMs: 40 }), QuiverError, "QUIVER_ERROR", "Query timeout");
    expect(await new Query(source).toArray({ timeoutMs: 10_000 })).toHaveLength(12);
  });

  it("searches Float64 vectors, converted to float32 once", async () => {
    const { Float64 } = await import("apache-arrow");
    const batch = makeBatch({ id: [0, 1, 2], vector: vectorData(Float32Array.from([3, 3, 1, 1, 2, 2]), 2, [], new Float64()) }, { id: new Int32() });
    const source = fakeSource(createFakeSnapshot("f64", [{ batch }]));
    const rows = await new Query(source).nearestTo([0, 0]).toArray();
    expect(rows.map((r) => [r.id, r._distance])).toEqual([
      [1, 2],
      [2, 8],
      [0, 18],
    ]);
  });
});
