// Unregistered embedding functions: refused when a table is created (LanceDB
// accepts them and fails on every later add); a table whose function is not
// registered in this process still opens for reads and vector search.
import { readdir } from "node:fs/promises";
import { Field, Int32, Schema, Utf8 } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { EmbeddingFunctionNotFoundError, RegistryError, connect } from "../../../src/index.js";
import { LanceSchema, getRegistry, register, type HashingEmbeddingFunction } from "../../../src/embedding/index.js";
import { expectQuiverError } from "../../helpers/expect-error.js";
import { FakeTextFunction, fakeVector, registerFakeFunction, vectorValues, asFloat32 } from "../../helpers/fake-embedding-function.js";
import { expectFailedWrite } from "../../helpers/expect-failed-write.js";
import { makeTempDir } from "../../helpers/temp-dir.js";

/** Never registered. */
class StrayFunction extends FakeTextFunction {}

describe("Connection.createTable() with an unregistered function", () => {
  it("is refused before anything is created, with how to register the class", async () => {
    const dir = await makeTempDir();
    const db = await connect(dir);
    await db.createTable("existing", [{ id: 1 }]);
    const before = await readdir(dir);
    const fn = new StrayFunction({ tag: "stray" });

    await expectQuiverError(
      db.createTable("docs", [{ id: 1, text: "a" }], { embeddingFunction: { function: fn, sourceColumn: "text" } }),
      RegistryError,
      "EMBEDDING_REGISTRY",
      'Embedding function class "StrayFunction" is not registered',
      'register("stray-function")(StrayFunction)',
    );
    await expectQuiverError(
      db.createEmptyTable("docs", new Schema([new Field("id", new Int32()), new Field("text", new Utf8())]), {
        embeddingFunction: { function: fn, sourceColumn: "text" },
      }),
      RegistryError,
      "EMBEDDING_REGISTRY",
      "StrayFunction",
    );
    expect(await db.tableNames()).toEqual(["existing"]);
    expect(await readdir(dir)).toEqual(before);
  });

  it("refuses a subclass of a registered class that is not registered itself (it never borrows its parent's name)", async () => {
    registerFakeFunction();
    const db = await connect(await makeTempDir());
    const stray = new StrayFunction({ tag: "stray" });
    await expectQuiverError(
      () => LanceSchema({ text: stray.sourceField(), vector: stray.vectorField() }),
      RegistryError,
      "EMBEDDING_REGISTRY",
      'Its parent class is registered as "quiver-test-fake"',
    );
    await expectQuiverError(
      db.createTable("docs", [{ text: "a" }], { embeddingFunction: { function: stray, sourceColumn: "text" } }),
      RegistryError,
      "EMBEDDING_REGISTRY",
      "StrayFunction",
    );
    expect(await db.tableNames()).toEqual([]);
  });
});

describe("Connection.openTable() of a table whose function is not registered in this process", () => {
  /** A table made with a registered class, which is then unregistered. */
  async function orphanedTable() {
    class DoomedFunction extends FakeTextFunction {}
    register("doomed-function")(DoomedFunction);
    const dir = await makeTempDir();
    const created = await (await connect(dir)).createTable(
      "docs",
      [{ id: 1, text: "alpha" }, { id: 2, text: "beta" }, { id: 3, text: "gamma" }],
      { embeddingFunction: { function: new DoomedFunction({ tag: "doomed", ndims: 3 }), sourceColumn: "text" } },
    );
    await created.add([{ id: 4, text: "delta" }]);
    expect(getRegistry().unregister("doomed-function")).toBe(true);
    return (await connect(dir)).openTable("docs");
  }

  it("opens, counts, queries and searches by vector", async () => {
    const table = await orphanedTable();
    expect(await table.countRows()).toBe(4);
    expect(await table.countRows("id > 2")).toBe(2);
    const rows = (await table.query().where("id = 2").toArray()) as { text: string; vector: unknown }[];
    expect(rows.map((r) => r.text)).toEqual(["beta"]);
    expect(vectorValues(rows[0]!.vector)).toEqual(asFloat32(fakeVector("beta", 3)));
    const nearest = (await table.search(fakeVector("gamma", 3)).limit(1).toArray()) as { id: number; _distance: number }[];
    expect(nearest.map((r) => [r.id, r._distance])).toEqual([[3, 0]]);
  });

  it("accepts rows that carry their vectors", async () => {
    const table = await orphanedTable();
    await table.add([{ id: 5, text: "epsilon", vector: [1, 2, 3] }]);
    expect(await table.countRows()).toBe(5);
    const rows = (await table.query().where("id = 5").toArray()) as { vector: unknown }[];
    expect(vectorValues(rows[0]!.vector)).toEqual([1, 2, 3]);
  });

  it("refuses rows without vectors with EmbeddingFunctionNotFoundError naming the function and how to register it; the table is unchanged", async () => {
    const table = await orphanedTable();
    const error = await expectFailedWrite(
      table,
      () => table.add([{ id: 5, text: "epsilon" }]),
      EmbeddingFunctionNotFoundError,
      "EMBEDDING_FUNCTION_NOT_FOUND",
      'Function "doomed-function" not found in registry',
      "table 'docs'",
      'register("doomed-function")(MyFunction)',
    );
    expect(error.functionName).toBe("doomed-function");
    // A batch where only some rows carry vectors needs the function too.
    const partial = () => table.add([{ id: 6, text: "zeta", vector: [1, 2, 3] }, { id: 7, text: "eta" }]);
    await expectFailedWrite(table, partial, EmbeddingFunctionNotFoundError, "EMBEDDING_FUNCTION_NOT_FOUND", "doomed-function");
  });

  it("refuses a text search with EmbeddingFunctionNotFoundError naming the function", async () => {
    const table = await orphanedTable();
    await expectQuiverError(
      table.search("alpha").toArray(),
      EmbeddingFunctionNotFoundError,
      "EMBEDDING_FUNCTION_NOT_FOUND",
      'Function "doomed-function" not found in registry',
      '@register("doomed-function")',
    );
  });

  it("accepts a write that gives every vector of its column while another column's function embeds the rest", async () => {
    class PartnerFunction extends FakeTextFunction {}
    register("partner-function")(PartnerFunction);
    const partner = new PartnerFunction({ tag: "partner", ndims: 2 });
    const hashing = getRegistry().get<HashingEmbeddingFunction>("hashing")!.create({ ndims: 4 });
    const db = await connect(await makeTempDir());
    const table = await db.createEmptyTable(
      "docs",
      LanceSchema({ id: new Int32(), x: partner.sourceField(), vx: partner.vectorField(), y: hashing.sourceField(), vy: hashing.vectorField() }),
    );
    getRegistry().unregister("partner-function");

    await table.add([{ id: 1, x: "given", vx: [9, 9], y: "embedded by hashing" }]);
    const rows = (await table.query().toArray()) as { vx: unknown; vy: unknown }[];
    expect(vectorValues(rows[0]!.vx)).toEqual([9, 9]);
    expect(vectorValues(rows[0]!.vy)).toEqual(asFloat32((await hashing.computeSourceEmbeddings(["embedded by hashing"]))[0]!));
    const add = () => table.add([{ id: 2, x: "needs the partner", y: "y" }]);
    await expectFailedWrite(table, add, EmbeddingFunctionNotFoundError, "EMBEDDING_FUNCTION_NOT_FOUND", "partner-function");
    const top = (await table.search("embedded by hashing").column("vy").limit(1).toArray()) as { id: number }[];
    expect(top[0]!.id).toBe(1);
  });
});
