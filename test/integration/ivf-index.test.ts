// IVF-Flat and IVF-PQ indexes through tables: recall against exact search,
// nprobes and refineFactor, rows added or deleted after the build, filters,
// optimize (assignment without retraining), versions, reopening, Float16 and
// several vector columns, cancelled and failed builds, and option errors.
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { Field, FixedSizeList, Float16, Float32, Int32, Schema } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { Index, InvalidArgumentError, OperationAbortedError, type Table, connect } from "../../src/index.js";
import { expectFailedWrite } from "../helpers/expect-failed-write.js";
import { makeTempDir } from "../helpers/temp-dir.js";
import { ids, indexUsed, meanRecallThroughIndex } from "../helpers/vector-search-checks.js";
import { clusteredVectors, recall } from "../indices/vector/clustered-vectors.js";

const DIMS = 24;
const ROWS = 2000;

type Kind = "ivfFlat" | "ivfPq";
type Metric = "l2" | "cosine" | "dot";

interface Row {
  id: number;
  vector: number[];
}

function config(kind: Kind, distanceType: Metric = "l2", numPartitions?: number): Index {
  const partitions = numPartitions === undefined ? {} : { numPartitions };
  return kind === "ivfFlat" ? Index.ivfFlat({ distanceType, ...partitions }) : Index.ivfPq({ distanceType, numSubVectors: 12, ...partitions });
}

async function indexedTable(options: { kind?: Kind; rows?: number; distanceType?: Metric; numPartitions?: number; uri?: string } = {}): Promise<{ table: Table; rows: Row[]; uri: string }> {
  const uri = options.uri ?? (await makeTempDir());
  const db = await connect(uri);
  const rows = clusteredVectors(options.rows ?? ROWS, DIMS).map((vector, id) => ({ id, vector }));
  const table = await db.createTable("items", rows);
  await table.createIndex("vector", { config: config(options.kind ?? "ivfFlat", options.distanceType, options.numPartitions) });
  return { table, rows, uri };
}

const QUERIES = [5, 321, 777, 1500, 1999, 42, 1234, 1888];

describe("Table.createIndex() with Index.ivfFlat()", () => {
  it.each(["ivfFlat", "ivfPq"] as const)("%s with fewer partitions than the default 20 probes searches them all without nprobes set", async (kind) => {
    const { table, rows } = await indexedTable({ kind, numPartitions: 8 });
    const hits = await ids(table.search(rows[777]!.vector).limit(10).refineFactor(kind === "ivfPq" ? 10 : 1).toArray());
    expect(hits[0]).toBe(777);
    expect(recall(hits, await ids(table.search(rows[777]!.vector).limit(10).bypassVectorIndex().toArray()))).toBeGreaterThanOrEqual(0.9);
  });

  it.each(["l2", "cosine", "dot"] as const)("finds the exact top 10 with recall ≥ 0.95 and exact distances (%s)", async (distanceType) => {
    const { table, rows } = await indexedTable({ distanceType });
    expect(await meanRecallThroughIndex(QUERIES, (q) => table.search(rows[q]!.vector).distanceType(distanceType).limit(10))).toBeGreaterThanOrEqual(0.95);
  });

  it("nprobes trades recall for work: all partitions give the exact answer, one gives less", async () => {
    // Spread-out clusters that straddle partitions, so one probe misses neighbours.
    const db = await connect(await makeTempDir());
    const vectors = clusteredVectors(ROWS, DIMS, { clusters: 4, spread: 1.5 });
    const table = await db.createTable("items", vectors.map((vector, id) => ({ id, vector })));
    await table.createIndex("vector", { config: Index.ivfFlat({ numPartitions: 32 }) });
    let one = 0;
    for (const q of QUERIES) {
      const exact = await table.search(vectors[q]!).limit(10).bypassVectorIndex().toArray();
      const all = await table.search(vectors[q]!).limit(10).nprobes(32).toArray();
      expect(all.map((r) => [r.id, r._distance])).toEqual(exact.map((r) => [r.id, r._distance]));
      one += recall(await ids(table.search(vectors[q]!).limit(10).nprobes(1).toArray()), exact.map((r) => r.id as number));
      // minimumNprobes / maximumNprobes are accepted the same way.
      expect(await ids(table.search(vectors[q]!).limit(10).minimumNprobes(32).maximumNprobes(0).toArray())).toEqual(exact.map((r) => r.id));
    }
    expect(one / QUERIES.length).toBeLessThan(0.95);
    const plan = await table.search(vectors[0]!).nprobes(1).limit(10).analyzePlan();
    expect(plan).toMatch(/index=vector_idx/);
  });

  it.each(["ivfFlat", "ivfPq"] as const)("unfiltered with an explicit nprobes never falls back to an exact search (%s)", async (kind) => {
    // 32 partitions of about 62 rows: limit 100 with nprobes(1) needs more rows than the probed partition holds.
    const db = await connect(await makeTempDir());
    const vectors = clusteredVectors(ROWS, DIMS, { clusters: 4, spread: 1.5 });
    const table = await db.createTable("items", vectors.map((vector, id) => ({ id, vector })));
    const partitions = { numPartitions: 32 };
    await table.createIndex("vector", { config: kind === "ivfFlat" ? Index.ivfFlat(partitions) : Index.ivfPq({ numSubVectors: 12, ...partitions }) });
    for (const q of QUERIES) {
      for (const [limit, nprobes, refineFactor] of [[10, 1, undefined], [10, 5, 5], [100, 1, undefined], [100, 2, 5], [100, 32, undefined]] as const) {
        const search = () => {
          const s = table.search(vectors[q]!).limit(limit).nprobes(nprobes);
          return refineFactor === undefined ? s : s.refineFactor(refineFactor);
        };
        const plan = await search().analyzePlan();
        // An exact search reads the fragments (rows_scanned > 0); the index path reads only the candidates.
        expect(plan, `limit ${limit} nprobes ${nprobes}`).toMatch(/index=vector_idx/);
        expect(plan, `limit ${limit} nprobes ${nprobes}`).toMatch(/rows_scanned=0\b/);
        expect(await search().toArray()).toHaveLength(limit);
      }
    }
  });

  it("is listed as IvfFlat (IVF_FLAT in indexStats), described with its distance type, and dropped", async () => {
    const { table } = await indexedTable({ rows: 1500, distanceType: "cosine" });
    expect(await table.listIndices()).toEqual([{ name: "vector_idx", indexType: "IvfFlat", columns: ["vector"] }]);
    expect(await table.indexStats("vector_idx")).toEqual({ numIndexedRows: 1500, numUnindexedRows: 0, indexType: "IVF_FLAT", distanceType: "cosine", numIndices: 1 });
    await table.dropIndex("vector_idx");
    expect(await table.listIndices()).toEqual([]);
  });

  it("indexes a Float16 vector column, leaving null vectors out", async () => {
    const db = await connect(await makeTempDir());
    const schema = new Schema([new Field("id", new Int32()), new Field("vector", new FixedSizeList(DIMS, new Field("item", new Float16())), true)]);
    const table = await db.createEmptyTable("half", schema);
    const vectors = clusteredVectors(2000, DIMS);
    await table.add(vectors.map((vector, id) => ({ id, vector: id % 100 === 99 ? null : vector })));
    await table.createIndex("vector", { config: Index.ivfFlat() });
    const search = () => table.search(vectors[77]!).limit(10);
    expect(await indexUsed(search())).toBe("vector_idx");
    const exact = await ids(search().bypassVectorIndex().toArray());
    expect(recall(await ids(search().toArray()), exact)).toBeGreaterThanOrEqual(0.9);
    expect((await search().toArray())[0]!.id).toBe(77);
    for (const id of await ids(table.search(vectors[99]!).limit(50).toArray())) expect(id % 100).not.toBe(99);
  });

  it("indexes two vector columns, each with its own kind and metric", async () => {
    const db = await connect(await makeTempDir());
    const a = clusteredVectors(1500, DIMS, { seed: 1 });
    const b = clusteredVectors(1500, 8, { seed: 2 });
    const list = (dims: number) => new FixedSizeList(dims, new Field("item", new Float32()));
    const table = await db.createEmptyTable("two", new Schema([new Field("id", new Int32()), new Field("vector", list(DIMS)), new Field("small", list(8))]));
    await table.add(a.map((vector, id) => ({ id, vector, small: b[id]! })));
    await table.createIndex("vector", { config: Index.ivfFlat({ distanceType: "l2" }) });
    await table.createIndex("small", { config: Index.ivfPq({ distanceType: "cosine", numSubVectors: 4 }) });
    expect((await table.listIndices()).map((i) => [i.name, i.indexType]).sort()).toEqual([
      ["small_idx", "IvfPq"],
      ["vector_idx", "IvfFlat"],
    ]);
    expect(await indexUsed(table.search(a[10]!).column("vector"))).toBe("vector_idx");
    expect(await indexUsed(table.search(b[10]!).column("small").distanceType("cosine"))).toBe("small_idx");
    expect((await table.search(b[10]!).column("small").distanceType("cosine").refineFactor(5).limit(1).toArray())[0]!.id).toBe(10);
  });
});

describe("Table.createIndex() with Index.ivfPq()", () => {
  it.each(["l2", "cosine", "dot"] as const)("returns approximate distances, and exact ones with recall ≥ 0.9 under refineFactor (%s)", async (distanceType) => {
    const { table, rows } = await indexedTable({ kind: "ivfPq", distanceType });
    let refined = 0;
    let approximate = 0;
    let differing = 0;
    for (const q of QUERIES) {
      const search = () => table.search(rows[q]!.vector).distanceType(distanceType).limit(10);
      expect(await indexUsed(search())).toBe("vector_idx");
      const exact = await search().bypassVectorIndex().toArray();
      const exactIds = exact.map((r) => r.id as number);
      const exactDistance = new Map(exact.map((r) => [r.id as number, r._distance as number]));
      const plain = await search().toArray();
      approximate += recall(plain.map((r) => r.id as number), exactIds);
      for (const hit of plain) if (exactDistance.has(hit.id as number) && hit._distance !== exactDistance.get(hit.id as number)) differing++;
      const better = await search().refineFactor(10).toArray();
      refined += recall(better.map((r) => r.id as number), exactIds);
      for (const hit of better) if (exactDistance.has(hit.id as number)) expect(hit._distance).toBe(exactDistance.get(hit.id as number));
    }
    expect(differing).toBeGreaterThan(0); // quantized distances without refineFactor, as LanceDB
    expect(refined / QUERIES.length).toBeGreaterThanOrEqual(0.9);
    expect(refined).toBeGreaterThanOrEqual(approximate);
  });

  it("is listed as IvfPq (IVF_PQ in indexStats) with its distance type", async () => {
    const { table } = await indexedTable({ kind: "ivfPq", rows: 1000, distanceType: "dot" });
    expect(await table.listIndices()).toEqual([{ name: "vector_idx", indexType: "IvfPq", columns: ["vector"] }]);
    expect(await table.indexStats("vector_idx")).toMatchObject({ numIndexedRows: 1000, numUnindexedRows: 0, indexType: "IVF_PQ", distanceType: "dot" });
  });

  it("refuses too few rows, sub-vectors that do not divide the dimension, and too many partitions, leaving the table unchanged", async () => {
    const db = await connect(await makeTempDir());
    const table = await db.createTable("items", clusteredVectors(100, DIMS).map((vector, id) => ({ id, vector })));
    await expectFailedWrite(table, () => table.createIndex("vector", { config: Index.ivfPq() }), InvalidArgumentError, "INVALID_ARGUMENT", "Not enough rows to train PQ");
    const big = await db.createTable("big", clusteredVectors(400, DIMS).map((vector, id) => ({ id, vector })));
    await expectFailedWrite(big, () => big.createIndex("vector", { config: Index.ivfPq({ numSubVectors: 5 }) }), InvalidArgumentError, "INVALID_ARGUMENT", "numSubVectors must divide");
    await expectFailedWrite(big, () => big.createIndex("vector", { config: Index.ivfFlat({ numPartitions: 1000 }) }), InvalidArgumentError, "INVALID_ARGUMENT", "numPartitions");
    expect(await big.listIndices()).toEqual([]);
  });
});

describe("Table.createIndex() with Index.ivfPq({numBits: 4})", () => {
  it("is listed as IvfPq, reaches recall ≥ 0.9 under refineFactor, reloads from storage and extends on optimize", async () => {
    const uri = await makeTempDir();
    const db = await connect(uri);
    const rows = clusteredVectors(ROWS, DIMS).map((vector, id) => ({ id, vector }));
    const table = await db.createTable("items", rows);
    await table.createIndex("vector", { config: Index.ivfPq({ numSubVectors: 12, numBits: 4 }) });
    expect(await table.listIndices()).toEqual([{ name: "vector_idx", indexType: "IvfPq", columns: ["vector"] }]);
    expect(await table.indexStats("vector_idx")).toMatchObject({ numIndexedRows: ROWS, numUnindexedRows: 0, indexType: "IVF_PQ", distanceType: "l2" });
    let refined = 0;
    let approximate = 0;
    for (const q of QUERIES) {
      const search = () => table.search(rows[q]!.vector).limit(10);
      expect(await indexUsed(search())).toBe("vector_idx");
      const exact = await ids(search().bypassVectorIndex().toArray());
      approximate += recall(await ids(search().toArray()), exact);
      refined += recall(await ids(search().refineFactor(10).toArray()), exact);
    }
    expect(refined / QUERIES.length).toBeGreaterThanOrEqual(0.9);
    expect(refined).toBeGreaterThanOrEqual(approximate);

    // A new connection decodes the stored 4-bit index and finds the same rows with the same distances.
    const reopened = await (await connect(uri)).openTable("items");
    const q = rows[321]!.vector;
    const hits = async (t: Table) => (await t.search(q).limit(10).toArray()).map((r) => [r.id, r._distance]);
    expect(await hits(reopened)).toEqual(await hits(table));

    const far = rows[5]!.vector.map((v) => v + 50);
    await table.add([{ id: 9000, vector: far }]);
    await table.optimize();
    expect(await table.indexStats("vector_idx")).toMatchObject({ numIndexedRows: ROWS + 1, numUnindexedRows: 0 });
    expect(await ids(table.search(far).limit(1).fastSearch().refineFactor(20).toArray())).toEqual([9000]);
  });

  it("needs 16 rows: fewer are refused naming the table, which stays unchanged; 16 build", async () => {
    const db = await connect(await makeTempDir());
    const table = await db.createTable("tiny", clusteredVectors(15, DIMS).map((vector, id) => ({ id, vector })));
    const error = await expectFailedWrite(
      table,
      () => table.createIndex("vector", { config: Index.ivfPq({ numBits: 4 }) }),
      InvalidArgumentError,
      "INVALID_ARGUMENT",
      "table 'tiny'",
      "Not enough rows to train PQ. Requires 16 rows but only 15 available",
    );
    expect(error.argument).toBe("numBits");
    expect(await table.listIndices()).toEqual([]);
    await table.add([{ id: 15, vector: clusteredVectors(16, DIMS)[15]! }]);
    await table.createIndex("vector", { config: Index.ivfPq({ numBits: 4 }) });
    expect(await table.indexStats("vector_idx")).toMatchObject({ numIndexedRows: 16, indexType: "IVF_PQ" });
  });
});

describe.each(["ivfFlat", "ivfPq"] as const)("vector search with an %s index", (kind) => {
  // IVF-PQ's own distances are approximate: compare row sets with refineFactor where ids must match exactly.
  const refine = kind === "ivfPq" ? 20 : 1;

  it("finds rows added after the build (searched exactly), and optimize assigns them to the partitions", async () => {
    const { table, rows } = await indexedTable({ kind, rows: 2000 });
    const far = rows[5]!.vector.map((v) => v + 50);
    await table.add([{ id: 9000, vector: far }]);
    expect(await table.indexStats("vector_idx")).toMatchObject({ numIndexedRows: 2000, numUnindexedRows: 1 });
    expect(await ids(table.search(far).limit(1).toArray())).toEqual([9000]);
    expect(await ids(table.search(far).limit(1).fastSearch().toArray())).not.toContain(9000);

    await table.optimize();
    expect(await table.indexStats("vector_idx")).toMatchObject({ numIndexedRows: 2001, numUnindexedRows: 0 });
    expect(await ids(table.search(far).limit(1).fastSearch().refineFactor(refine).toArray())).toEqual([9000]);
    const q = rows[700]!.vector;
    const exact = await ids(table.search(q).limit(10).bypassVectorIndex().toArray());
    expect(recall(await ids(table.search(q).limit(10).refineFactor(refine).toArray()), exact)).toBeGreaterThanOrEqual(0.9);
  });

  it("never returns deleted rows, before and after optimize", async () => {
    const { table, rows } = await indexedTable({ kind, rows: 2000 });
    const q = rows[100]!.vector;
    const nearest = await ids(table.search(q).limit(20).toArray());
    await table.delete(`id IN (${nearest.slice(0, 10).join(", ")})`);
    const after = await ids(table.search(q).limit(20).toArray());
    expect(after).toHaveLength(20);
    for (const id of nearest.slice(0, 10)) expect(after).not.toContain(id);
    await table.optimize();
    expect(await table.indexStats("vector_idx")).toMatchObject({ numIndexedRows: 1990, numUnindexedRows: 0 });
    const optimized = await ids(table.search(q).limit(20).toArray());
    for (const id of nearest.slice(0, 10)) expect(optimized).not.toContain(id);
    expect(optimized).toHaveLength(20);
  });

  it("prefilters: k rows come back whenever k rows qualify, even under a very selective filter or one probe", async () => {
    // 3,000 rows: half of them (1,500) is above the 1,024 rows a filtered search scans exactly.
    const { table, rows } = await indexedTable({ kind, rows: 3000 });
    const q = rows[10]!.vector;
    const selective = await table.search(q).where("id % 500 = 7").limit(5).toArray();
    expect(selective).toHaveLength(5);
    expect(selective.map((r) => r.id).sort()).toEqual((await ids(table.search(q).where("id % 500 = 7").limit(5).bypassVectorIndex().toArray())).sort());
    const half = () => table.search(q).where("id % 2 = 1").limit(10).refineFactor(refine);
    expect(await indexUsed(half())).toBe("vector_idx");
    const hits = await half().toArray();
    expect(hits).toHaveLength(10);
    for (const hit of hits) expect((hit.id as number) % 2).toBe(1);
    expect(recall(hits.map((r) => r.id as number), await ids(half().bypassVectorIndex().toArray()))).toBeGreaterThanOrEqual(0.9);
    // One probe with a filter that leaves few rows in that partition still returns k rows.
    const narrow = await table.search(q).where("id % 50 = 3").nprobes(1).limit(10).toArray();
    expect(narrow).toHaveLength(10);
    for (const hit of narrow) expect((hit.id as number) % 50).toBe(3);
  });

  it("postfilters when asked: the nearest rows first, then the filter (fewer rows may come back)", async () => {
    const { table, rows } = await indexedTable({ kind, rows: 2000 });
    const hits = await table.search(rows[16]!.vector).where("id % 3 = 0").postfilter().limit(10).toArray();
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.length).toBeLessThan(10);
    for (const hit of hits) expect((hit.id as number) % 3).toBe(0);
  });

  it("bypassVectorIndex() gives the exact search's rows and distances", async () => {
    const { table, rows } = await indexedTable({ kind, rows: 1500 });
    const q = rows[9]!.vector;
    const bypassed = await table.search(q).limit(10).bypassVectorIndex().toArray();
    expect(await indexUsed(table.search(q).limit(10).bypassVectorIndex())).toBe("flat");
    await table.dropIndex("vector_idx");
    const exact = await table.search(q).limit(10).toArray();
    expect(bypassed.map((r) => [r.id, r._distance])).toEqual(exact.map((r) => [r.id, r._distance]));
  });

  it("uses the index of the checked-out version, and a reopened connection loads the stored index", async () => {
    const { table, rows, uri } = await indexedTable({ kind, rows: 1500 });
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
    expect((await reopened.search(rows[2]!.vector).refineFactor(refine).limit(1).toArray())[0]!.id).toBe(2);
  });

  it("works on a memory:// table", async () => {
    const db = await connect("memory://");
    const vectors = clusteredVectors(1500, DIMS);
    const table = await db.createTable("mem", vectors.map((vector, id) => ({ id, vector })));
    await table.createIndex("vector", { config: config(kind) });
    expect(await indexUsed(table.search(vectors[8]!))).toBe("vector_idx");
    expect((await table.search(vectors[8]!).refineFactor(refine).limit(1).toArray())[0]!.id).toBe(8);
  });
});

describe("optimize() of an IVF index", () => {
  it("assigns rows of compacted fragments and retrains once the table has doubled", async () => {
    const { table, rows } = await indexedTable({ rows: 1000 });
    const more = clusteredVectors(1200, DIMS, { seed: 9 }).map((vector, i) => ({ id: 5000 + i, vector }));
    for (let i = 0; i < 3; i++) await table.add(more.slice(i * 100, (i + 1) * 100));
    await table.optimize(); // 1300 rows < 2 × 1000: assigned, compaction folded the small fragments
    expect(await table.indexStats("vector_idx")).toMatchObject({ numIndexedRows: 1300, numUnindexedRows: 0 });
    expect((await table.search(more[150]!.vector).limit(1).fastSearch().toArray())[0]!.id).toBe(5150);
    await table.add(more.slice(300));
    await table.optimize(); // 2200 rows ≥ 2 × 1000: trained afresh
    expect(await table.indexStats("vector_idx")).toMatchObject({ numIndexedRows: 2200, numUnindexedRows: 0 });
    const q = rows[3]!.vector;
    expect(recall(await ids(table.search(q).limit(10).toArray()), await ids(table.search(q).limit(10).bypassVectorIndex().toArray()))).toBeGreaterThanOrEqual(0.9);
  });
});

describe("building an IVF index", () => {
  it.each(["ivfFlat", "ivfPq"] as const)("reports progress from 0 to 1, never decreasing (%s)", async (kind) => {
    const db = await connect(await makeTempDir());
    const table = await db.createTable("items", clusteredVectors(2000, DIMS).map((vector, id) => ({ id, vector })));
    const seen: number[] = [];
    await table.createIndex("vector", { config: config(kind), onProgress: (f) => seen.push(f) });
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.at(-1)).toBe(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
  });

  it("cancelled by an AbortSignal, leaves rows, versions and the old index unchanged", async () => {
    const { table, rows, uri } = await indexedTable({ rows: 2000 });
    const controller = new AbortController();
    await expectFailedWrite(
      table,
      () => table.createIndex("vector", { config: config("ivfPq"), signal: controller.signal, onProgress: (f) => (f > 0.3 ? controller.abort() : undefined) }),
      OperationAbortedError,
      "ABORTED",
      'createIndex("vector")',
    );
    expect(await table.listIndices()).toEqual([{ name: "vector_idx", indexType: "IvfFlat", columns: ["vector"] }]);
    expect(await indexUsed(table.search(rows[1]!.vector))).toBe("vector_idx");
    expect(await readdir(join(uri, "items.quiver", "_indices"))).toHaveLength(1);
  });

  it("failing midway leaves the table and its old index unchanged", async () => {
    const { table, uri } = await indexedTable({ rows: 2000 });
    const before = { rows: await table.countRows(), version: await table.version(), indices: await table.listIndices() };
    await expect(
      table.createIndex("vector", {
        config: config("ivfFlat", "cosine"),
        onProgress: (f) => {
          if (f > 0.5) throw new RangeError("disk full (simulated)");
        },
      }),
    ).rejects.toThrow("disk full (simulated)");
    expect({ rows: await table.countRows(), version: await table.version(), indices: await table.listIndices() }).toEqual(before);
    expect(await readdir(join(uri, "items.quiver", "_indices"))).toHaveLength(1);
  });
});
