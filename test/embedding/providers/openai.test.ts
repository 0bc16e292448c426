// The `openai` provider against a fake OpenAI API on 127.0.0.1 that speaks the
// real wire format (path, Bearer auth, base64 answers, error bodies, 429s).
import { randomUUID } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { connect } from "../../../src/index.js";
import {
  EmbeddingError,
  MissingApiKeyError,
  OPENAI_MAX_BATCH_SIZE,
  OpenAIEmbeddingFunction,
  SecretInConfigError,
  embedQuery,
  getRegistry,
} from "../../../src/embedding/index.js";
import { InvalidArgumentError } from "../../../src/errors.js";
import { fakeEmbedding } from "../../fakes/fake-server.js";
import { everythingIn, expectSecretNotInFiles } from "../../fakes/leak-check.js";
import { startFakeOpenAI } from "../../fakes/openai-fake.js";
import { expectQuiverError } from "../../helpers/expect-error.js";
import { makeTempDir } from "../../helpers/temp-dir.js";
import { blankEnvEachTest, fakeForFile } from "./provider-test-setup.js";

const KEY = `sk-test-${randomUUID()}`;
const DIMS = 64;
const fake = await fakeForFile(startFakeOpenAI({ apiKey: KEY, models: { "local-model": 48 } }));
getRegistry().setVar("openai_key", KEY);
blankEnvEachTest("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT", "OPENAI_API_VERSION");

function create(options: Record<string, unknown> = {}): OpenAIEmbeddingFunction {
  return getRegistry()
    .get<OpenAIEmbeddingFunction>("openai")!
    .create({ model: "text-embedding-3-small", dimensions: DIMS, apiKey: "$var:openai_key", baseUrl: fake.baseUrl, ...options });
}

const same = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => a.length === b.length && Array.from(a).every((x, i) => x === b[i]);

describe("OpenAIEmbeddingFunction: options", () => {
  it("is the built-in \"openai\"; create() with nothing saves LanceDB's default model and knows its 1536 values", () => {
    const fn = getRegistry().get("openai")!.create();
    expect(fn).toBeInstanceOf(OpenAIEmbeddingFunction);
    expect(fn.toJSON()).toEqual({ model: "text-embedding-ada-002" });
    expect(fn.ndims()).toBe(1536);
    expect(fn.maxBatchSize()).toBe(OPENAI_MAX_BATCH_SIZE);
    expect(OPENAI_MAX_BATCH_SIZE).toBe(2048);
  });

  it("knows each model's width from its table, takes `dimensions` for text-embedding-3-*, and leaves unknown models to the first answer", () => {
    expect(new OpenAIEmbeddingFunction({ model: "text-embedding-3-large" }).ndims()).toBe(3072);
    expect(new OpenAIEmbeddingFunction({ model: "text-embedding-3-small" }).ndims()).toBe(1536);
    expect(new OpenAIEmbeddingFunction({ model: "text-embedding-3-large", dimensions: 256 }).ndims()).toBe(256);
    expect(new OpenAIEmbeddingFunction({ model: "text-embedding-3-large", dimensions: "512" }).ndims()).toBe(512);
    expect(new OpenAIEmbeddingFunction({ model: "BAAI/bge-m3" }).ndims()).toBeUndefined();
    expect(new OpenAIEmbeddingFunction({ model: "BAAI/bge-m3", dimensions: 1024 }).ndims()).toBe(1024);
  });

  it("refuses invalid options with errors naming the provider, the option and the fix", async () => {
    await expectQuiverError(() => new OpenAIEmbeddingFunction({ model: "text-embedding-ada-002", dimensions: 256 }), InvalidArgumentError, "INVALID_ARGUMENT", '"openai"', '"dimensions"', "1536", "text-embedding-3");
    await expectQuiverError(() => new OpenAIEmbeddingFunction({ model: "text-embedding-3-small", dimensions: 4000 }), InvalidArgumentError, "INVALID_ARGUMENT", "at most 1536");
    await expectQuiverError(() => new OpenAIEmbeddingFunction({ dimensions: 0 }), InvalidArgumentError, "INVALID_ARGUMENT", '"dimensions"', "integer");
    await expectQuiverError(() => new OpenAIEmbeddingFunction({ temperature: 1 } as never), InvalidArgumentError, "INVALID_ARGUMENT", '"temperature"', "the options are model, dimensions, apiKey");
    await expectQuiverError(() => new OpenAIEmbeddingFunction({ baseUrl: "ftp://example.test" }), InvalidArgumentError, "INVALID_ARGUMENT", '"baseUrl"', "http or https");
    await expectQuiverError(() => new OpenAIEmbeddingFunction({ baseUrl: "not a url" }), InvalidArgumentError, "INVALID_ARGUMENT", '"baseUrl"', "absolute URL");
    await expectQuiverError(() => new OpenAIEmbeddingFunction({ encodingFormat: "hex" as never }), InvalidArgumentError, "INVALID_ARGUMENT", '"encodingFormat"', '"base64", "float"');
    await expectQuiverError(() => new OpenAIEmbeddingFunction({ apiVersion: "2024-10-21" }), InvalidArgumentError, "INVALID_ARGUMENT", '"apiVersion"', "azureDeployment");
    await expectQuiverError(() => new OpenAIEmbeddingFunction({ headers: { Authorization: "Bearer sk-literal" } }), SecretInConfigError, "SECRET_IN_CONFIG", "headers.Authorization");
  });

  it("refuses a literal apiKey (the options are stored with the table) and saves the $var: reference as given", async () => {
    const error = await expectQuiverError(() => new OpenAIEmbeddingFunction({ apiKey: "sk-literal-secret" }), SecretInConfigError, "SECRET_IN_CONFIG", '"apiKey"', "$var:");
    expect(error.message).not.toContain("sk-literal-secret");
    await expectQuiverError(() => new OpenAIEmbeddingFunction({ api_key: "sk-literal-secret" } as never), SecretInConfigError, "SECRET_IN_CONFIG", '"api_key"');
    const fn = create();
    expect(fn.toJSON()).toEqual({ model: "text-embedding-3-small", dimensions: DIMS, apiKey: "$var:openai_key", baseUrl: fake.baseUrl });
    expect(JSON.stringify(fn.toJSON())).not.toContain(KEY);
  });

  it("reads the option names LanceDB's Python SDK saves (name, dim, api_key, base_url)", async () => {
    const fn = new OpenAIEmbeddingFunction({ name: "text-embedding-3-small", dim: 32, api_key: "$var:openai_key", base_url: fake.baseUrl } as never);
    expect(fn.ndims()).toBe(32);
    await fn.computeSourceEmbeddings(["python config"]);
    expect(fake.requests[0]!.body).toMatchObject({ model: "text-embedding-3-small", dimensions: 32 });
    await expectQuiverError(() => new OpenAIEmbeddingFunction({ name: "a", model: "b" } as never), InvalidArgumentError, "INVALID_ARGUMENT", "given twice");
  });
});

describe("OpenAIEmbeddingFunction: requests", () => {
  it("POSTs {baseUrl}/embeddings with Bearer auth, the texts as `input`, base64 encoding and `dimensions`, and decodes each row", async () => {
    const texts = ["the first text", "a second one", "third"];
    const rows = (await create().computeSourceEmbeddings(texts)) as Float32Array[];
    expect(fake.requests).toHaveLength(1);
    const request = fake.requests[0]!;
    expect(request.method).toBe("POST");
    expect(request.path).toBe("/v1/embeddings");
    expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.body).toEqual({ model: "text-embedding-3-small", input: texts, encoding_format: "base64", dimensions: DIMS });
    expect(rows).toHaveLength(3);
    rows.forEach((row, i) => {
      expect(row).toBeInstanceOf(Float32Array);
      expect(same(row, fakeEmbedding(texts[i]!, DIMS))).toBe(true);
    });
  });

  it("gives the same float32 values with encodingFormat \"float\", and reads numbers from servers that ignore base64", async () => {
    const texts = ["base64 or not", "same bits"];
    const viaBase64 = (await create().computeSourceEmbeddings(texts)) as Float32Array[];
    const viaFloat = (await create({ encodingFormat: "float" }).computeSourceEmbeddings(texts)) as Float32Array[];
    expect(fake.requests[1]!.body).toMatchObject({ encoding_format: "float" });
    const plain = await startFakeOpenAI({ apiKey: KEY, floatOnly: true });
    try {
      const viaPlain = (await create({ baseUrl: plain.baseUrl }).computeSourceEmbeddings(texts)) as Float32Array[];
      for (let i = 0; i < texts.length; i++) {
        expect(same(viaBase64[i]!, viaFloat[i]!)).toBe(true);
        expect(same(viaBase64[i]!, viaPlain[i]!)).toBe(true);
      }
    } finally {
      await plain.close();
    }
  });

  it("returns the rows in input order when the server answers out of order (sorted by `index`)", async () => {
    const shuffled = await startFakeOpenAI({ apiKey: KEY, reverseOrder: true });
    try {
      const texts = ["alpha", "beta", "gamma", "delta"];
      const rows = (await create({ baseUrl: shuffled.baseUrl }).computeSourceEmbeddings(texts)) as Float32Array[];
      rows.forEach((row, i) => expect(same(row, fakeEmbedding(texts[i]!, DIMS))).toBe(true));
    } finally {
      await shuffled.close();
    }
  });

  it("sends no `dimensions` for text-embedding-ada-002 (fixed width), and OpenAI-Organization and extra headers when given", async () => {
    getRegistry().setVar("openai_trace", "trace-123");
    const fn = create({ model: "text-embedding-ada-002", dimensions: undefined, organization: "org-quiver", headers: { "X-Trace": "$var:openai_trace", "X-Team": "search" } });
    const [row] = (await fn.computeSourceEmbeddings(["ada text"])) as Float32Array[];
    expect(row!.length).toBe(1536);
    const request = fake.requests[0]!;
    expect(request.body).toEqual({ model: "text-embedding-ada-002", input: ["ada text"], encoding_format: "base64" });
    expect(request.headers["openai-organization"]).toBe("org-quiver");
    expect(request.headers["x-trace"]).toBe("trace-123");
    expect(request.headers["x-team"]).toBe("search");
  });

  it("falls back to OPENAI_API_KEY and OPENAI_BASE_URL as the official client does", async () => {
    vi.stubEnv("OPENAI_API_KEY", KEY);
    vi.stubEnv("OPENAI_BASE_URL", fake.baseUrl);
    const fn = new OpenAIEmbeddingFunction({ model: "text-embedding-3-small", dimensions: DIMS });
    await fn.computeSourceEmbeddings(["from the environment"]);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it("without a key for api.openai.com fails before any request with MissingApiKeyError naming OPENAI_API_KEY and the setVar fix", async () => {
    const fetchSpy = vi.fn(async () => new Response("{}"));
    const fn = new OpenAIEmbeddingFunction({ model: "text-embedding-3-small", fetch: fetchSpy });
    const error = await expectQuiverError(
      fn.computeSourceEmbeddings(["x"]),
      MissingApiKeyError,
      "EMBEDDING_FAILED",
      "OpenAI API key is required",
      "OPENAI_API_KEY",
      'getRegistry().setVar("openai_key", <your key>)',
      '{ apiKey: "$var:openai_key" }',
    );
    expect(error.retryable).toBe(false);
    expect(error.envVars).toEqual(["OPENAI_API_KEY"]);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it("needs no key for another base URL (a local vLLM / llama.cpp / LM Studio server) and then sends no Authorization", async () => {
    const local = await startFakeOpenAI({ models: { "local-model": 48 } });
    try {
      const fn = new OpenAIEmbeddingFunction({ model: "local-model", baseUrl: local.baseUrl });
      const [row] = (await fn.computeSourceEmbeddings(["local text"])) as Float32Array[];
      expect(row!.length).toBe(48);
      expect(local.requests[0]!.headers.authorization).toBeUndefined();
    } finally {
      await local.close();
    }
  });

  it("Azure OpenAI: POSTs the deployment path with `api-version` and the `api-key` header (no Bearer)", async () => {
    const azure = await startFakeOpenAI({ apiKey: KEY, azureDeployments: { "emb-small": "text-embedding-3-small" } });
    try {
      const fn = new OpenAIEmbeddingFunction({
        model: "text-embedding-3-small",
        dimensions: DIMS,
        azureDeployment: "emb-small",
        apiVersion: "2024-10-21",
        baseUrl: azure.url,
        apiKey: "$var:openai_key",
      });
      const [row] = (await fn.computeSourceEmbeddings(["azure text"])) as Float32Array[];
      expect(same(row!, fakeEmbedding("azure text", DIMS))).toBe(true);
      const request = azure.requests[0]!;
      expect(request.path).toBe("/openai/deployments/emb-small/embeddings");
      expect(request.query.get("api-version")).toBe("2024-10-21");
      expect(request.headers["api-key"]).toBe(KEY);
      expect(request.headers.authorization).toBeUndefined();

      vi.stubEnv("AZURE_OPENAI_ENDPOINT", azure.url);
      vi.stubEnv("AZURE_OPENAI_API_KEY", KEY);
      await new OpenAIEmbeddingFunction({ model: "text-embedding-3-small", dimensions: DIMS, azureDeployment: "emb-small" }).computeSourceEmbeddings(["env"]);
      expect(azure.requests[1]!.query.get("api-version")).toBe("2024-10-21");
    } finally {
      await azure.close();
    }
  });

  it("splits a direct call over the API limit: 2500 texts are 2 requests (2048 + 452)", async () => {
    const texts = Array.from({ length: 2500 }, (_, i) => `text number ${i}`);
    const rows = (await create({ dimensions: 8 }).computeSourceEmbeddings(texts)) as Float32Array[];
    expect(rows).toHaveLength(2500);
    expect(fake.embeddingRequests().map((r) => (r.body as { input: string[] }).input.length)).toEqual([2048, 452]);
    expect(same(rows[2499]!, fakeEmbedding("text number 2499", 8))).toBe(true);
  });

  it("classifies failures: 429 retryable with the advertised wait, 401/404 not retryable, a slow or absent server retryable", async () => {
    fake.rateLimitNext({ "retry-after": "1.5" });
    const limited = await expectQuiverError(create().computeSourceEmbeddings(["x"]), EmbeddingError, "EMBEDDING_FAILED", "429", "Rate limit reached");
    expect([limited.status, limited.retryable, limited.retryAfterMs]).toEqual([429, true, 1500]);

    fake.rateLimitNext({});
    const resetHeader = await expectQuiverError(create().computeSourceEmbeddings(["x"]), EmbeddingError, "EMBEDDING_FAILED", "429");
    expect(resetHeader.retryAfterMs).toBe(20); // x-ratelimit-reset-requests: 20ms

    const missing = await expectQuiverError(create({ model: "text-embedding-9" }).computeSourceEmbeddings(["x"]), EmbeddingError, "EMBEDDING_FAILED", "404", "does not exist", "Check the model name and the base URL");
    expect(missing.retryable).toBe(false);

    fake.enqueue({ status: 200, delayMs: 400, body: {} });
    const slow = await expectQuiverError(create({ timeoutMs: 40 }).computeSourceEmbeddings(["x"]), EmbeddingError, "EMBEDDING_FAILED", "within 40 ms", "timeoutMs");
    expect(slow.retryable).toBe(true);

    const closed = await startFakeOpenAI();
    const closedUrl = closed.baseUrl;
    await closed.close();
    const down = await expectQuiverError(create({ baseUrl: closedUrl }).computeSourceEmbeddings(["x"]), EmbeddingError, "EMBEDDING_FAILED", `${closedUrl}/embeddings`, "ECONNREFUSED");
    expect(down.retryable).toBe(true);
  });

  it("a malformed answer is a non-retryable error saying what was expected", async () => {
    fake.enqueue({ status: 200, body: { object: "list", data: [] } });
    const error = await expectQuiverError(create().computeSourceEmbeddings(["a", "b"]), EmbeddingError, "EMBEDDING_FAILED", "wrong number of embeddings", "expected 2, got 0");
    expect(error.retryable).toBe(false);
    fake.enqueue({ status: 200, body: "<html>proxy login</html>" });
    await expectQuiverError(create().computeSourceEmbeddings(["a"]), EmbeddingError, "EMBEDDING_FAILED", "not JSON");
  });
});

describe("OpenAIEmbeddingFunction through a table", () => {
  const rows = [
    { id: 1, text: "vector databases store embeddings" },
    { id: 2, text: "bread needs flour water and yeast" },
    { id: 3, text: "rivers flow into the sea" },
  ];

  async function makeTable(dir: string) {
    const db = await connect(dir);
    const fn = getRegistry().get("openai")!.create({ model: "text-embedding-3-small", dimensions: DIMS, apiKey: "$var:openai_key", baseUrl: fake.baseUrl });
    return db.createTable("docs", rows, { embeddingFunction: { function: fn, sourceColumn: "text" } });
  }

  it("creates, adds and searches by text through the fake API, and the key reaches no file of the table", async () => {
    const dir = await makeTempDir();
    const table = await makeTable(dir);
    await table.add([{ id: 4, text: "sourdough bread with a crisp crust" }]);
    expect(await table.countRows("vector IS NOT NULL")).toBe(4);
    const [hit] = await table.search("bread with yeast").limit(1).toArray();
    expect(hit!.id).toBe(2);
    const metadata = (await table.schema()).metadata.get("embedding_functions")!;
    expect(metadata).toContain('"name":"openai"');
    expect(metadata).toContain('"apiKey":"$var:openai_key"');
    expect(fake.embeddingRequests().length).toBe(3); // create, add, query
    expect(fake.embeddingRequests()[2]!.body).toMatchObject({ input: ["bread with yeast"] });
    expect(await expectSecretNotInFiles(dir, KEY)).toBeGreaterThan(2);
  });

  it("a 429 with Retry-After is retried by add() after the advertised wait, and the add succeeds", async () => {
    const table = await makeTable(await makeTempDir());
    fake.reset();
    fake.rateLimitNext({ "retry-after": "0.08" });
    const started = performance.now();
    await table.add([{ id: 5, text: "a row that meets a rate limit" }]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(70);
    expect(fake.embeddingRequests()).toHaveLength(2);
    expect(await table.countRows()).toBe(4);
  });

  it("query embedding honours a 429 too (embedQuery retries it)", async () => {
    fake.rateLimitNext();
    const vector = await embedQuery(create(), "a query", { retryBaseDelayMs: 1 });
    expect(same(vector, fakeEmbedding("a query", DIMS))).toBe(true);
    expect(fake.embeddingRequests()).toHaveLength(2);
  });

  it("a refused key fails add() at once (one request), names the variable to fix, and never shows the key", async () => {
    const wrongKey = `sk-wrong-${randomUUID()}`;
    const echoing = await startFakeOpenAI({ apiKey: KEY, echoKey: true });
    try {
      getRegistry().setVar("openai_wrong", wrongKey);
      const db = await connect(await makeTempDir());
      const good = getRegistry().get("openai")!.create({ model: "text-embedding-3-small", dimensions: DIMS, apiKey: "$var:openai_key", baseUrl: echoing.baseUrl });
      const table = await db.createTable("docs", rows, { embeddingFunction: { function: good, sourceColumn: "text" } });
      echoing.reset();
      const bad = getRegistry().get("openai")!.create({ model: "text-embedding-3-small", dimensions: DIMS, apiKey: "$var:openai_wrong", baseUrl: echoing.baseUrl });
      const error = await expectQuiverError(
        bad.computeSourceEmbeddings(["x"]),
        EmbeddingError,
        "EMBEDDING_FAILED",
        "401 Unauthorized",
        "Incorrect API key provided: [redacted]",
        'getRegistry().setVar("openai_wrong", <your key>)',
      );
      expect(error.retryable).toBe(false);
      expect(everythingIn(error)).not.toContain(wrongKey);

      // Through the table: the saved config points at the variable; a wrong value fails the add with one request.
      getRegistry().setVar("openai_key", wrongKey);
      try {
        const before = await table.countRows();
        const failed = await expectQuiverError(table.add([{ id: 9, text: "never written" }]), EmbeddingError, "EMBEDDING_FAILED", "401");
        expect(failed.attempts).toBe(1);
        expect(failed.retryable).toBe(false);
        expect(everythingIn(failed)).not.toContain(wrongKey);
        expect(everythingIn(failed)).toContain('setVar("openai_key"');
        expect(echoing.embeddingRequests()).toHaveLength(2); // the direct call above, then the add: no retry
        expect(await table.countRows()).toBe(before);
      } finally {
        getRegistry().setVar("openai_key", KEY);
      }
    } finally {
      await echoing.close();
    }
  });

  it("batches to the API limit through the ingest stage: 2500 rows are 2 requests of at most 2048", async () => {
    const db = await connect(await makeTempDir());
    const fn = create({ dimensions: 8 });
    const many = Array.from({ length: 2500 }, (_, i) => ({ id: i, text: `row text ${i}` }));
    const table = await db.createTable("many", many, { embeddingFunction: { function: fn, sourceColumn: "text" }, embeddingBatchSize: 10_000 });
    expect(await table.countRows("vector IS NOT NULL")).toBe(2500);
    const sizes = fake.embeddingRequests().map((r) => (r.body as { input: string[] }).input.length).sort((a, b) => b - a);
    expect(sizes).toEqual([2048, 452]);
  });

  it("an unknown model (a compatible server) takes its width from the first answer, and a reopened table keeps embedding", async () => {
    const dir = await makeTempDir();
    const db = await connect(dir);
    const fn = getRegistry().get("openai")!.create({ model: "local-model", apiKey: "$var:openai_key", baseUrl: fake.baseUrl });
    expect(fn.ndims()).toBeUndefined();
    await db.createTable("local", rows, { embeddingFunction: { function: fn, sourceColumn: "text" } });
    const reopened = await (await connect(dir)).openTable("local");
    await reopened.add([{ id: 7, text: "added after reopening" }]);
    const [hit] = await reopened.search("added after reopening").limit(1).toArray();
    expect(hit!.id).toBe(7);
    expect(Array.from(hit!.vector as Iterable<number>)).toHaveLength(48);
  });
});
