// The `gemini-text` provider against a fake of Google's Gemini API on 127.0.0.1.
import { randomUUID } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { EmbeddingError, InvalidArgumentError, connect } from "../../../src/index.js";
import { getRegistry } from "../../../src/embedding/index.js";
import { GeminiTextEmbeddingFunction } from "../../../src/embedding/providers/gemini-text.js";
import { fakeEmbedding } from "../../fakes/fake-server.js";
import { startFakeGemini, type FakeGemini } from "../../fakes/gemini-fake.js";
import { expectSecretNotInFiles } from "../../fakes/leak-check.js";
import { expectQuiverError } from "../../helpers/expect-error.js";
import { makeTempDir } from "../../helpers/temp-dir.js";
import { fakesClosedAfterEachTest } from "./provider-test-setup.js";

const closeAfterTest = fakesClosedAfterEachTest();
async function fake(): Promise<{ server: FakeGemini; key: string }> {
  const key = `AIza-${randomUUID()}`;
  const server = closeAfterTest(await startFakeGemini({ apiKey: key }));
  getRegistry().setVar("google_key", key);
  return { server, key };
}

/** Fails when `secret` is in any file under `dir` (manifests' base64 schemas decoded too). */
async function expectSecretNowhere(dir: string, secret: string): Promise<void> {
  expect(await expectSecretNotInFiles(dir, secret)).toBeGreaterThan(0);
}

const create = (server: FakeGemini, options: Record<string, unknown> = {}) =>
  new GeminiTextEmbeddingFunction({ apiKey: "$var:google_key", baseUrl: server.baseUrl, ...options });

type BatchBody = { requests: { model: string; content: { parts: { text: string }[] }; taskType?: string; outputDimensionality?: number }[] };

describe("GeminiTextEmbeddingFunction", () => {
  it("is the built-in \"gemini-text\", defaulting to gemini-embedding-001 at 3072 values, 100 texts a request", () => {
    const fn = getRegistry().get("gemini-text")!.create();
    expect(fn).toBeInstanceOf(GeminiTextEmbeddingFunction);
    expect(fn.ndims()).toBe(3072);
    expect(fn.maxBatchSize()).toBe(100);
    expect(new GeminiTextEmbeddingFunction({ dim: 768 }).ndims()).toBe(768);
    expect(new GeminiTextEmbeddingFunction({ model: "models/text-embedding-004" }).ndims()).toBe(768);
    expect(new GeminiTextEmbeddingFunction({ model: "gemini-embedding-future" }).ndims()).toBeUndefined();
  });

  it("refuses bad options naming the option and the fix", async () => {
    await expectQuiverError(() => new GeminiTextEmbeddingFunction({ dim: 4096 }), InvalidArgumentError, "INVALID_ARGUMENT", '"dim"', "at most 3072");
    await expectQuiverError(() => new GeminiTextEmbeddingFunction({ model: "embedding-001", dim: 256 }), InvalidArgumentError, "INVALID_ARGUMENT", "always have 768 values");
    await expectQuiverError(() => new GeminiTextEmbeddingFunction({ queryTaskType: "search" }), InvalidArgumentError, "INVALID_ARGUMENT", '"queryTaskType"', "RETRIEVAL_QUERY");
  });

  it("accepts LanceDB Python's spellings: name, query_task_type in lower case", () => {
    const fn = new GeminiTextEmbeddingFunction({ name: "gemini-embedding-001", query_task_type: "semantic_similarity" } as never);
    expect(fn.toJSON()).toEqual({ name: "gemini-embedding-001", query_task_type: "semantic_similarity" });
  });

  it("posts batchEmbedContents with the key in x-goog-api-key (never the query string) and RETRIEVAL_DOCUMENT", async () => {
    const { server, key } = await fake();
    const texts = ["red apples", "green pears"];
    const vectors = (await create(server, { dim: 256 }).computeSourceEmbeddings(texts)) as Float32Array[];
    const request = server.requests[0]!;
    expect(request.method).toBe("POST");
    expect(request.path).toBe("/v1beta/models/gemini-embedding-001:batchEmbedContents");
    expect(request.headers["x-goog-api-key"]).toBe(key);
    expect([...request.query.keys()]).toEqual([]);
    expect(request.body).toEqual({
      requests: texts.map((text) => ({ model: "models/gemini-embedding-001", content: { parts: [{ text }] }, taskType: "RETRIEVAL_DOCUMENT", outputDimensionality: 256 })),
    });
    texts.forEach((t, i) => expect(Array.from(vectors[i]!)).toEqual(Array.from(fakeEmbedding(t, 256))));
  });

  it("embeds queries with RETRIEVAL_QUERY, or the configured task types", async () => {
    const { server } = await fake();
    await create(server).computeQueryEmbeddings("fruit");
    await create(server, { queryTaskType: "question_answering", sourceTaskType: "CLUSTERING" }).computeQueryEmbeddings("fruit?");
    await create(server, { queryTaskType: "question_answering", sourceTaskType: "CLUSTERING" }).computeSourceEmbeddings(["doc"]);
    const tasks = server.requests.map((r) => (r.body as BatchBody).requests[0]!.taskType);
    expect(tasks).toEqual(["RETRIEVAL_QUERY", "QUESTION_ANSWERING", "CLUSTERING"]);
  });

  it("sends no task type to embedding-001, which takes none", async () => {
    const { server } = await fake();
    await create(server, { model: "embedding-001" }).computeQueryEmbeddings("x");
    expect((server.requests[0]!.body as BatchBody).requests[0]).toEqual({ model: "models/embedding-001", content: { parts: [{ text: "x" }] } });
  });

  it("splits a direct call into requests of 100", async () => {
    const { server } = await fake();
    const texts = Array.from({ length: 250 }, (_, i) => `sentence ${i}`);
    const vectors = await create(server, { dim: 64 }).computeSourceEmbeddings(texts);
    expect(vectors).toHaveLength(250);
    expect(server.requests.map((r) => (r.body as BatchBody).requests.length)).toEqual([100, 100, 50]);
    expect(Array.from(vectors[249]!)).toEqual(Array.from(fakeEmbedding("sentence 249", 64)));
  });

  it("reads the wait of a 429 from Google's RetryInfo detail and marks it retryable", async () => {
    const { server } = await fake();
    server.rateLimitNext("27s");
    const error = await expectQuiverError(create(server).computeQueryEmbeddings("x"), EmbeddingError, "EMBEDDING_FAILED", "HTTP 429", "RESOURCE_EXHAUSTED");
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(27_000);
  });

  it("explains a refused key (400 API_KEY_INVALID): not retryable, names GOOGLE_API_KEY, never shows the key", async () => {
    const { server } = await fake();
    const wrong = `AIza-wrong-${randomUUID()}`;
    vi.stubEnv("GOOGLE_API_KEY", wrong);
    const fn = new GeminiTextEmbeddingFunction({ baseUrl: server.baseUrl });
    const error = await expectQuiverError(fn.computeQueryEmbeddings("x"), EmbeddingError, "EMBEDDING_FAILED", "HTTP 400", "API_KEY_INVALID", "GOOGLE_API_KEY");
    expect(error.retryable).toBe(false);
    expect(error.message).not.toContain(wrong);
  });

  it("falls back to GEMINI_API_KEY, and fails without any key before a request", async () => {
    const { server, key } = await fake();
    vi.stubEnv("GOOGLE_API_KEY", "");
    vi.stubEnv("GEMINI_API_KEY", key);
    await new GeminiTextEmbeddingFunction({ baseUrl: server.baseUrl }).computeQueryEmbeddings("x");
    expect(server.requests[0]!.headers["x-goog-api-key"]).toBe(key);
    vi.stubEnv("GEMINI_API_KEY", "");
    await expectQuiverError(
      new GeminiTextEmbeddingFunction({ baseUrl: server.baseUrl }).computeQueryEmbeddings("x"),
      EmbeddingError,
      "EMBEDDING_FAILED",
      "Google API key is required",
      "GOOGLE_API_KEY or GEMINI_API_KEY",
    );
    expect(server.requests).toHaveLength(1);
  });
});

describe("gemini-text through a table", () => {
  it("creates, adds and searches by text; task types per side; no file holds the key", async () => {
    const { server, key } = await fake();
    const dir = await makeTempDir();
    const db = await connect(dir);
    const fn = getRegistry().get("gemini-text")!.create({ apiKey: "$var:google_key", baseUrl: server.baseUrl });
    const table = await db.createTable("docs", [{ id: 1, text: "rivers flow to the sea" }, { id: 2, text: "compilers translate code" }], {
      embeddingFunction: { function: fn, sourceColumn: "text" },
    });
    await table.add([{ id: 3, text: "mountains and valleys" }]);
    const hits = await table.search("which code do compilers translate").limit(1).toArray();
    expect(hits[0]!.id).toBe(2);
    expect((hits[0]!.vector as { length: number }).length).toBe(3072);
    const tasks = server.requests.map((r) => (r.body as BatchBody).requests[0]!.taskType);
    expect(tasks).toEqual(["RETRIEVAL_DOCUMENT", "RETRIEVAL_DOCUMENT", "RETRIEVAL_QUERY"]);
    await expectSecretNowhere(dir, key);
  });

  it("succeeds after a 429 RESOURCE_EXHAUSTED: the stage waits and retries", async () => {
    const { server } = await fake();
    const db = await connect(await makeTempDir());
    server.rateLimitNext("0.01s");
    const table = await db.createTable("docs", [{ text: "one" }, { text: "two" }], { embeddingFunction: { function: create(server, { dim: 32 }), sourceColumn: "text" } });
    expect(await table.countRows("vector IS NOT NULL")).toBe(2);
    expect(server.requests).toHaveLength(2);
  });

  it("fails at once when the key is refused, naming the variable and setVar, never the key", async () => {
    const { server } = await fake();
    const wrong = `AIza-wrong-${randomUUID()}`;
    getRegistry().setVar("google_key_wrong", wrong);
    const db = await connect(await makeTempDir());
    const fn = new GeminiTextEmbeddingFunction({ apiKey: "$var:google_key_wrong", baseUrl: server.baseUrl, dim: 32 });
    const error = await expectQuiverError(
      db.createTable("docs", [{ text: "one" }], { embeddingFunction: { function: fn, sourceColumn: "text" } }),
      EmbeddingError,
      "EMBEDDING_FAILED",
      "HTTP status 400",
    );
    expect(error.attempts).toBe(1);
    expect(server.requests).toHaveLength(1);
    const full = `${error.message} ${(error.cause as Error).message}`;
    expect(full).toContain('setVar("google_key_wrong"');
    expect(full).not.toContain(wrong);
  });

  it("sends 100 texts a request when the write allows it", async () => {
    const { server } = await fake();
    const db = await connect(await makeTempDir());
    const table = await db.createTable("docs", [{ text: "seed" }], { embeddingFunction: { function: create(server, { dim: 16 }), sourceColumn: "text" } });
    server.reset();
    await table.add(Array.from({ length: 250 }, (_, i) => ({ text: `line ${i}` })), { embeddingBatchSize: 500 });
    expect(server.requests.map((r) => (r.body as BatchBody).requests.length).sort((a, b) => b - a)).toEqual([100, 100, 50]);
  });
});
