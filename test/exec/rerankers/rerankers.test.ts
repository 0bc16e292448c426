import { Float32, RecordBatch, Uint64, Utf8, makeData, vectorFromArray } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../../src/errors.js";
import { rerankers } from "../../../src/index.js";
import { expectQuiverError } from "../../helpers/expect-error.js";

/** A result batch: ids (as `_rowid`), a text column and a score column. */
function results(ids: number[], scoreName: "_distance" | "_score", scores: number[]): RecordBatch {
  const rowid = makeData({ type: new Uint64(), length: ids.length, nullCount: 0, data: BigUint64Array.from(ids, (i) => BigInt(i)) });
  return new RecordBatch({
    text: vectorFromArray(ids.map((i) => `row ${i}`), new Utf8()).data[0]!,
    [scoreName]: makeData({ type: new Float32(), length: ids.length, nullCount: 0, data: Float32Array.from(scores) }),
    _rowid: rowid,
  });
}

const read = (batch: RecordBatch) =>
  batch.toArray().map((r) => ({ id: Number(r._rowid), text: r.text as string, relevance: r._relevance_score as number }));

describe("rerankers.RRFReranker", () => {
  it("sums 1 / (k + rank) over both lists, rank from 0, and orders best first (ties by row id)", async () => {
    const reranker = await rerankers.RRFReranker.create(60);
    const vec = results([10, 11, 12], "_distance", [0.1, 0.2, 0.3]);
    const fts = results([12, 13, 10], "_score", [9, 5, 1]);
    const fused = read(await reranker.rerankHybrid("q", vec, fts));
    const expected = new Map([
      [10, 1 / 60 + 1 / 62],
      [11, 1 / 61],
      [12, 1 / 62 + 1 / 60],
      [13, 1 / 61],
    ]);
    expect(fused.map((r) => r.id)).toEqual([10, 12, 11, 13]);
    for (const r of fused) expect(r.relevance).toBeCloseTo(expected.get(r.id)!, 6);
    expect(fused.map((r) => r.text)).toEqual(["row 10", "row 12", "row 11", "row 13"]);
  });

  it("keeps the shared columns and _rowid, drops _distance and _score, adds float32 _relevance_score", async () => {
    const fused = await new rerankers.RRFReranker().rerankHybrid("q", results([1], "_distance", [0]), results([2], "_score", [1]));
    expect(fused.schema.fields.map((f) => f.name)).toEqual(["text", "_rowid", "_relevance_score"]);
    expect(String(fused.schema.fields[2]!.type)).toBe("Float32");
  });

  it("handles an empty list, and refuses results without _rowid or a bad k", async () => {
    const fused = read(await new rerankers.RRFReranker(1).rerankHybrid("q", results([], "_distance", []), results([5, 6], "_score", [2, 1])));
    expect(fused).toEqual([
      { id: 5, text: "row 5", relevance: 1 },
      { id: 6, text: "row 6", relevance: 0.5 },
    ]);
    const noIds = new RecordBatch({ text: vectorFromArray(["a"], new Utf8()).data[0]! });
    await expectQuiverError(new rerankers.RRFReranker().rerankHybrid("q", noIds, noIds), InvalidArgumentError, "INVALID_ARGUMENT", "_rowid", "withRowId()");
    await expectQuiverError(() => new rerankers.RRFReranker(0), InvalidArgumentError, "INVALID_ARGUMENT", "k must be a positive number");
  });
});

describe("rerankers.LinearCombinationReranker", () => {
  it("adds weight × min-max rescaled vector similarity and (1 − weight) × BM25 / best BM25, missing = 1 − fill", async () => {
    const reranker = await rerankers.LinearCombinationReranker.create(0.7);
    const vec = results([1, 2, 3], "_distance", [0.0, 0.5, 1.0]);
    const fts = results([3, 4], "_score", [4, 2]);
    const fused = read(await reranker.rerankHybrid("q", vec, fts));
    // v: 1 → 1, 2 → 0.5, 3 → 0, 4 → missing 0;  f: 3 → 4/4 = 1, 4 → 2/4 = 0.5, 1 and 2 missing 0.
    const expected = new Map([
      [1, 0.7],
      [2, 0.35],
      [3, 0.3],
      [4, 0.15],
    ]);
    expect(fused.map((r) => r.id)).toEqual([1, 2, 3, 4]);
    for (const r of fused) expect(r.relevance).toBeCloseTo(expected.get(r.id)!, 6);
    await expectQuiverError(() => new rerankers.LinearCombinationReranker(1.5), InvalidArgumentError, "INVALID_ARGUMENT", "weight");
  });
});
