// The embedding cache (issue 3, point 8): content already embedded by the same
// function and configuration is not embedded again, within one write and
// across writes, handles and connections; `embeddingCache: false` opts out.
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { connect } from "../../../src/index.js";
import { MemoryEmbeddingCache } from "../../../src/embedding/index.js";
import { asFloat32, fakeVector, makeFake, vectorValues } from "../../helpers/fake-embedding-function.js";
import { makeTempDir } from "../../helpers/temp-dir.js";

const rows = (words: string[], start = 0) => words.map((text, i) => ({ id: start + i, text }));

async function newTable(dir?: string) {
  const { fn, probe } = makeFake({ ndims: 3 });
  const path = dir ?? (await makeTempDir());
  const db = await connect(path);
  const table = await db.createTable("docs", rows(["alpha", "beta", "gamma"]), {
    embeddingFunction: { function: fn, sourceColumn: "text" },
  });
  return { table, probe, path, fn };
}

describe("Table.add() embedding cache", () => {
  it("embeds only the new texts when the same texts are added again", async () => {
    const { table, probe } = await newTable();
    expect(probe.texts).toEqual(["alpha", "beta", "gamma"]);
    probe.reset();
    await table.add(rows(["alpha", "beta", "delta"], 10));
    expect(probe.texts).toEqual(["delta"]);
    probe.reset();
    await table.add(rows(["gamma", "delta", "alpha"], 20));
    expect(probe.calls).toEqual([]);
    // Vectors served by the cache are the function's vectors.
    const stored = (await table.query().where("id >= 10").toArray()) as { text: string; vector: unknown }[];
    for (const row of stored) expect(vectorValues(row.vector)).toEqual(asFloat32(fakeVector(row.text, 3)));
  });

  it("persists beside the table: a fresh connection and handle reuse it", async () => {
    const { probe, path } = await newTable();
    probe.reset();
    const entries = await readdir(join(path, "docs.quiver"));
    expect(entries).toContain("_embedding_cache");

    const reopened = await (await connect(path)).openTable("docs");
    await reopened.add(rows(["gamma", "beta", "epsilon"], 10));
    expect(probe.texts).toEqual(["epsilon"]);
  });

  it("is skipped with embeddingCache: false, which embeds every text again", async () => {
    const { table, probe } = await newTable();
    probe.reset();
    await table.add(rows(["alpha", "beta", "zeta"], 10), { embeddingCache: false });
    expect(probe.texts.sort()).toEqual(["alpha", "beta", "zeta"]);
    probe.reset();
    // Texts embedded with the cache off were not stored in it either.
    await table.add(rows(["zeta"], 20));
    expect(probe.texts).toEqual(["zeta"]);
  });

  it("embeds duplicate texts within one add once, and fills every row", async () => {
    const { table, probe } = await newTable();
    probe.reset();
    await table.add(rows(["same", "other", "same", "same", "other", "third"], 10), { embeddingCache: false });
    expect(probe.texts.sort()).toEqual(["other", "same", "third"]);
    expect(await table.countRows("id >= 10 AND vector IS NOT NULL")).toBe(6);
  });

  it("serves the same function configuration only: a shared cache never answers another configuration", async () => {
    const shared = new MemoryEmbeddingCache();
    const first = makeFake({ ndims: 3 });
    const second = makeFake({ ndims: 3 }); // same class and width, another tag: another configuration
    const db = await connect(await makeTempDir());
    const config = (fn: typeof first.fn) => ({ embeddingFunction: { function: fn, sourceColumn: "text" }, embeddingCache: shared });
    await db.createTable("a", rows(["alpha", "beta"]), config(first.fn));
    await db.createTable("b", rows(["alpha", "beta"]), config(second.fn));
    expect(second.probe.texts).toEqual(["alpha", "beta"]);
    first.probe.reset();
    await db.createTable("c", rows(["beta", "alpha"]), config(first.fn));
    expect(first.probe.calls).toEqual([]); // same configuration, other table: served by the shared cache
  });

  it("can be replaced by a cache of the caller's choosing", async () => {
    const { table, probe } = await newTable();
    const cache = new MemoryEmbeddingCache();
    probe.reset();
    await table.add(rows(["alpha", "omega"], 10), { embeddingCache: cache });
    expect(probe.texts.sort()).toEqual(["alpha", "omega"]); // the table's own cache is not consulted
    expect(cache.size).toBe(2);
    probe.reset();
    await table.add(rows(["omega"], 20), { embeddingCache: cache });
    expect(probe.calls).toEqual([]);
  });

  it("goes away with the table: a table created again under the same name embeds again", async () => {
    const { probe, path, fn } = await newTable();
    const db = await connect(path);
    await db.dropTable("docs");
    probe.reset();
    await db.createTable("docs", rows(["alpha"]), { embeddingFunction: { function: fn, sourceColumn: "text" } });
    expect(probe.texts).toEqual(["alpha"]);
  });
});
