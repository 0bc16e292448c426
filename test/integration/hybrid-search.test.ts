// Hybrid search: a vector search and a full-text search fused by a reranker.
import type { RecordBatch } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { getRegistry } from "../../src/embedding/index.js";
import {
  Index,
  IndexNotFoundError,
  InvalidArgumentError,
  NotSupportedError,
  connect,
  rerankers,
  type Table,
} from "../../src/index.js";
import { expectQuiverError } from "../helpers/expect-error.js";
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
  "Vector search with filters runs before the top-k",
  "Keyword search and vector search fused by rank",
];

async function hybridTable(options: { index?: boolean; embedded?: boolean } = {}): Promise<Table> {
  const db = await connect(await makeTempDir());
  const data = TEXTS.map((text, id) => ({ id, text, group: id % 2 }));
  const table =
    options.embedded === false
      ? await db.createTable("docs", data.map((r) => ({ ...r, vector: [r.id, 1] })))
      : await db.createTable("docs", data, {
          embeddingFunction: { function: getRegistry().get("hashing")!.create({ ndims: 64 }), sourceColumn: "text" },
        });
  if (options.index ?? true) await table.createIndex("text", { config: Index.fts() });
  return table;
}

type Row = { id: number; _relevance_score: number; _rowid?: bigint };
const rowsOf = async (q: { toArray(): Promise<unknown[]> }) => (await q.toArray()) as Row[];

/** Reciprocal-rank fusion computed here from the two searches run on their own. */
async function rrfByHand(table: Table, text: string, depth: number, k = 60, where?: string): Promise<{ id: number; score: number }[]> {
  const vector = table.search(text, "vector").limit(depth);
  const fts = table.search(text, "fts").limit(depth);
  if (where) {
    vector.where(where);
    fts.where(where);
  }
  const scores = new Map<number, number>();
  (await vector.toArray()).forEach((r: { id: number }, rank: number) => scores.set(r.id, (scores.get(r.id) ?? 0) + 1 / (k + rank)));
  (await fts.toArray()).forEach((r: { id: number }, rank: number) => scores.set(r.id, (scores.get(r.id) ?? 0) + 1 / (k + rank)));
  // Ties go to the lower row id; here row id = id (one fragment).
  return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score || a.id - b.id);
}

describe('Table.search(text, "hybrid")', () => {
  it("fuses the vector and full-text results by reciprocal rank (k = 60), with _relevance_score, best first", async () => {
    const table = await hybridTable();
    const expected = (await rrfByHand(table, "rust vector search", 20)).slice(0, 5);
    const results = await rowsOf(table.search("rust vector search", "hybrid").limit(5));
    expect(results.map((r) => r.id)).toEqual(expected.map((e) => e.id));
    results.forEach((r, i) => expect(r._relevance_score).toBeCloseTo(expected[i]!.score, 6));
    expect(Object.keys(results[0]!)).toEqual(["id", "text", "group", "vector", "_relevance_score"]);
  });

  it("applies where to both searches, and select, offset and withRowId to the fused rows", async () => {
    const table = await hybridTable();
    const expected = (await rrfByHand(table, "search", 20, 60, "group = 1")).slice(1, 4);
    const results = await rowsOf(table.search("search", "hybrid").where("group = 1").select(["id"]).withRowId().offset(1).limit(3));
    expect(results.map((r) => r.id)).toEqual(expected.map((e) => e.id));
    expect(Object.keys(results[0]!)).toEqual(["id", "_relevance_score", "_rowid"]);
    expect(results[0]!._rowid).toBe(BigInt(expected[0]!.id));
  });

  it("takes another reranker: RRF with another k, a linear combination, or one of your own", async () => {
    const table = await hybridTable();
    const rrf10 = await rerankers.RRFReranker.create(10);
    const expected = (await rrfByHand(table, "rust ownership", 20, 10)).slice(0, 3);
    expect((await rowsOf(table.search("rust ownership", "hybrid").rerank(rrf10).limit(3))).map((r) => r.id)).toEqual(expected.map((e) => e.id));

    const linear = await rowsOf(table.search("rust ownership", "hybrid").rerank(await rerankers.LinearCombinationReranker.create(0.7)).limit(3));
    expect(linear).toHaveLength(3);
    expect(linear[0]!._relevance_score).toBeGreaterThanOrEqual(linear[1]!._relevance_score);

    // A custom reranker gets both result lists and decides.
    const seen: { query: string; vec: number; fts: number }[] = [];
    const ftsFirst = {
      async rerankHybrid(query: string, vecResults: RecordBatch, ftsResults: RecordBatch) {
        seen.push({ query, vec: vecResults.numRows, fts: ftsResults.numRows });
        return new rerankers.RRFReranker(60).rerankHybrid(query, ftsResults.slice(0, 1), ftsResults.slice(0, 1));
      },
    };
    const custom = await rowsOf(table.search("rust ownership", "hybrid").rerank(ftsFirst).limit(3));
    expect(seen).toEqual([{ query: "rust ownership", vec: 10, fts: 3 }]);
    expect(custom.map((r) => r.id)).toEqual([(await table.search("rust ownership", "fts").limit(1).toArray())[0].id]);
  });

  it("is what query().nearestTo(vector).fullTextSearch(text) does with that vector", async () => {
    const table = await hybridTable();
    const vector = await getRegistry().get("hashing")!.create({ ndims: 64 }).computeQueryEmbeddings("rust vector search");
    const viaQuery = await rowsOf(table.query().nearestTo(vector).fullTextSearch("rust vector search").limit(5));
    const viaSearch = await rowsOf(table.search("rust vector search", "hybrid").limit(5));
    expect(viaQuery.map((r) => [r.id, r._relevance_score])).toEqual(viaSearch.map((r) => [r.id, r._relevance_score]));
  });

  it("explains itself without running", async () => {
    const table = await hybridTable();
    const plan = await table.search("rust", "hybrid").limit(5).explainPlan();
    expect(plan).toContain("Projection: [*, _relevance_score]");
    expect(plan).toContain("Rerank: RRFReranker(k=60), candidates=20 per search");
    expect(plan).toContain('FullTextSearch: query=match("rust")');
  });

  it("fails clearly without an embedding function or without a full-text index", async () => {
    const noFunction = await hybridTable({ embedded: false });
    await expectQuiverError(noFunction.search("rust", "hybrid").toArray(), NotSupportedError, "NOT_SUPPORTED", "no embedding function", "nearestTo(vector).fullTextSearch(text)");
    // With a vector given, such a table runs hybrid search.
    expect(await rowsOf(noFunction.query().nearestTo([1, 1]).fullTextSearch("rust").limit(2))).toHaveLength(2);
    const noIndex = await hybridTable({ index: false });
    await expectQuiverError(noIndex.search("rust", "hybrid").toArray(), IndexNotFoundError, "INDEX_NOT_FOUND", "INVERTED index");
  });

  it("refuses a reranker on a search that is not hybrid, and a vector with queryType hybrid", async () => {
    const table = await hybridTable();
    const vectorOnly = table.query().nearestTo(new Float32Array(64)).rerank(new rerankers.RRFReranker());
    await expectQuiverError(vectorOnly.toArray(), InvalidArgumentError, "INVALID_ARGUMENT", "'docs'", "no full-text part", ".fullTextSearch(text)");
    await expectQuiverError(() => table.search([1, 2], "hybrid"), InvalidArgumentError, "INVALID_ARGUMENT", "nearestTo(vector).fullTextSearch(text)");
  });
});
