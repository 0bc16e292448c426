// HNSW graphs are keyed by position (rows.bin maps each key to its row):
// usearch hashes a key's low bits, which row keys (fragment id × 2^32 +
// offset) share across fragments. Tables of many fragments, extension by
// optimize over several rounds, and graphs written before (keyed by row key).
import { cp, readdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Index, connect } from "../../src/index.js";
import { makeTempDir } from "../helpers/temp-dir.js";
import { ids, indexUsed } from "../helpers/vector-search-checks.js";
import { clusteredVectors, recall } from "../indices/vector/clustered-vectors.js";

const LEGACY = fileURLToPath(new URL("../fixtures/hnsw-row-keys-v1/", import.meta.url));

async function indexFiles(uri: string, table: string): Promise<string[]> {
  const root = join(uri, `${table}.quiver`, "_indices");
  return (await Promise.all((await readdir(root)).map(async (d) => (await readdir(join(root, d))).map((f) => `${d}/${f}`)))).flat();
}

describe("HNSW graphs keyed by position", () => {
  it("index a table of many small fragments, and optimize extends them round after round", async () => {
    const uri = await makeTempDir();
    const db = await connect(uri);
    const vectors = clusteredVectors(2400, 16);
    const table = await db.createTable("items", vectors.slice(0, 10).map((vector, id) => ({ id, vector })));
    for (let start = 10; start < 2000; start += 10) await table.add(vectors.slice(start, start + 10).map((vector, i) => ({ id: start + i, vector })));
    await table.createIndex("vector", { config: Index.hnswSq() });
    expect((await indexFiles(uri, "items")).some((f) => f.endsWith("/rows.bin"))).toBe(true);

    const check = async (present: (id: number) => boolean) => {
      let total = 0;
      for (const q of [3, 444, 1017, 1999, 2100, 2399]) {
        if (!present(q)) continue;
        const hits = await ids(table.search(vectors[q]!).limit(10).fastSearch().toArray());
        expect(hits[0]).toBe(q);
        for (const id of hits) expect(present(id)).toBe(true);
        total += recall(hits, await ids(table.search(vectors[q]!).limit(10).bypassVectorIndex().toArray()));
      }
      return total;
    };
    expect(await check((id) => id < 2000)).toBeGreaterThanOrEqual(3.6);

    // Two rounds of deletes and adds, each folded in by optimize (the graph is extended, not rebuilt).
    const deleted = new Set<number>();
    for (const [from, to] of [[2000, 2200], [2200, 2400]] as const) {
      for (let id = from - 2000 + 5; id < to - 2000; id += 37) deleted.add(id);
      await table.delete(`id IN (${[...deleted].join(", ")})`);
      await table.add(vectors.slice(from, to).map((vector, i) => ({ id: from + i, vector })));
      await table.optimize();
      expect(await table.indexStats("vector_idx")).toMatchObject({ numIndexedRows: to - deleted.size, numUnindexedRows: 0 });
      expect(await check((id) => id < to && !deleted.has(id))).toBeGreaterThanOrEqual(3.6);
    }
  });

  it("still search a graph written with row keys (no rows.bin), and optimize rebuilds it keyed by position", async () => {
    const uri = await makeTempDir();
    await cp(LEGACY, uri, { recursive: true });
    const table = await (await connect(uri)).openTable("items");
    expect((await indexFiles(uri, "items")).some((f) => f.endsWith("/rows.bin"))).toBe(false);
    const all = await table.query().select(["id", "vector"]).toArray();
    const vectorOf = new Map(all.map((r) => [r.id as number, Array.from(r.vector as Iterable<number>)]));
    for (const id of [0, 150, 299]) {
      const search = () => table.search(vectorOf.get(id)!).limit(5);
      expect(await indexUsed(search())).toBe("vector_idx");
      const hits = await ids(search().toArray());
      expect(hits[0]).toBe(id);
      expect(recall(hits, await ids(search().bypassVectorIndex().toArray()))).toBeGreaterThanOrEqual(0.8);
    }
    await table.delete("id = 150");
    await table.add([{ id: 900, vector: vectorOf.get(150)! }]);
    await table.optimize();
    expect(await table.indexStats("vector_idx")).toMatchObject({ numIndexedRows: 300, numUnindexedRows: 0 });
    expect((await indexFiles(uri, "items")).some((f) => f.endsWith("/rows.bin"))).toBe(true);
    expect((await ids(table.search(vectorOf.get(150)!).limit(1).fastSearch().toArray()))[0]).toBe(900);
  });
});
