// postJson: one POST with a timeout, and every failure classified (retryable or
// not, the advertised wait) with a message that never holds a secret.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { EmbeddingError } from "../../../src/errors.js";
import { DEFAULT_TIMEOUT_MS, postJson } from "../../../src/embedding/http/post-json.js";
import { withRetry } from "../../../src/embedding/retry.js";
import { startFakeServer, type FakeServer } from "../../fakes/fake-server.js";
import { everythingIn } from "../../fakes/leak-check.js";
import { expectQuiverError } from "../../helpers/expect-error.js";

const SECRET = "sk-very-secret-value-123456";
let server: FakeServer;

beforeAll(async () => {
  server = await startFakeServer((request) => ({ status: 200, body: { echo: request.body, path: request.path } }));
});
afterAll(async () => {
  await server.close();
});
afterEach(() => server.reset());

function post(extra: Partial<Parameters<typeof postJson>[0]> = {}) {
  return postJson<{ echo: unknown; path: string }>({
    provider: "acme",
    model: "acme-small",
    url: `${server.url}/v1/embed`,
    headers: { Authorization: `Bearer ${SECRET}` },
    body: { input: ["a"] },
    ...extra,
  });
}

describe("postJson()", () => {
  it("POSTs the body as JSON with the headers given and returns the parsed answer", async () => {
    const answer = await post();
    expect(answer).toEqual({ echo: { input: ["a"] }, path: "/v1/embed" });
    const request = server.requests[0]!;
    expect(request.method).toBe("POST");
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.headers.accept).toBe("application/json");
    expect(request.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(DEFAULT_TIMEOUT_MS).toBe(60_000);
  });

  it("sends a string body as it is and URLSearchParams form-encoded", async () => {
    await post({ body: '{"pre":"serialised"}' });
    expect(server.requests[0]!.rawBody).toBe('{"pre":"serialised"}');
    await post({ body: new URLSearchParams({ grant_type: "x", apikey: "y" }) });
    expect(server.requests[1]!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(server.requests[1]!.rawBody).toBe("grant_type=x&apikey=y");
  });

  it.each([
    [429, true],
    [408, true],
    [409, true],
    [425, true],
    [500, true],
    [502, true],
    [503, true],
    [504, true],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [422, false],
    [501, false],
  ])("HTTP %i is an EmbeddingError with retryable = %s and the status", async (status, retryable) => {
    server.enqueue({ status, body: { error: { message: `failure ${status}` } } });
    const error = await expectQuiverError(post(), EmbeddingError, "EMBEDDING_FAILED", `acme (model "acme-small")`, `/v1/embed`, `HTTP ${status}`, `failure ${status}`);
    expect(error.status).toBe(status);
    expect(error.retryable).toBe(retryable);
    expect(error.provider).toBe("acme");
    expect(error.model).toBe("acme-small");
  });

  it("reads the wait from Retry-After in seconds (fractions too) or as an HTTP date, and from retry-after-ms", async () => {
    server.enqueue({ status: 429, headers: { "retry-after": "0.25" }, body: {} });
    expect((await expectQuiverError(post(), EmbeddingError, "EMBEDDING_FAILED", "asked to wait 250 ms")).retryAfterMs).toBe(250);
    server.enqueue({ status: 503, headers: { "retry-after": new Date(Date.now() + 5000).toUTCString() }, body: {} });
    const dated = (await expectQuiverError(post(), EmbeddingError, "EMBEDDING_FAILED")).retryAfterMs!;
    expect(dated).toBeGreaterThan(3000);
    expect(dated).toBeLessThanOrEqual(5000);
    server.enqueue({ status: 429, headers: { "retry-after-ms": "40", "retry-after": "9" }, body: {} });
    expect((await expectQuiverError(post(), EmbeddingError, "EMBEDDING_FAILED")).retryAfterMs).toBe(40);
    // Not for errors that will not be retried.
    server.enqueue({ status: 400, headers: { "retry-after": "5" }, body: {} });
    expect((await expectQuiverError(post(), EmbeddingError, "EMBEDDING_FAILED")).retryAfterMs).toBeUndefined();
  });

  it("lets the provider read its own wait and error text", async () => {
    server.enqueue({ status: 503, body: { error: "Model is loading", estimated_time: 1.5 } });
    const error = await expectQuiverError(
      post({
        retryAfterMs: ({ body }) => ((body as { estimated_time?: number }).estimated_time ?? 0) * 1000,
        errorText: (body) => `loading: ${(body as { error: string }).error}`,
      }),
      EmbeddingError,
      "EMBEDDING_FAILED",
      '"loading: Model is loading"',
    );
    expect(error.retryAfterMs).toBe(1500);
  });

  it("says the fix: the key hint for 401/403, the model and URL for 404, concurrency for 429, a provider's own fix", async () => {
    server.enqueue({ status: 401, body: { message: "bad key" } });
    await expectQuiverError(post({ hints: { auth: "check ACME_API_KEY" } }), EmbeddingError, "EMBEDDING_FAILED", "The API key was refused: check ACME_API_KEY");
    server.enqueue({ status: 404, body: { detail: "no such model" } });
    await expectQuiverError(post(), EmbeddingError, "EMBEDDING_FAILED", "Check the model name and the base URL");
    server.enqueue({ status: 429, body: {} });
    await expectQuiverError(post(), EmbeddingError, "EMBEDDING_FAILED", "lower embeddingConcurrency");
    server.enqueue({ status: 404, body: {} });
    await expectQuiverError(post({ hints: { fixes: { 404: "run `acme pull`" } } }), EmbeddingError, "EMBEDDING_FAILED", "Run `acme pull`.");
  });

  it("never shows a secret: not from the headers, the secrets list, a credential query parameter, nor an echoing error body or cause", async () => {
    server.enqueue({ status: 401, body: { error: { message: `key ${SECRET} and token tok-999999 and q-key qk-77777777 are wrong` } } });
    const error = await expectQuiverError(
      post({ url: `${server.url}/v1/embed?key=qk-77777777&alt=json`, secrets: ["tok-999999"] }),
      EmbeddingError,
      "EMBEDDING_FAILED",
      "key [redacted] and token [redacted] and q-key [redacted] are wrong",
      "/v1/embed?key=[redacted]&alt=json",
    );
    const all = everythingIn(error);
    for (const secret of [SECRET, "tok-999999", "qk-77777777"]) expect(all).not.toContain(secret);

    const leakyFetch = async (): Promise<Response> => {
      throw new TypeError("fetch failed", { cause: Object.assign(new Error(`connect failed for ${SECRET}`), { code: "ECONNRESET", request: { headers: { authorization: SECRET } } }) });
    };
    const network = await expectQuiverError(post({ fetch: leakyFetch }), EmbeddingError, "EMBEDDING_FAILED", "ECONNRESET");
    expect(network.retryable).toBe(true);
    expect(everythingIn(network)).not.toContain(SECRET);
    expect((network.cause as Error).message).toBe("fetch failed");
    expect(((network.cause as Error).cause as Error).message).toBe("connect failed for [redacted]");
  });

  it("an unreachable server and a timeout are retryable; an invalid URL is not", async () => {
    const closed = await startFakeServer(() => ({ status: 200, body: {} }));
    const closedUrl = closed.url;
    await closed.close();
    const refused = await expectQuiverError(post({ url: `${closedUrl}/v1/embed` }), EmbeddingError, "EMBEDDING_FAILED", "ECONNREFUSED", `${closedUrl}/v1/embed`);
    expect(refused.retryable).toBe(true);

    server.enqueue({ status: 200, delayMs: 300, body: {} });
    const slow = await expectQuiverError(post({ timeoutMs: 30 }), EmbeddingError, "EMBEDDING_FAILED", "no complete answer within 30 ms", "timeoutMs");
    expect(slow.retryable).toBe(true);

    const invalid = await expectQuiverError(post({ url: "http//missing-colon" }), EmbeddingError, "EMBEDDING_FAILED");
    expect(invalid.retryable).toBe(false);
  });

  it("rethrows the caller's abort reason as it is", async () => {
    const controller = new AbortController();
    server.enqueue({ status: 200, delayMs: 300, body: {} });
    const reason = new Error("user cancelled");
    setTimeout(() => controller.abort(reason), 20);
    await expect(post({ signal: controller.signal })).rejects.toBe(reason);
  });

  it("a 2xx answer that is not JSON (a proxy page) is a non-retryable error", async () => {
    server.enqueue({ status: 200, body: "<!doctype html><p>sign in</p>" });
    const error = await expectQuiverError(post(), EmbeddingError, "EMBEDDING_FAILED", "not JSON", "base URL");
    expect(error.retryable).toBe(false);
    server.enqueue({ status: 502, body: "<html><body>Bad gateway</body></html>" });
    await expectQuiverError(post(), EmbeddingError, "EMBEDDING_FAILED", "HTML page");
  });

  it("uses an injected fetch", async () => {
    const fetchSpy = vi.fn(async () => new Response(JSON.stringify({ ok: 1 }), { status: 200 }));
    expect(await post({ fetch: fetchSpy })).toEqual({ ok: 1 });
    expect(fetchSpy).toHaveBeenCalledOnce();
    expect(server.requests).toHaveLength(0);
  });

  it("its errors drive the one retry loop: withRetry waits the advertised time, retries 429, and stops at 401", async () => {
    server.enqueue({ status: 429, headers: { "retry-after": "0.06" }, body: {} }, { status: 503, headers: { "retry-after": "0" }, body: {} });
    const started = performance.now();
    const { value, attempts } = await withRetry(() => post(), { baseDelayMs: 1, random: () => 0 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    expect(attempts).toBe(3);
    expect(value.path).toBe("/v1/embed");

    server.reset();
    server.enqueue({ status: 401, body: {} });
    await expect(withRetry(() => post(), { baseDelayMs: 1 })).rejects.toMatchObject({ attempts: 1, retryable: false });
    expect(server.requests).toHaveLength(1);
  });
});
