import { describe, expect, it } from "vitest";
import { parseDuration, parseRetryAfter, retryAfterFromHeaders } from "../../../src/embedding/http/retry-after.js";

const NOW = Date.parse("2026-01-01T00:00:00Z");

describe("parseRetryAfter()", () => {
  it("reads delta seconds, fractions included, and HTTP dates relative to now", () => {
    expect(parseRetryAfter("0", NOW)).toBe(0);
    expect(parseRetryAfter("7", NOW)).toBe(7000);
    expect(parseRetryAfter(" 0.05 ", NOW)).toBe(50);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", NOW)).toBe(30_000);
    expect(parseRetryAfter("Wed, 31 Dec 2025 23:59:00 GMT", NOW)).toBe(0); // in the past: no wait
  });

  it("is undefined for missing or unparseable values", () => {
    for (const value of [null, undefined, "", "soon", "-1"]) expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });
});

describe("parseDuration()", () => {
  it("reads OpenAI's reset durations and plain seconds", () => {
    expect(parseDuration("1s")).toBe(1000);
    expect(parseDuration("20ms")).toBe(20);
    expect(parseDuration("6m0s")).toBe(360_000);
    expect(parseDuration("1h2m3.5s")).toBe(3_723_500);
    expect(parseDuration("1m30ms")).toBe(60_030);
    expect(parseDuration("12")).toBe(12_000);
    expect(parseDuration("later")).toBeUndefined();
    expect(parseDuration("")).toBeUndefined();
  });
});

describe("retryAfterFromHeaders()", () => {
  const headers = (values: Record<string, string>) => new Headers(values);

  it("prefers retry-after-ms, then Retry-After", () => {
    expect(retryAfterFromHeaders(headers({ "retry-after-ms": "120", "retry-after": "3" }), NOW)).toBe(120);
    expect(retryAfterFromHeaders(headers({ "retry-after": "3", "x-ratelimit-reset-requests": "9s" }), NOW)).toBe(3000);
  });

  it("uses the reset of the exhausted OpenAI-style limit", () => {
    const both = { "x-ratelimit-reset-requests": "2s", "x-ratelimit-reset-tokens": "6m0s" };
    expect(retryAfterFromHeaders(headers({ ...both, "x-ratelimit-remaining-requests": "0", "x-ratelimit-remaining-tokens": "500" }), NOW)).toBe(2000);
    expect(retryAfterFromHeaders(headers({ ...both, "x-ratelimit-remaining-requests": "10", "x-ratelimit-remaining-tokens": "0" }), NOW)).toBe(360_000);
    expect(retryAfterFromHeaders(headers(both), NOW)).toBe(360_000);
  });

  it("reads the IETF draft's ratelimit-reset and x-ratelimit-reset as delta or epoch", () => {
    expect(retryAfterFromHeaders(headers({ "ratelimit-reset": "4" }), NOW)).toBe(4000);
    expect(retryAfterFromHeaders(headers({ "x-ratelimit-reset": "5" }), NOW)).toBe(5000);
    expect(retryAfterFromHeaders(headers({ "x-ratelimit-reset": String(NOW / 1000 + 8) }), NOW)).toBe(8000);
    expect(retryAfterFromHeaders(headers({ "x-ratelimit-reset": String(NOW + 900) }), NOW)).toBe(900);
    expect(retryAfterFromHeaders(headers({}), NOW)).toBeUndefined();
  });
});
