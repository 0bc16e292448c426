import { Field, Float64, Int32, Schema, Utf8 } from "apache-arrow";
import { describe, expect, it } from "vitest";
import {
  ColumnNotFoundError,
  FilterSyntaxError,
  Index,
  InvalidArgumentError,
  ReadOnlyVersionError,
  SchemaMismatchError,
  TableNotFoundError,
  VersionNotFoundError,
  connect,
  type Table,
} from "../../src/index.js";
import { expectQuiverError } from "../helpers/expect-error.js";
import { expectUnchanged } from "../helpers/table-state.js";
import { makeTempDir } from "../helpers/temp-dir.js";

function docs(start: number, count: number) {
  return Array.from({ length: count }, (_, k) => {
    const i = start + k;
    return { id: i, category: `c${i % 4}`, price: i * 1.5, vector: [i, i % 3, 1] };
  });
}

async function makeTable(rows = docs(0, 20)): Promise<Table> {
  const db = await connect(await makeTempDir());
  return db.createTable("docs", rows);
}

const ids = async (table: Table, filter?: string) => {
  const query = table.query();
  if (filter) query.where(filter);
  return ((await query.toArray()) as { id: number }[]).map((r) => r.id).sort((a, b) => a - b);
};

describe("Table.add()", () => {
  it("appends rows as a new version and overwrite replaces them", async () => {
    const table = await makeTable();
    expect(await table.version()).toBe(1);
    expect(await table.add(docs(20, 5))).toEqual({ version: 2 });
    expect(await table.countRows()).toBe(25);
    await table.add(docs(100, 3), { mode: "overwrite" });
    expect(await ids(table)).toEqual([100, 101, 102]);
    expect(await table.version()).toBe(3);
  });

  it("reports progress once per written file and once when done", async () => {
    const table = await makeTable();
    const seen: { outputRows: number; done: boolean }[] = [];
    await table.add(docs(20, 30), { progress: (p) => seen.push({ outputRows: p.outputRows, done: p.done }) });
    expect(seen.at(-1)).toEqual({ outputRows: 30, done: true });
    expect(seen.length).toBeGreaterThanOrEqual(2);
  });

  it("refuses a vector of the wrong length and leaves the table unchanged", async () => {
    const table = await makeTable();
    const error = await expectUnchanged(table, () => table.add([{ id: 1, category: "x", price: 1, vector: [1, 2] }]));
    expect(error).toBeInstanceOf(SchemaMismatchError);
    expect((error as Error).message).toMatch(/vector/);
    expect((error as Error).message).toMatch(/3/);
  });

  it("refuses a value of the wrong type instead of storing null", async () => {
    const table = await makeTable();
    const error = await expectUnchanged(table, () => table.add([{ id: 1, category: "x", price: "abc", vector: [1, 2, 3] }]));
    expect(error).toBeInstanceOf(SchemaMismatchError);
    expect((error as Error).message).toMatch(/price/);
  });

  it("refuses NaN and infinite vector values", async () => {
    const table = await makeTable();
    for (const bad of [NaN, Infinity, -Infinity]) {
      const error = await expectUnchanged(table, () => table.add([{ id: 1, category: "x", price: 1, vector: [1, bad, 3] }]));
      expect(error).toBeInstanceOf(SchemaMismatchError);
    }
  });

  it("refuses a missing non-nullable column", async () => {
    const db = await connect(await makeTempDir());
    const schema = new Schema([new Field("id", new Int32(), false), new Field("text", new Utf8(), true)]);
    const table = await db.createEmptyTable("t", schema);
    const error = await expectUnchanged(table, () => table.add([{ text: "no id" }]));
    expect(error).toBeInstanceOf(SchemaMismatchError);
    expect((error as Error).message).toMatch(/id/);
  });

  it("refuses a column the table does not have", async () => {
    const table = await makeTable();
    const error = await expectUnchanged(table, () => table.add([{ id: 1, category: "x", price: 1, vector: [1, 2, 3], extra: 1 }]));
    expect((error as Error).message).toMatch(/extra/);
  });

  it("fills a missing nullable column with nulls", async () => {
    const table = await makeTable();
    await table.add([{ id: 99, price: 2, vector: [1, 2, 3] }]);
    const rows = (await table.query().where("id = 99").toArray()) as { category: string | null }[];
    expect(rows[0]!.category).toBeNull();
  });
});

describe("Table.countRows()", () => {
  it("counts all rows or the rows matching a filter", async () => {
    const table = await makeTable();
    expect(await table.countRows()).toBe(20);
    expect(await table.countRows("category = 'c1'")).toBe(5);
    expect(await table.countRows("price >= 15 AND price < 21")).toBe(4);
  });

  it("names the position and token of a syntax error, and the columns that exist", async () => {
    const table = await makeTable();
    await expectQuiverError(table.countRows("price >> 3"), FilterSyntaxError, "FILTER_SYNTAX", ">");
    const error = await expectQuiverError(table.countRows("cost > 3"), ColumnNotFoundError, "COLUMN_NOT_FOUND", "cost");
    expect(error.message).toContain("price");
  });
});

describe("Table.delete()", () => {
  it("deletes matching rows in a new version and reports how many", async () => {
    const table = await makeTable();
    const result = await table.delete("category = 'c0' OR id > 17");
    expect(result).toEqual({ numDeletedRows: 7, version: 2 });
    expect(await table.countRows()).toBe(13);
    expect(await ids(table, "category = 'c0'")).toEqual([]);
    // Deleting again adds to the earlier deletions.
    await table.delete("id < 3");
    expect(await ids(table)).toEqual([3, 5, 6, 7, 9, 10, 11, 13, 14, 15, 17]);
  });

  it("a bad filter leaves the table unchanged", async () => {
    const table = await makeTable();
    await expectUnchanged(table, () => table.delete("nope = 1"));
    await expectUnchanged(table, () => table.delete(""));
  });
});

describe("Table.update()", () => {
  it("sets literal values on matching rows", async () => {
    const table = await makeTable();
    const result = await table.update({ where: "id < 3", values: { category: "updated", vector: [9, 9, 9] } });
    expect(result).toEqual({ rowsUpdated: 3, version: 2 });
    expect(await ids(table, "category = 'updated'")).toEqual([0, 1, 2]);
    expect(await table.countRows()).toBe(20);
  });

  it("computes new values with SQL, in both argument forms", async () => {
    const table = await makeTable();
    await table.update({ where: "id = 4", valuesSql: { price: "price * 2 + 1" } });
    await table.update({ category: "'sql'" }, { where: "id = 5" });
    const rows = (await table.query().where("id IN (4, 5)").toArray()) as { id: number; price: number; category: string }[];
    rows.sort((a, b) => a.id - b.id);
    expect(rows[0]!.price).toBe(13);
    expect(rows[1]!.category).toBe("sql");
  });

  it("updates every row without a filter", async () => {
    const table = await makeTable();
    expect((await table.update({ values: { price: 0 } })).rowsUpdated).toBe(20);
    expect(await table.countRows("price = 0")).toBe(20);
  });

  it("refuses unknown columns, wrong types and wrong widths, leaving the table unchanged", async () => {
    const table = await makeTable();
    await expectUnchanged(table, () => table.update({ values: { nope: 1 } }));
    await expectUnchanged(table, () => table.update({ values: { price: "abc" } }));
    await expectUnchanged(table, () => table.update({ values: { vector: [1, 2] } }));
    await expectUnchanged(table, () => table.update({ valuesSql: { price: "category" } }));
  });
});

describe("Table.mergeInsert()", () => {
  it("updates matched rows, inserts new ones and deletes rows missing from the source", async () => {
    const table = await makeTable(docs(0, 6));
    const source = [
      { id: 1, category: "new", price: 100, vector: [1, 1, 1] },
      { id: 2, category: "new", price: 200, vector: [2, 2, 2] },
      { id: 50, category: "new", price: 5000, vector: [5, 5, 5] },
    ];
    const result = await table
      .mergeInsert("id")
      .whenMatchedUpdateAll()
      .whenNotMatchedInsertAll()
      .whenNotMatchedBySourceDelete({ where: "id > 3" })
      .execute(source);
    expect(result).toMatchObject({ version: 2, numInsertedRows: 1, numUpdatedRows: 2, numDeletedRows: 2, numRows: 3 });
    expect(await ids(table)).toEqual([0, 1, 2, 3, 50]);
    expect(await ids(table, "category = 'new'")).toEqual([1, 2, 50]);
  });

  it("updates only where the condition over target and source holds", async () => {
    const table = await makeTable(docs(0, 4));
    const source = [
      { id: 1, category: "cheaper", price: 0.5, vector: [1, 1, 1] },
      { id: 2, category: "dearer", price: 99, vector: [2, 2, 2] },
    ];
    const result = await table.mergeInsert("id").whenMatchedUpdateAll({ where: "source.price > target.price" }).execute(source);
    expect(result.numUpdatedRows).toBe(1);
    expect(await ids(table, "category = 'dearer'")).toEqual([2]);
    expect(await ids(table, "category = 'cheaper'")).toEqual([]);
  });

  it("refuses ambiguous duplicate source keys and a merge with no clause, leaving the table unchanged", async () => {
    const table = await makeTable(docs(0, 4));
    const dup = [
      { id: 1, category: "a", price: 1, vector: [1, 1, 1] },
      { id: 1, category: "b", price: 2, vector: [1, 1, 1] },
    ];
    await expectUnchanged(table, () => table.mergeInsert("id").whenMatchedUpdateAll().execute(dup));
    await expectUnchanged(table, () => table.mergeInsert("id").execute(dup));
    await expectUnchanged(table, () => table.mergeInsert("nope").whenNotMatchedInsertAll().execute(dup));
  });
});

describe("Table versions", () => {
  it("lists versions, checks out an old one read-only, and restores it", async () => {
    const table = await makeTable();
    await table.add(docs(20, 5));
    await table.delete("id < 10");
    const versions = await table.listVersions();
    expect(versions.map((v) => v.version)).toEqual([1, 2, 3]);
    expect(versions[0]!.timestamp).toBeInstanceOf(Date);
    expect(versions.map((v) => v.metadata.operation)).toEqual(["create", "append", "delete"]);

    await table.checkout(2);
    expect(await table.version()).toBe(2);
    expect(await table.countRows()).toBe(25);
    await expectQuiverError(table.add(docs(90, 1)), ReadOnlyVersionError, "READ_ONLY_VERSION", "checkoutLatest");
    await table.restore();
    expect(await table.version()).toBe(4);
    expect(await table.countRows()).toBe(25);
    await table.add(docs(30, 1));
    expect(await table.countRows()).toBe(26);
    await table.checkoutLatest();
    expect(await table.version()).toBe(5);
  });

  it("refuses a version that does not exist", async () => {
    const table = await makeTable();
    await expectQuiverError(table.checkout(7), VersionNotFoundError, "VERSION_NOT_FOUND", "version: 7");
    await expectQuiverError(table.checkout(0), InvalidArgumentError, "INVALID_ARGUMENT", "version");
  });

  it("a handle sees writes made through another handle at once", async () => {
    const dir = await makeTempDir();
    const a = await (await connect(dir)).createTable("t", docs(0, 3));
    const b = await (await connect(dir)).openTable("t");
    await a.add(docs(3, 2));
    expect(await b.countRows()).toBe(5);
  });
});

describe("Table schema changes", () => {
  it("adds columns computed by SQL and all-null columns from fields", async () => {
    const table = await makeTable(docs(0, 5));
    await table.addColumns([{ name: "double_price", valueSql: "price * 2" }]);
    await table.addColumns(new Field("note", new Utf8(), true));
    const rows = (await table.query().where("id = 2").toArray()) as { double_price: number; note: string | null }[];
    expect(rows[0]!.double_price).toBe(6);
    expect(rows[0]!.note).toBeNull();
    await table.add([{ id: 10, category: "x", price: 1, vector: [1, 2, 3], double_price: 2, note: "n" }]);
    expect(await table.countRows()).toBe(6);
  });

  it("renames, casts and drops columns", async () => {
    const table = await makeTable(docs(0, 5));
    await table.alterColumns([{ path: "category", rename: "kind" }, { path: "price", dataType: "float32" }]);
    let schema = await table.schema();
    expect(schema.fields.map((f) => f.name)).toEqual(["id", "kind", "price", "vector"]);
    expect(String(schema.fields[2]!.type)).toBe("Float32");
    expect(await table.countRows("kind = 'c0'")).toBe(2);
    await table.dropColumns(["kind"]);
    schema = await table.schema();
    expect(schema.fields.map((f) => f.name)).toEqual(["id", "price", "vector"]);
    expect(Object.keys(((await table.query().limit(1).toArray()) as object[])[0]!)).toEqual(["id", "price", "vector"]);
  });

  it("refuses bad schema changes, leaving the table unchanged", async () => {
    const table = await makeTable(docs(0, 5));
    await expectUnchanged(table, () => table.addColumns([{ name: "id", valueSql: "1" }]));
    await expectUnchanged(table, () => table.addColumns([{ name: "x", valueSql: "nope + 1" }]));
    await expectUnchanged(table, () => table.alterColumns([{ path: "price", dataType: "string" }]));
    await expectUnchanged(table, () => table.alterColumns([{ path: "id", rename: "price" }]));
    await expectUnchanged(table, () => table.dropColumns(["nope"]));
    await expectUnchanged(table, () => table.dropColumns(["id", "category", "price", "vector"]));
  });
});

describe("Table.optimize()", () => {
  it("compacts small fragments into one, dropping deleted rows, without changing the rows", async () => {
    const table = await makeTable(docs(0, 10));
    for (let i = 1; i < 6; i++) await table.add(docs(i * 10, 10));
    await table.delete("id % 2 = 0");
    const before = await ids(table);
    const stats = await table.optimize();
    expect(stats.compaction.fragmentsRemoved).toBe(6);
    expect(stats.compaction.fragmentsAdded).toBe(1);
    expect(await ids(table)).toEqual(before);
    expect((await table.stats()).fragmentStats.numFragments).toBe(1);
  });

  it("removes old versions and their files when asked", async () => {
    const table = await makeTable(docs(0, 10));
    await table.add(docs(10, 10));
    await table.delete("id < 5");
    const stats = await table.optimize({ cleanupOlderThan: new Date(Date.now() + 1000) });
    expect(stats.prune.oldVersionsRemoved).toBeGreaterThanOrEqual(3);
    expect(stats.prune.bytesRemoved).toBeGreaterThan(0);
    const versions = await table.listVersions();
    expect(versions).toHaveLength(1);
    expect(await table.countRows()).toBe(15);
    await expectQuiverError(table.checkout(1), VersionNotFoundError, "VERSION_NOT_FOUND");
  });
});

describe("Table handles", () => {
  it("a write through a handle whose table was dropped is refused, and does not bring the table back", async () => {
    const db = await connect(await makeTempDir());
    const table = await db.createTable("t", docs(0, 3));
    await db.dropTable("t");
    await expectQuiverError(table.add(docs(3, 1)), TableNotFoundError, "TABLE_NOT_FOUND", "'t'");
    await expectQuiverError(table.delete("id = 1"), TableNotFoundError, "TABLE_NOT_FOUND");
    expect(await db.tableNames()).toEqual([]);
  });

  it("displays itself and refuses calls once closed", async () => {
    const table = await makeTable();
    expect(table.display()).toMatch(/docs/);
    expect(String(table)).toBe(table.display());
    table.close();
    expect(table.isOpen()).toBe(false);
    await expect(table.countRows()).rejects.toThrow(/closed/);
  });

  it("keeps Float64 columns as inferred from plain numbers", async () => {
    const table = await makeTable();
    const schema = await table.schema();
    expect(schema.fields.find((f) => f.name === "price")!.type).toBeInstanceOf(Float64);
  });
});

describe("Table indexes", () => {
  it("lists no indexes, has no stats, and explains which kinds are not built yet", async () => {
    const table = await makeTable();
    expect(await table.listIndices()).toEqual([]);
    expect(await table.indexStats("vector_idx")).toBeUndefined();
    const error = await expectUnchanged(table, () => table.createIndex("vector", { config: Index.ivfRq() }));
    expect((error as Error).message).toMatch(/not built yet/);
    await expectUnchanged(table, () => table.dropIndex("vector_idx"));
    // PQ needs at least as many rows as codewords: a small table is refused with the numbers and leaves the table as it was.
    const tooFew = await expectUnchanged(table, () => table.createIndex("vector", { config: Index.ivfPq() }));
    expect((tooFew as Error).message).toMatch(/^createIndex\("vector"\) on table .+: Not enough rows to train PQ/);
  });

  it("builds an HNSW-SQ index on a vector column when createIndex has no config", async () => {
    const table = await makeTable();
    await table.createIndex("vector");
    expect(await table.listIndices()).toEqual([{ name: "vector_idx", indexType: "IvfHnswSq", columns: ["vector"] }]);
  });
});
