import { afterEach, describe, expect, it } from "vitest";
import {
  EmbeddingFunctionRegistry,
  HashingEmbeddingFunction,
  RegistryError,
  TextEmbeddingFunction,
  functionToMetadata,
  getRegistry,
  register,
  type EmbeddingBatch,
} from "quiverdb/embedding";
import { InvalidArgumentError } from "../../src/errors.js";
import { expectQuiverError } from "../helpers/expect-error.js";
import { InitFunction, OptionsFunction } from "./fake-functions.js";
import { BUILT_IN_FUNCTIONS } from "../../src/embedding/built-in-functions.js";

const registered: string[] = [];
function track(name: string): string {
  registered.push(name);
  return name;
}
afterEach(() => {
  for (const name of registered.splice(0)) getRegistry().unregister(name);
});

class Plain extends TextEmbeddingFunction {
  async generateEmbeddings(texts: string[]): Promise<EmbeddingBatch> {
    return texts.map(() => [1, 2]);
  }
}

describe("getRegistry()", () => {
  it("returns one registry per process, kept under a Symbol.for key so two copies share it", () => {
    const registry = getRegistry();
    expect(getRegistry()).toBe(registry);
    expect((globalThis as unknown as Record<symbol, unknown>)[Symbol.for("quiverdb.embedding.registry")]).toBe(registry);
    expect(registry).toBeInstanceOf(EmbeddingFunctionRegistry);
  });

  it("knows the built-in hashing function without any registration or import side effect", () => {
    expect(getRegistry().has("hashing")).toBe(true);
    const fn = getRegistry().get("hashing")!.create({ ndims: 16 });
    expect(fn).toBeInstanceOf(HashingEmbeddingFunction);
    expect(fn.ndims()).toBe(16);
    expect(getRegistry().nameOf(fn)).toBe("hashing");
  });
});

describe("register()", () => {
  it("registers a class with a plain call and returns the class unchanged", () => {
    const name = track("plain-call");
    const returned = register(name)(Plain);
    expect(returned).toBe(Plain);
    expect(getRegistry().has(name)).toBe(true);
    expect(getRegistry().nameOf(Plain)).toBe(name);
  });

  it("accepts the legacy decorator form (ctor) and the standard form (value, context)", () => {
    class Legacy extends Plain {}
    class Standard extends Plain {}
    const legacyName = track("legacy-form");
    const standardName = track("standard-form");
    expect(getRegistry().register(legacyName)(Legacy)).toBe(Legacy);
    const context = { kind: "class", name: "Standard", addInitializer() {}, metadata: {} } as unknown as ClassDecoratorContext<typeof Standard>;
    expect(register(standardName)(Standard, context)).toBe(Standard);
    expect(getRegistry().nameOf(Legacy)).toBe(legacyName);
    expect(getRegistry().nameOf(Standard)).toBe(standardName);
  });

  it("uses the class name when no name is given", () => {
    class NamedByClass extends Plain {}
    track("NamedByClass");
    register()(NamedByClass);
    expect(getRegistry().get("NamedByClass")).toBeDefined();
  });

  it("lets one class answer to two names and saves it under the first", () => {
    class TwoNames extends Plain {}
    register(track("first-name"))(TwoNames);
    register(track("second-name"))(TwoNames);
    expect(getRegistry().get("second-name")!.create()).toBeInstanceOf(TwoNames);
    expect(functionToMetadata({ sourceColumn: "t", function: new TwoNames() }).name).toBe("first-name");
    getRegistry().unregister("first-name");
    expect(getRegistry().nameOf(TwoNames)).toBe("second-name");
  });

  it("refuses a duplicate name with a RegistryError naming it and the fix", async () => {
    class First extends Plain {}
    class Second extends Plain {}
    const name = track("duplicate-name");
    register(name)(First);
    await expectQuiverError(() => register(name)(Second), RegistryError, "EMBEDDING_REGISTRY", `alias "${name}" already exists`, `unregister("${name}")`);
    expect(getRegistry().nameOf(Second)).toBeUndefined();
  });

  it("refuses a built-in name", async () => {
    class Impostor extends Plain {}
    await expectQuiverError(() => register("hashing")(Impostor), RegistryError, "EMBEDDING_REGISTRY", "built-in");
  });

  it("refuses an empty name", async () => {
    await expectQuiverError(() => register(""), InvalidArgumentError, "INVALID_ARGUMENT", "non-empty");
  });
});

describe("EmbeddingFunctionRegistry.nameOf()", () => {
  it("gives an unregistered subclass of a registered class no name (it is never inherited)", async () => {
    class Parent extends Plain {}
    class Child extends Parent {}
    const name = track("parent-function");
    register(name)(Parent);
    expect(getRegistry().nameOf(Parent)).toBe(name);
    expect(getRegistry().nameOf(Child)).toBeUndefined();
    expect(getRegistry().nameOf(new Child())).toBeUndefined();
    const error = await expectQuiverError(
      () => functionToMetadata({ sourceColumn: "text", function: new Child() }),
      RegistryError,
      "EMBEDDING_REGISTRY",
      `"Child" is not registered`,
      `parent class is registered as "${name}"`,
      'register("child")(Child)',
    );
    expect(error.message).toContain("@register(");
  });

  it("gives a subclass of the built-in hashing class no name", () => {
    class MyHashing extends HashingEmbeddingFunction {}
    expect(getRegistry().nameOf(new MyHashing())).toBeUndefined();
  });
});

describe("EmbeddingFunctionRegistry.get()", () => {
  it("returns undefined for an unknown name", () => {
    expect(getRegistry().get("no-such-function")).toBeUndefined();
  });

  it("returns a factory whose create() builds a new configured instance each call", () => {
    const name = track("options-function");
    register(name)(OptionsFunction);
    const factory = getRegistry().get<OptionsFunction>(name)!;
    const a = factory.create({ model: "m", width: 5 });
    const b = factory.create({ model: "m", width: 5 });
    expect(a).toBeInstanceOf(OptionsFunction);
    expect(a).not.toBe(b);
    expect(a.ndims()).toBe(5);
    expect(a.toJSON()).toEqual({ model: "m", width: 5 });
  });

  it("returns an async create() that awaits init() when the class has one", async () => {
    const name = track("init-function");
    register(name)(InitFunction);
    const created = getRegistry().get<InitFunction>(name)!.create({ model: "x" });
    expect(created).toBeInstanceOf(Promise);
    const fn = await created;
    expect(fn.loaded).toBe(true);
  });
});

describe("EmbeddingFunctionRegistry.list() / length() / unregister() / reset()", () => {
  it("lists built-in and registered names, sorted, and counts them", () => {
    class Listed extends Plain {}
    const before = getRegistry().length();
    const name = track("zz-listed");
    register(name)(Listed);
    expect(getRegistry().list()).toContain("hashing");
    expect(getRegistry().list()).toContain(name);
    expect(getRegistry().list()).toEqual([...getRegistry().list()].sort());
    expect(getRegistry().length()).toBe(before + 1);
  });

  it("unregisters a name so it can be registered again, and never removes a built-in", () => {
    class Once extends Plain {}
    class Again extends Plain {}
    const name = track("unregister-me");
    register(name)(Once);
    expect(getRegistry().unregister(name)).toBe(true);
    expect(getRegistry().has(name)).toBe(false);
    expect(getRegistry().nameOf(Once)).toBeUndefined();
    register(name)(Again);
    expect(getRegistry().nameOf(Again)).toBe(name);
    expect(getRegistry().unregister("hashing")).toBe(false);
    expect(getRegistry().unregister("never-registered")).toBe(false);
  });

  it("reset() removes registered functions, keeps built-ins and keeps variables", () => {
    const registry = new EmbeddingFunctionRegistry();
    class Temp extends Plain {}
    registry.register("temp-reset")(Temp);
    registry.setVar("kept_variable", "v");
    registry.reset();
    expect(registry.has("temp-reset")).toBe(false);
    expect(registry.nameOf(Temp)).toBeUndefined();
    expect(registry.list()).toEqual(Object.keys(BUILT_IN_FUNCTIONS).sort());
    expect(registry.getVar("kept_variable")).toBe("v");
  });
});

describe("EmbeddingFunctionRegistry.setVar()", () => {
  it("refuses a variable name with a colon, with LanceDB's wording", async () => {
    await expectQuiverError(() => getRegistry().setVar("a:b", "x"), InvalidArgumentError, "INVALID_ARGUMENT", "Variable names cannot contain colons");
  });

  it("stores and returns variables", () => {
    getRegistry().setVar("registry_test_var", "value");
    expect(getRegistry().getVar("registry_test_var")).toBe("value");
    expect(getRegistry().getVar("registry_test_unset")).toBeUndefined();
  });
});
