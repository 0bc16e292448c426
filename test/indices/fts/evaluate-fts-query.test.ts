import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../../src/errors.js";
import { BM25_B, BM25_K1 } from "../../../src/indices/fts/bm25.js";
import { evaluateFtsQuery, ftsQueryColumns } from "../../../src/indices/fts/evaluate-fts-query.js";
import { FtsCorpus, type SegmentView } from "../../../src/indices/fts/fts-corpus.js";
import { DEFAULT_FTS_PARAMS, type FtsParams } from "../../../src/indices/fts/fts-options.js";
import { FtsSegmentBuilder } from "../../../src/indices/fts/fts-segment-builder.js";
import { boundedEditDistance, expandFuzzy } from "../../../src/indices/fts/fuzzy-terms.js";
import { countPhraseMatches } from "../../../src/indices/fts/phrase-match.js";
import { rowKey } from "../../../src/indices/fts/row-scores.js";
import { createTokenizer } from "../../../src/indices/fts/tokenizer.js";
import { FullTextNode } from "../../../src/plan/index.js";
import { expectQuiverError } from "../../helpers/expect-error.js";

const PARAMS: FtsParams = { ...DEFAULT_FTS_PARAMS, stem: false, removeStopWords: false };

/** Documents as [fragment, offset, text]; split into two segments to exercise merging. */
const DOCS: [number, number, string][] = [
  [0, 0, "the cat sat on the mat"],
  [0, 1, "the dog sat"],
  [0, 2, "cat and dog and cat"],
  [2, 0, "a big red dog barked at the cat"],
  [2, 1, "nothing here"],
];

function corpus(options: { dead?: number[]; params?: FtsParams } = {}): FtsCorpus {
  const tokenizer = createTokenizer(options.params ?? PARAMS);
  const views: SegmentView[] = [];
  for (const fragment of [0, 2]) {
    const builder = new FtsSegmentBuilder(tokenizer.params.withPosition);
    const docs = DOCS.filter((d) => d[0] === fragment);
    docs.forEach(([f, o, text]) => builder.addDocument(f, o, tokenizer.tokenize(text)));
    const dead = new Set(options.dead ?? []);
    const live = docs.some((_, i) => dead.has(DOCS.indexOf(docs[i]!))) ? Uint8Array.from(docs, (d) => (dead.has(DOCS.indexOf(d)) ? 0 : 1)) : null;
    views.push({ segment: builder.finish(), live });
  }
  return new FtsCorpus("text", "text_idx", tokenizer, views);
}

/** BM25 computed here from the texts, independently of the index: lowercase words split on non-letters. */
function expectedBm25(query: string[], live: number[]): Map<number, number> {
  const docs = live.map((i) => DOCS[i]!);
  const tokens = docs.map(([, , text]) => text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean));
  const n = docs.length;
  const avg = tokens.reduce((s, t) => s + t.length, 0) / n;
  const out = new Map<number, number>();
  for (const term of new Set(query)) {
    const df = tokens.filter((t) => t.includes(term)).length;
    if (df === 0) continue;
    const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
    tokens.forEach((t, i) => {
      const tf = t.filter((x) => x === term).length;
      if (tf === 0) return;
      const w = (idf * tf * (BM25_K1 + 1)) / (tf + BM25_K1 * (1 - BM25_B + (BM25_B * t.length) / avg));
      const key = rowKey(docs[i]![0], docs[i]![1]);
      out.set(key, (out.get(key) ?? 0) + w);
    });
  }
  return out;
}

function run(node: ReturnType<typeof FullTextNode.fromText>, c = corpus()) {
  const scores = evaluateFtsQuery(node, { table: "t", defaultColumns: ["text"], corpus: () => c });
  return new Map(Array.from(scores.keys, (k, i) => [k, scores.scores[i]!]));
}

function expectScores(actual: Map<number, number>, expected: Map<number, number>) {
  expect([...actual.keys()].sort((a, b) => a - b)).toEqual([...expected.keys()].sort((a, b) => a - b));
  for (const [key, score] of expected) expect(actual.get(key)).toBeCloseTo(score, 10);
}

describe("evaluateFtsQuery()", () => {
  it("scores a match query with BM25 (k1 = 1.2, b = 0.75) as computed from the formula", () => {
    expectScores(run(FullTextNode.createMatch("cat dog")), expectedBm25(["cat", "dog"], [0, 1, 2, 3, 4]));
    expectScores(run(FullTextNode.createMatch("Mat")), expectedBm25(["mat"], [0, 1, 2, 3, 4]));
  });

  it("counts N, document frequencies and the mean length over live documents only", () => {
    const c = corpus({ dead: [2, 4] });
    expectScores(run(FullTextNode.createMatch("cat dog"), c), expectedBm25(["cat", "dog"], [0, 1, 3]));
    expect(c.docCount).toBe(3);
  });

  it("keeps rows with every term for AND, and multiplies by the boost", () => {
    const or = run(FullTextNode.createMatch("cat dog"));
    const and = run(FullTextNode.createMatch("cat dog", { operator: "AND", boost: 2 }));
    expect([...and.keys()].sort((a, b) => a - b)).toEqual([rowKey(0, 2), rowKey(2, 0)]);
    expect(and.get(rowKey(0, 2))).toBeCloseTo(2 * or.get(rowKey(0, 2))!, 10);
  });

  it("finds phrases in order, with slop for words in between, scored as one term of summed idf", () => {
    expect([...run(FullTextNode.createPhrase("dog sat")).keys()]).toEqual([rowKey(0, 1)]);
    expect([...run(FullTextNode.createPhrase("sat dog")).keys()]).toEqual([]);
    expect([...run(FullTextNode.createPhrase("red cat", { slop: 4 })).keys()]).toEqual([rowKey(2, 0)]);
    expect([...run(FullTextNode.createPhrase("red cat", { slop: 3 })).keys()]).toEqual([]);
    // "cat and dog and cat" holds "cat and" once; cat is in 3 documents, and in 1.
    const n = 5;
    const idf = (df: number) => Math.log(1 + (n - df + 0.5) / (df + 0.5));
    const lengths = [6, 3, 5, 8, 2];
    const avg = lengths.reduce((a, b) => a + b) / n;
    const expected = ((idf(3) + idf(1)) * 1 * (BM25_K1 + 1)) / (1 + BM25_K1 * (1 - BM25_B + (BM25_B * 5) / avg));
    expect(run(FullTextNode.createPhrase("cat and")).get(rowKey(0, 2))).toBeCloseTo(expected, 10);
  });

  it("treats quoted text as a phrase beside the other words", () => {
    expect(FullTextNode.fromText('"dog sat"')).toMatchObject({ kind: "FtsPhrase", text: "dog sat" });
    const mixed = FullTextNode.fromText('"dog sat" mat');
    expect(mixed).toMatchObject({ kind: "FtsBoolean" });
    expect([...run(mixed).keys()].sort((a, b) => a - b)).toEqual([rowKey(0, 0), rowKey(0, 1)]);
    expect(FullTextNode.fromText('odd "quote')).toMatchObject({ kind: "FtsMatch" });
  });

  it("refuses a phrase query when the index has no positions, naming the index and the fix", async () => {
    const c = corpus({ params: { ...PARAMS, withPosition: false } });
    await expectQuiverError(() => run(FullTextNode.createPhrase("dog sat"), c), InvalidArgumentError, "INVALID_ARGUMENT", "'text_idx'", "withPosition: true");
    // A one-word phrase needs no positions.
    expect(run(FullTextNode.createPhrase("dog"), c).size).toBe(3);
  });

  it("combines boolean clauses: MUST intersects, SHOULD adds, MUST_NOT removes", () => {
    const must = FullTextNode.createMatch("cat");
    const should = FullTextNode.createMatch("mat");
    const not = FullTextNode.createMatch("red");
    const result = run(FullTextNode.createBoolean([
      { occur: "MUST", query: must },
      { occur: "SHOULD", query: should },
      { occur: "MUST_NOT", query: not },
    ]));
    const cat = run(must);
    const mat = run(should);
    expect([...result.keys()].sort((a, b) => a - b)).toEqual([rowKey(0, 0), rowKey(0, 2)]);
    expect(result.get(rowKey(0, 0))).toBeCloseTo(cat.get(rowKey(0, 0))! + mat.get(rowKey(0, 0))!, 10);
    expect(run(FullTextNode.createBoolean([{ occur: "MUST_NOT", query: not }])).size).toBe(0);
  });

  it("expands fuzzy terms within the edit distance, honouring the fixed prefix", () => {
    const c = corpus();
    expect(expandFuzzy(c, "cta", { fuzziness: 2, prefixLength: 0, maxExpansions: 50 })).toContain("cat");
    expect(expandFuzzy(c, "dgo", { fuzziness: 2, prefixLength: 1, maxExpansions: 50 })).toEqual(["dog"]);
    expect(expandFuzzy(c, "dgo", { fuzziness: 2, prefixLength: 2, maxExpansions: 50 })).toEqual([]);
    expect([...run(FullTextNode.createMatch("dgo", { fuzziness: 2, prefixLength: 1 })).keys()].length).toBe(3);
    expect(boundedEditDistance("kitten", "sitting", 3)).toBe(3);
    expect(boundedEditDistance("kitten", "sitting", 1)).toBe(2);
  });

  it("finds nothing for a query of no tokens", () => {
    expect(run(FullTextNode.createMatch("!!! ...")).size).toBe(0);
  });

  it("lists the columns a query reads", () => {
    const node = FullTextNode.createBoolean([
      { occur: "SHOULD", query: FullTextNode.createMatch("a") },
      { occur: "SHOULD", query: FullTextNode.createPhrase("b c", { column: "title" }) },
      { occur: "SHOULD", query: FullTextNode.createMultiMatch("d", ["x", "y"], [1, 1], "OR") },
    ]);
    expect(ftsQueryColumns(node, ["body"]).sort()).toEqual(["body", "title", "x", "y"]);
  });
});

describe("countPhraseMatches()", () => {
  it("counts starts with the words at the query's spacing, within the slop", () => {
    expect(countPhraseMatches([[0, 5], [1, 9]], [0, 1], 0)).toBe(1);
    expect(countPhraseMatches([[0], [3]], [0, 1], 1)).toBe(0);
    expect(countPhraseMatches([[0], [3]], [0, 1], 2)).toBe(1);
    // A query gap of 2 (a stop word removed between the words).
    expect(countPhraseMatches([[4], [6]], [0, 2], 0)).toBe(1);
    expect(countPhraseMatches([[4], [5]], [0, 2], 0)).toBe(0);
    expect(countPhraseMatches([[4], [5]], [0, 2], 1)).toBe(1);
  });
});
