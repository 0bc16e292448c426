// Vector indexes through tables: building HNSW-SQ, recall against exact
// search, rows added or deleted after the build, filters, optimize, versions,
// reopening, cancelled and failed builds, and the errors a user can meet.
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { Field, FixedSizeList, Float16, Float32, Int32, Schema } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { Index, InvalidArgumentError, NotSupportedError, OperationAbortedError, type Table, connect } from "../../src/index.js";
import { expectQuiverError } from "../helpers/expect-error.js";
import { expectFailedWrite } from "../helpers/expect-failed-write.js";
import { makeTempDir } from "../helpers/temp-dir.js";
import { ids, indexUsed, meanRecallThroughIndex } from "../helpers/vector-search-checks.js";
import { clusteredVectors, recall } from "../indices/vector/clustered-vectors.js";

const DIMS = 24;
const ROWS = 3000;

interface Row {
  id: number;
  vector: number[];
}

async function indexedTable(options: { rows?: number; distanceType?: "l2" | "cosine" | "dot"; uri?: string } = {}): Promise<{ table: Table; rows: Row[]; uri: string }> {
  const uri = options.uri ?? (await makeTempDir());
  const db = await connect(uri);
  const rows = clusteredVectors(options.rows ?? ROWS, DIMS).map((vector, id) => ({ id, vector }));
  const table = await db.createTable("items", rows);
  await table.createIndex("vector", { config: Index.hnswSq({ distanceType: options.distanceType ?? "l2" }) });
  return { table, rows, uri };
}



describe("Table.createIndex() with Index.hnswSq()", () => {
  it.each(["l2", "cosine", "dot"] as const)("finds the exact top 10 with recall ≥ 0.95 and exact distances (%s)", async (distanceType) => {
    const { table, rows } = await indexedTable({ distanceType });
    const queries = [5, 321, 777, 1500, 2222, 2999, 42, 1234];
    expect(await meanRecallThroughIndex(queries, (q) => table.search(rows[q]!.vector).distanceType(distanceType).limit(10))).toBeGreaterThanOrEqual(0.95);
  });

  it("is listed, described with its distance type, and dropped", async () => {
    const { table } = await indexedTable({ rows: 1500, distanceType: "cosine" });
    expect(await table.listIndices()).toEqual([{ name: "vector_idx", indexType: "IvfHnswSq", columns: ["vector"] }]);
    expect(await table.indexStats("vector_idx")).toEqual({ numIndexedRows: 1500, numUnindexedRows: 0, indexType: "IVF_HNSW_SQ", distanceType: "cosine", numIndices: 1 });
    await table.dropIndex("vector_idx");
    expect(await table.listIndices()).toEqual([]);
    expect(await indexUsed(table.search(new Array(DIMS).fill(0.5)).distanceType("cosine"))).toBe("flat");
  });

  it("is not used by a search with another distance type (that search is exact)", async () => {
    const { table, rows } = await indexedTable({ rows: 1500, distanceType: "cosine" });
    const q = table.search(rows[3]!.vector).distanceType("l2").limit(5);
    expect(await indexUsed(q)).toBe("flat");
    expect(await ids(q.toArray())).toEqual(await ids(table.search(rows[3]!.vector).distanceType("l2").limit(5).bypassVectorIndex().toArray()));
  });

  it("builds HNSW-SQ when createIndex has no config on a vector column", async () => {
    const db = await connect(await makeTempDir());
    const table = await db.createTable("items", clusteredVectors(1200, DIMS).map((vector, id) => ({ id, vector })));
    await table.createIndex("vector");
    expect(await table.listIndices()).toEqual([{ name: "vector_idx", indexType: "IvfHnswSq", columns: ["vector"] }]);
  });

  it("indexes a Float16 vector column", async () => {
    const db = await connect(await makeTempDir());
    const schema = new Schema([new Field("id", new Int32()), new Field("vector", new FixedSizeList(DIMS, new Field("item", new Float16())))]);
    const table = await db.createEmptyTable("half", schema);
    const vectors = clusteredVectors(2000, DIMS);
    await table.add(vectors.map((vector, id) => ({ id, vector })));
    await table.createIndex("vector", { config: Index.hnswSq() });
    const search = () => table.search(vectors[77]!).limit(10);
    expect(await indexUsed(search())).toBe("vector_idx");
    const exact = await ids(search().bypassVectorIndex().toArray());
    expect(recall(await ids(search().toArray()), exact)).toBeGreaterThanOrEqual(0.9);
    expect((await search().toArray())[0]!.id).toBe(77);
  });

  it("indexes two vector columns, each with its own index and metric", async () => {
    const db = await connect(await makeTempDir());
    const a = clusteredVectors(1500, DIMS, { seed: 1 });
    const b = clusteredVectors(1500, 8, { seed: 2 });
    const list = (dims: number) => new FixedSizeList(dims, new Field("item", new Float32()));
    const table = await db.createEmptyTable("two", new Schema([new Field("id", new Int32()), new Field("vector", list(DIMS)), new Field("small", list(8))]));
    await table.add(a.map((vector, id) => ({ id, vector, small: b[id]! })));
    await table.createIndex("vector", { config: Index.hnswSq({ distanceType: "l2" }) });
    await table.createIndex("small", { config: Index.hnswSq({ distanceType: "cosine" }) });
    expect((await table.listIndices()).map((i) => i.name).sort()).toEqual(["small_idx", "vector_idx"]);
    expect(await indexUsed(table.search(a[10]!).column("vector"))).toBe("vector_idx");
    expect(await indexUsed(table.search(b[10]!).column("small").distanceType("cosine"))).toBe("small_idx");
    expect((await table.search(b[10]!).column("small").distanceType("cosine").limit(1).toArray())[0]!.id).toBe(10);
  });
});

describe("vector search with an index", () => {
  it("finds rows added after the build (searched exactly), and optimize folds them into the index", async () => {
    const { table, rows } = await indexedTable({ rows: 2000 });
    const far = rows[5]!.vector.map((v) => v + 50);
    await table.add([{ id: 9000, vector: far }]);
    expect(await table.indexStats("vector_idx")).toMatchObject({ numIndexedRows: 2000, numUnindexedRows: 1 });
    expect(await ids(table.search(far).limit(1).toArray())).toEqual([9000]);
    expect(await ids(table.search(far).limit(1).fastSearch().toArray())).not.toContain(9000);

    await table.optimize();
    expect(await table.indexStats("vector_idx")).toMatchObject({ numIndexedRows: 2001, numUnindexedRows: 0 });
    expect(await ids(table.search(far).limit(1).fastSearch().toArray())).toEqual([9000]);
    const q = rows[700]!.vector;
    expect(recall(await ids(table.search(q).limit(10).toArray()), await ids(table.search(q).limit(10).bypassVectorIndex().toArray()))).toBeGreaterThanOrEqual(0.9);
  });

  it("never returns deleted rows, before and after optimize", async () => {
    const { table, rows } = await indexedTable({ rows: 2000 });
    const q = rows[100]!.vector;
    const nearest = await ids(table.search(q).limit(20).toArray());
    await table.delete(`id IN (${nearest.slice(0, 10).join(", ")})`);
    const after = await ids(table.search(q).limit(20).toArray());
    expect(after).toHaveLength(20);
    for (const id of nearest.slice(0, 10)) expect(after).not.toContain(id);
    await table.optimize();
    const optimized = await ids(table.search(q).limit(20).toArray());
    for (const id of nearest.slice(0, 10)) expect(optimized).not.toContain(id);
    expect(optimized).toHaveLength(20);
  });

  it("prefilters: k rows come back whenever k rows qualify, even under a very selective filter", async () => {
    const { table, rows } = await indexedTable();
    const q = rows[10]!.vector;
    const selective = await table.search(q).where("id % 500 = 7").limit(5).toArray();
    expect(selective.map((r) => r.id)).toEqual(await ids(table.search(q).where("id % 500 = 7").limit(5).bypassVectorIndex().toArray()));
    expect(selective).toHaveLength(5);
    // A filter that keeps half of the rows goes through the index.
    const half = () => table.search(q).where("id % 2 = 1").limit(10);
    expect(await indexUsed(half())).toBe("vector_idx");
    const hits = await half().toArray();
    expect(hits).toHaveLength(10);
    for (const hit of hits) expect((hit.id as number) % 2).toBe(1);
    expect(recall(hits.map((r) => r.id as number), await ids(half().bypassVectorIndex().toArray()))).toBeGreaterThanOrEqual(0.9);
  });

  it("postfilters when asked: the nearest rows first, then the filter (fewer rows may come back)", async () => {
    const { table, rows } = await indexedTable({ rows: 2000 });
    const hits = await table.search(rows[16]!.vector).where("id % 16 = 0").postfilter().limit(10).toArray();
    expect(hits.length).toBeGreaterThan(0);
    for (const hit of hits) expect((hit.id as number) % 16).toBe(0);
  });

  it("honours distanceRange on exact distances", async () => {
    const { table, rows } = await indexedTable({ rows: 2000 });
    const q = rows[1]!.vector;
    const exact = await table.search(q).distanceRange(0.5, 4).limit(10).bypassVectorIndex().toArray();
    const hits = await table.search(q).distanceRange(0.5, 4).limit(10).toArray();
    for (const hit of hits) expect(hit._distance as number).toBeGreaterThanOrEqual(0.5);
    for (const hit of hits) expect(hit._distance as number).toBeLessThan(4);
    expect(recall(hits.map((r) => r.id as number), exact.map((r) => r.id as number))).toBeGreaterThanOrEqual(0.8);
  });

  it("bypassVectorIndex() gives the exact search's rows and distances", async () => {
    const { table, rows } = await indexedTable({ rows: 1500 });
    const q = rows[9]!.vector;
    const bypassed = await table.search(q).limit(10).bypassVectorIndex().toArray();
    await table.dropIndex("vector_idx");
    const exact = await table.search(q).limit(10).toArray();
    expect(bypassed.map((r) => [r.id, r._distance])).toEqual(exact.map((r) => [r.id, r._distance]));
  });

  it("searches several query vectors through the index", async () => {
    const { table, rows } = await indexedTable({ rows: 1500 });
    const hits = await table.search(rows[3]!.vector).addQueryVector(rows[900]!.vector).limit(1).toArray();
    expect(hits.map((r) => [r.query_index, r.id])).toEqual([
      [0, 3],
      [1, 900],
    ]);
  });

  it("uses the index of the checked-out version, and a reopened connection loads the stored index", async () => {
    const { table, rows, uri } = await indexedTable({ rows: 1500 });
    const indexedVersion = await table.version();
    await table.dropIndex("vector_idx");
    await table.checkout(indexedVersion);
    expect(await indexUsed(table.search(rows[2]!.vector))).toBe("vector_idx");
    await table.checkoutLatest();
    expect(await indexUsed(table.search(rows[2]!.vector))).toBe("flat");
    await table.checkout(indexedVersion);
    await table.restore();
    const reopened = await (await connect(uri)).openTable("items");
    expect(await indexUsed(reopened.search(rows[2]!.vector))).toBe("vector_idx");
    expect((await reopened.search(rows[2]!.vector).limit(1).toArray())[0]!.id).toBe(2);
  });

  it("works on a memory:// table (the index is loaded from bytes)", async () => {
    const db = await connect("memory://");
    const vectors = clusteredVectors(1500, DIMS);
    const table = await db.createTable("mem", vectors.map((vector, id) => ({ id, vector })));
    await table.createIndex("vector", { config: Index.hnswSq() });
    expect(await indexUsed(table.search(vectors[8]!))).toBe("vector_idx");
    expect((await table.search(vectors[8]!).limit(1).toArray())[0]!.id).toBe(8);
  });
});

describe("building a vector index", () => {
  it("reports progress from 0 to 1, never decreasing", async () => {
    const db = await connect(await makeTempDir());
    const table = await db.createTable("items", clusteredVectors(2000, DIMS).map((vector, id) => ({ id, vector })));
    const seen: number[] = [];
    await table.createIndex("vector", { config: Index.hnswSq(), onProgress: (f) => seen.push(f) });
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.at(-1)).toBe(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
  });

  it("cancelled by an AbortSignal, leaves rows, versions and the old index unchanged", async () => {
    const { table, rows, uri } = await indexedTable({ rows: 2000 });
    const controller = new AbortController();
    await expectFailedWrite(
      table,
      () => table.createIndex("vector", { config: Index.hnswSq({ m: 8 }), signal: controller.signal, onProgress: (f) => (f > 0.3 ? controller.abort() : undefined) }),
      OperationAbortedError,
      "ABORTED",
      'createIndex("vector")',
    );
    expect(await table.indexStats("vector_idx")).toMatchObject({ numIndexedRows: 2000 });
    expect(await indexUsed(table.search(rows[1]!.vector))).toBe("vector_idx");
    expect(await readdir(join(uri, "items.quiver", "_indices"))).toHaveLength(1);
  });

  it("failing midway leaves the table and its old index unchanged", async () => {
    const { table, uri } = await indexedTable({ rows: 2000 });
    const before = await table.listIndices();
    await expectUnchangedFailure(table, () =>
      table.createIndex("vector", {
        config: Index.hnswSq(),
        onProgress: (f) => {
          if (f > 0.5) throw new RangeError("disk full (simulated)");
        },
      }),
    );
    expect(await table.listIndices()).toEqual(before);
    expect(await readdir(join(uri, "items.quiver", "_indices"))).toHaveLength(1);
  });

  it("lets queries run while it builds", async () => {
    const db = await connect(await makeTempDir());
    const vectors = clusteredVectors(4000, DIMS);
    const table = await db.createTable("items", vectors.map((vector, id) => ({ id, vector })));
    let built = false;
    const building = table.createIndex("vector", { config: Index.hnswSq({ efConstruction: 400 }) }).then(() => (built = true));
    const hits = await table.search(vectors[3]!).limit(1).toArray();
    expect(hits[0]!.id).toBe(3);
    expect(built).toBe(false);
    await building;
  });
});

describe("vector index errors", () => {
  it("refuses wrong options at Index.hnswSq(), naming the option, expected and actual", async () => {
    await expectQuiverError(() => Index.hnswSq({ m: 1 }), InvalidArgumentError, "INVALID_ARGUMENT", "Index.hnswSq", "m must be an integer from 2 to 512, got 1", "{m: 20}");
    await expectQuiverError(() => Index.hnswSq({ efConstruction: 1.5 }), InvalidArgumentError, "INVALID_ARGUMENT", "efConstruction", "got 1.5");
    await expectQuiverError(() => Index.hnswSq({ distanceType: "hamming" as "l2" }), InvalidArgumentError, "INVALID_ARGUMENT", "distanceType", "hamming");
    await expectQuiverError(() => Index.hnswSq({ efConstrution: 100 } as object), InvalidArgumentError, "INVALID_ARGUMENT", "unknown option 'efConstrution'");
    await expectQuiverError(() => Index.ivfPq({ numBits: 6 }), InvalidArgumentError, "INVALID_ARGUMENT", "numBits must be 4 or 8");
  });

  it("refuses a vector index on a column that is not a vector, naming table and column", async () => {
    const db = await connect(await makeTempDir());
    const table = await db.createTable("items", [{ id: 1, text: "a", vector: [1, 2] }]);
    await expectFailedWrite(table, () => table.createIndex("text", { config: Index.hnswSq() }), InvalidArgumentError, "INVALID_ARGUMENT", "table 'items'", "'text'", "vector column");
  });

  it("refuses an index kind it does not build (IVF-RQ) with NotSupportedError that points to hnswSq (IVF and HNSW-PQ: their own test files)", async () => {
    const db = await connect(await makeTempDir());
    const table = await db.createTable("items", [{ id: 1, vector: [1, 2] }]);
    await expectFailedWrite(table, () => table.createIndex("vector", { config: Index.ivfRq() }), NotSupportedError, "NOT_SUPPORTED", "ivfRq", "Index.hnswSq()");
  });

  it("refuses a signal that is not an AbortSignal", async () => {
    const db = await connect(await makeTempDir());
    const table = await db.createTable("items", [{ id: 1, vector: [1, 2] }]);
    await expectFailedWrite(table, () => table.createIndex("vector", { signal: {} as AbortSignal }), InvalidArgumentError, "INVALID_ARGUMENT", "signal must be an AbortSignal");
  });
});

async function expectUnchangedFailure(table: Table, operation: () => Promise<unknown>): Promise<void> {
  const before = { rows: await table.countRows(), version: await table.version() };
  await expect(operation()).rejects.toThrow("disk full (simulated)");
  expect({ rows: await table.countRows(), version: await table.version() }).toEqual(before);
}
