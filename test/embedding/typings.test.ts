// Type-level checks (run by `tsc`; the runtime assertions are light): code
// written for @lancedb/lancedb/embedding compiles against quiverdb/embedding.
import { Float, Float32, Int32, Utf8, type Schema } from "apache-arrow";
import { afterEach, describe, expect, expectTypeOf, it } from "vitest";
import {
  EmbeddingFunction,
  LanceSchema,
  TextEmbeddingFunction,
  getRegistry,
  register,
  type CreateReturnType,
  type EmbeddingBatch,
  type EmbeddingFunctionConfig,
  type FunctionOptions,
} from "quiverdb/embedding";

afterEach(() => {
  for (const name of ["typed-interface", "typed-literal", "typed-init", "typed-generic"]) getRegistry().unregister(name);
});

/** Options declared as an interface, not extending FunctionOptions (LanceDB accepts this through `any`). */
interface InterfaceOptions {
  model: string;
  dims?: number;
}

class InterfaceFunction extends TextEmbeddingFunction<InterfaceOptions> {
  readonly model: string;
  constructor(options: InterfaceOptions = { model: "m" }) {
    super();
    this.model = this.resolveVariables(options).model ?? "m";
  }
  async generateEmbeddings(texts: string[]): Promise<EmbeddingBatch> {
    return texts.map(() => [1, 2]);
  }
}

class LiteralFunction extends TextEmbeddingFunction<{ apiKey?: string; model?: string }> {
  constructor(options: { apiKey?: string; model?: string } = {}) {
    super();
    this.resolveVariables(options);
  }
  protected override getSensitiveKeys(): string[] {
    return ["apiKey"];
  }
  async generateEmbeddings(texts: string[]): Promise<number[][]> {
    return texts.map(() => [1]);
  }
}

/** LanceDB's docs example shape: a generic EmbeddingFunction<string> without an options type. */
class GenericFunction extends EmbeddingFunction<string> {
  constructor(optionsRaw: FunctionOptions = {}) {
    super();
    const options = this.resolveVariables(optionsRaw);
    expectTypeOf(options).toEqualTypeOf<Partial<FunctionOptions>>();
  }
  override ndims(): number {
    return 3;
  }
  embeddingDataType(): Float {
    return new Float32();
  }
  async computeSourceEmbeddings(data: string[]): Promise<Float32Array[]> {
    return data.map(() => new Float32Array(3));
  }
}

class InitFunction extends TextEmbeddingFunction {
  override async init(): Promise<void> {}
  async generateEmbeddings(texts: string[]): Promise<Float64Array[]> {
    return texts.map(() => new Float64Array(1));
  }
}

describe("quiverdb/embedding typings", () => {
  it("accepts option types declared as interfaces or type literals, and LanceDB's generic shape", () => {
    register("typed-interface")(InterfaceFunction);
    register("typed-literal")(LiteralFunction);
    register("typed-generic")(GenericFunction);
    const made = getRegistry().get<InterfaceFunction>("typed-interface")!.create({ model: "x" });
    expectTypeOf(made).toEqualTypeOf<InterfaceFunction>();
    expect(made.model).toBe("x");
    const config: EmbeddingFunctionConfig = { sourceColumn: "text", function: made };
    expect(config.function).toBe(made);
    const generic = new GenericFunction();
    const schema: Schema = LanceSchema({ id: new Int32(), text: generic.sourceField(new Utf8()), vector: generic.vectorField() });
    expect(schema.fields).toHaveLength(3);
  });

  it("types create() as async exactly when the class has init()", () => {
    register("typed-init")(InitFunction);
    expectTypeOf<CreateReturnType<InitFunction>>().toEqualTypeOf<Promise<InitFunction>>();
    expectTypeOf<CreateReturnType<LiteralFunction>>().toEqualTypeOf<LiteralFunction>();
    expect(getRegistry().get("typed-init")!.create()).toBeInstanceOf(Promise);
  });
});
