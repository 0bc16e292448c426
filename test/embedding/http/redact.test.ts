import { describe, expect, it } from "vitest";
import { REDACTED, collectSecrets, isSensitiveHeader, isSensitiveQueryParam, redact, redactError } from "../../../src/embedding/http/redact.js";

describe("collectSecrets()", () => {
  it("takes the given secrets, credential header values (and the token after the scheme) and credential query values", () => {
    const secrets = collectSecrets(
      ["extra-secret", undefined, "", "  "],
      { Authorization: "Bearer tok-1", "api-key": "azure-2", "x-goog-api-key": "goog-3", "Content-Type": "application/json", "X-Request-Id": "req-9" },
      "https://host/v1/models/m:embed?key=query-4&alt=json",
    );
    expect(secrets.sort()).toEqual(["Bearer tok-1", "azure-2", "extra-secret", "goog-3", "query-4", "tok-1"].sort());
  });

  it("knows which headers and query parameters carry credentials", () => {
    for (const name of ["Authorization", "api-key", "X-Api-Key", "x-goog-api-key", "Cookie", "X-Auth-Token", "x-amz-security-token", "My-Secret"]) {
      expect(isSensitiveHeader(name), name).toBe(true);
    }
    for (const name of ["Content-Type", "Accept", "OpenAI-Organization", "X-Trace", "x-ratelimit-remaining-tokens-limit"]) {
      expect(isSensitiveHeader(name), name).toBe(false);
    }
    for (const name of ["key", "api_key", "access_token", "sig", "X-Amz-Signature"]) expect(isSensitiveQueryParam(name), name).toBe(true);
    for (const name of ["api-version", "alt", "model"]) expect(isSensitiveQueryParam(name), name).toBe(false);
  });
});

describe("redact()", () => {
  it("replaces each secret, its URL-encoded and JSON-escaped forms, longest first", () => {
    const secret = 'a+b/c="d"';
    const text = `raw ${secret} url ${encodeURIComponent(secret)} json ${JSON.stringify(secret)}`;
    expect(redact(text, [secret])).toBe(`raw ${REDACTED} url ${REDACTED} json "${REDACTED}"`);
    expect(redact("Bearer tok-1 and tok-1", ["tok-1", "Bearer tok-1"])).toBe(`${REDACTED} and ${REDACTED}`);
    expect(redact("nothing here", [])).toBe("nothing here");
  });
});

describe("redactError()", () => {
  it("copies name, message, code and causes, scrubbed, and drops every other field", () => {
    const inner = Object.assign(new Error("inner tok-1"), { code: "ECONNRESET", config: { headers: { authorization: "tok-1" } } });
    const outer = new TypeError("fetch failed for tok-1", { cause: inner });
    const copy = redactError(outer, ["tok-1"]) as Error;
    expect(copy.name).toBe("TypeError");
    expect(copy.message).toBe(`fetch failed for ${REDACTED}`);
    expect(copy.stack).not.toContain("tok-1");
    const cause = copy.cause as Error & { code?: string; config?: unknown };
    expect(cause.message).toBe(`inner ${REDACTED}`);
    expect(cause.code).toBe("ECONNRESET");
    expect(cause.config).toBeUndefined();
    expect(redactError("plain tok-1", ["tok-1"])).toBe(`plain ${REDACTED}`);
  });
});
