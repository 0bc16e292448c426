import { describe, expect, it } from "vitest";
import { getRegistry, register, SecretInConfigError, getTableMetadata } from "quiverdb/embedding";
import { expectQuiverError } from "../helpers/expect-error.js";
import { OptionsFunction } from "./fake-functions.js";

const SECRET = "sk-live-THIS-IS-A-SECRET-0123456789";

describe("SecretInConfigError", () => {
  it("refuses a hard-coded secret and shows how to pass it through setVar and $var:", async () => {
    const error = await expectQuiverError(
      () => new OptionsFunction({ model: "m", apiKey: SECRET }),
      SecretInConfigError,
      "SECRET_IN_CONFIG",
      'The key "apiKey" is sensitive and cannot be set directly',
      'getRegistry().setVar("api_key", <your apiKey>)',
      '{ apiKey: "$var:api_key" }',
    );
    expect(error.message).not.toContain(SECRET);
    expect(error.message).not.toContain("THIS-IS-A-SECRET");
    expect(JSON.stringify(error)).not.toContain(SECRET);
    expect(String(error.stack)).not.toContain(SECRET);
    expect(error.key).toBe("apiKey");
  });

  it("refuses a non-string secret with the same typed error (LanceDB crashes with a TypeError)", async () => {
    for (const value of [12345678, { token: SECRET }, [SECRET], true]) {
      const error = await expectQuiverError(
        () => new OptionsFunction({ apiKey: value as unknown as string }),
        SecretInConfigError,
        "SECRET_IN_CONFIG",
        '"apiKey" is sensitive',
      );
      expect(error.message).not.toContain(SECRET);
      expect(error.message).not.toContain("12345678");
    }
  });

  it("accepts a $var: reference, resolves it, and saves only the reference", () => {
    getRegistry().setVar("secrets_api_key", SECRET);
    const fn = new OptionsFunction({ model: "m", apiKey: "$var:secrets_api_key" });
    expect(fn.options.apiKey).toBe(SECRET);
    expect(fn.toJSON()).toEqual({ model: "m", apiKey: "$var:secrets_api_key" });
    register("secrets-options-function")(OptionsFunction);
    try {
      const metadata = getTableMetadata([{ sourceColumn: "text", function: fn }]).get("embedding_functions")!;
      expect(metadata).toContain("$var:secrets_api_key");
      expect(metadata).not.toContain(SECRET);
    } finally {
      getRegistry().unregister("secrets-options-function");
    }
  });

  it("accepts an absent secret (a provider may fall back to an environment variable)", () => {
    expect(() => new OptionsFunction({ model: "m" })).not.toThrow();
    expect(() => new OptionsFunction({ model: "m", apiKey: undefined })).not.toThrow();
  });
});
