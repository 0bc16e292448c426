// Text queries: Table.search(text) embeds the text with the function bound to
// the searched vector column when the query runs; vectors are searched as
// before; on a table without embedding functions a text query is a full-text
// search (test/integration/full-text-search.test.ts covers it in depth).
import { describe, expect, it } from "vitest";
import { IndexNotFoundError, InvalidArgumentError, NotSupportedError, connect, type Table } from "../../../src/index.js";
import { expectQuiverError } from "../../helpers/expect-error.js";
import { fakeVector, makeFake } from "../../helpers/fake-embedding-function.js";
import { makeTempDir } from "../../helpers/temp-dir.js";

const WORDS = ["apple pie", "banana bread", "cherry tart", "apple crumble", "plum cake"];

async function embeddedTable() {
  const { fn, probe } = makeFake({ ndims: 4 });
  const db = await connect(await makeTempDir());
  const table = await db.createTable(
    "desserts",
    WORDS.map((text, id) => ({ id, text })),
    { embeddingFunction: { function: fn, sourceColumn: "text" } },
  );
  probe.reset();
  return { table, probe, fn };
}

async function hits(query: { limit(n: number): { toArray(): Promise<unknown[]> } }, n = 3) {
  return ((await query.limit(n).toArray()) as { id: number; _distance: number }[]).map((r) => ({ id: Number(r.id), d: r._distance }));
}

async function plainTable(): Promise<Table> {
  const db = await connect(await makeTempDir());
  return db.createTable("plain", [{ id: 1, text: "no functions here", vector: [1, 0, 0] }]);
}

describe("Table.search() with text", () => {
  it("records the text in the plan and embeds it only when the query runs, with the searched column's function", async () => {
    const { table, probe, fn } = await embeddedTable();
    const query = table.search("cherry tart");
    expect(await query.explainPlan(true)).toContain('vectors=[<embedding of "cherry tart">]');
    expect(probe.calls).toEqual([]); // building and explaining embed nothing

    const found = await hits(query);
    expect(probe.calls).toEqual([["cherry tart"]]);
    expect(found[0]).toEqual({ id: 2, d: 0 });
    expect(found).toEqual(await hits(table.search(await fn.computeQueryEmbeddings("cherry tart"))));
  });

  it('gives the same results with queryType "vector" as with "auto"', async () => {
    const { table } = await embeddedTable();
    expect(await hits(table.search("apple", "vector"))).toEqual(await hits(table.search("apple")));
  });

  it("keeps the chain methods: where, select and limit apply to a text search", async () => {
    const { table } = await embeddedTable();
    const rows = (await table.search("apple pie").where("id > 0").select(["id"]).limit(2).toArray()) as Record<string, unknown>[];
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => Number(r.id) > 0)).toBe(true);
    expect(Object.keys(rows[0]!).sort()).toEqual(["_distance", "id"]);
  });

  it("refuses an empty text with InvalidArgumentError", async () => {
    const { table, probe } = await embeddedTable();
    await expectQuiverError(table.search("   ").toArray(), InvalidArgumentError, "INVALID_ARGUMENT", "the query text is empty");
    expect(probe.calls).toEqual([]);
  });

  it("refuses .column() naming a column without an embedding function", async () => {
    const { table } = await embeddedTable();
    await expectQuiverError(
      table.search("apple").column("text").toArray(),
      InvalidArgumentError,
      "INVALID_ARGUMENT",
      "column 'text' has no embedding function",
      "'vector'",
    );
  });

  it("picks the embedded column when a plain vector column sits beside it", async () => {
    const { fn, probe } = makeFake({ ndims: 4 });
    const db = await connect(await makeTempDir());
    const table = await db.createTable(
      "mixed",
      WORDS.map((text, id) => ({ id, text, other_vector: [id, 1] })),
      { embeddingFunction: { function: fn, sourceColumn: "text", vectorColumn: "embedding" } },
    );
    probe.reset();
    const found = await hits(table.search("plum cake"), 1);
    expect(found).toEqual([{ id: 4, d: 0 }]);
    expect(probe.texts).toEqual(["plum cake"]);
  });

  it('fails clearly for "fts" and "hybrid" when the table has no full-text index, when the query runs', async () => {
    const { table } = await embeddedTable();
    for (const type of ["fts", "hybrid"]) {
      await expectQuiverError(
        table.search("apple", type).toArray(),
        IndexNotFoundError,
        "INDEX_NOT_FOUND",
        "INVERTED index",
        'createIndex("text", {config: Index.fts()})',
      );
    }
  });

  it("refuses an unknown queryType", async () => {
    const { table } = await embeddedTable();
    await expectQuiverError(() => table.search("apple", "semantic"), InvalidArgumentError, "INVALID_ARGUMENT", '"auto", "vector", "fts" or "hybrid"');
  });
});

describe("Table.search() with a vector", () => {
  it("searches as before and embeds nothing", async () => {
    const { table, probe } = await embeddedTable();
    const vector = fakeVector("banana bread", 4);
    expect(await hits(table.search(vector))).toEqual(await hits(table.query().nearestTo(vector)));
    expect((await hits(table.search(new Float32Array(vector))))[0]).toEqual({ id: 1, d: 0 });
    expect(probe.calls).toEqual([]);
  });

  it('refuses queryType "fts" with LanceDB\'s message', async () => {
    const { table } = await embeddedTable();
    await expectQuiverError(
      () => table.search([1, 2, 3, 4], "fts"),
      InvalidArgumentError,
      "INVALID_ARGUMENT",
      "Cannot perform full text search on a vector query",
    );
  });
});

describe("Table.search() with text on a table without embedding functions", () => {
  it("is a full-text search, and without a full-text index fails when the query runs, naming both things to add", async () => {
    const table = await plainTable();
    const query = table.search("no functions"); // a full-text search in LanceDB; building it does not fail
    await expectQuiverError(
      query.toArray(),
      IndexNotFoundError,
      "INDEX_NOT_FOUND",
      "neither an embedding function nor a full-text index",
      'createIndex("text", {config: Index.fts()})',
      "embeddingFunction",
    );
  });

  it('fails the same way with queryType "vector"', async () => {
    const table = await plainTable();
    await expectQuiverError(table.search("no functions", "vector").toArray(), NotSupportedError, "NOT_SUPPORTED", "no embedding function");
  });

  it("still searches by vector", async () => {
    const table = await plainTable();
    expect(await hits(table.search([1, 0, 0]))).toEqual([{ id: 1, d: 0 }]);
  });
});
