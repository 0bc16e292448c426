// The `jina` provider against a fake Jina AI embeddings API on 127.0.0.1 that
// speaks the real wire format (path, Bearer auth, tasks, {detail} errors, 429s).
import { randomUUID } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { connect } from "../../../src/index.js";
import { EmbeddingError, JinaEmbeddingFunction, MissingApiKeyError, SecretInConfigError, getRegistry } from "../../../src/embedding/index.js";
import { InvalidArgumentError } from "../../../src/errors.js";
import { fakeEmbedding } from "../../fakes/fake-server.js";
import { startFakeJina } from "../../fakes/jina-fake.js";
import { everythingIn, expectSecretNotInFiles } from "../../fakes/leak-check.js";
import { expectQuiverError } from "../../helpers/expect-error.js";
import { makeTempDir } from "../../helpers/temp-dir.js";
import { blankEnvEachTest, fakeForFile } from "./provider-test-setup.js";

const KEY = `jina_${randomUUID().replaceAll("-", "")}`;
const fake = await fakeForFile(startFakeJina({ apiKey: KEY }));
getRegistry().setVar("jina_key", KEY);
blankEnvEachTest("JINA_API_KEY");

function create(options: Record<string, unknown> = {}): JinaEmbeddingFunction {
  return getRegistry().get<JinaEmbeddingFunction>("jina")!.create({ apiKey: "$var:jina_key", baseUrl: fake.baseUrl, ...options });
}

const same = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => a.length === b.length && Array.from(a).every((x, i) => x === b[i]);

describe("JinaEmbeddingFunction: options", () => {
  it("is the built-in \"jina\" with LanceDB's default jina-clip-v1 (768 values, text only)", () => {
    const fn = getRegistry().get("jina")!.create();
    expect(fn).toBeInstanceOf(JinaEmbeddingFunction);
    expect(fn.toJSON()).toEqual({});
    expect(fn.ndims()).toBe(768);
    expect(new JinaEmbeddingFunction({ model: "jina-embeddings-v3" }).ndims()).toBe(1024);
    expect(new JinaEmbeddingFunction({ model: "jina-embeddings-v3", dimensions: 256 }).ndims()).toBe(256);
    expect(new JinaEmbeddingFunction({ model: "jina-embeddings-v5-preview" }).ndims()).toBeUndefined();
  });

  it("checks tasks against the model, dimensions, and refuses a literal key", async () => {
    await expectQuiverError(() => new JinaEmbeddingFunction({ task: "retrieval.query" }), InvalidArgumentError, "INVALID_ARGUMENT", '"task"', "jina-clip-v1", "no tasks");
    await expectQuiverError(() => new JinaEmbeddingFunction({ model: "jina-embeddings-v3", task: "retrieval" }), InvalidArgumentError, "INVALID_ARGUMENT", '"task"', '"retrieval.passage"');
    await expectQuiverError(() => new JinaEmbeddingFunction({ model: "jina-embeddings-v2-base-en", dimensions: 128 }), InvalidArgumentError, "INVALID_ARGUMENT", '"dimensions"', "768");
    await expectQuiverError(() => new JinaEmbeddingFunction({ apiKey: "jina_literal" }), SecretInConfigError, "SECRET_IN_CONFIG", '"apiKey"');
  });
});

describe("JinaEmbeddingFunction: requests", () => {
  it("POSTs {baseUrl}/embeddings with Bearer auth and {model, input}, without task for models that have none", async () => {
    const texts = ["a photo of a cat", "a diagram of a database"];
    const rows = (await create().computeSourceEmbeddings(texts)) as Float32Array[];
    const request = fake.embeddingRequests()[0]!;
    expect(request.path).toBe("/v1/embeddings");
    expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request.body).toEqual({ model: "jina-clip-v1", input: texts });
    rows.forEach((row, i) => expect(same(row, fakeEmbedding(texts[i]!, 768))).toBe(true));
  });

  it("v3 models: stored texts as retrieval.passage, queries as retrieval.query; `task` and `queryTask` override", async () => {
    const v3 = create({ model: "jina-embeddings-v3", dimensions: 64 });
    await v3.computeSourceEmbeddings(["doc"]);
    await v3.computeQueryEmbeddings("query");
    const matching = create({ model: "jina-embeddings-v3", task: "text-matching" });
    await matching.computeQueryEmbeddings("q");
    await create({ model: "jina-embeddings-v3", task: "classification", queryTask: "retrieval.query" }).computeQueryEmbeddings("q");
    const bodies = fake.embeddingRequests().map((r) => r.body as Record<string, unknown>);
    expect(bodies[0]).toEqual({ model: "jina-embeddings-v3", input: ["doc"], task: "retrieval.passage", dimensions: 64 });
    expect(bodies[1]).toMatchObject({ input: ["query"], task: "retrieval.query" });
    expect(bodies[2]).toMatchObject({ task: "text-matching" });
    expect(bodies[3]).toMatchObject({ task: "retrieval.query" });
  });

  it("reads JINA_API_KEY, and without a key fails with MissingApiKeyError naming it", async () => {
    vi.stubEnv("JINA_API_KEY", KEY);
    await new JinaEmbeddingFunction({ baseUrl: fake.baseUrl }).computeSourceEmbeddings(["env"]);
    expect(fake.embeddingRequests()).toHaveLength(1);
    vi.stubEnv("JINA_API_KEY", "");
    await expectQuiverError(new JinaEmbeddingFunction({ baseUrl: fake.baseUrl }).computeSourceEmbeddings(["x"]), MissingApiKeyError, "EMBEDDING_FAILED", "JINA_API_KEY", 'setVar("jina_key"');
  });

  it("quotes Jina's {detail} errors, also FastAPI's list form, and does not retry them", async () => {
    fake.enqueue({ status: 422, body: { detail: [{ type: "enum", loc: ["body", "task"], msg: "Input should be 'retrieval.query'" }] } });
    const invalid = await expectQuiverError(create().computeSourceEmbeddings(["x"]), EmbeddingError, "EMBEDDING_FAILED", "422", "Input should be 'retrieval.query' (at task)");
    expect(invalid.retryable).toBe(false);
    fake.rateLimitNext({ "retry-after": "3" });
    const limited = await expectQuiverError(create().computeSourceEmbeddings(["x"]), EmbeddingError, "EMBEDDING_FAILED", "429", "Rate limit exceeded");
    expect([limited.retryable, limited.retryAfterMs]).toEqual([true, 3000]);
  });
});

describe("JinaEmbeddingFunction through a table", () => {
  const rows = [
    { id: 1, text: "red running shoes" },
    { id: 2, text: "a blue winter coat" },
  ];

  async function makeTable(dir: string) {
    const db = await connect(dir);
    const fn = getRegistry().get("jina")!.create({ model: "jina-embeddings-v3", dimensions: 64, apiKey: "$var:jina_key", baseUrl: fake.baseUrl });
    return db.createTable("products", rows, { embeddingFunction: { function: fn, sourceColumn: "text" } });
  }

  it("creates, adds (after a 429 with Retry-After) and searches, with the query task, and stores no key", async () => {
    const dir = await makeTempDir();
    const table = await makeTable(dir);
    fake.rateLimitNext({ "retry-after": "0" });
    await table.add([{ id: 3, text: "green trail running shoes" }]);
    const [hit] = await table.search("running shoes").limit(1).toArray();
    expect([1, 3]).toContain(hit!.id);
    const tasks = fake.embeddingRequests().map((r) => (r.body as { task: string }).task);
    expect(tasks).toEqual(["retrieval.passage", "retrieval.passage", "retrieval.passage", "retrieval.query"]);
    expect(fake.requests.length).toBe(4); // create, 429, add, query
    await expectSecretNotInFiles(dir, KEY);
  });

  it("a refused key fails add() after one request, without showing the key", async () => {
    const table = await makeTable(await makeTempDir());
    fake.reset();
    const wrong = `jina_wrong_${randomUUID()}`;
    getRegistry().setVar("jina_key", wrong);
    try {
      const error = await expectQuiverError(table.add([{ id: 4, text: "refused" }]), EmbeddingError, "EMBEDDING_FAILED", "401", "Invalid API key");
      expect(error.attempts).toBe(1);
      expect(fake.embeddingRequests()).toHaveLength(1);
      expect(everythingIn(error)).not.toContain(wrong);
      expect(everythingIn(error)).toContain('setVar("jina_key"');
    } finally {
      getRegistry().setVar("jina_key", KEY);
    }
  });
});
