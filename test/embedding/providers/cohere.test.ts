// The `cohere` provider against a fake Cohere Embed API v2 on 127.0.0.1 that
// speaks the real wire format (path, Bearer auth, input types, embedding
// types, 96-text limit, {id, message} errors, 429s).
import { randomUUID } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { connect } from "../../../src/index.js";
import {
  COHERE_MAX_BATCH_SIZE,
  CohereEmbeddingFunction,
  EmbeddingError,
  MissingApiKeyError,
  SecretInConfigError,
  getRegistry,
} from "../../../src/embedding/index.js";
import { InvalidArgumentError } from "../../../src/errors.js";
import { startFakeCohere } from "../../fakes/cohere-fake.js";
import { fakeEmbedding } from "../../fakes/fake-server.js";
import { everythingIn, expectSecretNotInFiles } from "../../fakes/leak-check.js";
import { expectQuiverError } from "../../helpers/expect-error.js";
import { makeTempDir } from "../../helpers/temp-dir.js";
import { blankEnvEachTest, fakeForFile } from "./provider-test-setup.js";

const KEY = `co-test-${randomUUID()}`;
const fake = await fakeForFile(startFakeCohere({ apiKey: KEY }));
getRegistry().setVar("cohere_key", KEY);
blankEnvEachTest("COHERE_API_KEY", "CO_API_KEY");

function create(options: Record<string, unknown> = {}): CohereEmbeddingFunction {
  return getRegistry()
    .get<CohereEmbeddingFunction>("cohere")!
    .create({ model: "embed-english-light-v3.0", apiKey: "$var:cohere_key", baseUrl: fake.baseUrl, ...options });
}

const same = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => a.length === b.length && Array.from(a).every((x, i) => x === b[i]);

describe("CohereEmbeddingFunction: options", () => {
  it("is the built-in \"cohere\" with LanceDB's default model embed-multilingual-v2.0 (768 values) and 96 texts a request", () => {
    const fn = getRegistry().get("cohere")!.create();
    expect(fn).toBeInstanceOf(CohereEmbeddingFunction);
    expect(fn.toJSON()).toEqual({});
    expect(fn.ndims()).toBe(768);
    expect(fn.maxBatchSize()).toBe(COHERE_MAX_BATCH_SIZE);
    expect(COHERE_MAX_BATCH_SIZE).toBe(96);
  });

  it("knows each model's width, takes `dimensions` for embed-v4.0, and leaves unknown models to the first answer", async () => {
    expect(new CohereEmbeddingFunction({ model: "embed-english-v3.0" }).ndims()).toBe(1024);
    expect(new CohereEmbeddingFunction({ model: "embed-multilingual-light-v3.0" }).ndims()).toBe(384);
    expect(new CohereEmbeddingFunction({ model: "embed-v4.0" }).ndims()).toBe(1536);
    expect(new CohereEmbeddingFunction({ model: "embed-v4.0", dimensions: 512 }).ndims()).toBe(512);
    expect(new CohereEmbeddingFunction({ model: "embed-future" }).ndims()).toBeUndefined();
    await expectQuiverError(() => new CohereEmbeddingFunction({ model: "embed-v4.0", dimensions: 300 }), InvalidArgumentError, "INVALID_ARGUMENT", '"dimensions"', "256, 512, 1024, 1536");
    await expectQuiverError(() => new CohereEmbeddingFunction({ model: "embed-english-v3.0", dimensions: 256 }), InvalidArgumentError, "INVALID_ARGUMENT", "always have 1024");
  });

  it("checks input types and truncate, refuses a literal key, and reads LanceDB Python's option names", async () => {
    await expectQuiverError(() => new CohereEmbeddingFunction({ sourceInputType: "search_docs" as never }), InvalidArgumentError, "INVALID_ARGUMENT", '"sourceInputType"', '"search_document"');
    await expectQuiverError(() => new CohereEmbeddingFunction({ truncate: "MIDDLE" as never }), InvalidArgumentError, "INVALID_ARGUMENT", '"truncate"');
    await expectQuiverError(() => new CohereEmbeddingFunction({ apiKey: "co-literal" }), SecretInConfigError, "SECRET_IN_CONFIG", '"apiKey"');
    const fn = new CohereEmbeddingFunction({ name: "embed-english-v3.0", source_input_type: "clustering", api_key: "$var:cohere_key", base_url: fake.baseUrl } as never);
    expect(fn.ndims()).toBe(1024);
    await fn.computeSourceEmbeddings(["python names"]);
    expect(fake.embedRequests()[0]!.body).toMatchObject({ model: "embed-english-v3.0", input_type: "clustering" });
  });
});

describe("CohereEmbeddingFunction: requests", () => {
  it("POSTs {baseUrl}/embed with Bearer auth, `texts`, input_type search_document and embedding_types [\"float\"], and reads embeddings.float", async () => {
    const texts = ["first document", "second document"];
    const rows = (await create().computeSourceEmbeddings(texts)) as Float32Array[];
    const request = fake.embedRequests()[0]!;
    expect(request.path).toBe("/v2/embed");
    expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request.body).toEqual({ model: "embed-english-light-v3.0", texts, input_type: "search_document", embedding_types: ["float"] });
    rows.forEach((row, i) => expect(same(row, fakeEmbedding(texts[i]!, 384))).toBe(true));
  });

  it("embeds queries with input_type search_query (or queryInputType), and sends truncate and output_dimension when set", async () => {
    await create().computeQueryEmbeddings("a question");
    expect(fake.embedRequests()[0]!.body).toMatchObject({ texts: ["a question"], input_type: "search_query" });
    const custom = create({ model: "embed-v4.0", dimensions: 256, sourceInputType: "classification", queryInputType: "clustering", truncate: "NONE" });
    const vector = await custom.computeQueryEmbeddings("q");
    expect(vector.length).toBe(256);
    await custom.computeSourceEmbeddings(["s"]);
    expect(fake.embedRequests()[1]!.body).toEqual({ model: "embed-v4.0", texts: ["q"], input_type: "clustering", embedding_types: ["float"], truncate: "NONE", output_dimension: 256 });
    expect(fake.embedRequests()[2]!.body).toMatchObject({ input_type: "classification" });
  });

  it("reads COHERE_API_KEY (then CO_API_KEY) and, without any key, fails with MissingApiKeyError before any request", async () => {
    vi.stubEnv("CO_API_KEY", KEY);
    await new CohereEmbeddingFunction({ model: "embed-english-light-v3.0", baseUrl: fake.baseUrl }).computeSourceEmbeddings(["env key"]);
    expect(fake.embedRequests()[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    vi.stubEnv("CO_API_KEY", "");
    await expectQuiverError(
      new CohereEmbeddingFunction({ baseUrl: fake.baseUrl }).computeSourceEmbeddings(["x"]),
      MissingApiKeyError,
      "EMBEDDING_FAILED",
      "Cohere API key is required",
      "COHERE_API_KEY or CO_API_KEY",
      'getRegistry().setVar("cohere_key"',
    );
    expect(fake.embedRequests()).toHaveLength(1);
  });

  it("splits a direct call over 96 texts (the fake refuses more, as the API does)", async () => {
    const texts = Array.from({ length: 200 }, (_, i) => `text ${i}`);
    const rows = await create().computeSourceEmbeddings(texts);
    expect(rows).toHaveLength(200);
    expect(fake.embedRequests().map((r) => (r.body as { texts: string[] }).texts.length)).toEqual([96, 96, 8]);
    fake.reset();
    const raw = await fetch(`${fake.baseUrl}/embed`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "embed-english-v3.0", texts: texts.slice(0, 97), input_type: "search_document", embedding_types: ["float"] }),
    });
    expect(raw.status).toBe(400);
  });

  it("a 404 for an unknown model says Cohere's message and the fix, and is not retryable; a 429 is, with its wait", async () => {
    const missing = await expectQuiverError(create({ model: "embed-nope" }).computeSourceEmbeddings(["x"]), EmbeddingError, "EMBEDDING_FAILED", "404", "model 'embed-nope' not found", "embed-v4.0");
    expect(missing.retryable).toBe(false);
    fake.rateLimitNext({ "retry-after": "2" });
    const limited = await expectQuiverError(create().computeSourceEmbeddings(["x"]), EmbeddingError, "EMBEDDING_FAILED", "429", "Trial key");
    expect([limited.retryable, limited.retryAfterMs]).toEqual([true, 2000]);
  });
});

describe("CohereEmbeddingFunction through a table", () => {
  const rows = [
    { id: 1, text: "the cat sat on the mat" },
    { id: 2, text: "stock markets fell sharply today" },
    { id: 3, text: "a recipe for lemon cake" },
  ];

  async function makeTable(dir: string) {
    const db = await connect(dir);
    const fn = getRegistry().get("cohere")!.create({ model: "embed-english-light-v3.0", apiKey: "$var:cohere_key", baseUrl: fake.baseUrl });
    return db.createTable("docs", rows, { embeddingFunction: { function: fn, sourceColumn: "text" } });
  }

  it("embeds rows as search_document and the query as search_query, finds the row, and stores no key", async () => {
    const dir = await makeTempDir();
    const table = await makeTable(dir);
    await table.add([{ id: 4, text: "lemon drizzle cake with icing" }]);
    const [hit] = await table.search("lemon cake recipe").limit(1).toArray();
    expect([3, 4]).toContain(hit!.id);
    const inputTypes = fake.embedRequests().map((r) => (r.body as { input_type: string }).input_type);
    expect(inputTypes).toEqual(["search_document", "search_document", "search_query"]);
    expect((await table.schema()).metadata.get("embedding_functions")).toContain('"apiKey":"$var:cohere_key"');
    await expectSecretNotInFiles(dir, KEY);
  });

  it("a 429 with Retry-After is retried by add(), which succeeds", async () => {
    const table = await makeTable(await makeTempDir());
    fake.reset();
    fake.rateLimitNext({ "retry-after": "0" });
    await table.add([{ id: 5, text: "after a rate limit" }]);
    expect(fake.embedRequests()).toHaveLength(2);
    expect(await table.countRows("vector IS NOT NULL")).toBe(4);
  });

  it("a refused key fails add() after one request, with the variable fix and without the key", async () => {
    const table = await makeTable(await makeTempDir());
    fake.reset();
    const wrong = `co-wrong-${randomUUID()}`;
    getRegistry().setVar("cohere_key", wrong);
    try {
      const error = await expectQuiverError(table.add([{ id: 6, text: "never stored" }]), EmbeddingError, "EMBEDDING_FAILED", "401", "invalid api token");
      expect(error.attempts).toBe(1);
      expect(fake.embedRequests()).toHaveLength(1);
      expect(everythingIn(error)).toContain('setVar("cohere_key"');
      expect(everythingIn(error)).not.toContain(wrong);
      expect(await table.countRows()).toBe(3);
    } finally {
      getRegistry().setVar("cohere_key", KEY);
    }
  });

  it("batches 200 rows into requests of at most 96 texts", async () => {
    const db = await connect(await makeTempDir());
    const many = Array.from({ length: 200 }, (_, i) => ({ id: i, text: `row ${i}` }));
    await db.createTable("many", many, { embeddingFunction: { function: create(), sourceColumn: "text" }, embeddingBatchSize: 1000 });
    const sizes = fake.embedRequests().map((r) => (r.body as { texts: string[] }).texts.length).sort((a, b) => b - a);
    expect(sizes).toEqual([96, 96, 8]);
  });
});
