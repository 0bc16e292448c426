// HNSW-PQ through tables: the graph usearch builds, walked over PQ codes;
// recall and exact distances per metric, rows added, deleted and filtered,
// optimize, reopening, failed builds and the errors a user can meet.
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Field, FixedSizeList, Float16, Int32, Schema } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { CorruptTableError, Index, InvalidArgumentError, OperationAbortedError, type Table, connect } from "../../src/index.js";
import { expectFailedWrite } from "../helpers/expect-failed-write.js";
import { makeTempDir } from "../helpers/temp-dir.js";
import { ids, indexUsed, meanRecallThroughIndex } from "../helpers/vector-search-checks.js";
import { clusteredVectors, recall } from "../indices/vector/clustered-vectors.js";

const DIMS = 24;

async function pqTable(rows: number, distanceType: "l2" | "cosine" | "dot" = "l2", uri?: string): Promise<{ table: Table; vectors: number[][]; uri: string }> {
  const folder = uri ?? (await makeTempDir());
  const db = await connect(folder);
  const vectors = clusteredVectors(rows, DIMS);
  const table = await db.createTable("items", vectors.map((vector, id) => ({ id, vector })));
  await table.createIndex("vector", { config: Index.hnswPq({ distanceType, numSubVectors: 12 }) });
  return { table, vectors, uri: folder };
}



describe("Table.createIndex() with Index.hnswPq()", () => {
  it.each(["l2", "cosine", "dot"] as const)("finds the exact top 10 with recall ≥ 0.9 and exact distances (%s)", async (distanceType) => {
    const { table, vectors } = await pqTable(3000, distanceType);
    const queries = [5, 321, 777, 1500, 2222, 2999, 42, 1234];
    expect(await meanRecallThroughIndex(queries, (q) => table.search(vectors[q]!).distanceType(distanceType).limit(10))).toBeGreaterThanOrEqual(0.9);
  });

  it("reaches higher recall with a larger ef, and ef below k still returns k rows", async () => {
    const { table, vectors } = await pqTable(3000);
    const recallAt = async (ef: number): Promise<number> => {
      let total = 0;
      for (let q = 0; q < 3000; q += 150) {
        const exact = await ids(table.search(vectors[q]!).limit(10).bypassVectorIndex().toArray());
        total += recall(await ids(table.search(vectors[q]!).limit(10).ef(ef).toArray()), exact);
      }
      return total / 20;
    };
    const low = await recallAt(10);
    const high = await recallAt(200);
    expect(high).toBeGreaterThan(low);
    expect(high).toBeGreaterThanOrEqual(0.97);
    expect(await table.search(vectors[0]!).limit(10).ef(2).toArray()).toHaveLength(10);
  });

  it("is listed and described as LanceDB names it, and dropped", async () => {
    const { table } = await pqTable(1000, "cosine");
    expect(await table.listIndices()).toEqual([{ name: "vector_idx", indexType: "IvfHnswPq", columns: ["vector"] }]);
    expect(await table.indexStats("vector_idx")).toEqual({ numIndexedRows: 1000, numUnindexedRows: 0, indexType: "IVF_HNSW_PQ", distanceType: "cosine", numIndices: 1 });
    await table.dropIndex("vector_idx");
    expect(await table.listIndices()).toEqual([]);
  });

  it("stores PQ codes, not vectors: the index is a fraction of HNSW-SQ's size", async () => {
    const { table, uri } = await pqTable(3000);
    const sizeOfIndexes = async (): Promise<number> => {
      const root = join(uri, "items.quiver", "_indices");
      let total = 0;
      for (const dir of await readdir(root)) for (const f of await readdir(join(root, dir))) total += (await readFile(join(root, dir, f))).byteLength;
      return total;
    };
    const pq = await sizeOfIndexes();
    await table.createIndex("vector", { config: Index.hnswSq(), replace: true });
    // One folder per index version; the HNSW-SQ folder is the newest. Compare the two.
    const both = await sizeOfIndexes();
    expect(pq).toBeLessThan((both - pq) * 0.9);
  });

  it("indexes a Float16 vector column", async () => {
    const db = await connect(await makeTempDir());
    const schema = new Schema([new Field("id", new Int32()), new Field("vector", new FixedSizeList(DIMS, new Field("item", new Float16())))]);
    const table = await db.createEmptyTable("half", schema);
    const vectors = clusteredVectors(2000, DIMS);
    await table.add(vectors.map((vector, id) => ({ id, vector })));
    await table.createIndex("vector", { config: Index.hnswPq({ numSubVectors: 12 }) });
    const search = () => table.search(vectors[77]!).limit(10);
    expect(await indexUsed(search())).toBe("vector_idx");
    expect(recall(await ids(search().toArray()), await ids(search().bypassVectorIndex().toArray()))).toBeGreaterThanOrEqual(0.8);
    expect((await search().toArray())[0]!.id).toBe(77);
  });
});

describe("searching through an HNSW-PQ index", () => {
  it("finds rows added after the build, never returns deleted rows, and optimize rebuilds over every live row", async () => {
    const { table, vectors } = await pqTable(2000);
    const far = vectors[5]!.map((v) => v + 50);
    await table.add([{ id: 9000, vector: far }]);
    expect(await ids(table.search(far).limit(1).toArray())).toEqual([9000]);
    expect(await ids(table.search(far).limit(1).fastSearch().toArray())).not.toContain(9000);
    const q = vectors[100]!;
    const nearest = await ids(table.search(q).limit(20).toArray());
    await table.delete(`id IN (${nearest.slice(0, 10).join(", ")})`);
    const after = await ids(table.search(q).limit(20).toArray());
    expect(after).toHaveLength(20);
    for (const id of nearest.slice(0, 10)) expect(after).not.toContain(id);

    await table.optimize();
    expect(await table.indexStats("vector_idx")).toMatchObject({ numIndexedRows: 1991, numUnindexedRows: 0, indexType: "IVF_HNSW_PQ" });
    expect(await ids(table.search(far).limit(1).fastSearch().toArray())).toEqual([9000]);
    const optimized = await ids(table.search(q).limit(20).toArray());
    for (const id of nearest.slice(0, 10)) expect(optimized).not.toContain(id);
    expect(optimized).toHaveLength(20);
  });

  it("prefilters: k rows come back whenever k rows qualify", async () => {
    const { table, vectors } = await pqTable(3000);
    const q = vectors[10]!;
    const selective = await table.search(q).where("id % 500 = 7").limit(5).toArray();
    expect(selective.map((r) => r.id)).toEqual(await ids(table.search(q).where("id % 500 = 7").limit(5).bypassVectorIndex().toArray()));
    const half = () => table.search(q).where("id % 2 = 1").limit(10);
    expect(await indexUsed(half())).toBe("vector_idx");
    const hits = await half().toArray();
    expect(hits).toHaveLength(10);
    for (const hit of hits) expect((hit.id as number) % 2).toBe(1);
    expect(recall(hits.map((r) => r.id as number), await ids(half().bypassVectorIndex().toArray()))).toBeGreaterThanOrEqual(0.8);
  });

  it("is loaded by a reopened connection and on a memory:// table", async () => {
    const { vectors, uri } = await pqTable(1500);
    const reopened = await (await connect(uri)).openTable("items");
    expect(await indexUsed(reopened.search(vectors[2]!))).toBe("vector_idx");
    expect((await reopened.search(vectors[2]!).limit(1).toArray())[0]!.id).toBe(2);
    const memory = await pqTable(1500, "l2", "memory://");
    expect(await indexUsed(memory.table.search(vectors[8]!))).toBe("vector_idx");
    expect((await memory.table.search(vectors[8]!).limit(1).toArray())[0]!.id).toBe(8);
  });

  it("reports a damaged index file as CorruptTableError naming the file and the fix", async () => {
    const { uri, vectors } = await pqTable(1000);
    const root = join(uri, "items.quiver", "_indices");
    const [folder] = await readdir(root);
    const file = join(root, folder!, "hnsw-pq.bin");
    const bytes = await readFile(file);
    await writeFile(file, bytes.subarray(0, bytes.length - 100));
    const table = await (await connect(uri)).openTable("items");
    const error = await table.search(vectors[0]!).limit(3).toArray().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptTableError);
    expect((error as Error).message).toMatch(/hnsw-pq\.bin/);
    expect((error as Error).message).toMatch(/replace: true|bypassVectorIndex/);
    expect(await ids(table.search(vectors[0]!).limit(3).bypassVectorIndex().toArray())).toContain(0);
  });
});

describe("building an HNSW-PQ index", () => {
  it("reports progress from 0 to 1, and a cancelled or failing build leaves the table and its old index unchanged", async () => {
    const { table, uri } = await pqTable(2000);
    const controller = new AbortController();
    const seen: number[] = [];
    await expectFailedWrite(
      table,
      () =>
        table.createIndex("vector", {
          config: Index.hnswPq({ numSubVectors: 6 }),
          signal: controller.signal,
          onProgress: (f) => {
            seen.push(f);
            // Past the graph: cancel while the quantizer trains.
            if (f > 0.75) controller.abort();
          },
        }),
      OperationAbortedError,
      "ABORTED",
      'createIndex("vector")',
    );
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
    const before = await table.indexStats("vector_idx");
    const failing = () =>
      table.createIndex("vector", {
        config: Index.hnswPq(),
        onProgress: (f) => {
          if (f > 0.9) throw new RangeError("disk full (simulated)");
        },
      });
    const version = await table.version();
    await expect(failing()).rejects.toThrow("disk full (simulated)");
    expect(await table.version()).toBe(version);
    expect(await table.indexStats("vector_idx")).toEqual(before);
    expect(await readdir(join(uri, "items.quiver", "_indices"))).toHaveLength(1);

    const full: number[] = [];
    await table.createIndex("vector", { config: Index.hnswPq(), replace: true, onProgress: (f) => full.push(f) });
    expect(full.at(-1)).toBe(1);
    for (let i = 1; i < full.length; i++) expect(full[i]!).toBeGreaterThanOrEqual(full[i - 1]!);
  });

  it("refuses numSubVectors that does not divide the dimension, and too few rows to train PQ", async () => {
    const db = await connect(await makeTempDir());
    const table = await db.createTable("items", clusteredVectors(300, DIMS).map((vector, id) => ({ id, vector })));
    await expectFailedWrite(table, () => table.createIndex("vector", { config: Index.hnswPq({ numSubVectors: 5 }) }), InvalidArgumentError, "INVALID_ARGUMENT", "table 'items'", "numSubVectors must divide the vector dimension 24, got 5", "numSubVectors: 3");
    const small = await db.createTable("small", clusteredVectors(100, DIMS).map((vector, id) => ({ id, vector })));
    await expectFailedWrite(small, () => small.createIndex("vector", { config: Index.hnswPq() }), InvalidArgumentError, "INVALID_ARGUMENT", "table 'small'", "Not enough rows to train PQ", "HNSW-PQ");
  });
});
