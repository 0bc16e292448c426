import { describe, expect, it } from "vitest";
import { CorruptTableError } from "../../../src/errors.js";
import { DEFAULT_FTS_PARAMS } from "../../../src/indices/fts/fts-options.js";
import { FtsSegmentBuilder } from "../../../src/indices/fts/fts-segment-builder.js";
import { FTS_FORMAT_VERSION, FTS_SEGMENT_FILE, decodeFtsSegment, encodeFtsSegment } from "../../../src/indices/fts/fts-segment-codec.js";
import { encodeLegacyFtsSegment } from "../../../src/indices/fts/fts-segment-legacy.js";
import type { FtsSegment } from "../../../src/indices/fts/fts-segment.js";
import { decodePostings } from "../../../src/indices/fts/postings-codec.js";
import { createTokenizer } from "../../../src/indices/fts/tokenizer.js";
import { expectQuiverError } from "../../helpers/expect-error.js";
import { expandSegment } from "./expand-segment.js";

const tokenizer = createTokenizer({ ...DEFAULT_FTS_PARAMS, stem: false, removeStopWords: false });
const MAX_U32 = 2 ** 32 - 1;

function build(withPositions: boolean, docs: [number, number, string][]): FtsSegment {
  const builder = new FtsSegmentBuilder(withPositions);
  for (const [fragment, offset, text] of docs) builder.addDocument(fragment, offset, tokenizer.tokenize(text));
  return builder.finish();
}

const SAMPLE: [number, number, string][] = [
  [0, 0, "red fish blue fish"],
  [0, 2, ""],
  [0, 3, "blue whale café 東京"],
  [3, 1, "blue whale"],
  [7, 500_000, "fish fish fish fish red"],
];

function roundTrip(segment: FtsSegment): FtsSegment {
  const files = encodeFtsSegment(segment);
  expect([...files.keys()]).toEqual([FTS_SEGMENT_FILE]);
  return decodeFtsSegment((name) => files.get(name));
}

function fileOf(segment: FtsSegment): Uint8Array {
  return encodeFtsSegment(segment).get(FTS_SEGMENT_FILE)!;
}

describe("fts segment file (format 2)", () => {
  it.each([true, false])("round-trips every posting, frequency and position (positions: %s)", (withPositions) => {
    const segment = build(withPositions, SAMPLE);
    const decoded = roundTrip(segment);
    expect(decoded.hasPositions).toBe(withPositions);
    expect(expandSegment(decoded)).toEqual(expandSegment(segment));
    expect(decoded.termId("whale")).toBe(segment.termId("whale"));
  });

  it("keeps fragment ids and offsets near 2^32 exact (no fragment · 2^32 + offset rounding)", () => {
    const docs: [number, number, string][] = [
      [0, MAX_U32, "a b"],
      [2 ** 21 + 1, 0, "a"],
      [2 ** 21 + 1, MAX_U32 - 1, "b"],
      [2 ** 21 + 1, MAX_U32, "a"],
      [MAX_U32, 0, "b a"],
      [MAX_U32, MAX_U32, "a"],
    ];
    const decoded = roundTrip(build(true, docs));
    expect(Array.from(decoded.data.docFragment)).toEqual(docs.map((d) => d[0]));
    expect(Array.from(decoded.data.docOffset)).toEqual(docs.map((d) => d[1]));
    expect(Array.from(decoded.postingsOf(decoded.termId("a")).docs)).toEqual([0, 1, 3, 4, 5]);
  });

  it("round-trips long documents, large gaps and high frequencies", () => {
    const builder = new FtsSegmentBuilder(true);
    const many = Array.from({ length: 300 }, () => "common").join(" ");
    builder.addDocument(0, 0, tokenizer.tokenize(`rare ${many}`));
    for (let i = 1; i < 5_000; i++) builder.addDocument(0, i, tokenizer.tokenize(i % 997 === 0 ? "common" : "filler"));
    builder.addDocument(0, 5_000, tokenizer.tokenize(`${many} rare`));
    const segment = builder.finish();
    const decoded = roundTrip(segment);
    expect(expandSegment(decoded)).toEqual(expandSegment(segment));
    const rare = decoded.postingsOf(decoded.termId("rare"));
    expect(Array.from(rare.docs)).toEqual([0, 5_000]);
    const common = decoded.postingsOf(decoded.termId("common"));
    expect(common.freqs[0]).toBe(300);
    // "filler" is long enough to be kept decoded: the second call hands out the same arrays.
    const filler = decoded.termId("filler");
    expect(decoded.postingsOf(filler)).toBe(decoded.postingsOf(filler));
    expect(decoded.postingsOf(filler, false)).toEqual(decoded.postingsOf(filler));
    expect(decoded.positionsOf(decoded.termId("rare"), rare).values[1]).toBe(300);
  });

  it("round-trips an empty segment and one of empty documents", () => {
    const empty = roundTrip(new FtsSegmentBuilder(true).finish());
    expect(empty.docCount).toBe(0);
    expect(empty.data.terms).toEqual([]);
    const blank = roundTrip(build(false, [[0, 0, ""], [0, 1, "  "]]));
    expect(blank.docCount).toBe(2);
    expect(Array.from(blank.data.docLength)).toEqual([0, 0]);
    expect(blank.data.terms).toEqual([]);
  });

  it("decodes an empty posting list to empty arrays", () => {
    const none = decodePostings(new Uint8Array(4), 2, 2, 0);
    expect(none.docs.length).toBe(0);
    expect(none.freqs.length).toBe(0);
  });

  it("is far smaller than four bytes per posting value", () => {
    const docs: [number, number, string][] = Array.from({ length: 2000 }, (_, i) => [0, i, `w${i % 50} w${(i * 7) % 50} common words here`]);
    const segment = build(true, docs);
    const postings = segment.data.termDocs.reduce((a, b) => a + b, 0);
    expect(fileOf(segment).length).toBeLessThan(postings * 3);
  });

  describe("refuses damaged files with CorruptTableError", () => {
    const good = () => fileOf(build(true, SAMPLE));
    const decode = (bytes: Uint8Array | undefined) => () => decodeFtsSegment((name) => (name === FTS_SEGMENT_FILE ? bytes : undefined));

    it("a flipped byte anywhere fails the checksum", async () => {
      const bytes = good();
      for (const at of [60, Math.floor(bytes.length / 2), bytes.length - 5]) {
        const damaged = bytes.slice();
        damaged[at]! ^= 0x10;
        await expectQuiverError(decode(damaged), CorruptTableError, "CORRUPT_TABLE", "checksum");
      }
    });

    it("a truncated file, a wrong header, an unknown format, a missing file", async () => {
      const bytes = good();
      await expectQuiverError(decode(bytes.subarray(0, bytes.length - 7)), CorruptTableError, "CORRUPT_TABLE", "header accounts for");
      await expectQuiverError(decode(bytes.subarray(0, 10)), CorruptTableError, "CORRUPT_TABLE", "not a Quiver full-text index");
      const foreign = bytes.slice();
      foreign[0] = 0x50;
      await expectQuiverError(decode(foreign), CorruptTableError, "CORRUPT_TABLE", "not a Quiver full-text index");
      const future = bytes.slice();
      new DataView(future.buffer).setUint32(4, FTS_FORMAT_VERSION + 1, true);
      await expectQuiverError(decode(future), CorruptTableError, "CORRUPT_TABLE", `format ${FTS_FORMAT_VERSION + 1}`);
      await expectQuiverError(decode(undefined), CorruptTableError, "CORRUPT_TABLE", `${FTS_SEGMENT_FILE} is missing`);
    });
  });
});

describe("fts segment files of format 1 (Arrow IPC)", () => {
  /** The uncompressed arrays format 1 stores, taken from a segment. */
  function legacyArrays(segment: FtsSegment) {
    const expanded = expandSegment(segment);
    const termStart = [0];
    for (const t of expanded.terms) termStart.push(termStart.at(-1)! + t.docs.length);
    return {
      docFragment: segment.data.docFragment,
      docOffset: segment.data.docOffset,
      docLength: segment.data.docLength,
      terms: expanded.terms.map((t) => t.term),
      termStart: Uint32Array.from(termStart),
      postingDoc: Uint32Array.from(expanded.terms.flatMap((t) => t.docs)),
      postingFreq: Uint32Array.from(expanded.terms.flatMap((t) => t.freqs)),
      positions: segment.hasPositions ? Uint32Array.from(expanded.terms.flatMap((t) => t.positions!.flat())) : null,
    };
  }

  it.each([true, false])("still decode, to the same postings (positions: %s)", (withPositions) => {
    const segment = build(withPositions, SAMPLE);
    const files = encodeLegacyFtsSegment(legacyArrays(segment));
    expect([...files.keys()].sort()).toEqual(withPositions ? ["docs.arrow", "positions.arrow", "postings.arrow", "terms.arrow"] : ["docs.arrow", "postings.arrow", "terms.arrow"]);
    const decoded = decodeFtsSegment((name) => files.get(name));
    expect(expandSegment(decoded)).toEqual(expandSegment(segment));
    // Re-encoded in format 2, byte for byte as a fresh build.
    expect(fileOf(decoded)).toEqual(fileOf(segment));
  });

  it("name a missing or inconsistent file", async () => {
    const files = encodeLegacyFtsSegment(legacyArrays(build(true, SAMPLE)));
    const missing = new Map(files);
    missing.delete("postings.arrow");
    await expectQuiverError(() => decodeFtsSegment((name) => missing.get(name)), CorruptTableError, "CORRUPT_TABLE", "postings.arrow is missing");
    const short = new Map(files);
    short.set("positions.arrow", encodeLegacyFtsSegment({ ...legacyArrays(build(true, SAMPLE)), positions: Uint32Array.of(1) }).get("positions.arrow")!);
    await expectQuiverError(() => decodeFtsSegment((name) => short.get(name)), CorruptTableError, "CORRUPT_TABLE", "positions");
  });
});
