// The `bedrock-text` provider against a fake Bedrock runtime on 127.0.0.1 that
// verifies SigV4 signatures itself (see test/fakes/bedrock-fake.ts).
import { randomUUID } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { EmbeddingError, InvalidArgumentError, NotSupportedError, SecretInConfigError, connect } from "../../../src/index.js";
import { getRegistry } from "../../../src/embedding/index.js";
import { BedrockTextEmbeddingFunction } from "../../../src/embedding/providers/bedrock-text.js";
import { startFakeBedrock, type FakeBedrock, type FakeBedrockOptions } from "../../fakes/bedrock-fake.js";
import { fakeEmbedding } from "../../fakes/fake-server.js";
import { expectSecretNotInFiles } from "../../fakes/leak-check.js";
import { expectQuiverError } from "../../helpers/expect-error.js";
import { makeTempDir } from "../../helpers/temp-dir.js";
import { fakesClosedAfterEachTest } from "./provider-test-setup.js";

interface Fake {
  server: FakeBedrock;
  credentials: Required<Pick<FakeBedrockOptions, "accessKeyId" | "secretAccessKey">> & { sessionToken?: string };
}
const closeAfterTest = fakesClosedAfterEachTest();
async function fake(extra: Partial<FakeBedrockOptions> = {}): Promise<Fake> {
  const credentials = { accessKeyId: `AKIA${randomUUID().slice(0, 12).toUpperCase()}`, secretAccessKey: `secret/${randomUUID()}+K`, ...extra };
  const server = closeAfterTest(await startFakeBedrock({ ...credentials, ...extra }));
  const registry = getRegistry();
  registry.setVar("aws_key_id", credentials.accessKeyId);
  registry.setVar("aws_secret", credentials.secretAccessKey);
  if (credentials.sessionToken) registry.setVar("aws_token", credentials.sessionToken);
  return { server, credentials };
}

/** Fails when any of `secrets` is in any file under `dir` (manifests' base64 schemas decoded too). */
async function expectSecretsNowhere(dir: string, secrets: string[]): Promise<void> {
  for (const secret of secrets) expect(await expectSecretNotInFiles(dir, secret)).toBeGreaterThan(0);
}

const create = (server: FakeBedrock, options: Record<string, unknown> = {}) =>
  new BedrockTextEmbeddingFunction({ accessKeyId: "$var:aws_key_id", secretAccessKey: "$var:aws_secret", endpoint: server.url, ...options });

/** A fetch that records the request and answers a Titan embedding, for checking URLs without a server. */
function recordingFetch(): { fetch: typeof fetch; calls: { url: string; init: RequestInit }[] } {
  const calls: { url: string; init: RequestInit }[] = [];
  const fn = (async (url: string | URL, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    return new Response(JSON.stringify({ embedding: [0.5, 0.5], inputTextTokenCount: 1 }), { status: 200, headers: { "content-type": "application/json" } });
  }) as typeof fetch;
  return { fetch: fn, calls };
}

describe("BedrockTextEmbeddingFunction", () => {
  it("is the built-in \"bedrock-text\": Titan v1 by default (1536 values, one text a request), in us-east-1", async () => {
    const fn = getRegistry().get("bedrock-text")!.create();
    expect(fn).toBeInstanceOf(BedrockTextEmbeddingFunction);
    expect(fn.ndims()).toBe(1536);
    expect(fn.maxBatchSize()).toBe(1);
    const recorder = recordingFetch();
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDENV");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "env-secret");
    vi.stubEnv("AWS_SESSION_TOKEN", "");
    await new BedrockTextEmbeddingFunction({ fetch: recorder.fetch }).computeQueryEmbeddings("hi");
    expect(recorder.calls[0]!.url).toBe("https://bedrock-runtime.us-east-1.amazonaws.com/model/amazon.titan-embed-text-v1/invoke");
  });

  it("knows the models' widths, Titan v2 dimensions and Cohere's 96-text batches", () => {
    expect(new BedrockTextEmbeddingFunction({ model: "amazon.titan-embed-text-v2:0" }).ndims()).toBe(1024);
    expect(new BedrockTextEmbeddingFunction({ model: "amazon.titan-embed-text-v2:0", dimensions: 256 }).ndims()).toBe(256);
    expect(new BedrockTextEmbeddingFunction({ model: "cohere.embed-multilingual-v3" }).maxBatchSize()).toBe(96);
    expect(new BedrockTextEmbeddingFunction({ model: "us.cohere.embed-english-v3" }).maxBatchSize()).toBe(96);
    expect(new BedrockTextEmbeddingFunction({ model: "us.cohere.embed-english-v3" }).ndims()).toBeUndefined();
  });

  it("builds the regional URL with the model id percent-encoded", async () => {
    const recorder = recordingFetch();
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDENV");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "env-secret");
    await new BedrockTextEmbeddingFunction({ model: "amazon.titan-embed-text-v2:0", region: "eu-west-1", fetch: recorder.fetch }).computeQueryEmbeddings("hi");
    expect(recorder.calls[0]!.url).toBe("https://bedrock-runtime.eu-west-1.amazonaws.com/model/amazon.titan-embed-text-v2%3A0/invoke");
    const headers = recorder.calls[0]!.init.headers as Record<string, string>;
    expect(headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDENV\/\d{8}\/eu-west-1\/bedrock\/aws4_request, SignedHeaders=accept;content-type;host;x-amz-date, Signature=[0-9a-f]{64}$/);
  });

  it("refuses LanceDB Python's role and profile options, saying what to do instead", async () => {
    for (const option of ["assumedRole", "assumed_role", "profileName", "profile_name", "roleSessionName"]) {
      await expectQuiverError(
        () => new BedrockTextEmbeddingFunction({ [option]: "x" } as never),
        NotSupportedError,
        "NOT_SUPPORTED",
        `option "${option}"`,
        "is not supported",
        "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN",
        "export-credentials",
      );
    }
  });

  it("refuses bad options: literal credentials, half credentials, Titan-only options on Cohere, wrong dimensions", async () => {
    await expectQuiverError(() => new BedrockTextEmbeddingFunction({ secretAccessKey: "literal" }), SecretInConfigError, "SECRET_IN_CONFIG", '"secretAccessKey" is sensitive');
    await expectQuiverError(() => new BedrockTextEmbeddingFunction({ accessKeyId: "AKIDLITERAL" }), SecretInConfigError, "SECRET_IN_CONFIG", '"accessKeyId" is sensitive');
    getRegistry().setVar("aws_key_id_only", "AKID");
    await expectQuiverError(() => new BedrockTextEmbeddingFunction({ accessKeyId: "$var:aws_key_id_only" }), InvalidArgumentError, "INVALID_ARGUMENT", '"secretAccessKey" is missing', "go together");
    await expectQuiverError(() => new BedrockTextEmbeddingFunction({ model: "cohere.embed-english-v3", dimensions: 256 }), InvalidArgumentError, "INVALID_ARGUMENT", '"dimensions" is only for Titan Text Embeddings V2');
    await expectQuiverError(() => new BedrockTextEmbeddingFunction({ model: "amazon.titan-embed-text-v2:0", dimensions: 384 }), InvalidArgumentError, "INVALID_ARGUMENT", "256, 512, 1024");
    await expectQuiverError(() => new BedrockTextEmbeddingFunction({ model: "meta.llama3-8b" }), InvalidArgumentError, "INVALID_ARGUMENT", "not a Bedrock text embedding model", "amazon.titan-embed-text-v1");
    await expectQuiverError(() => new BedrockTextEmbeddingFunction({ region: "mars" }), InvalidArgumentError, "INVALID_ARGUMENT", '"region"');
  });

  it("signs Titan v2 requests so the fake's own SigV4 check accepts them (model id with a colon)", async () => {
    const { server, credentials } = await fake();
    const fn = create(server, { model: "amazon.titan-embed-text-v2:0", dimensions: 512, normalize: true });
    const v = await fn.computeQueryEmbeddings("signed text");
    expect(server.lastAuthFailure).toBeUndefined();
    const { modelId, request } = server.invocations()[0]!;
    expect(modelId).toBe("amazon.titan-embed-text-v2:0");
    expect(request.path).toBe("/model/amazon.titan-embed-text-v2%3A0/invoke");
    expect(request.headers.authorization).toContain(`Credential=${credentials.accessKeyId}/`);
    expect(request.body).toEqual({ inputText: "signed text", dimensions: 512, normalize: true });
    expect(Array.from(v)).toEqual(Array.from(fakeEmbedding("signed text", 512)));
  });

  it("signs extra headers with the rest", async () => {
    const { server } = await fake();
    await create(server, { headers: { "X-Trace-Id": "abc 123" } }).computeQueryEmbeddings("traced");
    expect(server.lastAuthFailure).toBeUndefined();
    const { request } = server.invocations()[0]!;
    expect(request.headers["x-trace-id"]).toBe("abc 123");
    expect(request.headers.authorization).toContain("SignedHeaders=accept;content-type;host;x-amz-date;x-trace-id,");
  });

  it("signs the session token of temporary credentials", async () => {
    const { server } = await fake({ sessionToken: `token-${randomUUID()}` });
    await create(server, { sessionToken: "$var:aws_token" }).computeQueryEmbeddings("temporary");
    expect(server.lastAuthFailure).toBeUndefined();
    expect(server.invocations()[0]!.request.headers.authorization).toContain("x-amz-security-token");
  });

  it("reads the credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN", async () => {
    const { server, credentials } = await fake({ sessionToken: "env-session" });
    vi.stubEnv("AWS_ACCESS_KEY_ID", credentials.accessKeyId);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", credentials.secretAccessKey);
    vi.stubEnv("AWS_SESSION_TOKEN", "env-session");
    await new BedrockTextEmbeddingFunction({ endpoint: server.url }).computeQueryEmbeddings("from the environment");
    expect(server.lastAuthFailure).toBeUndefined();
    expect(server.invocations()).toHaveLength(1);
  });

  it("fails without credentials before any request, naming the variables and the $var: fix", async () => {
    const { server } = await fake();
    vi.stubEnv("AWS_ACCESS_KEY_ID", "");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "");
    await expectQuiverError(
      new BedrockTextEmbeddingFunction({ endpoint: server.url }).computeQueryEmbeddings("x"),
      EmbeddingError,
      "EMBEDDING_FAILED",
      "AWS credentials are required",
      "AWS_ACCESS_KEY_ID",
      "$var:",
    );
    expect(server.requests).toHaveLength(0);
  });

  it("sends Titan one text per request", async () => {
    const { server } = await fake();
    const texts = ["one", "two", "three"];
    const vectors = await create(server).computeSourceEmbeddings(texts);
    expect(server.invocations().map((i) => i.request.body)).toEqual(texts.map((inputText) => ({ inputText })));
    expect(Array.from(vectors[2]!)).toEqual(Array.from(fakeEmbedding("three", 1536)));
  });

  it("sends Cohere up to 96 texts with input_type search_document, and queries with search_query", async () => {
    const { server } = await fake();
    const fn = create(server, { model: "cohere.embed-english-v3", truncate: "END" });
    const texts = Array.from({ length: 100 }, (_, i) => `passage ${i}`);
    const vectors = await fn.computeSourceEmbeddings(texts);
    await fn.computeQueryEmbeddings("which passage");
    const bodies = server.invocations().map((i) => i.request.body as { texts: string[]; input_type: string; truncate: string });
    expect(bodies.map((b) => [b.texts.length, b.input_type, b.truncate])).toEqual([[96, "search_document", "END"], [4, "search_document", "END"], [1, "search_query", "END"]]);
    expect(Array.from(vectors[99]!)).toEqual(Array.from(fakeEmbedding("passage 99", 1024)));
  });

  it("reports a wrong secret as a 403 that is not retried, naming the credential variables, never the secret", async () => {
    const { server } = await fake();
    const wrong = `wrong/${randomUUID()}`;
    getRegistry().setVar("aws_secret_wrong", wrong);
    const fn = create(server, { secretAccessKey: "$var:aws_secret_wrong" });
    const error = await expectQuiverError(fn.computeQueryEmbeddings("x"), EmbeddingError, "EMBEDDING_FAILED", "HTTP 403", "signature we calculated does not match", "$var:aws_secret_wrong");
    expect(error.retryable).toBe(false);
    expect(error.message).not.toContain(wrong);
    expect(server.lastAuthFailure).toContain("signature mismatch");
  });
});

describe("bedrock-text through a table", () => {
  it("creates, adds and searches by text with signed requests; no file holds a credential", async () => {
    const { server, credentials } = await fake({ sessionToken: `token-${randomUUID()}` });
    const dir = await makeTempDir();
    const db = await connect(dir);
    const fn = getRegistry().get("bedrock-text")!.create({
      model: "amazon.titan-embed-text-v2:0",
      dimensions: 256,
      accessKeyId: "$var:aws_key_id",
      secretAccessKey: "$var:aws_secret",
      sessionToken: "$var:aws_token",
      endpoint: server.url,
    });
    const table = await db.createTable("docs", [{ id: 1, text: "glaciers melt in spring" }, { id: 2, text: "databases store rows" }], {
      embeddingFunction: { function: fn, sourceColumn: "text" },
    });
    await table.add([{ id: 3, text: "deserts are dry" }, { id: 4, text: "rivers carry sediment" }]);
    const hits = await table.search("where are rows stored in databases").limit(1).toArray();
    expect(hits[0]!.id).toBe(2);
    expect(server.invocations()).toHaveLength(5); // one per text, plus the query
    expect(server.lastAuthFailure).toBeUndefined();
    const model = JSON.parse((await table.schema()).metadata.get("embedding_functions")!)[0].model;
    expect(model).toMatchObject({ accessKeyId: "$var:aws_key_id", secretAccessKey: "$var:aws_secret", sessionToken: "$var:aws_token" });
    await expectSecretsNowhere(dir, [credentials.secretAccessKey, credentials.sessionToken!, credentials.accessKeyId]);
  });

  it("succeeds after a 429 ThrottlingException: the stage retries", async () => {
    const { server } = await fake();
    const db = await connect(await makeTempDir());
    server.throttleNext(true);
    const table = await db.createTable("docs", [{ text: "only row" }], { embeddingFunction: { function: create(server), sourceColumn: "text" } });
    expect(await table.countRows("vector IS NOT NULL")).toBe(1);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]!.headers.authorization).toBeDefined();
  });

  it("fails at once when the key id is unknown (403), never retried, never showing the secret", async () => {
    const { server, credentials } = await fake();
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDUNKNOWN");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", credentials.secretAccessKey);
    const db = await connect(await makeTempDir());
    const fn = new BedrockTextEmbeddingFunction({ endpoint: server.url });
    const error = await expectQuiverError(
      db.createTable("docs", [{ text: "one" }], { embeddingFunction: { function: fn, sourceColumn: "text" } }),
      EmbeddingError,
      "EMBEDDING_FAILED",
      "HTTP status 403",
    );
    expect(error.attempts).toBe(1);
    expect(server.requests).toHaveLength(1);
    const full = `${error.message} ${(error.cause as Error).message}`;
    expect(full).toContain("AWS_ACCESS_KEY_ID");
    expect(full).not.toContain(credentials.secretAccessKey);
  });

  it("runs Titan's single-text requests side by side and Cohere's in batches of 96 (count the requests)", async () => {
    const { server } = await fake();
    const db = await connect(await makeTempDir());
    const titan = await db.createTable("titan", Array.from({ length: 6 }, (_, i) => ({ text: `titan row ${i}` })), {
      embeddingFunction: { function: create(server), sourceColumn: "text" },
    });
    expect(await titan.countRows("vector IS NOT NULL")).toBe(6);
    expect(server.invocations()).toHaveLength(6);
    server.reset();
    const cohere = await db.createTable("cohere", Array.from({ length: 100 }, (_, i) => ({ text: `cohere row ${i}` })), {
      embeddingFunction: { function: create(server, { model: "cohere.embed-english-v3" }), sourceColumn: "text" },
    });
    expect(await cohere.countRows("vector IS NOT NULL")).toBe(100);
    // The write's default batch is 64 texts; raise it and the model's own limit (96) applies.
    await cohere.add(Array.from({ length: 100 }, (_, i) => ({ text: `more ${i}` })), { embeddingBatchSize: 500 });
    const sizes = server.invocations().map((i) => (i.request.body as { texts: string[] }).texts.length);
    expect(sizes.slice(0, 2).sort((a, b) => b - a)).toEqual([64, 36]);
    expect(sizes.slice(2).sort((a, b) => b - a)).toEqual([96, 4]);
  });
});
