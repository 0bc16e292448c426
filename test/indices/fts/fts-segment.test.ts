import { describe, expect, it } from "vitest";
import { DEFAULT_FTS_PARAMS } from "../../../src/indices/fts/fts-options.js";
import { FtsSegmentBuilder } from "../../../src/indices/fts/fts-segment-builder.js";
import { createTokenizer } from "../../../src/indices/fts/tokenizer.js";
import { expandSegment } from "./expand-segment.js";

const tokenizer = createTokenizer({ ...DEFAULT_FTS_PARAMS, stem: false, removeStopWords: false });

function build(withPositions: boolean) {
  const builder = new FtsSegmentBuilder(withPositions);
  builder.addDocument(0, 0, tokenizer.tokenize("red fish blue fish"));
  builder.addDocument(0, 2, tokenizer.tokenize(""));
  builder.addDocument(3, 1, tokenizer.tokenize("blue whale"));
  return builder.finish();
}

describe("FtsSegmentBuilder", () => {
  it("lists each term's documents in row order with frequencies and positions", () => {
    const segment = build(true);
    const d = segment.data;
    expect(d.terms).toEqual(["blue", "fish", "red", "whale"]);
    expect(Array.from(d.docFragment)).toEqual([0, 0, 3]);
    expect(Array.from(d.docOffset)).toEqual([0, 2, 1]);
    expect(Array.from(d.docLength)).toEqual([4, 0, 2]);
    expect(Array.from(d.termDocs)).toEqual([2, 1, 1, 1]);
    const fish = segment.postingsOf(segment.termId("fish"));
    expect(Array.from(fish.docs)).toEqual([0]);
    expect(Array.from(fish.freqs)).toEqual([2]);
    const fishAt = segment.positionsOf(segment.termId("fish"), fish);
    expect(Array.from(fishAt.values)).toEqual([1, 3]);
    expect(Array.from(segment.postingsOf(segment.termId("blue")).docs)).toEqual([0, 2]);
    expect(segment.termId("shark")).toBe(-1);
  });

  it("keeps no positions when told not to", () => {
    const segment = build(false);
    expect(segment.hasPositions).toBe(false);
    expect(() => segment.positionsOf(0, segment.postingsOf(0))).toThrow(/no positions/);
    expect(expandSegment(segment).terms.map((t) => t.freqs)).toEqual([[1, 1], [2], [1], [1]]);
  });

  it("groups repeated terms of one document into one posting with their positions in order", () => {
    const builder = new FtsSegmentBuilder(true);
    builder.addDocument(0, 0, { terms: ["b", "a", "b", "c", "a", "b"], positions: [0, 1, 2, 4, 7, 9] });
    builder.addDocument(0, 1, { terms: ["a"], positions: [3] });
    expect(expandSegment(builder.finish()).terms).toEqual([
      { term: "a", docs: [0, 1], freqs: [2, 1], positions: [[1, 7], [3]] },
      { term: "b", docs: [0], freqs: [3], positions: [[0, 2, 9]] },
      { term: "c", docs: [0], freqs: [1], positions: [[4]] },
    ]);
  });

  it("continues from a segment's live documents exactly as a build from scratch would", () => {
    const merged = FtsSegmentBuilder.fromSegment(build(true), Uint8Array.from([1, 0, 1]));
    expect(merged.lastRowKey).toBe(3 * 4294967296 + 1);
    merged.addDocument(4, 0, tokenizer.tokenize("red whale red shark"));
    const scratch = new FtsSegmentBuilder(true);
    scratch.addDocument(0, 0, tokenizer.tokenize("red fish blue fish"));
    scratch.addDocument(3, 1, tokenizer.tokenize("blue whale"));
    scratch.addDocument(4, 0, tokenizer.tokenize("red whale red shark"));
    const a = merged.finish();
    const b = scratch.finish();
    expect(expandSegment(a)).toEqual(expandSegment(b));
    expect(a.data.postings).toEqual(b.data.postings);
    expect(a.data.positions).toEqual(b.data.positions);
  });

  it("drops terms whose every document was deleted when continuing a segment", () => {
    const merged = FtsSegmentBuilder.fromSegment(build(false), Uint8Array.from([0, 1, 1])).finish();
    expect(merged.data.terms).toEqual(["blue", "whale"]);
    expect(Array.from(merged.data.docOffset)).toEqual([2, 1]);
  });

  it("refuses documents out of row order, comparing fragment ids past 2^21 exactly", () => {
    const builder = new FtsSegmentBuilder(false);
    builder.addDocument(1, 5, tokenizer.tokenize("a"));
    expect(() => builder.addDocument(1, 4, tokenizer.tokenize("b"))).toThrow(/row-id order/);
    const big = new FtsSegmentBuilder(false);
    // 2^30 · 2^32 + 1 and + 0 are the same double; the builder still sees the order.
    big.addDocument(2 ** 30, 1, tokenizer.tokenize("a"));
    expect(() => big.addDocument(2 ** 30, 0, tokenizer.tokenize("b"))).toThrow(/row-id order/);
  });
});
