import { describe, expect, it } from "vitest";
import { EmbeddingError, embedQuery, getRegistry } from "quiverdb/embedding";
import { InvalidArgumentError } from "../../src/errors.js";
import { expectQuiverError } from "../helpers/expect-error.js";
import { ScriptedFunction, vectorFor } from "./fake-functions.js";

describe("embedQuery()", () => {
  it("returns the query embedding as a new Float32Array", async () => {
    const shared = new Float32Array([1, 2, 3]);
    const fn = new ScriptedFunction({ script: () => [shared] });
    const vector = await embedQuery(fn, "hello");
    expect(vector).toBeInstanceOf(Float32Array);
    expect(Array.from(vector)).toEqual([1, 2, 3]);
    expect(vector).not.toBe(shared);
    expect(Array.from(await embedQuery(new ScriptedFunction(), "hi"))).toEqual(vectorFor("hi"));
  });

  it("retries a transient failure like ingest batches do", async () => {
    const fn = new ScriptedFunction({
      script: (texts, call) => {
        if (call === 0) throw Object.assign(new Error("busy"), { status: 503 });
        return texts.map((t) => vectorFor(t));
      },
    });
    expect(Array.from(await embedQuery(fn, "q", { retryBaseDelayMs: 1 }))).toEqual(vectorFor("q"));
    expect(fn.calls).toHaveLength(2);
  });

  it("does not retry a 401 and reports the status", async () => {
    const fn = new ScriptedFunction({ script: () => Promise.reject(Object.assign(new Error("bad key"), { status: 401 })) });
    const error = await expectQuiverError(embedQuery(fn, "q", { table: "docs", vectorColumn: "vector" }), EmbeddingError, "EMBEDDING_FAILED", 'searching table "docs"', "after 1 attempt");
    expect(error).toMatchObject({ status: 401, retryable: false, attempts: 1 });
    expect(fn.calls).toHaveLength(1);
  });

  it("checks the width against ndims() and the searched column, and refuses non-finite values", async () => {
    await expectQuiverError(embedQuery(new ScriptedFunction({ script: () => [[1, 2]] }), "q"), EmbeddingError, "EMBEDDING_FAILED", "expected 3 values, got 2 values");
    await expectQuiverError(embedQuery(new ScriptedFunction(), "q", { expectedWidth: 4 }), EmbeddingError, "EMBEDDING_FAILED", "expected 4 values");
    await expectQuiverError(embedQuery(new ScriptedFunction({ script: () => [[1, Number.NaN, 3]] }), "q"), EmbeddingError, "EMBEDDING_FAILED", "non-finite value at position 1");
    await expectQuiverError(embedQuery(new ScriptedFunction({ script: () => [[1, 1e300, 3]] }), "q"), EmbeddingError, "EMBEDDING_FAILED", "too large for float32");
  });

  it("refuses an empty query text", async () => {
    await expectQuiverError(embedQuery(new ScriptedFunction(), "  "), InvalidArgumentError, "INVALID_ARGUMENT", "the query text is empty");
  });

  it("adds well under a millisecond to the function's own time", async () => {
    const fn = getRegistry().get("hashing")!.create();
    for (let i = 0; i < 200; i++) await embedQuery(fn, `warm up ${i}`);
    const n = 2000;
    let start = performance.now();
    for (let i = 0; i < n; i++) await fn.computeQueryEmbeddings(`query number ${i}`);
    const bare = (performance.now() - start) / n;
    start = performance.now();
    for (let i = 0; i < n; i++) await embedQuery(fn, `query number ${i}`);
    const wrapped = (performance.now() - start) / n;
    console.log(`query embedding: bare ${(bare * 1000).toFixed(1)} us, embedQuery ${(wrapped * 1000).toFixed(1)} us, overhead ${((wrapped - bare) * 1000).toFixed(1)} us`);
    expect(wrapped - bare).toBeLessThan(1);
  });
});
