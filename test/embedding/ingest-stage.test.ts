import { Field, FixedSizeList, Float16, Float32, Float64, Int32, Precision, RecordBatch, Schema, Table, Utf8, makeData, Struct, vectorFromArray, type Float } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  EmbeddingError,
  MemoryEmbeddingCache,
  OperationAbortedError,
  PersistentEmbeddingCache,
  embedMissingVectors,
  embedMissingVectorsWithStats,
  getRegistry,
  register,
  type IngestProgress,
} from "quiverdb/embedding";
import { InvalidArgumentError, SchemaMismatchError } from "../../src/errors.js";
import { expectQuiverError } from "../helpers/expect-error.js";
import { makeTempDir } from "../helpers/temp-dir.js";
import { textTable, vectorRows, vectorType } from "./arrow-fixtures.js";
import { HalfFunction, ScriptedFunction, vectorFor } from "./fake-functions.js";

const pair = (fn: ScriptedFunction | HalfFunction, sourceColumn = "text", vectorColumn = "vector") => ({ sourceColumn, vectorColumn, function: fn });
const fast = { retryBaseDelayMs: 1, retryMaxDelayMs: 2 };

/** The cache serves registered functions only; this one is registered for the cache tests. */
class CachedFunction extends ScriptedFunction {}
beforeAll(() => {
  register("ingest-cached")(CachedFunction);
});
afterAll(() => {
  getRegistry().unregister("ingest-cached");
});

function statusError(status: number, message = `HTTP ${status}`): Error & { status: number } {
  return Object.assign(new Error(message), { status });
}

describe("embedMissingVectors()", () => {
  it("adds an absent vector column as FixedSizeList(ndims, float32) filled by the function", async () => {
    const fn = new ScriptedFunction();
    const out = await embedMissingVectors(textTable(["ab", "xyz"]), [pair(fn)]);
    expect(out.schema.fields.map((f) => f.name)).toEqual(["text", "vector"]);
    const type = out.schema.fields[1]!.type as FixedSizeList;
    expect(type.listSize).toBe(3);
    expect((type.children[0]!.type as Float).precision).toBe(Precision.SINGLE);
    expect(vectorRows(out)).toEqual([vectorFor("ab"), vectorFor("xyz")]);
  });

  it("embeds exactly the rows whose vector is null and keeps given vectors untouched (LanceDB leaves them null)", async () => {
    const fn = new ScriptedFunction();
    const given = [0.1, 0.2, 0.3];
    const input = textTable(["a", "bb", "ccc", "dddd"], [given, null, [7, 8, 9], null]);
    const out = await embedMissingVectors(input, [pair(fn)]);
    expect(fn.calls).toEqual([["bb", "dddd"]]);
    const rows = vectorRows(out);
    expect(rows[0]).toEqual(Array.from(new Float32Array(given)));
    expect(rows[2]).toEqual([7, 8, 9]);
    expect(rows[1]).toEqual(vectorFor("bb"));
    expect(rows[3]).toEqual(vectorFor("dddd"));
    expect(vectorRows(input)[1]).toBeNull(); // the input is not changed
  });

  it("returns the same table and calls nothing when every vector is given", async () => {
    const fn = new ScriptedFunction();
    const input = textTable(["a", "b"], [[1, 2, 3], [4, 5, 6]]);
    expect(await embedMissingVectors(input, [pair(fn)])).toBe(input);
    expect(fn.calls).toHaveLength(0);
  });

  it("gives a null vector to null, empty and whitespace-only sources without sending them", async () => {
    const fn = new ScriptedFunction();
    const { table, stats } = await embedMissingVectorsWithStats(textTable(["ok", null, "", "   \n\t", "fine"]), [pair(fn)]);
    expect(fn.calls).toEqual([["ok", "fine"]]);
    expect(vectorRows(table)).toEqual([vectorFor("ok"), null, null, null, vectorFor("fine")]);
    expect(stats.nullRows).toBe(3);
  });

  it("reads text exactly: non-ASCII, nulls, and a sliced column", async () => {
    const fn = new ScriptedFunction();
    await embedMissingVectors(textTable(["héllo wörld", null, "日本語", "plain"]), [pair(fn)]);
    expect(fn.calls).toEqual([["héllo wörld", "日本語", "plain"]]);
    const sliced = new ScriptedFunction();
    const out = await embedMissingVectors(textTable(["skip me", "b", null, "dd", "tail"]).slice(1, 4), [pair(sliced)]);
    expect(sliced.calls).toEqual([["b", "dd"]]);
    expect(vectorRows(out)).toEqual([vectorFor("b"), null, vectorFor("dd")]);
  });

  it("refuses a float64 value too large for the float32 column instead of storing Infinity", async () => {
    const fn = new ScriptedFunction({ script: (batch) => batch.map(() => new Float64Array([1, 1e300, 0])) });
    await expectQuiverError(
      embedMissingVectors(textTable(["a"]), [pair(fn)]),
      EmbeddingError,
      "EMBEDDING_FAILED",
      "too large for the float32 column at position 1",
      "row 0",
    );
  });

  it("sends batches of batchSize, never above the function's own maxBatchSize", async () => {
    const texts = Array.from({ length: 150 }, (_, i) => `text ${i}`);
    const byDefault = new ScriptedFunction();
    await embedMissingVectors(textTable(texts), [pair(byDefault)], { concurrency: 1 });
    expect(byDefault.calls.map((c) => c.length)).toEqual([64, 64, 22]);

    const small = new ScriptedFunction();
    await embedMissingVectors(textTable(texts), [pair(small)], { batchSize: 50 });
    expect(small.calls.map((c) => c.length)).toEqual([50, 50, 50]);

    const limited = new ScriptedFunction({ maxBatchSize: 40 });
    await embedMissingVectors(textTable(texts), [pair(limited)], { batchSize: 100 });
    expect(limited.calls.map((c) => c.length).sort((a, b) => b - a)).toEqual([40, 40, 40, 30]);
    expect(limited.calls.flat().sort()).toEqual([...texts].sort());
  });

  it("keeps row order whatever order concurrent batches finish in", async () => {
    const texts = Array.from({ length: 40 }, (_, i) => `t${i}`);
    const fn = new ScriptedFunction({
      script: async (batch, call) => {
        await new Promise((r) => setTimeout(r, (5 - call) * 4));
        return batch.map((t) => vectorFor(t));
      },
    });
    const out = await embedMissingVectors(textTable(texts), [pair(fn)], { batchSize: 8, concurrency: 5 });
    expect(vectorRows(out)).toEqual(texts.map((t) => vectorFor(t)));
  });

  it("runs batches concurrently: with a 50 ms function, concurrency 4 is at least 2.5x one-at-a-time", async () => {
    const texts = Array.from({ length: 16 * 8 }, (_, i) => `sleepy ${i}`);
    const sleepy = (): ScriptedFunction =>
      new ScriptedFunction({
        script: async (batch) => {
          await new Promise((r) => setTimeout(r, 50));
          return batch.map((t) => vectorFor(t));
        },
      });
    const time = async (concurrency: number): Promise<number> => {
      const start = performance.now();
      await embedMissingVectors(textTable(texts), [pair(sleepy())], { batchSize: 8, concurrency });
      return performance.now() - start;
    };
    const serial = await time(1);
    const parallel = await time(4);
    const speedup = serial / parallel;
    console.log(`concurrency speed-up (16 batches x 50 ms): serial ${serial.toFixed(0)} ms, concurrency 4 ${parallel.toFixed(0)} ms, ${speedup.toFixed(2)}x`);
    expect(speedup).toBeGreaterThanOrEqual(2.5);
  });

  it("retries a transient failure with backoff and succeeds", async () => {
    const fn = new ScriptedFunction({
      script: (batch, call) => {
        if (call < 2) throw statusError(503, "service unavailable");
        return batch.map((t) => vectorFor(t));
      },
    });
    const { table, stats } = await embedMissingVectorsWithStats(textTable(["a", "b"]), [pair(fn)], { ...fast, maxRetries: 3 });
    expect(fn.calls).toHaveLength(3);
    expect(stats.calls).toBe(3);
    expect(vectorRows(table)).toEqual([vectorFor("a"), vectorFor("b")]);
  });

  it("gives up after maxRetries with an EmbeddingError carrying attempts, status and the cause", async () => {
    const fn = new ScriptedFunction({ script: () => Promise.reject(statusError(429, "rate limited")) });
    const error = await expectQuiverError(
      embedMissingVectors(textTable(["a"]), [pair(fn)], { ...fast, maxRetries: 2, table: "docs" }),
      EmbeddingError,
      "EMBEDDING_FAILED",
      'adding to table "docs" failed',
      'embedding function "ScriptedFunction"',
      "gave up after 3 attempts",
      'column "text" into "vector"',
      "HTTP status 429",
      "rate limited",
    );
    expect(fn.calls).toHaveLength(3);
    expect(error).toMatchObject({ attempts: 3, retryable: true, status: 429, provider: "ScriptedFunction", table: "docs", row: 0 });
    expect((error.cause as Error).message).toBe("rate limited");
  });

  it("never retries errors marked non-retryable: 401/403, EmbeddingError retryable=false, programming errors", async () => {
    const cases: unknown[] = [
      statusError(401, "bad key"),
      statusError(403, "forbidden"),
      new EmbeddingError("provider said no", { provider: "p", status: 400, retryable: false }),
      new TypeError("cannot read properties of undefined"),
      new RangeError("bad"),
    ];
    for (const thrown of cases) {
      const fn = new ScriptedFunction({ script: () => Promise.reject(thrown) });
      const error = await expectQuiverError(
        embedMissingVectors(textTable(["a"]), [pair(fn)], { ...fast, maxRetries: 5 }),
        EmbeddingError,
        "EMBEDDING_FAILED",
        "retrying cannot fix",
      );
      expect(fn.calls).toHaveLength(1);
      expect(error.retryable).toBe(false);
      expect(error.attempts).toBe(1);
      expect(error.cause).toBe(thrown);
    }
  });

  it("refuses a vector of the wrong width, naming function, column, row, expected and actual (no truncation)", async () => {
    const fn = new ScriptedFunction({ script: (batch) => batch.map((t, i) => (i === 1 ? [1, 2] : vectorFor(t))) });
    const error = await expectQuiverError(
      embedMissingVectors(textTable(["a", "b", "c"]), [pair(fn)], { table: "docs" }),
      EmbeddingError,
      "EMBEDDING_FAILED",
      'adding to table "docs" failed',
      'embedding function "ScriptedFunction"',
      "wrong width",
      '"vector"',
      "row 1",
      "expected 3 values",
      "got 2 values",
    );
    expect(error).toMatchObject({ row: 1, column: "vector", expected: "3 values (ndims())", actual: "2 values", retryable: false, attempts: 1 });
    expect(fn.calls).toHaveLength(1); // a bad output is not retried
  });

  it("refuses a vector wider than ndims() instead of truncating it", async () => {
    const fn = new ScriptedFunction({ script: (batch) => batch.map(() => [1, 2, 3, 4]) });
    await expectQuiverError(embedMissingVectors(textTable(["a"]), [pair(fn)]), EmbeddingError, "EMBEDDING_FAILED", "got 4 values");
  });

  it("refuses the wrong number of embeddings", async () => {
    const fn = new ScriptedFunction({ script: (batch) => batch.slice(1).map((t) => vectorFor(t)) });
    await expectQuiverError(
      embedMissingVectors(textTable(["a", "b", "c"]), [pair(fn)]),
      EmbeddingError,
      "EMBEDDING_FAILED",
      "did not return an embedding for each input element",
      "expected 3 embeddings, got 2",
    );
  });

  it("refuses NaN and infinite values, naming the row and position", async () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const fn = new ScriptedFunction({ script: (batch) => batch.map((t, i) => (i === 2 ? [0, bad, 0] : vectorFor(t))) });
      await expectQuiverError(
        embedMissingVectors(textTable(["a", "b", "c"]), [pair(fn)]),
        EmbeddingError,
        "EMBEDDING_FAILED",
        "non-finite value at position 1",
        "row 2",
        `got ${String(bad)}`,
      );
    }
  });

  it("takes the width from the first vector when ndims() is undefined, and enforces it on every other", async () => {
    const ok = new ScriptedFunction({ ndims: undefined, script: (batch) => batch.map(() => [1, 2, 3, 4, 5]) });
    const out = await embedMissingVectors(textTable(["a", "b"]), [pair(ok)]);
    expect((out.schema.fields[1]!.type as FixedSizeList).listSize).toBe(5);
    const ragged = new ScriptedFunction({ ndims: undefined, script: (batch) => batch.map((_, i) => (i === 0 ? [1, 2] : [1, 2, 3])) });
    await expectQuiverError(
      embedMissingVectors(textTable(["a", "b"]), [pair(ragged)]),
      EmbeddingError,
      "EMBEDDING_FAILED",
      "expected 2 values (the width of the first vector), got 3 values",
    );
  });

  it("makes a float16 column for a float16 function", async () => {
    const out = await embedMissingVectors(textTable(["abc"]), [pair(new HalfFunction())]);
    const type = out.schema.fields[1]!.type as FixedSizeList;
    expect((type.children[0]!.type as Float).precision).toBe(Precision.HALF);
    expect(vectorRows(out)).toEqual([[0.5, -0.25, 3, 1]]);
  });

  it("fills an existing float16 or float64 column in its own type", async () => {
    for (const element of [new Float16(), new Float64()]) {
      const input = textTable(["ab", "cd"], [[1, 2, 3], null], 3, element);
      const out = await embedMissingVectors(input, [pair(new ScriptedFunction())]);
      expect(out.schema.fields[1]!.type).toBe(input.schema.fields[1]!.type);
      expect(vectorRows(out)).toEqual([[1, 2, 3], vectorFor("cd")]);
    }
  });

  it("embeds identical texts once within one call", async () => {
    const fn = new ScriptedFunction();
    const texts = Array.from({ length: 100 }, (_, i) => `topic ${i % 10}`);
    const { table, stats } = await embedMissingVectorsWithStats(textTable(texts), [pair(fn)]);
    expect(fn.textsEmbedded).toBe(10);
    expect(stats).toMatchObject({ sourcesSent: 10, duplicateRows: 90, rowsEmbedded: 100 });
    expect(vectorRows(table)).toEqual(texts.map((t) => vectorFor(t)));
  });

  it("reuses embeddings across calls through a MemoryEmbeddingCache, counting the calls saved", async () => {
    const cache = new MemoryEmbeddingCache();
    const first = new CachedFunction();
    await embedMissingVectors(textTable(["a", "b", "c"]), [pair(first)], { cache });
    expect(first.textsEmbedded).toBe(3);
    const second = new CachedFunction();
    const { table, stats } = await embedMissingVectorsWithStats(textTable(["c", "b", "d"]), [pair(second)], { cache });
    expect(second.calls).toEqual([["d"]]);
    expect(stats.cacheHits).toBe(2);
    expect(vectorRows(table)).toEqual([vectorFor("c"), vectorFor("b"), vectorFor("d")]);
  });

  it("does not share cache entries between two configurations of a function", async () => {
    const cache = new MemoryEmbeddingCache();
    await embedMissingVectors(textTable(["a"]), [pair(new CachedFunction({ ndims: 3 }))], { cache });
    const wider = new CachedFunction({ ndims: 4 });
    const out = await embedMissingVectors(textTable(["a"]), [pair(wider)], { cache });
    expect(wider.textsEmbedded).toBe(1);
    expect(vectorRows(out)).toEqual([vectorFor("a", 4)]);
  });

  it("reuses embeddings across calls and instances through a PersistentEmbeddingCache on disk", async () => {
    const dir = await makeTempDir();
    const texts = Array.from({ length: 200 }, (_, i) => `persistent text ${i}`);
    const firstFn = new CachedFunction();
    await embedMissingVectors(textTable(texts.slice(0, 150)), [pair(firstFn)], { cache: PersistentEmbeddingCache.atPath(dir) });
    expect(firstFn.textsEmbedded).toBe(150);
    // A new cache object over the same folder stands for another process.
    const secondFn = new CachedFunction();
    const { table, stats } = await embedMissingVectorsWithStats(textTable(texts), [pair(secondFn)], {
      cache: PersistentEmbeddingCache.atPath(dir),
    });
    expect(secondFn.textsEmbedded).toBe(50);
    expect(stats.cacheHits).toBe(150);
    console.log(`persistent cache: ${stats.cacheHits} of ${texts.length} texts served from disk, ${secondFn.calls.length} function calls instead of 4`);
    expect(vectorRows(table)).toEqual(texts.map((t) => vectorFor(t)));
  });

  it("does not use the cache for an unregistered function (its class name does not identify its output)", async () => {
    const cache = new MemoryEmbeddingCache();
    await embedMissingVectors(textTable(["a"]), [pair(new ScriptedFunction())], { cache });
    expect(cache.size).toBe(0);
  });

  it("reports progress from 0 to rowsTotal, counting cache and duplicate rows as reused", async () => {
    const events: IngestProgress[] = [];
    const texts = Array.from({ length: 30 }, (_, i) => `p${i % 20}`);
    await embedMissingVectors(textTable([...texts, null]), [pair(new ScriptedFunction())], {
      batchSize: 5,
      concurrency: 2,
      onProgress: (p) => events.push(p),
    });
    expect(events[0]).toMatchObject({ phase: "embedding", rowsEmbedded: 0, rowsTotal: 30 });
    const last = events[events.length - 1]!;
    expect(last).toMatchObject({ phase: "embedding", rowsEmbedded: 30, rowsTotal: 30, rowsReused: 10, vectorColumn: "vector" });
    const counts = events.map((e) => (e.phase === "embedding" ? e.rowsEmbedded : -1));
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(events).toHaveLength(1 + 4);
  });

  it("stops when the signal aborts, with OperationAbortedError, and returns nothing", async () => {
    const controller = new AbortController();
    const fn = new ScriptedFunction({
      script: async (batch, call) => {
        if (call === 1) controller.abort(new Error("user cancelled"));
        await new Promise((r) => setTimeout(r, 20));
        return batch.map((t) => vectorFor(t));
      },
    });
    const texts = Array.from({ length: 50 }, (_, i) => `abort ${i}`);
    const error = await expectQuiverError(
      embedMissingVectors(textTable(texts), [pair(fn)], { batchSize: 5, concurrency: 1, signal: controller.signal, table: "docs" }),
      OperationAbortedError,
      "ABORTED",
      'add on table "docs" was aborted',
    );
    expect((error.cause as Error).message).toBe("user cancelled");
    expect(fn.calls.length).toBeLessThan(10);
    await expectQuiverError(
      embedMissingVectors(textTable(["x"]), [pair(new ScriptedFunction())], { signal: AbortSignal.abort() }),
      OperationAbortedError,
      "ABORTED",
    );
  });

  it("stops waiting for a retry when the signal aborts", async () => {
    const controller = new AbortController();
    const fn = new ScriptedFunction({ script: () => Promise.reject(statusError(503)) });
    const start = performance.now();
    setTimeout(() => controller.abort(), 30);
    await expectQuiverError(
      embedMissingVectors(textTable(["a"]), [pair(fn)], { retryBaseDelayMs: 10_000, retryMaxDelayMs: 10_000, signal: controller.signal }),
      OperationAbortedError,
      "ABORTED",
    );
    expect(performance.now() - start).toBeLessThan(2_000);
  });

  it("fills several vector columns, each from its own source", async () => {
    const a = new ScriptedFunction({ ndims: 2 });
    const b = new ScriptedFunction({ ndims: 4 });
    const input = new Table({ title: vectorFromArray(["t1", "t2"], new Utf8()), body: vectorFromArray(["body one", "b2"], new Utf8()) });
    const out = await embedMissingVectors(input, [pair(a, "title", "title_vector"), pair(b, "body", "body_vector")]);
    expect(out.schema.fields.map((f) => f.name)).toEqual(["title", "body", "title_vector", "body_vector"]);
    expect(vectorRows(out, "title_vector")).toEqual([vectorFor("t1", 2), vectorFor("t2", 2)]);
    expect(vectorRows(out, "body_vector")).toEqual([vectorFor("body one", 4), vectorFor("b2", 4)]);
  });

  it("keeps record batches, schema metadata and other columns as they are", async () => {
    const schema = new Schema(
      [new Field("id", new Int32(), false), new Field("text", new Utf8(), true), new Field("vector", vectorType(3), true)],
      new Map([["embedding_functions", "[]"]]),
    );
    const batch = (ids: number[], texts: string[], vectors: (number[] | null)[]): RecordBatch =>
      new RecordBatch(
        schema,
        makeData({
          type: new Struct(schema.fields),
          length: ids.length,
          nullCount: 0,
          children: [
            vectorFromArray(ids, new Int32()).data[0]!,
            vectorFromArray(texts, new Utf8()).data[0]!,
            vectorFromArray(vectors, vectorType(3)).data[0]!,
          ],
        }),
      );
    const first = batch([1, 2], ["a", "b"], [[1, 1, 1], [2, 2, 2]]);
    const input = new Table([first, batch([3, 4, 5], ["c", "d", "e"], [null, [4, 4, 4], null])]);
    const out = await embedMissingVectors(input, [pair(new ScriptedFunction())]);
    expect(out.batches.map((b) => b.numRows)).toEqual([2, 3]);
    expect(out.batches[0]!.getChildAt(2)!.data[0]).toBe(first.getChildAt(2)!.data[0]); // untouched batch: same buffers
    expect(out.schema.metadata.get("embedding_functions")).toBe("[]");
    expect(out.schema.fields[0]!.nullable).toBe(false);
    expect(Array.from(out.getChild("id")!.toArray())).toEqual([1, 2, 3, 4, 5]);
    expect(vectorRows(out)).toEqual([[1, 1, 1], [2, 2, 2], vectorFor("c"), [4, 4, 4], vectorFor("e")]);
  });

  it("fails when the source column is missing but vectors are, with LanceDB's wording", async () => {
    const input = new Table({ other: vectorFromArray(["x"], new Utf8()) });
    await expectQuiverError(
      embedMissingVectors(input, [pair(new ScriptedFunction())]),
      SchemaMismatchError,
      "SCHEMA_MISMATCH",
      "Cannot apply embedding function because the source column 'text' was not present in the data",
    );
  });

  it("refuses a null vector in a non-nullable column", async () => {
    const schema = new Schema([new Field("text", new Utf8(), true), new Field("vector", vectorType(3), false)]);
    const input = new Table(
      schema,
      new RecordBatch(schema, makeData({
        type: new Struct(schema.fields),
        length: 1,
        nullCount: 0,
        children: [vectorFromArray([""], new Utf8()).data[0]!, vectorFromArray([null], vectorType(3)).data[0]!],
      })),
    );
    await expectQuiverError(embedMissingVectors(input, [pair(new ScriptedFunction())]), SchemaMismatchError, "SCHEMA_MISMATCH", "does not take nulls");
  });

  it("refuses a vector column that is not a FixedSizeList of floats, or whose width contradicts ndims()", async () => {
    const wrongType = new Table({ text: vectorFromArray(["a"], new Utf8()), vector: vectorFromArray([1.5], new Float32()) });
    await expectQuiverError(
      embedMissingVectors(wrongType, [pair(new ScriptedFunction())]),
      SchemaMismatchError,
      "SCHEMA_MISMATCH",
      "Expected FixedSizeList as datatype for vector field",
    );
    await expectQuiverError(
      embedMissingVectors(textTable(["a"], [null], 5), [pair(new ScriptedFunction({ ndims: 3 }))]),
      SchemaMismatchError,
      "SCHEMA_MISMATCH",
      'column "vector" takes 5 values per vector but embedding function "ScriptedFunction" produces 3',
    );
  });

  it("refuses bad options", async () => {
    await expectQuiverError(embedMissingVectors(textTable(["a"]), [], { batchSize: 0 }), InvalidArgumentError, "INVALID_ARGUMENT", "batchSize");
    await expectQuiverError(embedMissingVectors(textTable(["a"]), [], { concurrency: 1.5 }), InvalidArgumentError, "INVALID_ARGUMENT", "concurrency");
  });

  it("needs a width when no row has a source and the function has no ndims()", async () => {
    await expectQuiverError(
      embedMissingVectors(textTable([null, ""]), [pair(new ScriptedFunction({ ndims: undefined }))]),
      InvalidArgumentError,
      "INVALID_ARGUMENT",
      "Attempt to apply embeddings to an empty table",
    );
    const out = await embedMissingVectors(textTable([null]), [pair(new ScriptedFunction({ ndims: 3 }))]);
    expect(vectorRows(out)).toEqual([null]);
  });
});
