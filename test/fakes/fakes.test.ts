// The fakes themselves: they must refuse what the real APIs refuse, or the
// provider tests would pass against a server more lenient than the real one.
import { afterEach, describe, expect, it } from "vitest";
import { decodeFloat32Base64 } from "../../src/embedding/http/base64-float32.js";
import { startFakeCohere } from "./cohere-fake.js";
import { fakeEmbedding, startFakeServer, type FakeServer } from "./fake-server.js";
import { startFakeJina } from "./jina-fake.js";
import { startFakeMistral } from "./mistral-fake.js";
import { startFakeOllama } from "./ollama-fake.js";
import { startFakeOpenAI } from "./openai-fake.js";

const open: FakeServer[] = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()!.close();
});
async function track<T extends FakeServer>(server: Promise<T>): Promise<T> {
  const started = await server;
  open.push(started);
  return started;
}

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

describe("startFakeServer()", () => {
  it("listens on 127.0.0.1, records requests and plays queued replies before the handler", async () => {
    const server = await track(startFakeServer(() => ({ status: 200, body: { handled: true } })));
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    server.enqueue({ status: 429, headers: { "retry-after": "1" }, body: { queued: true } });
    const first = await fetch(`${server.url}/x?a=1`, { method: "POST", body: '{"n":1}' });
    expect([first.status, first.headers.get("retry-after"), await first.json()]).toEqual([429, "1", { queued: true }]);
    const second = await fetch(`${server.url}/x`, { method: "POST", body: "{}" });
    expect(await second.json()).toEqual({ handled: true });
    expect(server.requests.map((r) => [r.path, r.query.get("a"), r.body])).toEqual([["/x", "1", { n: 1 }], ["/x", null, {}]]);
  });

  it("fakeEmbedding is deterministic, unit length and lexical", () => {
    const a = fakeEmbedding("red shoes", 32);
    expect(Array.from(a)).toEqual(Array.from(fakeEmbedding("red shoes", 32)));
    expect(Math.hypot(...a)).toBeCloseTo(1, 5);
  });
});

describe("the OpenAI fake", () => {
  it("refuses a missing or wrong key with OpenAI's bodies, unknown models, dimensions for ada-002, and over 2048 inputs", async () => {
    const fake = await track(startFakeOpenAI({ apiKey: "sk-right" }));
    const url = `${fake.baseUrl}/embeddings`;
    const auth = { authorization: "Bearer sk-right" };
    expect((await postJson(url, { model: "text-embedding-3-small", input: ["x"] })).status).toBe(401);
    const wrong = await postJson(url, { model: "text-embedding-3-small", input: ["x"] }, { authorization: "Bearer sk-wrong-key-1234" });
    expect(wrong.body.error.code).toBe("invalid_api_key");
    expect(wrong.body.error.message).not.toContain("sk-wrong-key-1234");
    expect((await postJson(url, { model: "nope", input: ["x"] }, auth)).body.error.code).toBe("model_not_found");
    expect((await postJson(url, { model: "text-embedding-ada-002", input: ["x"], dimensions: 8 }, auth)).status).toBe(400);
    expect((await postJson(url, { model: "text-embedding-3-small", input: Array(2049).fill("x") }, auth)).status).toBe(400);
    expect((await postJson(`${fake.url}/v1/other`, {}, auth)).status).toBe(404);
    const ok = await postJson(url, { model: "text-embedding-3-small", input: ["hi"], encoding_format: "base64", dimensions: 16 }, auth);
    expect(ok.body.object).toBe("list");
    expect(Array.from(decodeFloat32Base64(ok.body.data[0].embedding))).toEqual(Array.from(fakeEmbedding("hi", 16)));
  });
});

describe("the Cohere, Ollama, Jina and Mistral fakes", () => {
  it("speak their own error shapes", async () => {
    const cohere = await track(startFakeCohere({ apiKey: "co" }));
    expect((await postJson(`${cohere.baseUrl}/embed`, {}, { authorization: "Bearer bad" })).body).toMatchObject({ message: "invalid api token" });
    expect(
      (await postJson(`${cohere.baseUrl}/embed`, { model: "embed-english-v3.0", texts: ["x"], embedding_types: ["float"] }, { authorization: "Bearer co" })).status,
    ).toBe(400); // input_type is required

    const ollama = await track(startFakeOllama());
    expect(await (await fetch(ollama.host)).text()).toBe("Ollama is running");
    expect((await postJson(`${ollama.host}/api/embed`, { model: "missing", input: ["x"] })).body).toEqual({ error: 'model "missing" not found, try pulling it first' });

    const jina = await track(startFakeJina({ apiKey: "j" }));
    const badTask = await postJson(`${jina.baseUrl}/embeddings`, { model: "jina-embeddings-v3", input: ["x"], task: "nope" }, { authorization: "Bearer j" });
    expect(badTask.status).toBe(422);
    expect(badTask.body.detail[0].loc).toEqual(["body", "task"]);

    const mistral = await track(startFakeMistral({ apiKey: "m" }));
    expect((await postJson(`${mistral.baseUrl}/embeddings`, {}, {})).body).toMatchObject({ message: "Unauthorized" });
    const tooMany = await postJson(`${mistral.baseUrl}/embeddings`, { model: "mistral-embed", input: Array(257).fill("x") }, { authorization: "Bearer m" });
    expect(tooMany.body.message).toBe("Too many inputs in request, split into more batches.");
  });
});
