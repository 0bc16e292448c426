import { describe, expect, it } from "vitest";
import { MissingApiKeyError, findApiKey, resolveApiKey } from "../../../src/embedding/http/api-key.js";
import { EmbeddingError, QuiverError } from "../../../src/errors.js";
import { isRetryableError } from "../../../src/embedding/retry.js";
import { expectQuiverError } from "../../helpers/expect-error.js";

const base = { provider: "acme", label: "Acme", envVars: ["ACME_API_KEY", "ACME_KEY"], suggestedVariable: "acme_key" };

describe("resolveApiKey()", () => {
  it("takes the option's (resolved) value first and names its variable in the fix", () => {
    const key = resolveApiKey({ ...base, value: "k-option", reference: "$var:team_key", env: { ACME_API_KEY: "k-env" } });
    expect(key.value).toBe("k-option");
    expect(key.source).toBe('option "apiKey" ($var:team_key)');
    expect(key.fix).toContain('getRegistry().setVar("team_key", <your key>)');
    expect(key.fix).not.toContain("k-option");
  });

  it("falls back to the environment variables in order, ignoring empty ones", () => {
    const key = resolveApiKey({ ...base, value: undefined, env: { ACME_API_KEY: "  ", ACME_KEY: "k-second" } });
    expect(key.value).toBe("k-second");
    expect(key.source).toBe("environment variable ACME_KEY");
    expect(key.fix).toContain("ACME_KEY");
    expect(key.fix).toContain('apiKey: "$var:acme_key"');
  });

  it("without a key throws MissingApiKeyError: typed, not retryable, naming the variables and both ways to pass a key", async () => {
    const error = await expectQuiverError(
      () => resolveApiKey({ ...base, value: "", env: {} }, "acme-small"),
      MissingApiKeyError,
      "EMBEDDING_FAILED",
      "Acme API key is required",
      "ACME_API_KEY or ACME_KEY",
      "Set ACME_API_KEY",
      'getRegistry().setVar("acme_key", <your key>)',
      '{ apiKey: "$var:acme_key" }',
    );
    expect(error).toBeInstanceOf(EmbeddingError);
    expect(QuiverError.isQuiverError(error)).toBe(true);
    expect([error.retryable, error.provider, error.model, error.option, error.variable]).toEqual([false, "acme", "acme-small", "apiKey", "acme_key"]);
    expect(isRetryableError(error)).toBe(false);
    expect(findApiKey({ ...base, value: undefined, env: {} })).toBeUndefined();
  });
});
