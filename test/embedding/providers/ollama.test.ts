// The `ollama` provider against a fake Ollama server on 127.0.0.1 that speaks
// the real wire format (POST /api/embed, {model, input} -> {embeddings},
// {error} bodies, 404 for a model not pulled, 503 when busy).
import { randomUUID } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { connect } from "../../../src/index.js";
import { EmbeddingError, OLLAMA_DEFAULT_HOST, OllamaEmbeddingFunction, SecretInConfigError, getRegistry } from "../../../src/embedding/index.js";
import { InvalidArgumentError } from "../../../src/errors.js";
import { fakeEmbedding } from "../../fakes/fake-server.js";
import { everythingIn, expectSecretNotInFiles } from "../../fakes/leak-check.js";
import { startFakeOllama } from "../../fakes/ollama-fake.js";
import { expectQuiverError } from "../../helpers/expect-error.js";
import { makeTempDir } from "../../helpers/temp-dir.js";
import { blankEnvEachTest, fakeForFile } from "./provider-test-setup.js";

const fake = await fakeForFile(startFakeOllama({ models: { "nomic-embed-text": 768, "all-minilm": 384, "my-custom-embedder": 40 } }));
blankEnvEachTest("OLLAMA_HOST", "OLLAMA_API_KEY");

function create(options: Record<string, unknown> = {}): OllamaEmbeddingFunction {
  return getRegistry().get<OllamaEmbeddingFunction>("ollama")!.create({ model: "all-minilm", host: fake.host, ...options });
}

const same = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => a.length === b.length && Array.from(a).every((x, i) => x === b[i]);

describe("OllamaEmbeddingFunction: options", () => {
  it("is the built-in \"ollama\" with LanceDB's defaults: nomic-embed-text (768 values) at http://localhost:11434", () => {
    const fn = getRegistry().get("ollama")!.create();
    expect(fn).toBeInstanceOf(OllamaEmbeddingFunction);
    expect(fn.toJSON()).toEqual({});
    expect(fn.ndims()).toBe(768);
    expect(OLLAMA_DEFAULT_HOST).toBe("http://localhost:11434");
    expect(new OllamaEmbeddingFunction({ model: "mxbai-embed-large:latest" }).ndims()).toBe(1024);
    expect(new OllamaEmbeddingFunction({ model: "some-new-embedder" }).ndims()).toBeUndefined();
    expect(new OllamaEmbeddingFunction({ model: "some-new-embedder", dimensions: 256 }).ndims()).toBe(256);
  });

  it("checks its options and reads LanceDB Python's names (name, keep_alive)", async () => {
    await expectQuiverError(() => new OllamaEmbeddingFunction({ host: "ftp://x" }), InvalidArgumentError, "INVALID_ARGUMENT", '"host"');
    await expectQuiverError(() => new OllamaEmbeddingFunction({ options: "fast" as never }), InvalidArgumentError, "INVALID_ARGUMENT", '"options"', "object");
    await expectQuiverError(() => new OllamaEmbeddingFunction({ truncate: "maybe" }), InvalidArgumentError, "INVALID_ARGUMENT", '"truncate"');
    await expectQuiverError(() => new OllamaEmbeddingFunction({ apiKey: "literal-token" }), SecretInConfigError, "SECRET_IN_CONFIG", '"apiKey"');
    await expectQuiverError(() => new OllamaEmbeddingFunction({ ollama_client_kwargs: {} } as never), InvalidArgumentError, "INVALID_ARGUMENT", "ollama_client_kwargs", "the options are");
    const fn = new OllamaEmbeddingFunction({ name: "all-minilm", keep_alive: "10m", host: fake.host } as never);
    await fn.computeSourceEmbeddings(["python names"]);
    expect(fake.embedRequests()[0]!.body).toEqual({ model: "all-minilm", input: ["python names"], keep_alive: "10m" });
  });
});

describe("OllamaEmbeddingFunction: requests", () => {
  it("POSTs {host}/api/embed with {model, input} and no Authorization, and reads `embeddings` in order", async () => {
    const texts = ["one text", "another text", "a third"];
    const rows = (await create().computeSourceEmbeddings(texts)) as Float32Array[];
    const request = fake.embedRequests()[0]!;
    expect(request.method).toBe("POST");
    expect(request.path).toBe("/api/embed");
    expect(request.headers.authorization).toBeUndefined();
    expect(request.body).toEqual({ model: "all-minilm", input: texts });
    rows.forEach((row, i) => expect(same(row, fakeEmbedding(texts[i]!, 384))).toBe(true));
  });

  it("sends keep_alive, options, truncate and dimensions when set, and a bearer token from apiKey", async () => {
    getRegistry().setVar("ollama_token", "tok-123");
    const guarded = await startFakeOllama({ token: "tok-123" });
    try {
      const fn = new OllamaEmbeddingFunction({ model: "nomic-embed-text", host: guarded.host, keepAlive: "300", options: { num_ctx: 2048 }, truncate: "false", dimensions: 128, apiKey: "$var:ollama_token" });
      const [row] = (await fn.computeSourceEmbeddings(["text"])) as Float32Array[];
      expect(row!.length).toBe(128);
      const request = guarded.embedRequests()[0]!;
      expect(request.headers.authorization).toBe("Bearer tok-123");
      expect(request.body).toEqual({ model: "nomic-embed-text", input: ["text"], truncate: false, dimensions: 128, options: { num_ctx: 2048 }, keep_alive: 300 });
    } finally {
      await guarded.close();
    }
  });

  it("reads OLLAMA_HOST written as host:port, without a scheme", async () => {
    vi.stubEnv("OLLAMA_HOST", fake.host.replace("http://", ""));
    await new OllamaEmbeddingFunction({ model: "all-minilm" }).computeSourceEmbeddings(["via env"]);
    expect(fake.embedRequests()).toHaveLength(1);
  });

  it("a model that is not pulled is a non-retryable 404 that says `ollama pull`; a stopped server is retryable and says `ollama serve`", async () => {
    const missing = await expectQuiverError(create({ model: "nomic-embed-text-v9" }).computeSourceEmbeddings(["x"]), EmbeddingError, "EMBEDDING_FAILED", "404", 'model \\"nomic-embed-text-v9\\" not found', "ollama pull nomic-embed-text-v9");
    expect(missing.retryable).toBe(false);
    const stopped = await startFakeOllama();
    const host = stopped.host;
    await stopped.close();
    const down = await expectQuiverError(create({ host }).computeSourceEmbeddings(["x"]), EmbeddingError, "EMBEDDING_FAILED", "ECONNREFUSED", "ollama serve");
    expect(down.retryable).toBe(true);
  });
});

describe("OllamaEmbeddingFunction through a table", () => {
  const rows = [
    { id: 1, text: "mountains covered in snow" },
    { id: 2, text: "a quiet beach at sunset" },
  ];

  it("creates, adds and searches with a model whose width comes from the first answer", async () => {
    const dir = await makeTempDir();
    const db = await connect(dir);
    const fn = getRegistry().get("ollama")!.create({ model: "my-custom-embedder", host: fake.host });
    expect(fn.ndims()).toBeUndefined();
    const table = await db.createTable("places", rows, { embeddingFunction: { function: fn, sourceColumn: "text" } });
    await table.add([{ id: 3, text: "snow on the mountain pass" }]);
    const [hit] = await table.search("beach sunset").limit(1).toArray();
    expect(hit!.id).toBe(2);
    expect(Array.from(hit!.vector as Iterable<number>)).toHaveLength(40);
    expect(fake.embedRequests()).toHaveLength(3);
  });

  it("a busy server (503 with Retry-After) is retried by add(), which succeeds", async () => {
    const db = await connect(await makeTempDir());
    const table = await db.createTable("places", rows, { embeddingFunction: { function: create(), sourceColumn: "text" } });
    fake.reset();
    fake.busyNext({ "retry-after": "0" });
    fake.enqueue({ status: 429, headers: { "retry-after": "0" }, body: { error: "too many requests" } });
    await table.add([{ id: 3, text: "after the server was busy" }]);
    expect(fake.embedRequests()).toHaveLength(3);
    expect(await table.countRows("vector IS NOT NULL")).toBe(3);
  });

  it("a refused token fails add() at once and never shows the token; it is not stored", async () => {
    const token = `tok-${randomUUID()}`;
    const guarded = await startFakeOllama({ token });
    try {
      getRegistry().setVar("ollama_token", token);
      const dir = await makeTempDir();
      const db = await connect(dir);
      const fn = getRegistry().get("ollama")!.create({ model: "all-minilm", host: guarded.host, apiKey: "$var:ollama_token" });
      const table = await db.createTable("places", rows, { embeddingFunction: { function: fn, sourceColumn: "text" } });
      await expectSecretNotInFiles(dir, token);
      getRegistry().setVar("ollama_token", `${token}-wrong`);
      guarded.reset();
      const error = await expectQuiverError(table.add([{ id: 3, text: "refused" }]), EmbeddingError, "EMBEDDING_FAILED", "401");
      expect(error.attempts).toBe(1);
      expect(guarded.embedRequests()).toHaveLength(1);
      expect(everythingIn(error)).not.toContain(token);
    } finally {
      await guarded.close();
    }
  });
});
