import { describe, expect, it } from "vitest";
import { DEFAULT_FTS_PARAMS } from "../../../src/indices/fts/fts-options.js";
import { FtsSegmentBuilder } from "../../../src/indices/fts/fts-segment-builder.js";
import { decodeFtsSegment, encodeFtsSegment } from "../../../src/indices/fts/fts-segment-codec.js";
import { createTokenizer } from "../../../src/indices/fts/tokenizer.js";

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
    const fish = segment.termId("fish");
    expect([d.termStart[fish], d.termStart[fish + 1]]).toEqual([2, 3]);
    expect(d.postingDoc[2]).toBe(0);
    expect(d.postingFreq[2]).toBe(2);
    expect(Array.from(d.positions!.subarray(d.positionStart![2]!, d.positionStart![3]!))).toEqual([1, 3]);
    const blue = segment.termId("blue");
    expect(Array.from(d.postingDoc.subarray(d.termStart[blue]!, d.termStart[blue + 1]!))).toEqual([0, 2]);
    expect(segment.termId("shark")).toBe(-1);
  });

  it("continues from a segment's live documents exactly as a build from scratch would", () => {
    const merged = FtsSegmentBuilder.fromSegment(build(true), Uint8Array.from([1, 0, 1]));
    expect(merged.lastRowKey).toBe(3 * 4294967296 + 1);
    merged.addDocument(4, 0, tokenizer.tokenize("red whale red"));
    const scratch = new FtsSegmentBuilder(true);
    scratch.addDocument(0, 0, tokenizer.tokenize("red fish blue fish"));
    scratch.addDocument(3, 1, tokenizer.tokenize("blue whale"));
    scratch.addDocument(4, 0, tokenizer.tokenize("red whale red"));
    const a = merged.finish().data;
    const b = scratch.finish().data;
    expect(a.terms).toEqual(b.terms);
    for (const key of ["docFragment", "docOffset", "docLength", "termStart", "postingDoc", "postingFreq", "positionStart", "positions"] as const) {
      expect(Array.from(a[key]!)).toEqual(Array.from(b[key]!));
    }
  });

  it("refuses documents out of row order", () => {
    const builder = new FtsSegmentBuilder(false);
    builder.addDocument(1, 5, tokenizer.tokenize("a"));
    expect(() => builder.addDocument(1, 4, tokenizer.tokenize("b"))).toThrow(/row-id order/);
  });
});

describe("fts segment files", () => {
  it.each([true, false])("round-trip through Arrow IPC files (positions: %s)", (withPositions) => {
    const segment = build(withPositions);
    const files = encodeFtsSegment(segment);
    expect([...files.keys()].sort()).toEqual(withPositions ? ["docs.arrow", "positions.arrow", "postings.arrow", "terms.arrow"] : ["docs.arrow", "postings.arrow", "terms.arrow"]);
    const decoded = decodeFtsSegment((name) => files.get(name));
    expect(decoded.data.terms).toEqual(segment.data.terms);
    for (const key of ["docFragment", "docOffset", "docLength", "termStart", "postingDoc", "postingFreq", "positionStart", "positions"] as const) {
      const a = segment.data[key];
      const b = decoded.data[key];
      expect(b === null ? null : Array.from(b)).toEqual(a === null ? null : Array.from(a));
    }
  });

  it("round-trips an empty segment", () => {
    const files = encodeFtsSegment(new FtsSegmentBuilder(true).finish());
    const decoded = decodeFtsSegment((name) => files.get(name));
    expect(decoded.docCount).toBe(0);
    expect(decoded.data.terms).toEqual([]);
  });

  it("names a missing file", () => {
    const files = encodeFtsSegment(build(false));
    files.delete("postings.arrow");
    expect(() => decodeFtsSegment((name) => files.get(name))).toThrow(/postings.arrow is missing/);
  });
});
