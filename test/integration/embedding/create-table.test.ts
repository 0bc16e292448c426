// Tables created with embedding functions: the config option, createEmptyTable,
// LanceSchema with several (source -> vector) pairs, and the stored metadata.
import { Field, FixedSizeList, Float16, Float32, Int32, Precision, Schema, Utf8, type Float } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidArgumentError, connect, type Table } from "../../../src/index.js";
import {
  LanceSchema,
  TextEmbeddingFunction,
  getRegistry,
  register,
  type EmbeddingBatch,
  type EmbeddingFunction,
  type HashingEmbeddingFunction,
  type HashingOptions,
} from "../../../src/embedding/index.js";
import { expectQuiverError } from "../../helpers/expect-error.js";
import { asFloat32, fakeVector, makeFake, vectorValues } from "../../helpers/fake-embedding-function.js";
import { makeTempDir } from "../../helpers/temp-dir.js";

/** A function whose vectors are Float16. */
class HalfPrecisionFunction extends TextEmbeddingFunction {
  constructor(options: Record<string, unknown> = {}) {
    super();
    this.resolveVariables(options);
  }
  override ndims(): number {
    return 3;
  }
  override embeddingDataType(): Float {
    return new Float16();
  }
  async generateEmbeddings(texts: string[]): Promise<EmbeddingBatch> {
    return texts.map((t) => [t.length, 0.5, -1]);
  }
}
beforeAll(() => {
  register("quiver-test-half")(HalfPrecisionFunction);
});
afterAll(() => {
  getRegistry().unregister("quiver-test-half");
});

const hashing = (options: HashingOptions = {}) => getRegistry().get<HashingEmbeddingFunction>("hashing")!.create(options);

const TEXTS = ["the quick brown fox", "a lazy dog sleeps", "vector databases store embeddings", "brown bread and butter"];
const rows = () => TEXTS.map((text, id) => ({ id, text }));

async function column(table: Table, name: string): Promise<(number[] | null)[]> {
  const all = (await table.query().toArray()) as Record<string, unknown>[];
  return all.sort((a, b) => Number(a.id) - Number(b.id)).map((r) => vectorValues(r[name]));
}

async function expected(fn: EmbeddingFunction, texts: string[]): Promise<number[][]> {
  return (await fn.computeSourceEmbeddings(texts)).map((v: ArrayLike<number>) => asFloat32(v));
}

/** ids and distances of a search, for comparing two searches. */
async function hits(query: { limit(n: number): { toArray(): Promise<unknown[]> } }): Promise<{ id: number; d: number }[]> {
  return ((await query.limit(10).toArray()) as { id: number; _distance: number }[]).map((r) => ({ id: Number(r.id), d: r._distance }));
}

describe("Connection.createTable() with embeddingFunction", () => {
  it("fills the vector column from the source column and stores LanceDB's embedding_functions JSON", async () => {
    const db = await connect(await makeTempDir());
    const fn = hashing({ ndims: 16 });
    const table = await db.createTable("docs", rows(), { embeddingFunction: { function: fn, sourceColumn: "text" } });

    const schema = await table.schema();
    expect(schema.metadata.get("embedding_functions")).toBe(
      '[{"sourceColumn":"text","vectorColumn":"vector","name":"hashing","model":{"ndims":16}}]',
    );
    const type = schema.fields.find((f) => f.name === "vector")!.type as FixedSizeList;
    expect(type.listSize).toBe(16);
    expect(((type.children[0]!.type as Float).precision)).toBe(Precision.SINGLE);
    expect(await column(table, "vector")).toEqual(await expected(fn, TEXTS));
  });

  it("fills a vectorColumn of another name, and a reopened table keeps embedding into it", async () => {
    const dir = await makeTempDir();
    const { fn, tag } = makeFake({ ndims: 3 });
    const db = await connect(dir);
    await db.createTable("docs", rows(), { embeddingFunction: { function: fn, sourceColumn: "text", vectorColumn: "embedding" } });

    const table = await (await connect(dir)).openTable("docs");
    expect((await table.schema()).metadata.get("embedding_functions")).toBe(
      `[{"sourceColumn":"text","vectorColumn":"embedding","name":"quiver-test-fake","model":{"tag":"${tag}","ndims":3}}]`,
    );
    await table.add([{ id: 9, text: "added later" }]);
    const vectors = await column(table, "embedding");
    expect(vectors).toHaveLength(5);
    expect(vectors[0]).toEqual(asFloat32(fakeVector(TEXTS[0]!, 3)));
    expect(vectors[4]).toEqual(asFloat32(fakeVector("added later", 3)));
    expect((await table.schema()).fields.some((f) => f.name === "vector")).toBe(false);
  });

  it("adds the vector column to a schema given beside the config", async () => {
    const db = await connect(await makeTempDir());
    const fn = hashing({ ndims: 8 });
    const schema = new Schema([new Field("id", new Int32()), new Field("text", new Utf8())]);
    const table = await db.createTable("docs", rows(), { schema, embeddingFunction: { function: fn, sourceColumn: "text" } });
    expect((await table.schema()).fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      "id:Int32",
      "text:Utf8",
      "vector:FixedSizeList[8]<Float32>",
    ]);
    expect(await column(table, "vector")).toEqual(await expected(fn, TEXTS));
  });
});

describe("Connection.createEmptyTable() with embeddingFunction", () => {
  it("adds the vector column, stores the config and embeds every later add", async () => {
    const db = await connect(await makeTempDir());
    const fn = hashing({ ndims: 12 });
    const schema = new Schema([new Field("id", new Int32()), new Field("text", new Utf8())]);
    const table = await db.createEmptyTable("docs", schema, { embeddingFunction: { function: fn, sourceColumn: "text" } });
    expect(await table.countRows()).toBe(0);
    expect((await table.schema()).metadata.get("embedding_functions")).toBe(
      '[{"sourceColumn":"text","vectorColumn":"vector","name":"hashing","model":{"ndims":12}}]',
    );

    await table.add(rows());
    expect(await column(table, "vector")).toEqual(await expected(fn, TEXTS));
  });

  it("uses the config beside a LanceSchema that declares no embedding columns", async () => {
    const db = await connect(await makeTempDir());
    const fn = hashing({ ndims: 8 });
    const schema = LanceSchema({ id: new Int32(), text: new Utf8() });
    const table = await db.createEmptyTable("docs", schema, { embeddingFunction: { function: fn, sourceColumn: "text" } });
    expect((await table.schema()).metadata.get("embedding_functions")).toBe(
      '[{"sourceColumn":"text","vectorColumn":"vector","name":"hashing","model":{"ndims":8}}]',
    );
    await table.add(rows());
    expect(await column(table, "vector")).toEqual(await expected(fn, TEXTS));
  });
});

describe("LanceSchema()", () => {
  it("declares two pairs from two instances of one class; both are filled on add and each column is searched with its own function", async () => {
    const db = await connect(await makeTempDir());
    // Same class and width, different options: the two functions give different vectors for one text.
    const fa = hashing({ ndims: 32 });
    const fb = hashing({ ndims: 32, wordWeight: 1 });
    const schema = LanceSchema({
      id: new Int32(),
      title: fa.sourceField(),
      title_vector: fa.vectorField(),
      body: fb.sourceField(),
      body_vector: fb.vectorField(),
    });
    expect(schema.metadata.get("embedding_functions")).toBe(
      '[{"sourceColumn":"title","vectorColumn":"title_vector","name":"hashing","model":{"ndims":32}},' +
        '{"sourceColumn":"body","vectorColumn":"body_vector","name":"hashing","model":{"ndims":32,"wordWeight":1}}]',
    );
    const table = await db.createEmptyTable("docs", schema);
    await table.add(TEXTS.map((text, id) => ({ id, title: text, body: TEXTS[(id + 1) % TEXTS.length] })));

    const bodies = TEXTS.map((_, id) => TEXTS[(id + 1) % TEXTS.length]!);
    expect(await column(table, "title_vector")).toEqual(await expected(fa, TEXTS));
    expect(await column(table, "body_vector")).toEqual(await expected(fb, bodies));

    const text = "brown fox";
    const qa = await fa.computeQueryEmbeddings(text);
    const qb = await fb.computeQueryEmbeddings(text);
    expect(asFloat32(qa)).not.toEqual(asFloat32(qb)); // the functions are distinguishable
    const byTitle = await hits(table.search(text).column("title_vector"));
    const byBody = await hits(table.search(text).column("body_vector"));
    expect(byTitle).toEqual(await hits(table.search(qa).column("title_vector")));
    expect(byBody).toEqual(await hits(table.search(qb).column("body_vector")));
    expect(byTitle).not.toEqual(byBody);
  });

  it("declares two pairs from different classes and widths; each column is searched with its own function", async () => {
    const db = await connect(await makeTempDir());
    const fa = hashing({ ndims: 6 });
    const { fn: fb, probe } = makeFake({ ndims: 3 });
    const schema = LanceSchema({ id: new Int32(), a: fa.sourceField(), va: fa.vectorField(), b: fb.sourceField(), vb: fb.vectorField() });
    const table = await db.createEmptyTable("docs", schema);
    await table.add(TEXTS.map((text, id) => ({ id, a: text, b: text.toUpperCase() })));

    expect(await column(table, "va")).toEqual(await expected(fa, TEXTS));
    expect(await column(table, "vb")).toEqual(TEXTS.map((t) => asFloat32(fakeVector(t.toUpperCase(), 3))));

    probe.reset();
    const byB = (await table.search("A LAZY DOG SLEEPS").column("vb").limit(1).toArray()) as { id: number; _distance: number }[];
    expect(probe.texts).toEqual(["A LAZY DOG SLEEPS"]); // embedded by vb's function
    expect(byB.map((r) => [r.id, r._distance])).toEqual([[1, 0]]);
    const byA = (await table.search("a lazy dog sleeps").column("va").limit(1).toArray()) as { id: number; _distance: number }[];
    expect(probe.texts).toEqual(["A LAZY DOG SLEEPS"]); // va's function is hashing, not the fake
    expect(byA[0]!.id).toBe(1);
    expect(byA[0]!._distance).toBeCloseTo(0, 5);
  });

  it("refuses a text search without .column() when several columns are embedded, naming them, when the query runs", async () => {
    const db = await connect(await makeTempDir());
    const fa = hashing({ ndims: 6 });
    const fb = hashing({ ndims: 10 });
    const table = await db.createEmptyTable(
      "docs",
      LanceSchema({ id: new Int32(), a: fa.sourceField(), va: fa.vectorField(), b: fb.sourceField(), vb: fb.vectorField() }),
    );
    await table.add([{ id: 1, a: "x", b: "y" }]);
    const query = table.search("x"); // building the query does not fail
    await expectQuiverError(query.toArray(), InvalidArgumentError, "INVALID_ARGUMENT", "'va' and 'vb'", ".column(name)");
  });
});

describe("Connection.createTable() with a Float16 function", () => {
  it("gives a Float16 vector column, from the config and from LanceSchema, filled on add and searched by text", async () => {
    const db = await connect(await makeTempDir());
    const fn = new HalfPrecisionFunction();
    const viaConfig = await db.createTable("a", rows(), { embeddingFunction: { function: fn, sourceColumn: "text" } });
    const viaSchema = await db.createEmptyTable("b", LanceSchema({ id: new Int32(), text: fn.sourceField(), vector: fn.vectorField() }));
    await viaSchema.add(rows());
    for (const table of [viaConfig, viaSchema]) {
      const type = (await table.schema()).fields.find((f) => f.name === "vector")!.type as FixedSizeList;
      expect(`${type}`).toBe("FixedSizeList[3]<Float16>");
      expect((await column(table, "vector"))[1]).toEqual([TEXTS[1]!.length, 0.5, -1]);
      const top = (await table.search(TEXTS[2]!).limit(1).toArray()) as { id: number; _distance: number }[];
      expect([top[0]!.id, top[0]!._distance]).toEqual([2, 0]);
    }
  });
});

describe("Table.add() on a table whose metadata uses Python's spelling", () => {
  it("reads source_column / vector_column and embeds and searches with the function it names", async () => {
    const db = await connect(await makeTempDir());
    // As LanceDB's Python SDK writes it: indented, keys name, model, source_column, vector_column.
    const python = JSON.stringify([{ name: "hashing", model: { ndims: 8 }, source_column: "text", vector_column: "vector" }], null, 2);
    const schema = new Schema(
      [
        new Field("id", new Int32()),
        new Field("text", new Utf8()),
        new Field("vector", new FixedSizeList(8, new Field("item", new Float32(), true)), true),
      ],
      new Map([["embedding_functions", python]]),
    );
    const table = await db.createEmptyTable("docs", schema);
    await table.add(rows());
    const fn = hashing({ ndims: 8 });
    expect(await column(table, "vector")).toEqual(await expected(fn, TEXTS));
    const top = (await table.search(TEXTS[2]!).limit(1).toArray()) as { id: number }[];
    expect(top[0]!.id).toBe(2);
  });
});
