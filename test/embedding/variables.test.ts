import { describe, expect, it } from "vitest";
import { getRegistry, isVariableReference, parseVariableReference } from "quiverdb/embedding";
import { InvalidArgumentError, VariableNotSetError } from "../../src/errors.js";
import { resolveVariables } from "../../src/embedding/variables.js";
import { expectQuiverError } from "../helpers/expect-error.js";
import { OptionsFunction } from "./fake-functions.js";

describe("parseVariableReference()", () => {
  it("splits once, so a default keeps its colons", () => {
    expect(parseVariableReference("$var:url:http://h:8080")).toEqual({ name: "url", defaultValue: "http://h:8080" });
    expect(parseVariableReference("$var:name")).toEqual({ name: "name" });
    expect(parseVariableReference("$var:name:")).toEqual({ name: "name", defaultValue: "" });
    expect(parseVariableReference("plain")).toBeUndefined();
  });

  it("refuses a reference with an empty name", async () => {
    await expectQuiverError(() => parseVariableReference("$var::x"), InvalidArgumentError, "INVALID_ARGUMENT", "the name is empty");
  });

  it("recognises references", () => {
    expect(isVariableReference("$var:x")).toBe(true);
    expect(isVariableReference("var:x")).toBe(false);
    expect(isVariableReference(3)).toBe(false);
  });
});

describe("resolveVariables()", () => {
  it("substitutes set variables and falls back to defaults containing colons", () => {
    getRegistry().setVar("vars_model", "small-v2");
    const resolved = resolveVariables({
      model: "$var:vars_model",
      url: "$var:vars_unset_url:http://h:8080/v1",
      other: 3,
      nested: { key: "$var:vars_model" },
    });
    expect(resolved).toEqual({ model: "small-v2", url: "http://h:8080/v1", other: 3, nested: { key: "$var:vars_model" } });
  });

  it("follows setVar: a later value wins over the default", () => {
    const options = { url: "$var:vars_follow:http://default:1" };
    expect(resolveVariables(options).url).toBe("http://default:1");
    getRegistry().setVar("vars_follow", "http://set:2");
    expect(resolveVariables(options).url).toBe("http://set:2");
  });

  it("fails for an unset variable without default, naming it and showing setVar", async () => {
    await expectQuiverError(
      () => resolveVariables({ model: "$var:vars_never_set" }, { provider: "acme" }),
      VariableNotSetError,
      "VARIABLE_NOT_SET",
      'Variable "vars_never_set" not found',
      'option "model" of embedding function "acme"',
      'getRegistry().setVar("vars_never_set", value)',
    );
  });

  it("treats a variable set to the empty string as set (it resolves to \"\", not to the default)", () => {
    getRegistry().setVar("vars_empty", "");
    expect(resolveVariables({ a: "$var:vars_empty:fallback", b: "$var:vars_empty" })).toEqual({ a: "", b: "" });
  });

  it("uses an empty default when the variable is unset", () => {
    expect(resolveVariables({ a: "$var:vars_unset_empty_default:" })).toEqual({ a: "" });
  });
});

describe("EmbeddingFunction.resolveVariables()", () => {
  it("records the raw options for toJSON, so the saved config keeps $var: references", () => {
    getRegistry().setVar("vars_width", "7");
    const fn = new OptionsFunction({ model: "$var:vars_model2:base", width: "$var:vars_width" as unknown as number });
    expect(fn.ndims()).toBe(7);
    expect(fn.options.model).toBe("base");
    expect(fn.toJSON()).toEqual({ model: "$var:vars_model2:base", width: "$var:vars_width" });
  });

  it("counts a missing options object as {}", () => {
    const fn = new OptionsFunction(undefined);
    expect(fn.toJSON()).toEqual({});
    expect(JSON.stringify(fn.toJSON())).toBe("{}");
  });
});
