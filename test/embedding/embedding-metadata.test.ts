import { Float32 } from "apache-arrow";
import { afterEach, describe, expect, it } from "vitest";
import {
  EmbeddingFunction,
  EmbeddingMetadataError,
  RegistryError,
  TextEmbeddingFunction,
  functionToMetadata,
  getRegistry,
  getTableMetadata,
  parseEmbeddingMetadata,
  register,
  serializeEmbeddingMetadata,
  type EmbeddingBatch,
} from "quiverdb/embedding";
import { expectQuiverError } from "../helpers/expect-error.js";
import { OptionsFunction } from "./fake-functions.js";

afterEach(() => {
  for (const name of ["openai", "my_embedding", "metadata-options"]) getRegistry().unregister(name);
});

/** A custom function that never calls resolveVariables (LanceDB's "my_embedding" example). */
class MyEmbedding extends TextEmbeddingFunction {
  override ndims(): number {
    return 3;
  }
  async generateEmbeddings(texts: string[]): Promise<EmbeddingBatch> {
    return texts.map(() => [1, 2, 3]);
  }
}

describe("getTableMetadata()", () => {
  it("writes LanceDB's TypeScript JSON exactly for the OpenAI example with a variable key", () => {
    getRegistry().setVar("api_key", "sk-x");
    const fn = getRegistry().get("openai")!.create({ model: "text-embedding-3-small", apiKey: "$var:api_key" });
    const metadata = getTableMetadata([{ sourceColumn: "text", vectorColumn: "vector", function: fn }]);
    expect([...metadata.keys()]).toEqual(["embedding_functions"]);
    expect(metadata.get("embedding_functions")).toBe(
      '[{"sourceColumn":"text","vectorColumn":"vector","name":"openai","model":{"model":"text-embedding-3-small","apiKey":"$var:api_key"}}]',
    );
  });

  it("writes LanceDB's JSON for a custom function without options, defaulting the vector column to \"vector\"", () => {
    register("my_embedding")(MyEmbedding);
    const metadata = getTableMetadata([{ sourceColumn: "text", function: new MyEmbedding() }]);
    expect(metadata.get("embedding_functions")).toBe('[{"sourceColumn":"text","vectorColumn":"vector","name":"my_embedding","model":{}}]');
  });

  it("writes \"[]\" for no functions", () => {
    expect(getTableMetadata([]).get("embedding_functions")).toBe("[]");
  });

  it("refuses an unregistered function class at create time, naming the class and showing register()", async () => {
    class NotRegistered extends MyEmbedding {}
    await expectQuiverError(
      () => getTableMetadata([{ sourceColumn: "text", function: new NotRegistered() }]),
      RegistryError,
      "EMBEDDING_REGISTRY",
      'class "NotRegistered" is not registered',
      'register("not-registered")(NotRegistered)',
    );
  });

  it("refuses two configs for one vector column", async () => {
    register("metadata-options")(OptionsFunction);
    const a = new OptionsFunction({});
    const b = new OptionsFunction({});
    await expectQuiverError(
      () => getTableMetadata([{ sourceColumn: "a", function: a }, { sourceColumn: "b", function: b }]),
      EmbeddingMetadataError,
      "EMBEDDING_METADATA",
      'Multiple embedding configs claim vector column "vector"',
    );
  });
});

describe("functionToMetadata()", () => {
  it("returns the entry with keys in LanceDB's order", () => {
    register("metadata-options")(OptionsFunction);
    const entry = functionToMetadata({ sourceColumn: "body", vectorColumn: "emb", function: new OptionsFunction({ width: 2 }) });
    expect(Object.keys(entry)).toEqual(["sourceColumn", "vectorColumn", "name", "model"]);
    expect(entry).toEqual({ sourceColumn: "body", vectorColumn: "emb", name: "metadata-options", model: { width: 2 } });
  });
});

describe("parseEmbeddingMetadata()", () => {
  it("reads the TypeScript camelCase spelling", () => {
    expect(
      parseEmbeddingMetadata('[{"sourceColumn":"text","vectorColumn":"vector","name":"openai","model":{"model":"m","apiKey":"$var:api_key"}}]'),
    ).toEqual([{ name: "openai", sourceColumn: "text", vectorColumn: "vector", model: { model: "m", apiKey: "$var:api_key" } }]);
  });

  it("reads the Python snake_case spelling with Python's indented JSON", () => {
    const python = `[
  {
    "name": "openai",
    "model": {
      "name": "text-embedding-3-small",
      "api_key": "$var:openai_key"
    },
    "source_column": "text",
    "vector_column": "vector"
  },
  {
    "name": "sentence-transformers",
    "model": {},
    "source_column": "title",
    "vector_column": "title_vector"
  }
]`;
    expect(parseEmbeddingMetadata(python)).toEqual([
      { name: "openai", sourceColumn: "text", vectorColumn: "vector", model: { name: "text-embedding-3-small", api_key: "$var:openai_key" } },
      { name: "sentence-transformers", sourceColumn: "title", vectorColumn: "title_vector", model: {} },
    ]);
  });

  it("round-trips through serializeEmbeddingMetadata()", () => {
    const entries = [{ name: "hashing", sourceColumn: "t", vectorColumn: "v", model: { ndims: 8 } }];
    expect(parseEmbeddingMetadata(serializeEmbeddingMetadata(entries))).toEqual(entries);
  });

  it("refuses an entry naming no column, with LanceDB's wording", async () => {
    await expectQuiverError(
      () => parseEmbeddingMetadata('[{"name":"x","model":{},"sourceColumn":"text"}]'),
      EmbeddingMetadataError,
      "EMBEDDING_METADATA",
      'Embedding function "x" metadata names no source or vector column',
    );
  });

  it("refuses two entries for one vector column, with LanceDB's wording", async () => {
    await expectQuiverError(
      () =>
        parseEmbeddingMetadata(
          '[{"name":"a","model":{},"sourceColumn":"s1","vectorColumn":"v"},{"name":"b","model":{},"source_column":"s2","vector_column":"v"}]',
        ),
      EmbeddingMetadataError,
      "EMBEDDING_METADATA",
      'Multiple embedding configs claim vector column "v"',
    );
  });

  it("refuses invalid JSON with a typed error carrying the parser's error as cause", async () => {
    const error = await expectQuiverError(() => parseEmbeddingMetadata("[{"), EmbeddingMetadataError, "EMBEDDING_METADATA", "not valid JSON");
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it("refuses a value that is not a list, an entry without a name, and a model that is not an object", async () => {
    await expectQuiverError(() => parseEmbeddingMetadata('{"name":"x"}'), EmbeddingMetadataError, "EMBEDDING_METADATA", "must be a JSON list");
    await expectQuiverError(
      () => parseEmbeddingMetadata('[{"sourceColumn":"a","vectorColumn":"b"}]'),
      EmbeddingMetadataError,
      "EMBEDDING_METADATA",
      "has no function name",
    );
    await expectQuiverError(
      () => parseEmbeddingMetadata('[{"name":"x","sourceColumn":"a","vectorColumn":"b","model":"m"}]'),
      EmbeddingMetadataError,
      "EMBEDDING_METADATA",
      '"model" must be an object',
    );
  });

  it("treats a missing model as no options", () => {
    expect(parseEmbeddingMetadata('[{"name":"x","sourceColumn":"a","vectorColumn":"b"}]')[0]!.model).toEqual({});
  });
});

describe("EmbeddingFunction.toJSON()", () => {
  it("is a deep copy the caller cannot use to change the function's saved config", () => {
    class Nested extends EmbeddingFunction<string> {
      constructor() {
        super();
        this.resolveVariables({ nested: { a: 1 } });
      }
      embeddingDataType() {
        return new Float32();
      }
      async computeSourceEmbeddings(): Promise<EmbeddingBatch> {
        return [];
      }
    }
    const fn = new Nested();
    (fn.toJSON().nested as Record<string, number>).a = 2;
    expect(fn.toJSON()).toEqual({ nested: { a: 1 } });
  });
});
