import { describe, expect, it } from "vitest";
import { EmbeddingError, OperationAbortedError, isRetryableError, isRetryableStatus, withRetry } from "quiverdb/embedding";
import { InvalidArgumentError } from "../../src/errors.js";
import { RetryExhaustedError } from "../../src/embedding/retry.js";
import { expectQuiverError } from "../helpers/expect-error.js";

describe("isRetryableError()", () => {
  it("retries timeouts, rate limits, server errors and network failures", () => {
    for (const status of [408, 409, 425, 429, 500, 502, 503]) expect(isRetryableError(Object.assign(new Error("x"), { status }))).toBe(true);
    expect(isRetryableError(Object.assign(new Error("x"), { statusCode: 503 }))).toBe(true);
    expect(isRetryableError(Object.assign(new Error("x"), { response: { status: 429 } }))).toBe(true);
    expect(isRetryableError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }))).toBe(true);
    expect(isRetryableError(new TypeError("fetch failed"))).toBe(true);
    expect(isRetryableError(new Error("something flaky"))).toBe(true);
    expect(isRetryableError(new EmbeddingError("x", { provider: "p", retryable: true }))).toBe(true);
  });

  it("never retries auth failures, bad requests, programming errors or non-retryable Quiver errors", () => {
    for (const status of [400, 401, 403, 404, 422]) expect(isRetryableError(Object.assign(new Error("x"), { status }))).toBe(false);
    expect(isRetryableError(Object.assign(new Error("x"), { name: "AuthenticationError" }))).toBe(false);
    expect(isRetryableError(new TypeError("x is not a function"))).toBe(false);
    expect(isRetryableError(new RangeError("x"))).toBe(false);
    expect(isRetryableError(new ReferenceError("x"))).toBe(false);
    expect(isRetryableError(new EmbeddingError("x", { provider: "p", status: 401 }))).toBe(false);
    expect(isRetryableError(new InvalidArgumentError("x"))).toBe(false);
    expect(isRetryableStatus(499)).toBe(false);
  });
});

describe("withRetry()", () => {
  it("backs off exponentially with full jitter, capped", async () => {
    const delays: number[] = [];
    let calls = 0;
    const { value, attempts } = await withRetry(
      async () => {
        calls++;
        if (calls < 5) throw new Error("flaky");
        return "ok";
      },
      { maxRetries: 5, baseDelayMs: 1, maxDelayMs: 4, random: () => 0.999, onRetry: ({ delayMs }) => delays.push(delayMs) },
    );
    expect(value).toBe("ok");
    expect(attempts).toBe(5);
    expect(delays.map((d) => Math.round(d * 1000) / 1000)).toEqual([0.999, 1.998, 3.996, 3.996]);
  });

  it("draws each delay uniformly from [0, cap]", async () => {
    const delays: number[] = [];
    const randoms = [0, 0.5];
    await expect(
      withRetry(() => Promise.reject(new Error("down")), {
        maxRetries: 2,
        baseDelayMs: 2,
        random: () => randoms.shift()!,
        onRetry: ({ delayMs }) => delays.push(delayMs),
      }),
    ).rejects.toBeInstanceOf(RetryExhaustedError);
    expect(delays).toEqual([0, 2]);
  });

  it("honours a provider's Retry-After", async () => {
    const delays: number[] = [];
    let calls = 0;
    await withRetry(
      async () => {
        if (calls++ === 0) throw new EmbeddingError("slow down", { provider: "p", retryable: true, retryAfterMs: 15 });
        return 1;
      },
      { baseDelayMs: 1, onRetry: ({ delayMs }) => delays.push(delayMs) },
    );
    expect(delays[0]).toBeGreaterThanOrEqual(15);
  });

  it("gives up after maxRetries + 1 attempts, or at once for a non-retryable error", async () => {
    let calls = 0;
    const exhausted = await withRetry(() => (calls++, Promise.reject(new Error("down"))), { maxRetries: 2, baseDelayMs: 0 }).catch((e: unknown) => e);
    expect(exhausted).toBeInstanceOf(RetryExhaustedError);
    expect(exhausted).toMatchObject({ attempts: 3, retryable: true });
    expect(calls).toBe(3);
    calls = 0;
    const fatal = await withRetry(() => (calls++, Promise.reject(new TypeError("bug"))), { maxRetries: 5, baseDelayMs: 0 }).catch((e: unknown) => e);
    expect(fatal).toMatchObject({ attempts: 1, retryable: false });
    expect(calls).toBe(1);
  });

  it("stops with OperationAbortedError when aborted during a wait", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 10);
    const start = performance.now();
    await expectQuiverError(
      withRetry(() => Promise.reject(new Error("down")), { baseDelayMs: 60_000, random: () => 1, signal: controller.signal }),
      OperationAbortedError,
      "ABORTED",
    );
    expect(performance.now() - start).toBeLessThan(1_000);
  });
});
