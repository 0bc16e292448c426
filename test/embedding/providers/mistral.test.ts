// The `mistral` provider against a fake Mistral embeddings API on 127.0.0.1
// that speaks the real wire format (path, Bearer auth, 256-input limit, error
// bodies, 429s).
import { randomUUID } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { connect } from "../../../src/index.js";
import {
  EmbeddingError,
  MISTRAL_MAX_BATCH_SIZE,
  MissingApiKeyError,
  MistralEmbeddingFunction,
  SecretInConfigError,
  getRegistry,
} from "../../../src/embedding/index.js";
import { InvalidArgumentError } from "../../../src/errors.js";
import { fakeEmbedding } from "../../fakes/fake-server.js";
import { everythingIn, expectSecretNotInFiles } from "../../fakes/leak-check.js";
import { startFakeMistral } from "../../fakes/mistral-fake.js";
import { expectQuiverError } from "../../helpers/expect-error.js";
import { makeTempDir } from "../../helpers/temp-dir.js";
import { blankEnvEachTest, fakeForFile } from "./provider-test-setup.js";

const KEY = `mistral-${randomUUID()}`;
const fake = await fakeForFile(startFakeMistral({ apiKey: KEY }));
getRegistry().setVar("mistral_key", KEY);
blankEnvEachTest("MISTRAL_API_KEY");

function create(options: Record<string, unknown> = {}): MistralEmbeddingFunction {
  return getRegistry().get<MistralEmbeddingFunction>("mistral")!.create({ apiKey: "$var:mistral_key", baseUrl: fake.baseUrl, ...options });
}

const same = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => a.length === b.length && Array.from(a).every((x, i) => x === b[i]);

describe("MistralEmbeddingFunction: options", () => {
  it("is the built-in \"mistral\": mistral-embed, 1024 values, at most 128 texts a request", () => {
    const fn = getRegistry().get("mistral")!.create();
    expect(fn).toBeInstanceOf(MistralEmbeddingFunction);
    expect(fn.ndims()).toBe(1024);
    expect(fn.maxBatchSize()).toBe(MISTRAL_MAX_BATCH_SIZE);
    expect(new MistralEmbeddingFunction({ model: "codestral-embed" }).ndims()).toBe(1536);
    expect(new MistralEmbeddingFunction({ model: "codestral-embed", dimensions: 256 }).ndims()).toBe(256);
  });

  it("refuses dimensions for mistral-embed, unknown options and a literal key", async () => {
    await expectQuiverError(() => new MistralEmbeddingFunction({ dimensions: 512 }), InvalidArgumentError, "INVALID_ARGUMENT", '"dimensions"', "1024", "codestral-embed");
    await expectQuiverError(() => new MistralEmbeddingFunction({ encodingFormat: "float" } as never), InvalidArgumentError, "INVALID_ARGUMENT", '"encodingFormat"');
    await expectQuiverError(() => new MistralEmbeddingFunction({ apiKey: "literal" }), SecretInConfigError, "SECRET_IN_CONFIG", '"apiKey"');
  });
});

describe("MistralEmbeddingFunction: requests", () => {
  it("POSTs {baseUrl}/embeddings with Bearer auth and {model, input}, and reads `data` by index", async () => {
    const texts = ["bonjour le monde", "hello world"];
    const rows = (await create().computeSourceEmbeddings(texts)) as Float32Array[];
    const request = fake.embeddingRequests()[0]!;
    expect(request.path).toBe("/v1/embeddings");
    expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request.body).toEqual({ model: "mistral-embed", input: texts });
    rows.forEach((row, i) => expect(same(row, fakeEmbedding(texts[i]!, 1024))).toBe(true));
    await create({ model: "codestral-embed", dimensions: 256 }).computeSourceEmbeddings(["code"]);
    expect(fake.embeddingRequests()[1]!.body).toEqual({ model: "codestral-embed", input: ["code"], output_dimension: 256 });
  });

  it("reads MISTRAL_API_KEY, and without a key fails with MissingApiKeyError naming it", async () => {
    vi.stubEnv("MISTRAL_API_KEY", KEY);
    await new MistralEmbeddingFunction({ baseUrl: fake.baseUrl }).computeSourceEmbeddings(["env"]);
    expect(fake.embeddingRequests()).toHaveLength(1);
    vi.stubEnv("MISTRAL_API_KEY", "");
    await expectQuiverError(new MistralEmbeddingFunction({ baseUrl: fake.baseUrl }).computeSourceEmbeddings(["x"]), MissingApiKeyError, "EMBEDDING_FAILED", "Mistral API key is required", "MISTRAL_API_KEY");
  });

  it("stays under the API's input limit: 300 texts are 3 requests, where one would be refused", async () => {
    const texts = Array.from({ length: 300 }, (_, i) => `line ${i}`);
    expect(await create().computeSourceEmbeddings(texts)).toHaveLength(300);
    expect(fake.embeddingRequests().map((r) => (r.body as { input: string[] }).input.length)).toEqual([128, 128, 44]);
    fake.enqueue({ status: 400, body: { object: "error", message: "Too many inputs in request, split into more batches.", type: "invalid_request_message_error", param: null, code: null } });
    const refused = await expectQuiverError(create().computeSourceEmbeddings(["x"]), EmbeddingError, "EMBEDDING_FAILED", "400", "Too many inputs in request");
    expect(refused.retryable).toBe(false);
  });
});

describe("MistralEmbeddingFunction through a table", () => {
  const rows = [
    { id: 1, text: "the eiffel tower in paris" },
    { id: 2, text: "tokyo tower at night" },
  ];

  async function makeTable(dir: string) {
    const db = await connect(dir);
    const fn = getRegistry().get("mistral")!.create({ apiKey: "$var:mistral_key", baseUrl: fake.baseUrl });
    return db.createTable("landmarks", rows, { embeddingFunction: { function: fn, sourceColumn: "text" } });
  }

  it("creates, adds (after a 429 with Retry-After) and searches, and stores no key", async () => {
    const dir = await makeTempDir();
    const table = await makeTable(dir);
    fake.rateLimitNext({ "retry-after": "0" });
    await table.add([{ id: 3, text: "the louvre in paris" }]);
    expect(fake.requests).toHaveLength(3); // create, 429, add
    const [hit] = await table.search("eiffel tower paris").limit(1).toArray();
    expect(hit!.id).toBe(1);
    await expectSecretNotInFiles(dir, KEY);
  });

  it("a refused key ({message: \"Unauthorized\"}) fails add() after one request, without showing the key", async () => {
    const table = await makeTable(await makeTempDir());
    fake.reset();
    const wrong = `mistral-wrong-${randomUUID()}`;
    getRegistry().setVar("mistral_key", wrong);
    try {
      const error = await expectQuiverError(table.add([{ id: 4, text: "refused" }]), EmbeddingError, "EMBEDDING_FAILED", "401", "Unauthorized");
      expect(error.attempts).toBe(1);
      expect(fake.embeddingRequests()).toHaveLength(1);
      expect(everythingIn(error)).not.toContain(wrong);
      expect(everythingIn(error)).toContain('setVar("mistral_key"');
    } finally {
      getRegistry().setVar("mistral_key", KEY);
    }
  });
});
