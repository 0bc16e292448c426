import { Schema } from "apache-arrow";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  EmbeddingFunctionNotFoundError,
  FunctionInstanceCache,
  HashingEmbeddingFunction,
  VariableNotSetError,
  EmbeddingMetadataError,
  embeddingPairs,
  embeddingPairsFor,
  getRegistry,
  register,
  requireEmbeddingFunction,
  resolveEmbeddingFunctions,
} from "quiverdb/embedding";
import { expectQuiverError } from "../helpers/expect-error.js";
import { textTable } from "./arrow-fixtures.js";
import { InitFunction, OptionsFunction } from "./fake-functions.js";

function schemaWith(json: string): Schema {
  return new Schema([], new Map([["embedding_functions", json]]));
}

const NAMES = ["resolve-init", "resolve-options"];
beforeEach(() => {
  InitFunction.inits = 0;
});
afterEach(() => {
  for (const name of NAMES) getRegistry().unregister(name);
});

describe("resolveEmbeddingFunctions()", () => {
  it("builds each function through the registry, keyed by vector column, built-ins included", async () => {
    register("resolve-options")(OptionsFunction);
    const columns = await resolveEmbeddingFunctions(
      schemaWith(
        '[{"sourceColumn":"text","vectorColumn":"vector","name":"hashing","model":{"ndims":32}},' +
          '{"source_column":"title","vector_column":"title_vec","name":"resolve-options","model":{"width":5}}]',
      ),
      { cache: new FunctionInstanceCache() },
    );
    expect([...columns.keys()]).toEqual(["vector", "title_vec"]);
    const first = columns.get("vector")!;
    expect(first.status).toBe("ready");
    const fn = requireEmbeddingFunction(first);
    expect(fn).toBeInstanceOf(HashingEmbeddingFunction);
    expect(fn.ndims()).toBe(32);
    expect(requireEmbeddingFunction(columns.get("title_vec")!).ndims()).toBe(5);
    expect(embeddingPairs(columns).map((p) => [p.sourceColumn, p.vectorColumn])).toEqual([
      ["text", "vector"],
      ["title", "title_vec"],
    ]);
  });

  it("returns an empty map for a schema without embedding metadata", async () => {
    expect((await resolveEmbeddingFunctions(new Schema([]))).size).toBe(0);
    expect((await resolveEmbeddingFunctions(undefined)).size).toBe(0);
    expect((await resolveEmbeddingFunctions(schemaWith("[]"))).size).toBe(0);
  });

  it("caches instances so init() (a model load) runs once per configuration, not on every add or search", async () => {
    register("resolve-init")(InitFunction);
    const cache = new FunctionInstanceCache();
    const schema = schemaWith('[{"sourceColumn":"t","vectorColumn":"v","name":"resolve-init","model":{"model":"a","extra":1}}]');
    const first = requireEmbeddingFunction((await resolveEmbeddingFunctions(schema, { cache })).get("v")!);
    for (let i = 0; i < 5; i++) {
      expect(requireEmbeddingFunction((await resolveEmbeddingFunctions(schema, { cache })).get("v")!)).toBe(first);
    }
    expect(InitFunction.inits).toBe(1);
    expect(cache.creations).toBe(1);
    // Same options written with another key order: the same configuration.
    await resolveEmbeddingFunctions(schemaWith('[{"sourceColumn":"t","vectorColumn":"v","name":"resolve-init","model":{"extra":1,"model":"a"}}]'), { cache });
    expect(InitFunction.inits).toBe(1);
    // Another configuration: another instance.
    await resolveEmbeddingFunctions(schemaWith('[{"sourceColumn":"t","vectorColumn":"v","name":"resolve-init","model":{"model":"b"}}]'), { cache });
    expect(InitFunction.inits).toBe(2);
  });

  it("builds concurrent resolutions of one configuration once", async () => {
    register("resolve-init")(InitFunction);
    const cache = new FunctionInstanceCache();
    const schema = schemaWith('[{"sourceColumn":"t","vectorColumn":"v","name":"resolve-init","model":{}}]');
    const all = await Promise.all(Array.from({ length: 8 }, () => resolveEmbeddingFunctions(schema, { cache })));
    expect(new Set(all.map((m) => requireEmbeddingFunction(m.get("v")!))).size).toBe(1);
    expect(InitFunction.inits).toBe(1);
  });

  it("re-resolves $var: against the current variables: a new value gives a new instance", async () => {
    register("resolve-options")(OptionsFunction);
    const cache = new FunctionInstanceCache();
    const schema = schemaWith('[{"sourceColumn":"t","vectorColumn":"v","name":"resolve-options","model":{"width":"$var:resolve_width:3"}}]');
    const before = requireEmbeddingFunction((await resolveEmbeddingFunctions(schema, { cache })).get("v")!);
    expect(before.ndims()).toBe(3);
    getRegistry().setVar("resolve_width", "6");
    const after = requireEmbeddingFunction((await resolveEmbeddingFunctions(schema, { cache })).get("v")!);
    expect(after).not.toBe(before);
    expect(after.ndims()).toBe(6);
    expect(after.toJSON()).toEqual({ width: "$var:resolve_width:3" });
  });

  it("reports a function missing from this process without failing, and fails only when it is needed", async () => {
    const columns = await resolveEmbeddingFunctions(
      schemaWith(
        '[{"sourceColumn":"text","vectorColumn":"vector","name":"not-here","model":{}},' +
          '{"sourceColumn":"t2","vectorColumn":"v2","name":"hashing","model":{}}]',
      ),
      { table: "docs" },
    );
    const missing = columns.get("vector")!;
    expect(missing.status).toBe("missing");
    expect(missing.name).toBe("not-here");
    expect(columns.get("v2")!.status).toBe("ready");
    // A write that needs only v2 still works.
    expect(embeddingPairs(columns, ["v2"])).toHaveLength(1);
    await expectQuiverError(
      () => requireEmbeddingFunction(missing),
      EmbeddingFunctionNotFoundError,
      "EMBEDDING_FUNCTION_NOT_FOUND",
      'Function "not-here" not found in registry',
      "table 'docs'",
      'column "vector"',
      'register("not-here")(MyFunction)',
    );
    await expectQuiverError(() => embeddingPairs(columns), EmbeddingFunctionNotFoundError, "EMBEDDING_FUNCTION_NOT_FOUND", "not-here");
  });

  it("asks a write only for the functions whose vectors are missing (embeddingPairsFor)", async () => {
    const columns = await resolveEmbeddingFunctions(schemaWith('[{"sourceColumn":"text","vectorColumn":"vector","name":"not-here","model":{}}]'));
    expect(embeddingPairsFor(textTable(["a"], [[1, 2, 3]]), columns)).toEqual([]);
    await expectQuiverError(() => embeddingPairsFor(textTable(["a"], [null]), columns), EmbeddingFunctionNotFoundError, "EMBEDDING_FUNCTION_NOT_FOUND");
    await expectQuiverError(() => embeddingPairsFor(textTable(["a"]), columns), EmbeddingFunctionNotFoundError, "EMBEDDING_FUNCTION_NOT_FOUND");
  });

  it("reports a function that cannot be built (an unset variable) as failed, with the typed error", async () => {
    register("resolve-options")(OptionsFunction);
    const columns = await resolveEmbeddingFunctions(
      schemaWith('[{"sourceColumn":"t","vectorColumn":"v","name":"resolve-options","model":{"apiKey":"$var:resolve_unset_key"}}]'),
    );
    const column = columns.get("v")!;
    expect(column.status).toBe("failed");
    await expectQuiverError(() => requireEmbeddingFunction(column), VariableNotSetError, "VARIABLE_NOT_SET", "resolve_unset_key");
  });

  it("throws for metadata that does not parse", async () => {
    await expectQuiverError(resolveEmbeddingFunctions(schemaWith("not json")), EmbeddingMetadataError, "EMBEDDING_METADATA");
  });
});

describe("EmbeddingFunctionRegistry.parseFunctions()", () => {
  it("rebuilds functions keyed by vector column and throws for a missing name (LanceDB's internal API)", async () => {
    const parsed = await getRegistry().parseFunctions(
      new Map([["embedding_functions", '[{"sourceColumn":"a","vectorColumn":"b","name":"hashing","model":{"ndims":8}}]']]),
    );
    expect(parsed.get("b")!.function.ndims()).toBe(8);
    await expectQuiverError(
      getRegistry().parseFunctions(new Map([["embedding_functions", '[{"sourceColumn":"a","vectorColumn":"b","name":"gone","model":{}}]']])),
      EmbeddingFunctionNotFoundError,
      "EMBEDDING_FUNCTION_NOT_FOUND",
      'Function "gone" not found in registry',
    );
  });
});
