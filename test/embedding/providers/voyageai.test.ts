// The `voyageai` provider against a fake of Voyage AI's API on 127.0.0.1.
import { randomUUID } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { EmbeddingError, InvalidArgumentError, SecretInConfigError, connect } from "../../../src/index.js";
import { getRegistry } from "../../../src/embedding/index.js";
import { VOYAGEAI_MODELS, VoyageAIEmbeddingFunction } from "../../../src/embedding/providers/voyageai.js";
import { fakeEmbedding } from "../../fakes/fake-server.js";
import { startFakeVoyage, type FakeVoyage } from "../../fakes/voyageai-fake.js";
import { expectSecretNotInFiles } from "../../fakes/leak-check.js";
import { expectQuiverError } from "../../helpers/expect-error.js";
import { makeTempDir } from "../../helpers/temp-dir.js";
import { fakesClosedAfterEachTest } from "./provider-test-setup.js";

const closeAfterTest = fakesClosedAfterEachTest();
async function fake(): Promise<{ server: FakeVoyage; key: string }> {
  const key = `pa-${randomUUID()}`;
  const server = closeAfterTest(await startFakeVoyage({ apiKey: key }));
  getRegistry().setVar("voyage_key", key);
  return { server, key };
}

/** Fails when `secret` is in any file under `dir` (manifests' base64 schemas decoded too). */
async function expectSecretNowhere(dir: string, secret: string): Promise<void> {
  expect(await expectSecretNotInFiles(dir, secret)).toBeGreaterThan(0);
}

const create = (server: FakeVoyage, options: Record<string, unknown> = {}) =>
  new VoyageAIEmbeddingFunction({ model: "voyage-3.5", apiKey: "$var:voyage_key", baseUrl: server.baseUrl, ...options });

describe("VoyageAIEmbeddingFunction", () => {
  it("is the built-in \"voyageai\" and requires a model, listing the known ones (as LanceDB: no default)", async () => {
    const error = await expectQuiverError(
      () => getRegistry().get("voyageai")!.create({}),
      InvalidArgumentError,
      "INVALID_ARGUMENT",
      'Embedding function "voyageai": option "model" is required',
      "voyage-3.5",
      "voyage-3-large",
    );
    expect(error.argument).toBe("model");
    expect(getRegistry().get("voyageai")!.create({ model: "voyage-3-lite" })).toBeInstanceOf(VoyageAIEmbeddingFunction);
  });

  it("knows model widths, flexible output dimensions and batch limits as data", () => {
    expect(new VoyageAIEmbeddingFunction({ model: "voyage-3" }).ndims()).toBe(1024);
    expect(new VoyageAIEmbeddingFunction({ model: "voyage-3-lite" }).ndims()).toBe(512);
    expect(new VoyageAIEmbeddingFunction({ model: "voyage-3-large", outputDimension: 2048 }).ndims()).toBe(2048);
    expect(new VoyageAIEmbeddingFunction({ model: "voyage-3.5", outputDimension: "256" }).ndims()).toBe(256);
    expect(new VoyageAIEmbeddingFunction({ model: "voyage-future-9" }).ndims()).toBeUndefined();
    expect(new VoyageAIEmbeddingFunction({ model: "voyage-3" }).maxBatchSize()).toBe(128);
    expect(new VoyageAIEmbeddingFunction({ model: "voyage-3.5-lite" }).maxBatchSize()).toBe(1000);
    expect(new VoyageAIEmbeddingFunction({ model: "voyage-future-9" }).maxBatchSize()).toBe(128);
    expect(Object.keys(VOYAGEAI_MODELS)).toContain("voyage-code-3");
  });

  it("refuses bad options with the option and the fix in the message", async () => {
    await expectQuiverError(() => new VoyageAIEmbeddingFunction({ model: "voyage-3", outputDimension: 512 }), InvalidArgumentError, "INVALID_ARGUMENT", '"outputDimension"', "always have 1024 values");
    await expectQuiverError(() => new VoyageAIEmbeddingFunction({ model: "voyage-3.5", outputDimension: 300 }), InvalidArgumentError, "INVALID_ARGUMENT", "must be one of 256, 512, 1024, 2048");
    await expectQuiverError(() => new VoyageAIEmbeddingFunction({ model: "voyage-context-3" }), InvalidArgumentError, "INVALID_ARGUMENT", "is not supported", "contextualizedembeddings");
    await expectQuiverError(() => new VoyageAIEmbeddingFunction({ model: "voyage-3", batchSize: 3 } as never), InvalidArgumentError, "INVALID_ARGUMENT", '"batchSize" is not an option of "voyageai"');
    await expectQuiverError(() => new VoyageAIEmbeddingFunction({ model: "voyage-3", apiKey: "pa-literal" }), SecretInConfigError, "SECRET_IN_CONFIG", '"apiKey" is sensitive');
  });

  it("reads LanceDB Python's option names (name, output_dimension) and saves the options as given", () => {
    getRegistry().setVar("voyage_key", "pa-test");
    const fn = new VoyageAIEmbeddingFunction({ name: "voyage-3-large", output_dimension: 512, api_key: "$var:voyage_key" } as never);
    expect(fn.ndims()).toBe(512);
    expect(fn.toJSON()).toEqual({ name: "voyage-3-large", output_dimension: 512, api_key: "$var:voyage_key" });
  });

  it("posts documents with input_type \"document\" and base64 encoding, Bearer auth, and decodes the answer in order", async () => {
    const { server, key } = await fake();
    const fn = create(server, { outputDimension: 512, truncation: false });
    const texts = ["alpha beta", "gamma delta", "epsilon"];
    const vectors = (await fn.computeSourceEmbeddings(texts)) as Float32Array[];
    expect(server.requests).toHaveLength(1);
    const request = server.requests[0]!;
    expect(request.method).toBe("POST");
    expect(request.path).toBe("/v1/embeddings");
    expect(request.headers.authorization).toBe(`Bearer ${key}`);
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.body).toEqual({ input: texts, model: "voyage-3.5", input_type: "document", encoding_format: "base64", output_dimension: 512, truncation: false });
    expect(vectors.map((v) => v.length)).toEqual([512, 512, 512]);
    texts.forEach((t, i) => expect(Array.from(vectors[i]!)).toEqual(Array.from(fakeEmbedding(t, 512))));
  });

  it("sends extra headers, but refuses a literal credential header", async () => {
    const { server, key } = await fake();
    await create(server, { headers: { "X-Request-Source": "quiver-test" } }).computeQueryEmbeddings("x");
    expect(server.requests[0]!.headers["x-request-source"]).toBe("quiver-test");
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${key}`);
    await expectQuiverError(() => create(server, { headers: { "X-Api-Key": "literal" } }), SecretInConfigError, "SECRET_IN_CONFIG", "headers.X-Api-Key");
  });

  it("embeds a query with input_type \"query\"", async () => {
    const { server } = await fake();
    const vector = await create(server).computeQueryEmbeddings("where is alpha");
    expect((server.requests[0]!.body as { input_type: string }).input_type).toBe("query");
    expect(Array.from(vector)).toEqual(Array.from(fakeEmbedding("where is alpha", 1024)));
  });

  it("embeds text with a multimodal model through /multimodalembeddings", async () => {
    const { server } = await fake();
    const fn = create(server, { model: "voyage-multimodal-3" });
    const [v] = (await fn.computeSourceEmbeddings(["a photo of a cat"])) as Float32Array[];
    const request = server.requests[0]!;
    expect(request.path).toBe("/v1/multimodalembeddings");
    expect(request.body).toEqual({ inputs: [{ content: [{ type: "text", text: "a photo of a cat" }] }], model: "voyage-multimodal-3", input_type: "document" });
    expect(v!.length).toBe(1024);
  });

  it("splits a direct call into requests of the model's batch limit (128 for voyage-3)", async () => {
    const { server } = await fake();
    const texts = Array.from({ length: 300 }, (_, i) => `text number ${i}`);
    const vectors = await create(server, { model: "voyage-3" }).computeSourceEmbeddings(texts);
    expect(vectors).toHaveLength(300);
    expect(server.requests.map((r) => (r.body as { input: string[] }).input.length)).toEqual([128, 128, 44]);
    expect(Array.from(vectors[299]!)).toEqual(Array.from(fakeEmbedding("text number 299", 1024)));
  });

  it("takes the key from VOYAGE_API_KEY when no apiKey is given", async () => {
    const { server, key } = await fake();
    vi.stubEnv("VOYAGE_API_KEY", key);
    await new VoyageAIEmbeddingFunction({ model: "voyage-3", baseUrl: server.baseUrl }).computeQueryEmbeddings("hello");
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${key}`);
  });

  it("fails without a key, naming VOYAGE_API_KEY and the setVar fix, before any request", async () => {
    const { server } = await fake();
    vi.stubEnv("VOYAGE_API_KEY", "");
    await expectQuiverError(
      new VoyageAIEmbeddingFunction({ model: "voyage-3", baseUrl: server.baseUrl }).computeQueryEmbeddings("hello"),
      EmbeddingError,
      "EMBEDDING_FAILED",
      "Voyage AI API key is required",
      "VOYAGE_API_KEY",
      'setVar("voyage_key"',
    );
    expect(server.requests).toHaveLength(0);
  });

  it("turns Voyage's {detail} error bodies into EmbeddingErrors with the status (400 not retryable)", async () => {
    const { server } = await fake();
    const error = await expectQuiverError(
      create(server, { model: "voyage-unknown-1" }).computeQueryEmbeddings("x"),
      EmbeddingError,
      "EMBEDDING_FAILED",
      "HTTP 400",
      "Model voyage-unknown-1 is not supported",
    );
    expect(error.status).toBe(400);
    expect(error.retryable).toBe(false);
  });
});

describe("voyageai through a table", () => {
  it("creates, adds and searches by text; the stored config keeps $var: and no file holds the key", async () => {
    const { server, key } = await fake();
    const dir = await makeTempDir();
    const db = await connect(dir);
    const fn = getRegistry().get("voyageai")!.create({ model: "voyage-3-lite", apiKey: "$var:voyage_key", baseUrl: server.baseUrl });
    const table = await db.createTable("docs", [{ id: 1, text: "the cat sat on the mat" }, { id: 2, text: "stock markets fell sharply" }], {
      embeddingFunction: { function: fn, sourceColumn: "text" },
    });
    await table.add([{ id: 3, text: "a dog chased the cat" }]);
    const hits = await table.search("cat on a mat").limit(1).toArray();
    expect(hits[0]!.id).toBe(1);
    const inputTypes = server.embeddingRequests().map((r) => (r.body as { input_type: string }).input_type);
    expect(inputTypes).toEqual(["document", "document", "query"]);
    const metadata = (await table.schema()).metadata.get("embedding_functions")!;
    expect(JSON.parse(metadata)[0].model).toEqual({ model: "voyage-3-lite", apiKey: "$var:voyage_key", baseUrl: server.baseUrl });
    await expectSecretNowhere(dir, key);
  });

  it("succeeds after a 429 with Retry-After: the stage retries the batch", async () => {
    const { server } = await fake();
    const db = await connect(await makeTempDir());
    const fn = create(server);
    server.rateLimitNext();
    const table = await db.createTable("docs", [{ text: "one" }, { text: "two" }], { embeddingFunction: { function: fn, sourceColumn: "text" } });
    expect(await table.countRows("vector IS NOT NULL")).toBe(2);
    expect(server.requests).toHaveLength(2);
  });

  it("fails at once on a 401, naming the key's source and the setVar fix, never the key", async () => {
    const { server } = await fake();
    const wrong = `pa-wrong-${randomUUID()}`;
    vi.stubEnv("VOYAGE_API_KEY", wrong);
    const db = await connect(await makeTempDir());
    const fn = new VoyageAIEmbeddingFunction({ model: "voyage-3", baseUrl: server.baseUrl });
    const error = await expectQuiverError(
      db.createTable("docs", [{ text: "one" }], { embeddingFunction: { function: fn, sourceColumn: "text" } }),
      EmbeddingError,
      "EMBEDDING_FAILED",
      "HTTP status 401",
      "setVar",
    );
    expect(error.attempts).toBe(1);
    expect(error.retryable).toBe(false);
    expect(server.requests).toHaveLength(1);
    const full = `${error.message} ${(error.cause as Error).message}`;
    expect(full).toContain("VOYAGE_API_KEY");
    expect(full).not.toContain(wrong);
    expect(await db.tableNames()).toEqual([]);
  });

  it("sends batches of the model's limit when the write allows it (count the requests)", async () => {
    const { server } = await fake();
    const db = await connect(await makeTempDir());
    const table = await db.createTable("docs", [{ text: "seed" }], { embeddingFunction: { function: create(server, { model: "voyage-3" }), sourceColumn: "text" } });
    server.reset();
    await table.add(Array.from({ length: 300 }, (_, i) => ({ text: `row ${i}` })), { embeddingBatchSize: 1000 });
    expect(server.requests.map((r) => (r.body as { input: string[] }).input.length).sort((a, b) => b - a)).toEqual([128, 128, 44]);
    const stored = await table.query().where("text = 'row 7'").toArray();
    expect(Array.from(stored[0]!.vector as Iterable<number>)).toEqual(Array.from(fakeEmbedding("row 7", 1024)));
  });
});
