// Search quality on a small labelled set (test/fixtures/search-quality/):
// hand-written documents about programming and hand-written questions with
// graded relevant documents (2 = answers it, 1 = related). Prints recall@5,
// MRR@10 and nDCG@5 for full-text search, vector search with the built-in
// hashing embedder, and hybrid search; asserts only loose sanity, because the
// numbers are there to be read and compared, not pinned.
import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { getRegistry } from "../../src/embedding/index.js";
import { Index, connect, rerankers, type Table } from "../../src/index.js";

interface Doc {
  id: number;
  text: string;
}
interface LabelledQuery {
  query: string;
  relevant: Record<string, number>;
}

const fixture = new URL("../fixtures/search-quality/", import.meta.url);
const docs = JSON.parse(await readFile(new URL("documents.json", fixture), "utf8")) as Doc[];
const queries = JSON.parse(await readFile(new URL("queries.json", fixture), "utf8")) as LabelledQuery[];

interface Metrics {
  recallAt5: number;
  mrrAt10: number;
  ndcgAt5: number;
}

/** Mean recall@5, MRR@10 and nDCG@5 (gain 2^grade − 1) of ranked id lists. */
function evaluate(ranked: number[][]): Metrics {
  let recall = 0;
  let mrr = 0;
  let ndcg = 0;
  queries.forEach((q, i) => {
    const grades = new Map(Object.entries(q.relevant).map(([id, g]) => [Number(id), g]));
    const top = ranked[i]!;
    recall += top.slice(0, 5).filter((id) => grades.has(id)).length / grades.size;
    const first = top.slice(0, 10).findIndex((id) => grades.has(id));
    mrr += first < 0 ? 0 : 1 / (first + 1);
    const dcg = top.slice(0, 5).reduce((sum, id, r) => sum + (2 ** (grades.get(id) ?? 0) - 1) / Math.log2(r + 2), 0);
    const ideal = [...grades.values()].sort((a, b) => b - a).slice(0, 5).reduce((sum, g, r) => sum + (2 ** g - 1) / Math.log2(r + 2), 0);
    ndcg += dcg / ideal;
  });
  const n = queries.length;
  return { recallAt5: recall / n, mrrAt10: mrr / n, ndcgAt5: ndcg / n };
}

let table: Table;

beforeAll(async () => {
  const db = await connect("memory://");
  const hashing = getRegistry().get("hashing")!.create({});
  table = await db.createTable("quality", docs, { embeddingFunction: { function: hashing, sourceColumn: "text" } });
  await table.createIndex("text", { config: Index.fts() });
});

async function rankAll(run: (query: string) => { toArray(): Promise<unknown[]> }): Promise<Metrics> {
  const ranked: number[][] = [];
  for (const q of queries) ranked.push(((await run(q.query).toArray()) as { id: number }[]).map((r) => Number(r.id)));
  return evaluate(ranked);
}

describe("search quality on the labelled set", () => {
  it("prints recall@5, MRR@10 and nDCG@5; hybrid is at least as good as the weaker of its parts", async () => {
    const fts = await rankAll((q) => table.search(q, "fts").limit(10));
    const vector = await rankAll((q) => table.search(q, "vector").limit(10));
    const hybrid = await rankAll((q) => table.search(q, "hybrid").limit(10));
    const linear = await rankAll((q) => table.search(q, "hybrid").rerank(new rerankers.LinearCombinationReranker(0.7)).limit(10));
    const linearEven = await rankAll((q) => table.search(q, "hybrid").rerank(new rerankers.LinearCombinationReranker(0.3)).limit(10));
    const rows = {
      "full-text (BM25)": fts,
      "vector (hashing, 384 dims)": vector,
      "hybrid, RRF k=60 (default)": hybrid,
      "hybrid, linear weight 0.7": linear,
      "hybrid, linear weight 0.3": linearEven,
    };
    const format = (m: Metrics) => `recall@5 ${m.recallAt5.toFixed(3)}  MRR@10 ${m.mrrAt10.toFixed(3)}  nDCG@5 ${m.ndcgAt5.toFixed(3)}`;
    console.log(
      `Search quality (${docs.length} documents, ${queries.length} queries):\n` +
        Object.entries(rows)
          .map(([name, m]) => `  ${name.padEnd(28)} ${format(m)}`)
          .join("\n"),
    );
    for (const m of Object.values(rows)) expect(m.recallAt5).toBeGreaterThan(0);
    expect(hybrid.recallAt5).toBeGreaterThanOrEqual(Math.min(fts.recallAt5, vector.recallAt5));
    expect(hybrid.mrrAt10).toBeGreaterThanOrEqual(Math.min(fts.mrrAt10, vector.mrrAt10));
  });
});
