// Embedding on ingest, seen through the table: Table.add(), mergeInsert and
// createTable fill missing vectors, check what the function returns, retry,
// batch, run batches concurrently, report progress, and write nothing when
// embedding fails.
import { tableFromArrays } from "apache-arrow";
import { describe, expect, it } from "vitest";
import {
  EmbeddingError,
  InvalidArgumentError,
  OperationAbortedError,
  SchemaMismatchError,
  connect,
  type Table,
} from "../../../src/index.js";
import { getRegistry, type IngestProgress } from "../../../src/embedding/index.js";
import { expectQuiverError } from "../../helpers/expect-error.js";
import { asFloat32, fakeVector, makeFake, vectorValues, type FakeBehaviour } from "../../helpers/fake-embedding-function.js";
import { expectFailedWrite } from "../../helpers/expect-failed-write.js";
import { makeTempDir } from "../../helpers/temp-dir.js";

/** A table embedded by a fresh fake (width 3) holding rows 0 and 1; the fake's probe is reset. */
async function embeddedTable(options: { behaviour?: FakeBehaviour; delayMs?: number } = {}) {
  const { fn, probe } = makeFake({ ndims: 3 });
  const db = await connect(await makeTempDir());
  const table = await db.createTable("docs", [{ id: 0, text: "zero" }, { id: 1, text: "one" }], {
    embeddingFunction: { function: fn, sourceColumn: "text" },
  });
  probe.reset();
  probe.behaviour = options.behaviour;
  probe.delayMs = options.delayMs ?? 0;
  return { table, probe, fn };
}

async function vectorsById(table: Table, filter?: string): Promise<Map<number, number[] | null>> {
  const query = table.query();
  if (filter) query.where(filter);
  const rows = (await query.toArray()) as { id: number; vector: unknown }[];
  return new Map(rows.map((r) => [Number(r.id), vectorValues(r.vector)]));
}

const texts = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ id: 100 + i, text: `${prefix} ${i}` }));
const noCache = { embeddingCache: false } as const;

describe("Table.add() on a table with an embedding function", () => {
  it("embeds the rows without a vector and keeps the given vectors exactly, in one batch (LanceDB leaves such rows null)", async () => {
    const { table, probe } = await embeddedTable();
    const given = [0.1, -2.5, 1e-7];
    await table.add([
      { id: 2, text: "two", vector: given },
      { id: 3, text: "three" },
      { id: 4, text: "four", vector: null },
      { id: 5, text: "five", vector: [7, 8, 9] },
    ]);
    expect(probe.calls).toEqual([["three", "four"]]);
    const vectors = await vectorsById(table, "id >= 2");
    expect(vectors.get(2)).toEqual(asFloat32(given));
    expect(vectors.get(5)).toEqual([7, 8, 9]);
    expect(vectors.get(3)).toEqual(asFloat32(fakeVector("three", 3)));
    expect(vectors.get(4)).toEqual(asFloat32(fakeVector("four", 3)));
  });

  it("gives a null, empty or blank source a null vector without sending it to the function", async () => {
    const { table, probe } = await embeddedTable();
    await table.add([
      { id: 2, text: null },
      { id: 3, text: "" },
      { id: 4, text: "   " },
      { id: 5, text: "real text" },
    ]);
    expect(probe.texts).toEqual(["real text"]);
    const vectors = await vectorsById(table, "id >= 2");
    expect([vectors.get(2), vectors.get(3), vectors.get(4)]).toEqual([null, null, null]);
    expect(vectors.get(5)).toEqual(asFloat32(fakeVector("real text", 3)));
    expect(await table.countRows("vector IS NULL")).toBe(3);
  });

  it("refuses vectors of the wrong width with EmbeddingError (never truncated or padded) and leaves the table unchanged", async () => {
    const { table } = await embeddedTable({ behaviour: (batch) => batch.map(() => [1, 2, 3, 4]) });
    const typed = await expectFailedWrite(
      table,
      () => table.add([{ id: 2, text: "two" }]),
      EmbeddingError,
      "EMBEDDING_FAILED",
      "returned a vector of the wrong width",
      "expected 3 values",
      "got 4 values",
    );
    expect(typed.provider).toBe("quiver-test-fake");
    expect(typed.table).toBe("docs");
    expect(typed.column).toBe("vector");
    expect(typed.row).toBe(0);
  });

  it("refuses NaN and infinite values with EmbeddingError, from arrays and typed arrays alike, and leaves the table unchanged", async () => {
    const nan = await embeddedTable({ behaviour: (batch) => batch.map((_, i) => (i === 1 ? [1, Number.NaN, 3] : [1, 2, 3])) });
    const typed = await expectFailedWrite(
      nan.table,
      () => nan.table.add([{ id: 2, text: "two" }, { id: 3, text: "three" }]),
      EmbeddingError,
      "EMBEDDING_FAILED",
      "non-finite value at position 1",
      "row 1",
    );
    expect(typed.actual).toBe("NaN");

    const inf = await embeddedTable({ behaviour: (batch) => batch.map(() => new Float32Array([1, Number.POSITIVE_INFINITY, 3])) });
    const add = () => inf.table.add([{ id: 2, text: "two" }]);
    await expectFailedWrite(inf.table, add, EmbeddingError, "EMBEDDING_FAILED", "non-finite value", "Infinity");
  });

  it("retries a flaky function (two failures, then success) with maxRetries: 3 and writes every row", async () => {
    const { table, probe } = await embeddedTable({
      behaviour: (batch, call) => {
        if (call < 2) throw new Error(`temporary failure ${call}`);
        return batch.map((t) => fakeVector(t, 3));
      },
    });
    await table.add([{ id: 2, text: "two" }, { id: 3, text: "three" }], { maxRetries: 3 });
    expect(probe.calls).toEqual([["two", "three"], ["two", "three"], ["two", "three"]]);
    expect((await vectorsById(table, "id >= 2")).get(3)).toEqual(asFloat32(fakeVector("three", 3)));
  });

  it("writes nothing when the function keeps failing, and says how many attempts were made", async () => {
    const { table, probe } = await embeddedTable({
      behaviour: () => {
        throw Object.assign(new Error("503 Service Unavailable"), { status: 503 });
      },
    });
    const add = () => table.add(texts("t", 5), { maxRetries: 1 });
    const typed = await expectFailedWrite(table, add, EmbeddingError, "EMBEDDING_FAILED", "gave up after 2 attempts", "503");
    expect(typed.attempts).toBe(2);
    expect(typed.status).toBe(503);
    expect(typed.retryable).toBe(true);
    expect(probe.calls).toHaveLength(2);
  });

  it("does not retry an error that retrying cannot fix (401)", async () => {
    const { table, probe } = await embeddedTable({
      behaviour: () => {
        throw Object.assign(new Error("401 Unauthorized"), { status: 401 });
      },
    });
    const add = () => table.add(texts("t", 2), { maxRetries: 5 });
    const typed = await expectFailedWrite(table, add, EmbeddingError, "EMBEDDING_FAILED", "credentials", "setVar");
    expect(typed.attempts).toBe(1);
    expect(probe.calls).toHaveLength(1);
  });

  it("refuses data without the source column when vectors must be computed, and leaves the table unchanged", async () => {
    const { table, probe } = await embeddedTable();
    await expectFailedWrite(
      table,
      () => table.add([{ id: 2 }, { id: 3 }]),
      SchemaMismatchError,
      "SCHEMA_MISMATCH",
      "Cannot apply embedding function because the source column 'text' was not present in the data",
      "table 'docs'",
    );
    expect(probe.calls).toEqual([]);
  });

  it("accepts rows without the source column when they carry every vector (LanceDB refuses them)", async () => {
    const { table, probe } = await embeddedTable();
    await table.add([{ id: 2, vector: [1, 2, 3] }]);
    const rows = (await table.query().where("id = 2").toArray()) as { text: unknown; vector: unknown }[];
    expect(rows[0]!.text).toBeNull();
    expect(vectorValues(rows[0]!.vector)).toEqual([1, 2, 3]);
    expect(probe.calls).toEqual([]);
  });

  it("sends batches of embeddingBatchSize texts, 64 by default", async () => {
    const { table, probe } = await embeddedTable();
    await table.add(texts("small", 10), { embeddingBatchSize: 4, ...noCache });
    expect(probe.batchSizes).toEqual([4, 4, 2]);
    probe.reset();
    await table.add(texts("default", 100), noCache);
    expect(probe.batchSizes).toEqual([64, 36]);
    expect(await table.countRows("vector IS NOT NULL")).toBe(112);
  });

  it("refuses an embeddingBatchSize or embeddingConcurrency below 1 and leaves the table unchanged", async () => {
    const { table, probe } = await embeddedTable();
    for (const options of [{ embeddingBatchSize: 0 }, { embeddingConcurrency: 0 }]) {
      await expectFailedWrite(table, () => table.add(texts("x", 2), options), InvalidArgumentError, "INVALID_ARGUMENT", "got 0");
    }
    expect(probe.calls).toEqual([]);
  });

  it("names the option as the caller wrote it when refusing embeddingBatchSize: 0", async () => {
    const { table } = await embeddedTable();
    const error = await expectFailedWrite(
      table,
      () => table.add(texts("x", 2), { embeddingBatchSize: 0 }),
      InvalidArgumentError,
      "INVALID_ARGUMENT",
      "embeddingBatchSize",
    );
    expect(error.argument).toBe("embeddingBatchSize");
  });

  it("runs at most embeddingConcurrency batches at once, 4 by default", async () => {
    const { table, probe } = await embeddedTable({ delayMs: 25 });
    await table.add(texts("a", 8), { embeddingBatchSize: 1, embeddingConcurrency: 2, ...noCache });
    expect(probe.calls).toHaveLength(8);
    expect(probe.maxInFlight).toBe(2);
    probe.reset();
    await table.add(texts("b", 8), { embeddingBatchSize: 1, embeddingConcurrency: 1, ...noCache });
    expect(probe.maxInFlight).toBe(1);
    probe.reset();
    await table.add(texts("c", 8), { embeddingBatchSize: 1, ...noCache });
    expect(probe.maxInFlight).toBe(4);
  });

  it("reports embedding events, then writing events, to onProgress; LanceDB's progress callback still ends with done: true", async () => {
    const { table } = await embeddedTable();
    const events: IngestProgress[] = [];
    const lance: { outputRows: number; done: boolean }[] = [];
    await table.add(texts("p", 10), {
      embeddingBatchSize: 3,
      onProgress: (p) => events.push(p),
      progress: (p) => lance.push({ outputRows: p.outputRows, done: p.done }),
    });
    const phases = events.map((e) => e.phase);
    const firstWriting = phases.indexOf("writing");
    expect(firstWriting).toBeGreaterThan(0);
    expect(phases.slice(0, firstWriting).every((p) => p === "embedding")).toBe(true);
    expect(phases.slice(firstWriting).every((p) => p === "writing")).toBe(true);
    const lastEmbedding = events[firstWriting - 1]!;
    expect(lastEmbedding).toMatchObject({ phase: "embedding", rowsEmbedded: 10, rowsTotal: 10, vectorColumn: "vector" });
    expect(events.at(-1)).toMatchObject({ phase: "writing", rowsWritten: 10, rowsTotal: 10 });
    expect(lance.at(-1)).toEqual({ outputRows: 10, done: true });
  });

  it("stops when its signal aborts, writing nothing", async () => {
    const { table } = await embeddedTable({ delayMs: 50 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("user cancelled")), 10);
    const add = () => table.add(texts("slow", 20), { embeddingBatchSize: 1, embeddingConcurrency: 1, signal: controller.signal });
    await expectFailedWrite(table, add, OperationAbortedError, "ABORTED", "nothing was written");
  });
});

describe("Table.add() progress callbacks", () => {
  it("ignores an onProgress callback that throws, as it does for the progress callback", async () => {
    const { table } = await embeddedTable();
    await table.add([{ id: 2, text: "two" }], {
      onProgress: () => {
        throw new Error("the progress bar crashed");
      },
    });
    expect(await table.countRows()).toBe(3);
  });

  it("delivers writing events to onProgress even when the progress callback throws", async () => {
    const { table } = await embeddedTable();
    const phases: string[] = [];
    await table.add([{ id: 2, text: "two" }], {
      progress: () => {
        throw new Error("the progress bar crashed");
      },
      onProgress: (p) => phases.push(p.phase),
    });
    expect(phases).toContain("writing");
  });
});

describe("Table.add() input forms", () => {
  it("embeds rows given as an Arrow table, and rows added with mode overwrite", async () => {
    const { table, probe } = await embeddedTable();
    await table.add(tableFromArrays({ id: Float64Array.from([2, 3]), text: ["arrow two", "arrow three"] }));
    expect(probe.texts).toEqual(["arrow two", "arrow three"]);
    expect((await vectorsById(table)).get(3)).toEqual(asFloat32(fakeVector("arrow three", 3)));
    await table.add([{ id: 9, text: "only row" }], { mode: "overwrite" });
    expect([...(await vectorsById(table))]).toEqual([[9, asFloat32(fakeVector("only row", 3))]]);
  });
});

describe("Table.mergeInsert() on a table with an embedding function", () => {
  it("embeds inserted and updated rows and leaves the others alone", async () => {
    const { table, probe } = await embeddedTable();
    const before = await vectorsById(table);
    const result = await table
      .mergeInsert("id")
      .whenMatchedUpdateAll()
      .whenNotMatchedInsertAll()
      .execute([{ id: 1, text: "one, rewritten" }, { id: 2, text: "two, new" }], noCache);
    expect(result).toMatchObject({ numInsertedRows: 1, numUpdatedRows: 1 });
    expect(probe.texts.sort()).toEqual(["one, rewritten", "two, new"]);
    const after = await vectorsById(table);
    expect(after.get(0)).toEqual(before.get(0));
    expect(after.get(1)).toEqual(asFloat32(fakeVector("one, rewritten", 3)));
    expect(after.get(2)).toEqual(asFloat32(fakeVector("two, new", 3)));
  });

  it("writes nothing when embedding fails", async () => {
    const { table } = await embeddedTable({ behaviour: (batch) => batch.map(() => [1, 2]) });
    const merge = () =>
      table.mergeInsert("id").whenMatchedUpdateAll().whenNotMatchedInsertAll().execute([{ id: 1, text: "x" }, { id: 5, text: "y" }]);
    await expectFailedWrite(table, merge, EmbeddingError, "EMBEDDING_FAILED", 'merge-inserting into table "docs" failed', "wrong width");
  });
});

describe("Connection.createTable() with an embedding function", () => {
  it("creates nothing when embedding the first rows fails", async () => {
    const { fn } = makeFake({ ndims: 3, behaviour: (batch) => batch.map(() => [Number.NaN, 0, 0]) });
    const db = await connect(await makeTempDir());
    await expectQuiverError(
      db.createTable("docs", [{ id: 1, text: "a" }], { embeddingFunction: { function: fn, sourceColumn: "text" } }),
      EmbeddingError,
      "EMBEDDING_FAILED",
      'creating table "docs" failed',
    );
    expect(await db.tableNames()).toEqual([]);
  });

  // Rows that all carry vectors skip the embedding stage; their width is still checked against
  // the function's ndims(), or the table would be bound to a function it can never use.
  it("refuses given vectors whose width differs from the function's ndims() and creates nothing", async () => {
    const fn = getRegistry().get("hashing")!.create({ ndims: 3 });
    const db = await connect(await makeTempDir());
    await expectQuiverError(
      db.createTable("docs", [{ id: 1, text: "a", vector: [1, 2] }], { embeddingFunction: { function: fn, sourceColumn: "text" } }),
      SchemaMismatchError,
      "SCHEMA_MISMATCH",
      "makes 3-value vectors, but the data gives vectors of 2 values",
    );
    expect(await db.tableNames()).toEqual([]);
  });

  it("refuses the same data when one row lacks its vector", async () => {
    const fn = getRegistry().get("hashing")!.create({ ndims: 3 });
    const db = await connect(await makeTempDir());
    await expectQuiverError(
      db.createTable("docs", [{ id: 1, text: "a", vector: [1, 2] }, { id: 2, text: "b" }], {
        embeddingFunction: { function: fn, sourceColumn: "text" },
      }),
      SchemaMismatchError,
      "SCHEMA_MISMATCH",
      "makes 3-value vectors, but the data gives vectors of 2 values",
    );
    expect(await db.tableNames()).toEqual([]);
  });

  it("reports writing events to onProgress after the embedding events", async () => {
    const { fn } = makeFake({ ndims: 3 });
    const db = await connect(await makeTempDir());
    const events: IngestProgress[] = [];
    await db.createTable("docs", texts("c", 5), {
      embeddingFunction: { function: fn, sourceColumn: "text" },
      onProgress: (p) => events.push(p),
    });
    expect(events[0]?.phase).toBe("embedding");
    expect(events.at(-1)).toMatchObject({ phase: "writing", rowsWritten: 5 });
  });
});
