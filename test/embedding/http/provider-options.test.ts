import { describe, expect, it } from "vitest";
import { getRegistry } from "../../../src/embedding/index.js";
import {
  normaliseOptions,
  readBoolean,
  readFetch,
  readHeaders,
  readInteger,
  readObject,
  readString,
  readTimeoutMs,
  readUrl,
} from "../../../src/embedding/http/provider-options.js";
import { InvalidArgumentError, SecretInConfigError, VariableNotSetError } from "../../../src/errors.js";
import { expectQuiverError } from "../../helpers/expect-error.js";

describe("normaliseOptions()", () => {
  it("renames aliases, drops undefined values, and refuses unknown or doubled options naming the provider", async () => {
    expect(normaliseOptions("acme", { name: "m", apiKey: undefined, dims: 3 }, ["model", "apiKey", "dims"], { name: "model" })).toEqual({ model: "m", dims: 3 });
    await expectQuiverError(() => normaliseOptions("acme", { colour: 1 }, ["model"]), InvalidArgumentError, "INVALID_ARGUMENT", 'Embedding function "acme"', '"colour"', "the options are model");
    await expectQuiverError(() => normaliseOptions("acme", { name: "a", model: "b" }, ["model"], { name: "model" }), InvalidArgumentError, "INVALID_ARGUMENT", "given twice");
  });
});

describe("option readers", () => {
  it("read strings, integers, booleans and objects, also from the strings $var: gives", async () => {
    expect(readString("acme", { m: "x" }, "m")).toBe("x");
    expect(readString("acme", {}, "m")).toBeUndefined();
    await expectQuiverError(() => readString("acme", { m: "" }, "m"), InvalidArgumentError, "INVALID_ARGUMENT", '"m"', "non-empty");
    await expectQuiverError(() => readString("acme", { m: "c" }, "m", ["a", "b"]), InvalidArgumentError, "INVALID_ARGUMENT", '"a", "b"');
    expect(readInteger("acme", { n: "256" }, "n", { min: 1, max: 512 })).toBe(256);
    await expectQuiverError(() => readInteger("acme", { n: 1.5 }, "n", { min: 1, max: 9 }), InvalidArgumentError, "INVALID_ARGUMENT", "integer from 1 to 9");
    expect(readBoolean("acme", { b: "false" }, "b")).toBe(false);
    await expectQuiverError(() => readBoolean("acme", { b: "no" }, "b"), InvalidArgumentError, "INVALID_ARGUMENT", "true or false");
    expect(readObject("acme", { o: { a: 1 } }, "o")).toEqual({ a: 1 });
    await expectQuiverError(() => readObject("acme", { o: [1] }, "o"), InvalidArgumentError, "INVALID_ARGUMENT", "an array");
    expect(readTimeoutMs("acme", { timeoutMs: "1500" })).toBe(1500);
    await expectQuiverError(() => readTimeoutMs("acme", { timeoutMs: 0 }), InvalidArgumentError, "INVALID_ARGUMENT", '"timeoutMs"');
    const f = async () => new Response();
    expect(readFetch("acme", { fetch: f })).toBe(f);
    await expectQuiverError(() => readFetch("acme", { fetch: "global" }), InvalidArgumentError, "INVALID_ARGUMENT", "fetch function");
  });

  it("read URLs: http(s), absolute, no query, without trailing slashes, naming where a bad one came from", async () => {
    expect(readUrl("acme", "baseUrl", "http://localhost:8000/v1/")).toBe("http://localhost:8000/v1");
    await expectQuiverError(() => readUrl("acme", "baseUrl", "localhost:8000", "the environment variable ACME_URL"), InvalidArgumentError, "INVALID_ARGUMENT", "ACME_URL");
    await expectQuiverError(() => readUrl("acme", "baseUrl", "https://h/v1?key=1"), InvalidArgumentError, "INVALID_ARGUMENT", "query");
  });

  it("read headers, resolving $var: values and refusing literal credentials", async () => {
    getRegistry().setVar("acme_header_token", "tok-h");
    expect(readHeaders("acme", { headers: { "X-A": "1", Authorization: "$var:acme_header_token" } })).toEqual({ "X-A": "1", Authorization: "tok-h" });
    const error = await expectQuiverError(() => readHeaders("acme", { headers: { "x-api-key": "literal-key" } }), SecretInConfigError, "SECRET_IN_CONFIG", "headers.x-api-key");
    expect(error.message).not.toContain("literal-key");
    await expectQuiverError(() => readHeaders("acme", { headers: { Authorization: "$var:acme_unset_header_var" } }), VariableNotSetError, "VARIABLE_NOT_SET", "acme_unset_header_var");
    await expectQuiverError(() => readHeaders("acme", { headers: { "X-N": 3 } }), InvalidArgumentError, "INVALID_ARGUMENT", '"headers.X-N"');
  });
});

describe("normaliseOptions() and LanceDB Python configs", () => {
  it("accepts and ignores max_retries, which LanceDB's Python functions store in a table's config", () => {
    expect(normaliseOptions("openai", { model: "m", max_retries: 7, maxRetries: 2 }, ["model"])).toEqual({ model: "m" });
  });
});
