// The `huggingface-api` provider against a fake of Hugging Face's hosted
// feature extraction (and of a TEI server) on 127.0.0.1.
import { randomUUID } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { EmbeddingError, connect } from "../../../src/index.js";
import { getRegistry } from "../../../src/embedding/index.js";
import { HuggingFaceApiEmbeddingFunction } from "../../../src/embedding/providers/huggingface-api.js";
import { fakeEmbedding } from "../../fakes/fake-server.js";
import { startFakeHuggingFace, type FakeHuggingFace, type FakeHuggingFaceOptions } from "../../fakes/huggingface-fake.js";
import { expectSecretNotInFiles } from "../../fakes/leak-check.js";
import { expectQuiverError } from "../../helpers/expect-error.js";
import { makeTempDir } from "../../helpers/temp-dir.js";
import { fakesClosedAfterEachTest } from "./provider-test-setup.js";

const ROUTE = "/hf-inference/models/sentence-transformers/all-MiniLM-L6-v2/pipeline/feature-extraction";

const closeAfterTest = fakesClosedAfterEachTest();
async function fake(extra: Partial<FakeHuggingFaceOptions> = {}): Promise<{ server: FakeHuggingFace; token: string }> {
  const token = `hf_${randomUUID().replace(/-/g, "")}`;
  const server = closeAfterTest(await startFakeHuggingFace({ token, ...extra }));
  getRegistry().setVar("hf_token", token);
  return { server, token };
}

/** Fails when `secret` is in any file under `dir` (manifests' base64 schemas decoded too). */
async function expectSecretNowhere(dir: string, secret: string): Promise<void> {
  expect(await expectSecretNotInFiles(dir, secret)).toBeGreaterThan(0);
}

const create = (server: FakeHuggingFace, options: Record<string, unknown> = {}) =>
  new HuggingFaceApiEmbeddingFunction({ apiKey: "$var:hf_token", baseUrl: server.baseUrl, ...options });

describe("HuggingFaceApiEmbeddingFunction", () => {
  it("is the built-in \"huggingface-api\" (LanceDB's \"huggingface\" is the local model): all-MiniLM-L6-v2, 384 values, 32 texts a request", () => {
    const fn = getRegistry().get("huggingface-api")!.create();
    expect(fn).toBeInstanceOf(HuggingFaceApiEmbeddingFunction);
    expect(fn.ndims()).toBe(384);
    expect(fn.maxBatchSize()).toBe(32);
    expect(new HuggingFaceApiEmbeddingFunction({ model: "BAAI/bge-m3" }).ndims()).toBe(1024);
    expect(new HuggingFaceApiEmbeddingFunction({ model: "someone/new-model" }).ndims()).toBeUndefined();
  });

  it("posts {inputs} to the router's feature-extraction route with the Bearer token and x-wait-for-model", async () => {
    const { server, token } = await fake();
    const texts = ["a sunny day", "ice cream"];
    const vectors = (await create(server, { normalize: true, truncate: true }).computeSourceEmbeddings(texts)) as Float32Array[];
    const request = server.requests[0]!;
    expect(request.method).toBe("POST");
    expect(request.path).toBe(ROUTE);
    expect(request.headers.authorization).toBe(`Bearer ${token}`);
    expect(request.headers["x-wait-for-model"]).toBe("true");
    expect(request.body).toEqual({ inputs: texts, normalize: true, truncate: true });
    texts.forEach((t, i) => expect(Array.from(vectors[i]!)).toEqual(Array.from(fakeEmbedding(t, 384))));
  });

  it("sends the prompt names of queries and documents", async () => {
    const { server } = await fake();
    const fn = create(server, { model: "BAAI/bge-small-en-v1.5", queryPromptName: "query", sourcePromptName: "document", waitForModel: false });
    await fn.computeQueryEmbeddings("what is it");
    await fn.computeSourceEmbeddings(["it is this"]);
    expect(server.requests.map((r) => (r.body as { prompt_name: string }).prompt_name)).toEqual(["query", "document"]);
    expect(server.requests[0]!.headers["x-wait-for-model"]).toBeUndefined();
  });

  it("mean-pools per-token answers of plain transformer models", async () => {
    const { server } = await fake();
    const fn = create(server, { model: "acme/plain-bert-tiny" });
    expect(fn.ndims()).toBeUndefined();
    const [pooled, single] = (await fn.computeSourceEmbeddings(["alpha beta gamma", "delta"])) as Float32Array[];
    const tokens = ["alpha", "beta", "gamma"].map((w) => fakeEmbedding(w, 8));
    const mean = Array.from({ length: 8 }, (_, k) => Math.fround((tokens[0]![k]! + tokens[1]![k]! + tokens[2]![k]!) / 3));
    expect(Array.from(pooled!)).toEqual(mean);
    expect(Array.from(single!)).toEqual(Array.from(fakeEmbedding("delta", 8)));
    const query = await fn.computeQueryEmbeddings("alpha beta gamma");
    expect(Array.from(query)).toEqual(mean);
  });

  it("talks to a TEI server through endpointUrl, without a token when none is set", async () => {
    const { server } = await fake();
    vi.stubEnv("HF_TOKEN", "");
    vi.stubEnv("HUGGING_FACE_HUB_TOKEN", "");
    const fn = new HuggingFaceApiEmbeddingFunction({ model: "BAAI/bge-small-en-v1.5", endpointUrl: server.teiUrl });
    const [v] = (await fn.computeSourceEmbeddings(["self hosted"])) as Float32Array[];
    expect(server.requests[0]!.path).toBe("/embed");
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
    expect(Array.from(v!)).toEqual(Array.from(fakeEmbedding("self hosted", 384)));
  });

  it("turns 503 \"model is loading\" into a retryable error that asks for estimated_time", async () => {
    const { server } = await fake({ loading: { times: 1, estimatedTime: 20 } });
    const error = await expectQuiverError(create(server).computeQueryEmbeddings("x"), EmbeddingError, "EMBEDDING_FAILED", "HTTP 503", "currently loading");
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(20_000);
  });

  it("needs a token for Hugging Face's own router: names HF_TOKEN and setVar, before any request", async () => {
    vi.stubEnv("HF_TOKEN", "");
    vi.stubEnv("HUGGING_FACE_HUB_TOKEN", "");
    await expectQuiverError(
      new HuggingFaceApiEmbeddingFunction().computeQueryEmbeddings("x"),
      EmbeddingError,
      "EMBEDDING_FAILED",
      "Hugging Face API key is required",
      "HF_TOKEN",
      'setVar("hf_token"',
    );
  });

  it("splits a direct call into requests of 32", async () => {
    const { server } = await fake();
    const texts = Array.from({ length: 70 }, (_, i) => `item ${i}`);
    const vectors = await create(server).computeSourceEmbeddings(texts);
    expect(vectors).toHaveLength(70);
    expect(server.requests.map((r) => (r.body as { inputs: string[] }).inputs.length)).toEqual([32, 32, 6]);
  });

  it("reports a 404 for a model HF Inference does not serve, with the endpointUrl fix", async () => {
    const { server } = await fake();
    const error = await expectQuiverError(create(server, { model: "nobody/nothing" }).computeQueryEmbeddings("x"), EmbeddingError, "EMBEDDING_FAILED", "HTTP 404", "endpointUrl");
    expect(error.retryable).toBe(false);
  });
});

describe("huggingface-api through a table", () => {
  it("creates, adds and searches by text; no file holds the token", async () => {
    const { server, token } = await fake();
    const dir = await makeTempDir();
    const db = await connect(dir);
    const fn = getRegistry().get("huggingface-api")!.create({ apiKey: "$var:hf_token", baseUrl: server.baseUrl });
    const table = await db.createTable("docs", [{ id: 1, text: "trains run on rails" }, { id: 2, text: "bees make honey" }], {
      embeddingFunction: { function: fn, sourceColumn: "text" },
    });
    await table.add([{ id: 3, text: "ships sail the sea" }]);
    const hits = await table.search("who makes the honey").limit(1).toArray();
    expect(hits[0]!.id).toBe(2);
    expect(server.requests.map((r) => r.path)).toEqual([ROUTE, ROUTE, ROUTE]);
    await expectSecretNowhere(dir, token);
  });

  it("waits out a loading model and a 429 with Retry-After: the stage retries", async () => {
    const { server } = await fake({ loading: { times: 1, estimatedTime: 0.01 } });
    const db = await connect(await makeTempDir());
    const table = await db.createTable("docs", [{ text: "cold start" }], { embeddingFunction: { function: create(server), sourceColumn: "text" } });
    server.rateLimitNext();
    await table.add([{ text: "rate limited" }]);
    expect(await table.countRows("vector IS NOT NULL")).toBe(2);
    expect(server.requests.map((r) => r.path)).toHaveLength(4);
  });

  it("fails at once on a 401, naming HF_TOKEN, never the token", async () => {
    const { server } = await fake();
    const wrong = `hf_wrong${randomUUID().replace(/-/g, "")}`;
    vi.stubEnv("HF_TOKEN", wrong);
    const db = await connect(await makeTempDir());
    const fn = new HuggingFaceApiEmbeddingFunction({ baseUrl: server.baseUrl });
    const error = await expectQuiverError(
      db.createTable("docs", [{ text: "one" }], { embeddingFunction: { function: fn, sourceColumn: "text" } }),
      EmbeddingError,
      "EMBEDDING_FAILED",
      "HTTP status 401",
    );
    expect(error.attempts).toBe(1);
    expect(server.requests).toHaveLength(1);
    const full = `${error.message} ${(error.cause as Error).message}`;
    expect(full).toContain("HF_TOKEN");
    expect(full).not.toContain(wrong);
  });

  it("sends 32 texts a request when the write allows it", async () => {
    const { server } = await fake();
    const db = await connect(await makeTempDir());
    const table = await db.createTable("docs", [{ text: "seed" }], { embeddingFunction: { function: create(server), sourceColumn: "text" } });
    server.reset();
    await table.add(Array.from({ length: 70 }, (_, i) => ({ text: `row ${i}` })), { embeddingBatchSize: 100 });
    expect(server.requests.map((r) => (r.body as { inputs: string[] }).inputs.length).sort((a, b) => b - a)).toEqual([32, 32, 6]);
  });
});
