import { describe, expect, it } from "vitest";
import { describeStatus, isRetryableHttpStatus, statusFix } from "../../../src/embedding/http/http-status.js";

describe("isRetryableHttpStatus()", () => {
  it("retries timeouts, conflicts, rate limits and server errors, never client errors", () => {
    for (const status of [408, 409, 425, 429, 500, 502, 503, 504, 520, 529]) expect(isRetryableHttpStatus(status), String(status)).toBe(true);
    for (const status of [400, 401, 402, 403, 404, 405, 413, 422, 501, 505]) expect(isRetryableHttpStatus(status), String(status)).toBe(false);
  });
});

describe("describeStatus() / statusFix()", () => {
  it("names statuses and suggests a fix per status, with provider overrides", () => {
    expect(describeStatus(429)).toBe("429 Too Many Requests");
    expect(describeStatus(404, "Nope")).toBe("404 Nope");
    expect(describeStatus(599)).toBe("599");
    expect(statusFix(401, { auth: "check ACME_KEY" })).toBe("the API key was refused: check ACME_KEY");
    expect(statusFix(403)).toContain("check the API key");
    expect(statusFix(413)).toContain("embeddingBatchSize");
    expect(statusFix(404, { fixes: { 404: "pull it" } })).toBe("pull it");
    expect(statusFix(503)).toContain("retried");
  });
});
