// The `watsonx` provider against a fake of IBM Cloud IAM + watsonx.ai on 127.0.0.1.
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it, vi } from "vitest";
import { EmbeddingError, InvalidArgumentError, SecretInConfigError, connect } from "../../../src/index.js";
import { getRegistry } from "../../../src/embedding/index.js";
import { WatsonxEmbeddingFunction } from "../../../src/embedding/providers/watsonx.js";
import { fakeEmbedding } from "../../fakes/fake-server.js";
import { startFakeWatsonx, type FakeWatsonx, type FakeWatsonxOptions } from "../../fakes/watsonx-fake.js";
import { expectSecretNotInFiles } from "../../fakes/leak-check.js";
import { expectQuiverError } from "../../helpers/expect-error.js";
import { makeTempDir } from "../../helpers/temp-dir.js";
import { fakesClosedAfterEachTest } from "./provider-test-setup.js";

const PROJECT = "12ac4cf1-252f-424b-b52d-5cdd9814987f";
const SPACE = "5f1e9e3a-0000-4000-8000-00000000aaaa";

const closeAfterTest = fakesClosedAfterEachTest();
async function fake(extra: Partial<FakeWatsonxOptions> = {}): Promise<{ server: FakeWatsonx; key: string }> {
  const key = `ibm-${randomUUID()}`;
  const server = closeAfterTest(await startFakeWatsonx({ apiKey: key, projects: [PROJECT], spaces: [SPACE], ...extra }));
  getRegistry().setVar("watsonx_key", key);
  return { server, key };
}

/** Fails when `secret` is in any file under `dir` (manifests' base64 schemas decoded too). */
async function expectSecretNowhere(dir: string, secret: string): Promise<void> {
  expect(await expectSecretNotInFiles(dir, secret)).toBeGreaterThan(0);
}

const create = (server: FakeWatsonx, options: Record<string, unknown> = {}) =>
  new WatsonxEmbeddingFunction({ apiKey: "$var:watsonx_key", projectId: PROJECT, url: server.url, iamUrl: server.url, ...options });

type EmbedBody = { inputs: string[]; model_id: string; project_id?: string; space_id?: string; parameters?: unknown };

describe("WatsonxEmbeddingFunction", () => {
  it("is the built-in \"watsonx\": LanceDB's default model (768 values), 1000 inputs a request", () => {
    const fn = getRegistry().get("watsonx")!.create();
    expect(fn).toBeInstanceOf(WatsonxEmbeddingFunction);
    expect(fn.ndims()).toBe(768);
    expect(fn.maxBatchSize()).toBe(1000);
    expect(new WatsonxEmbeddingFunction({ model: "ibm/slate-30m-english-rtrvr" }).ndims()).toBe(384);
    expect(new WatsonxEmbeddingFunction({ model: "ibm/some-future-model" }).ndims()).toBeUndefined();
  });

  it("refuses bad options: both project and space, a literal key, a malformed version", async () => {
    await expectQuiverError(() => new WatsonxEmbeddingFunction({ projectId: "p", spaceId: "s" }), InvalidArgumentError, "INVALID_ARGUMENT", '"spaceId" cannot be given with projectId');
    await expectQuiverError(() => new WatsonxEmbeddingFunction({ apiKey: "literal-key" }), SecretInConfigError, "SECRET_IN_CONFIG", '"apiKey" is sensitive');
    await expectQuiverError(() => new WatsonxEmbeddingFunction({ apiVersion: "latest" }), InvalidArgumentError, "INVALID_ARGUMENT", '"apiVersion"');
    await expectQuiverError(() => new WatsonxEmbeddingFunction({ project_id: "p", params: "x" } as never), InvalidArgumentError, "INVALID_ARGUMENT", '"params" must be an object');
  });

  it("exchanges the API key for an IAM token (form body), then posts the embeddings with the Bearer token", async () => {
    const { server, key } = await fake();
    const texts = ["first passage", "second passage"];
    const vectors = (await create(server, { params: { truncate_input_tokens: 512 } }).computeSourceEmbeddings(texts)) as Float32Array[];
    const [tokenRequest, embedRequest] = server.requests;
    expect(tokenRequest!.path).toBe("/identity/token");
    expect(tokenRequest!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(new URLSearchParams(tokenRequest!.rawBody))).toEqual({ grant_type: "urn:ibm:params:oauth:grant-type:apikey", apikey: key });
    expect(embedRequest!.path).toBe("/ml/v1/text/embeddings");
    expect(embedRequest!.query.get("version")).toBe("2024-05-01");
    expect(embedRequest!.headers.authorization).toMatch(/^Bearer eyJfake\./);
    expect(embedRequest!.body).toEqual({ inputs: texts, model_id: "ibm/slate-125m-english-rtrvr", project_id: PROJECT, parameters: { truncate_input_tokens: 512 } });
    texts.forEach((t, i) => expect(Array.from(vectors[i]!)).toEqual(Array.from(fakeEmbedding(t, 768))));
  });

  it("exchanges the key once and reuses the token: across calls, concurrent calls and instances", async () => {
    const { server } = await fake();
    const fn = create(server);
    await Promise.all(Array.from({ length: 5 }, (_, i) => fn.computeQueryEmbeddings(`concurrent ${i}`)));
    await fn.computeSourceEmbeddings(["later"]);
    await create(server, { model: "ibm/slate-30m-english-rtrvr" }).computeQueryEmbeddings("another instance, same key");
    expect(server.tokenRequests()).toHaveLength(1);
    expect(server.embeddingRequests()).toHaveLength(7);
    expect(new Set(server.embeddingRequests().map((r) => r.headers.authorization)).size).toBe(1);
  });

  it("gets a new token shortly before the old one expires", async () => {
    const { server } = await fake({ tokenLifetimeSeconds: 1 });
    const fn = create(server);
    await fn.computeQueryEmbeddings("a");
    await fn.computeQueryEmbeddings("b");
    expect(server.tokenRequests()).toHaveLength(1);
    await sleep(950); // within the last 10% of the token's life
    await fn.computeQueryEmbeddings("c");
    expect(server.tokenRequests()).toHaveLength(2);
  });

  it("drops a cached token the service refuses and marks the 401 retryable; the next call gets a new token", async () => {
    const { server } = await fake();
    const fn = create(server);
    await fn.computeQueryEmbeddings("warm up");
    server.revokeTokens();
    const error = await expectQuiverError(fn.computeQueryEmbeddings("x"), EmbeddingError, "EMBEDDING_FAILED", "HTTP 401", "authentication_token_expired", "cached IAM token was dropped");
    expect(error.retryable).toBe(true);
    await fn.computeQueryEmbeddings("y");
    expect(server.tokenRequests()).toHaveLength(2);
  });

  it("uses a deployment space, and WATSONX_PROJECT_ID / WATSONX_URL from the environment", async () => {
    const { server } = await fake();
    await create(server, { projectId: undefined, spaceId: SPACE }).computeQueryEmbeddings("in a space");
    vi.stubEnv("WATSONX_PROJECT_ID", PROJECT);
    vi.stubEnv("WATSONX_URL", server.url);
    await new WatsonxEmbeddingFunction({ apiKey: "$var:watsonx_key", iamUrl: server.url }).computeQueryEmbeddings("from env");
    const bodies = server.embeddingRequests().map((r) => r.body as EmbedBody);
    expect(bodies[0]!.space_id).toBe(SPACE);
    expect(bodies[0]!.project_id).toBeUndefined();
    expect(bodies[1]!.project_id).toBe(PROJECT);
  });

  it("fails without a project or space, before any request", async () => {
    const { server } = await fake();
    vi.stubEnv("WATSONX_PROJECT_ID", "");
    vi.stubEnv("WATSONX_SPACE_ID", "");
    await expectQuiverError(
      create(server, { projectId: undefined }).computeQueryEmbeddings("x"),
      EmbeddingError,
      "EMBEDDING_FAILED",
      "needs a project or a deployment space",
      "WATSONX_PROJECT_ID",
    );
    expect(server.requests).toHaveLength(0);
  });

  it("reports an unknown API key (IAM 400 BXNIM0415E) as not retryable, naming WATSONX_API_KEY, never the key", async () => {
    const { server } = await fake();
    const wrong = `ibm-wrong-${randomUUID()}`;
    vi.stubEnv("WATSONX_API_KEY", wrong);
    const fn = new WatsonxEmbeddingFunction({ projectId: PROJECT, url: server.url, iamUrl: server.url });
    const error = await expectQuiverError(fn.computeQueryEmbeddings("x"), EmbeddingError, "EMBEDDING_FAILED", "HTTP 400", "BXNIM0415E", "WATSONX_API_KEY");
    expect(error.retryable).toBe(false);
    expect(error.message).not.toContain(wrong);
    expect(server.embeddingRequests()).toHaveLength(0);
  });

  it("splits a direct call into requests of 1000 inputs", async () => {
    const { server } = await fake();
    const texts = Array.from({ length: 1500 }, (_, i) => `t${i}`);
    const vectors = await create(server, { model: "ibm/slate-30m-english-rtrvr" }).computeSourceEmbeddings(texts);
    expect(vectors).toHaveLength(1500);
    expect(server.embeddingRequests().map((r) => (r.body as EmbedBody).inputs.length)).toEqual([1000, 500]);
    expect(Array.from(vectors[1499]!)).toEqual(Array.from(fakeEmbedding("t1499", 384)));
  });
});

describe("watsonx through a table", () => {
  it("creates, adds and searches by text with one token exchange; no file holds the key", async () => {
    const { server, key } = await fake();
    const dir = await makeTempDir();
    const db = await connect(dir);
    const fn = getRegistry().get("watsonx")!.create({ apiKey: "$var:watsonx_key", projectId: PROJECT, url: server.url, iamUrl: server.url });
    const table = await db.createTable("docs", [{ id: 1, text: "quarterly revenue grew" }, { id: 2, text: "the recipe needs flour" }], {
      embeddingFunction: { function: fn, sourceColumn: "text" },
    });
    await table.add([{ id: 3, text: "bake the bread for an hour" }]);
    const hits = await table.search("how much flour does the recipe need").limit(1).toArray();
    expect(hits[0]!.id).toBe(2);
    expect(server.tokenRequests()).toHaveLength(1);
    expect(server.embeddingRequests()).toHaveLength(3);
    await expectSecretNowhere(dir, key);
  });

  it("succeeds after a 429 (Retry-After) and after a revoked token: the stage retries", async () => {
    const { server } = await fake();
    const fn = create(server);
    await fn.computeQueryEmbeddings("warm the token cache");
    const db = await connect(await makeTempDir());
    server.rateLimitNext();
    const table = await db.createTable("docs", [{ text: "one" }], { embeddingFunction: { function: fn, sourceColumn: "text" } });
    expect(await table.countRows("vector IS NOT NULL")).toBe(1);
    server.revokeTokens();
    await table.add([{ text: "two" }]);
    expect(await table.countRows("vector IS NOT NULL")).toBe(2);
    expect(server.embeddingRequests().map((r) => r.headers.authorization).length).toBe(5); // warm-up, 429, ok, 401, ok
    expect(server.tokenRequests()).toHaveLength(2);
  });

  it("fails at once when IAM refuses the key, naming the variable and setVar, never the key", async () => {
    const { server } = await fake();
    const wrong = `ibm-wrong-${randomUUID()}`;
    getRegistry().setVar("watsonx_key_wrong", wrong);
    const db = await connect(await makeTempDir());
    const fn = create(server, { apiKey: "$var:watsonx_key_wrong" });
    const error = await expectQuiverError(
      db.createTable("docs", [{ text: "one" }], { embeddingFunction: { function: fn, sourceColumn: "text" } }),
      EmbeddingError,
      "EMBEDDING_FAILED",
      "HTTP status 400",
    );
    expect(error.attempts).toBe(1);
    expect(server.tokenRequests()).toHaveLength(1);
    const full = `${error.message} ${(error.cause as Error).message}`;
    expect(full).toContain('setVar("watsonx_key_wrong"');
    expect(full).not.toContain(wrong);
  });

  it("does not retry a 401 for a token fetched just now; the message names the key's variable, never the key", async () => {
    const { server, key } = await fake();
    server.refuseNextEmbeddings();
    const db = await connect(await makeTempDir());
    const error = await expectQuiverError(
      db.createTable("docs", [{ text: "one" }], { embeddingFunction: { function: create(server), sourceColumn: "text" } }),
      EmbeddingError,
      "EMBEDDING_FAILED",
      "HTTP status 401",
    );
    expect(error.attempts).toBe(1);
    expect(error.retryable).toBe(false);
    expect(server.tokenRequests()).toHaveLength(1);
    expect(server.embeddingRequests()).toHaveLength(1);
    const full = `${error.message} ${(error.cause as Error).message}`;
    expect(full).toContain('setVar("watsonx_key"');
    expect(full).not.toContain(key);
    const issuedToken = String(server.embeddingRequests()[0]!.headers.authorization).slice("Bearer ".length);
    expect(full).not.toContain(issuedToken);
  });

  it("sends 1000 inputs a request when the write allows it", async () => {
    const { server } = await fake();
    const db = await connect(await makeTempDir());
    const table = await db.createTable("docs", [{ text: "seed" }], { embeddingFunction: { function: create(server, { model: "ibm/slate-30m-english-rtrvr" }), sourceColumn: "text" } });
    server.reset();
    await table.add(Array.from({ length: 1200 }, (_, i) => ({ text: `row ${i}` })), { embeddingBatchSize: 5000 });
    expect(server.embeddingRequests().map((r) => (r.body as EmbedBody).inputs.length).sort((a, b) => b - a)).toEqual([1000, 200]);
  });
});
