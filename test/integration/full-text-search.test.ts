// Full-text search through tables: building, persisting and versioning the
// index, searching indexed and unindexed rows, deletes, phrases, auto mode,
// and the errors a user can meet.
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { getRegistry } from "../../src/embedding/index.js";
import {
  BooleanQuery,
  ColumnNotFoundError,
  Index,
  IndexNotFoundError,
  InvalidArgumentError,
  MatchQuery,
  MultiMatchQuery,
  NotSupportedError,
  Occur,
  Operator,
  PhraseQuery,
  ReadOnlyVersionError,
  connect,
  type Query,
  type VectorQuery,
} from "../../src/index.js";
import { BM25_B, BM25_K1 } from "../../src/indices/fts/bm25.js";
import { expectQuiverError } from "../helpers/expect-error.js";
import { expectFailedWrite } from "../helpers/expect-failed-write.js";
import { makeTempDir } from "../helpers/temp-dir.js";

const TEXTS = [
  "Rust ownership rules prevent data races at compile time",
  "Python generators yield values lazily one at a time",
  "A vector database stores embeddings and finds nearest neighbours",
  "Full text search ranks documents by BM25 relevance",
  "Rust async runtimes schedule futures on worker threads",
  "Embeddings map text to vectors for semantic search",
  "SQL joins combine rows from two tables",
  "The borrow checker enforces Rust ownership",
];

const rows = (texts = TEXTS, start = 0) => texts.map((text, i) => ({ id: start + i, text, year: 2000 + ((start + i) % 5) }));

/** Plain tokenization (no stemming, no stop words), so the test can compute BM25 itself. */
const PLAIN = { stem: false, removeStopWords: false };

async function makeTable(options: { texts?: string[]; index?: boolean; fts?: Parameters<typeof Index.fts>[0]; dir?: string } = {}) {
  const dir = options.dir ?? (await makeTempDir());
  const db = await connect(dir);
  const table = await db.createTable("docs", rows(options.texts));
  if (options.index ?? true) await table.createIndex("text", { config: Index.fts(options.fts ?? PLAIN) });
  return { db, table, dir };
}

type Hit = { id: number; _score: number };
const hits = async (query: { toArray(): Promise<unknown[]> }): Promise<Hit[]> =>
  ((await query.toArray()) as Hit[]).map((r) => ({ id: Number(r.id), _score: r._score }));
const idsOf = async (query: { toArray(): Promise<unknown[]> }) => (await hits(query)).map((h) => h.id);

/** BM25 of `terms` over `texts` (id = position), computed from the formula; ranked as the search must rank. */
function bm25(texts: (string | null)[], terms: string[]): Hit[] {
  const tokens = texts.map((t) => (t === null ? null : t.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean)));
  const docs = tokens.filter((t): t is string[] => t !== null);
  const n = docs.length;
  const avg = docs.reduce((s, t) => s + t.length, 0) / n;
  const scores = new Map<number, number>();
  for (const term of new Set(terms)) {
    const df = docs.filter((t) => t.includes(term)).length;
    if (df === 0) continue;
    const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
    tokens.forEach((t, id) => {
      const tf = t?.filter((x) => x === term).length ?? 0;
      if (tf > 0) scores.set(id, (scores.get(id) ?? 0) + (idf * tf * (BM25_K1 + 1)) / (tf + BM25_K1 * (1 - BM25_B + (BM25_B * t!.length) / avg)));
    });
  }
  return [...scores].map(([id, s]) => ({ id, _score: s })).sort((a, b) => b._score - a._score || a.id - b.id);
}

function expectHits(actual: Hit[], expected: Hit[]) {
  expect(actual.map((h) => h.id)).toEqual(expected.map((h) => h.id));
  actual.forEach((h, i) => expect(h._score).toBeCloseTo(expected[i]!._score, 5));
}

describe("Table.createIndex() with Index.fts()", () => {
  it("commits a new version listing the index; listIndices, indexStats and stats report it", async () => {
    const { table } = await makeTable({ index: false });
    expect(await table.version()).toBe(1);
    await table.createIndex("text", { config: Index.fts() });
    expect(await table.version()).toBe(2);
    expect((await table.listVersions()).at(-1)!.metadata).toMatchObject({ operation: "createIndex", index: "text_idx", column: "text" });
    expect(await table.listIndices()).toEqual([{ name: "text_idx", indexType: "FTS", columns: ["text"] }]);
    expect(await table.indexStats("text_idx")).toEqual({ numIndexedRows: 8, numUnindexedRows: 0, indexType: "FTS", numIndices: 1 });
    expect(await table.indexStats("nope")).toBeUndefined();
    expect((await table.stats()).numIndices).toBe(1);
  });

  it("takes a custom name; replace (default true) rebuilds, replace: false refuses", async () => {
    const { table } = await makeTable({ index: false });
    await table.createIndex("text", { config: Index.fts(), name: "words" });
    await table.createIndex("text", { config: Index.fts({ stem: false }), name: "words" });
    expect(await table.listIndices()).toEqual([{ name: "words", indexType: "FTS", columns: ["text"] }]);
    await expectFailedWrite(
      table,
      () => table.createIndex("text", { config: Index.fts(), name: "words", replace: false }),
      InvalidArgumentError,
      "INVALID_ARGUMENT",
      "an index named 'words' already exists",
      'dropIndex("words")',
    );
    // A second full-text index on the same column replaces the first (one per column).
    await table.createIndex("text", { config: Index.fts() });
    expect(await table.listIndices()).toEqual([{ name: "text_idx", indexType: "FTS", columns: ["text"] }]);
  });

  it("refuses what it cannot build, naming the table, column and fix, and leaves the table unchanged", async () => {
    const { table } = await makeTable({ index: false });
    await expectFailedWrite(table, () => table.createIndex("year", { config: Index.fts() }), InvalidArgumentError, "INVALID_ARGUMENT", "'docs'", "'year'", "string column");
    await expectFailedWrite(table, () => table.createIndex("body", { config: Index.fts() }), ColumnNotFoundError, "COLUMN_NOT_FOUND", "body");
    await expectFailedWrite(table, () => table.createIndex("text", { config: Index.fm() }), NotSupportedError, "NOT_SUPPORTED", "fm", "Index.fts()");
    await expectFailedWrite(table, () => table.createIndex("text", { config: { kind: "fts" } as never }), InvalidArgumentError, "INVALID_ARGUMENT", "Index");
    await table.checkout(1);
    await expectQuiverError(table.createIndex("text", { config: Index.fts() }), ReadOnlyVersionError, "READ_ONLY_VERSION");
  });

  it("stores the index as one compact file under _indices/<uuid>/ and finds it again after reopening", async () => {
    const { dir } = await makeTable();
    const folders = await readdir(join(dir, "docs.quiver", "_indices"));
    expect(folders).toHaveLength(1);
    expect((await readdir(join(dir, "docs.quiver", "_indices", folders[0]!))).sort()).toEqual(["segment.qfts"]);
    const reopened = await (await connect(dir)).openTable("docs");
    expect(await reopened.listIndices()).toEqual([{ name: "text_idx", indexType: "FTS", columns: ["text"] }]);
    expectHits(await hits(reopened.search("rust ownership", "fts")), bm25(TEXTS, ["rust", "ownership"]));
  });
});

describe("full-text search", () => {
  it("ranks rows by BM25 (k1 = 1.2, b = 0.75) with a float32 _score, best first", async () => {
    const { table } = await makeTable();
    const results = (await table.search("rust ownership", "fts").toArray()) as Record<string, unknown>[];
    expect(Object.keys(results[0]!)).toEqual(["id", "text", "year", "_score"]);
    expectHits(await hits(table.search("rust ownership", "fts")), bm25(TEXTS, ["rust", "ownership"]));
    expectHits(await hits(table.query().fullTextSearch("search embeddings")), bm25(TEXTS, ["search", "embeddings"]));
    const arrow = await table.search("rust", "fts").toArrow();
    expect(String(arrow.schema.fields.at(-1)!.type)).toBe("Float32");
  });

  it("applies where before ranking, and limit (10 by default), offset, select and withRowId", async () => {
    const texts = Array.from({ length: 30 }, (_, i) => `note ${i} about search${i % 2 === 0 ? " search" : ""}`);
    const { table } = await makeTable({ texts });
    expect(await table.search("search", "fts").toArray()).toHaveLength(10);
    const all = await idsOf(table.search("search", "fts").limit(30));
    expect(all).toHaveLength(30);
    const filtered = await idsOf(table.search("search", "fts").where("id >= 20").limit(30));
    expect(filtered).toEqual(all.filter((id) => id >= 20));
    expect(await idsOf(table.search("search", "fts").limit(3).offset(2))).toEqual(all.slice(2, 5));
    const rows = (await table.search("search", "fts").select(["id"]).withRowId().limit(2).toArray()) as Record<string, unknown>[];
    expect(Object.keys(rows[0]!)).toEqual(["id", "_score", "_rowid"]);
    expect(typeof rows[0]!._rowid).toBe("bigint");
  });

  it("finds rows added after the index was built, with the scores a fully indexed table gives", async () => {
    const { table } = await makeTable({ texts: TEXTS.slice(0, 4) });
    await table.add(rows(TEXTS.slice(4), 4));
    expect(await table.indexStats("text_idx")).toMatchObject({ numIndexedRows: 4, numUnindexedRows: 4 });
    const expected = bm25(TEXTS, ["rust", "embeddings"]);
    expectHits(await hits(table.search("rust embeddings", "fts")), expected);
    expect(await table.search("rust", "fts").explainPlan()).toContain("FullTextSearch: query=match(\"rust\")");
    // fastSearch skips the rows the index does not cover.
    expect((await idsOf(table.search("rust", "fts").fastSearch())).every((id) => id < 4)).toBe(true);
    // optimize() brings the index up to date; the results stay the same.
    await table.optimize();
    expect(await table.indexStats("text_idx")).toMatchObject({ numIndexedRows: 8, numUnindexedRows: 0 });
    expectHits(await hits(table.search("rust embeddings", "fts")), expected);
  });

  it("never returns deleted rows, and scores as if they were never there; updated rows are found with their new text", async () => {
    const { table } = await makeTable();
    await table.delete("id = 0 OR id = 7");
    const remaining: (string | null)[] = TEXTS.map((t, i) => (i === 0 || i === 7 ? null : t));
    expectHits(await hits(table.search("rust ownership", "fts")), bm25(remaining, ["rust", "ownership"]));
    await table.update({ values: { text: "Go channels pass messages" }, where: "id = 4" });
    expect(await idsOf(table.search("rust", "fts"))).toEqual([]);
    expect(await idsOf(table.search("channels", "fts"))).toEqual([4]);
  });

  it("forgets rows of fragments deleted whole, and keeps working after an overwrite", async () => {
    const { table } = await makeTable({ texts: TEXTS.slice(0, 4) });
    await table.add(rows(TEXTS.slice(4), 4));
    await table.createIndex("text", { config: Index.fts(PLAIN) }); // covers both fragments
    await table.delete("id >= 4"); // the second fragment leaves the version
    expectHits(await hits(table.search("rust search", "fts")), bm25(TEXTS.slice(0, 4), ["rust", "search"]));
    await table.add(rows(["Rust macros generate code"], 100), { mode: "overwrite" });
    expect(await table.indexStats("text_idx")).toMatchObject({ numIndexedRows: 0, numUnindexedRows: 1 });
    expect(await idsOf(table.search("rust", "fts"))).toEqual([100]);
  });

  it("types search(text, \"fts\") as a Query and search(text) as a VectorQuery, as LanceDB's overloads do", async () => {
    const { table } = await makeTable();
    const fts: Query = table.search("rust", "fts");
    const auto: VectorQuery = table.search("rust");
    const object: Query = table.search(new MatchQuery("rust", "text"));
    expect([fts.constructor.name, auto.constructor.name, object.constructor.name]).toEqual(["Query", "VectorQuery", "Query"]);
  });

  it("finds phrases (quoted text or PhraseQuery), with slop", async () => {
    const { table } = await makeTable();
    expect(await idsOf(table.search('"rust ownership"', "fts"))).toEqual([7, 0]); // the shorter text ranks first
    expect(await idsOf(table.search('"ownership rust"', "fts"))).toEqual([]);
    expect(await idsOf(table.search(new PhraseQuery("ownership rules", "text")))).toEqual([0]);
    expect(await idsOf(table.search(new PhraseQuery("rules ownership", "text")))).toEqual([]);
    expect(await idsOf(table.search(new PhraseQuery("rust rules", "text", { slop: 1 })))).toEqual([0]);
  });

  it("refuses a phrase when the index has no positions, naming the index and how to rebuild it", async () => {
    const { table } = await makeTable({ fts: { ...PLAIN, withPosition: false } });
    await expectQuiverError(table.search('"rust ownership"', "fts").toArray(), InvalidArgumentError, "INVALID_ARGUMENT", "'text_idx'", "withPosition: true");
    expect(await idsOf(table.search("rust ownership", "fts"))).toContain(0);
  });

  it("runs match, boolean and multi-match queries", async () => {
    const { table } = await makeTable();
    expect(await idsOf(table.search(new MatchQuery("rust ownership", "text", { operator: Operator.And }), "fts"))).toEqual([7, 0]);
    expect(await idsOf(table.search(new MatchQuery("embedings", "text", { fuzziness: 1 }), "fts"))).toEqual(expect.arrayContaining([2, 5]));
    const boolean = new BooleanQuery([
      [Occur.Must, new MatchQuery("rust", "text")],
      [Occur.MustNot, new MatchQuery("async", "text")],
      [Occur.Should, new MatchQuery("compile", "text")],
    ]);
    expect((await idsOf(table.search(boolean))).sort()).toEqual([0, 7]);
    expect(await idsOf(table.search(new MultiMatchQuery("rust", ["text"]), "fts"))).toEqual(await idsOf(table.search("rust", "fts")));
  });

  it("searches several indexed columns, adding their scores, or the columns asked for", async () => {
    const db = await connect(await makeTempDir());
    const table = await db.createTable("posts", [
      { id: 0, title: "Rust tips", body: "ownership and borrowing" },
      { id: 1, title: "Python tips", body: "rust is mentioned here" },
      { id: 2, title: "Go tips", body: "channels" },
    ]);
    await table.createIndex("title", { config: Index.fts() });
    await table.createIndex("body", { config: Index.fts() });
    expect((await idsOf(table.search("rust", "fts"))).sort()).toEqual([0, 1]);
    expect(await idsOf(table.search("rust", "fts", "body"))).toEqual([1]);
    expect(await idsOf(table.query().fullTextSearch("rust", { columns: ["title"] }))).toEqual([0]);
    await expectQuiverError(table.search("rust", "fts", "id").toArray(), IndexNotFoundError, "INDEX_NOT_FOUND", "column 'id' has no full-text index", "'title' and 'body'");
    await expectQuiverError(table.search("rust", "fts", "nope").toArray(), ColumnNotFoundError, "COLUMN_NOT_FOUND", "nope");
  });

  it("stems and drops stop words with the default options, on rows and queries alike", async () => {
    const { table } = await makeTable({ fts: {} });
    expect(await idsOf(table.search("the ranking of documents", "fts"))).toEqual([3]);
    expect(await idsOf(table.search("the of", "fts"))).toEqual([]);
  });
});

describe("full-text indexes and versions", () => {
  it("checkout and restore see the index of their version; dropIndex commits a version without it", async () => {
    const { table } = await makeTable({ index: false });
    await table.createIndex("text", { config: Index.fts() }); // version 2
    await table.dropIndex("text_idx"); // version 3
    expect(await table.listIndices()).toEqual([]);
    await expectQuiverError(table.search("rust", "fts").toArray(), IndexNotFoundError, "INDEX_NOT_FOUND", "INVERTED index", "'docs'");
    await table.checkout(2);
    expect(await table.listIndices()).toHaveLength(1);
    expect(await idsOf(table.search("rust", "fts"))).toEqual(expect.arrayContaining([0, 4, 7]));
    await table.restore(); // version 4 = version 2
    expect(await table.version()).toBe(4);
    expect(await table.listIndices()).toHaveLength(1);
    await table.checkout(1);
    expect(await table.listIndices()).toEqual([]);
  });

  it("loses no rows when rows are added while the index is built: they are simply not covered yet", async () => {
    const { table, dir } = await makeTable({ index: false });
    const other = await (await connect(dir)).openTable("docs");
    await Promise.all([table.createIndex("text", { config: Index.fts(PLAIN) }), other.add(rows(["Rust traits define shared behaviour"], 50))]);
    expect(await table.countRows()).toBe(9);
    expect((await idsOf(table.search("rust", "fts"))).sort((a, b) => a - b)).toEqual([0, 4, 7, 50]);
    const stats = (await table.indexStats("text_idx"))!;
    expect(stats.numIndexedRows + stats.numUnindexedRows).toBe(9);
  });

  it("refuses to drop an index that does not exist, naming the ones that do", async () => {
    const { table } = await makeTable();
    await expectFailedWrite(table, () => table.dropIndex("nope"), InvalidArgumentError, "INVALID_ARGUMENT", "no index named 'nope'", "'text_idx'");
  });

  it("keeps the index through compaction (rebuilt by optimize) and removes old index files with old versions", async () => {
    const { table, dir } = await makeTable({ texts: TEXTS.slice(0, 2) });
    for (let i = 2; i < TEXTS.length; i++) await table.add(rows([TEXTS[i]!], i));
    await table.delete("id = 1");
    const before = await hits(table.search("rust search", "fts"));
    const stats = await table.optimize({ cleanupOlderThan: new Date(Date.now() + 60_000) });
    expect(stats.compaction.fragmentsRemoved).toBeGreaterThan(1);
    expect(await table.indexStats("text_idx")).toMatchObject({ numIndexedRows: 7, numUnindexedRows: 0 });
    expectHits(await hits(table.search("rust search", "fts")), before);
    expect(await readdir(join(dir, "docs.quiver", "_indices"))).toHaveLength(1);
  });

  it("follows its column through a rename and goes away with a dropped column", async () => {
    const { table } = await makeTable();
    await table.alterColumns([{ path: "text", rename: "body" }]);
    expect(await table.listIndices()).toEqual([{ name: "text_idx", indexType: "FTS", columns: ["body"] }]);
    expect(await idsOf(table.search("sql joins", "fts"))).toEqual([6]);
    await table.dropColumns(["body"]);
    expect(await table.listIndices()).toEqual([]);
  });
});

describe("Table.search(text) in auto mode", () => {
  it("is a vector search on a table whose vector column has an embedding function", async () => {
    const db = await connect(await makeTempDir());
    const fn = getRegistry().get("hashing")!.create({ ndims: 32 });
    const table = await db.createTable("docs", rows(), { embeddingFunction: { function: fn, sourceColumn: "text" } });
    await table.createIndex("text", { config: Index.fts() });
    const results = (await table.search("rust ownership").limit(3).toArray()) as Record<string, unknown>[];
    expect(Object.keys(results[0]!)).toContain("_distance");
    expect(Object.keys(results[0]!)).not.toContain("_score");
  });

  it("is a full-text search on a table without an embedding function", async () => {
    const { table } = await makeTable();
    const query = table.search("rust ownership");
    expect(await query.explainPlan()).toContain("KnnSearch"); // decided when the query runs
    expectHits(await hits(query), bm25(TEXTS, ["rust", "ownership"]));
    expect(await idsOf(table.search("rust", "auto", "text").limit(1))).toHaveLength(1);
  });

  it("fails with a clear error on a table with neither an embedding function nor a full-text index", async () => {
    const { table } = await makeTable({ index: false });
    await expectQuiverError(
      table.search("rust").toArray(),
      IndexNotFoundError,
      "INDEX_NOT_FOUND",
      "'docs'",
      "neither an embedding function nor a full-text index",
      'createIndex("text", {config: Index.fts()})',
      "embeddingFunction",
    );
  });
});
