import { Field, FixedSizeList, Float32, Int32, Schema, Utf8, tableFromArrays } from "apache-arrow";
import * as arrow15 from "apache-arrow-15";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  ConnectionClosedError,
  InvalidArgumentError,
  NotSupportedError,
  TableExistsError,
  TableNotFoundError,
  connect,
} from "../../src/index.js";
import { expectQuiverError } from "../helpers/expect-error.js";
import { makeTempDir } from "../helpers/temp-dir.js";

const rows = [
  { id: 1, text: "a", vector: [0.1, 0.2] },
  { id: 2, text: "b", vector: [0.3, 0.4] },
];

describe.each([
  ["a local folder", async () => join(await makeTempDir(), "nested", "db")],
  ["memory://", async () => "memory://"],
])("connect() to %s", (_label, makeUri) => {
  it("creates, lists, opens and drops tables", async () => {
    const db = await connect(await makeUri());
    expect(await db.tableNames()).toEqual([]);
    await db.createTable("b", rows);
    await db.createTable("a", rows);
    await db.createTable("c", rows);
    expect(await db.tableNames()).toEqual(["a", "b", "c"]);
    expect(await db.tableNames({ startAfter: "a" })).toEqual(["b", "c"]);
    expect(await db.tableNames({ limit: 2 })).toEqual(["a", "b"]);
    expect(await db.tableNames({ startAfter: "a", limit: 1 })).toEqual(["b"]);
    const table = await db.openTable("b");
    expect(await table.countRows()).toBe(2);
    await db.dropTable("b");
    expect(await db.tableNames()).toEqual(["a", "c"]);
    await expectQuiverError(db.openTable("b"), TableNotFoundError, "TABLE_NOT_FOUND", "Table 'b' was not found");
    await db.dropAllTables();
    expect(await db.tableNames()).toEqual([]);
  });

  it("createTable in create mode refuses an existing name, existOk opens it, overwrite replaces it", async () => {
    const db = await connect(await makeUri());
    const first = await db.createTable("t", rows);
    await expectQuiverError(db.createTable("t", rows), TableExistsError, "TABLE_EXISTS", "Table 't' already exists");
    const same = await db.createTable("t", [{ id: 9, text: "z", vector: [1, 1] }], { existOk: true });
    expect(await same.countRows()).toBe(2);
    const replaced = await db.createTable("t", [{ other: "x" }], { mode: "overwrite" });
    expect(await replaced.countRows()).toBe(1);
    expect((await replaced.schema()).fields.map((f) => f.name)).toEqual(["other"]);
    // The old handle follows the table: it reads the latest version.
    expect(await first.countRows()).toBe(1);
    expect(await replaced.version()).toBe(2);
  });

  it("createTable takes the options-object form", async () => {
    const db = await connect(await makeUri());
    const table = await db.createTable({ name: "t", data: rows });
    expect(await table.countRows()).toBe(2);
  });

  it("createEmptyTable makes a table with a schema and no rows", async () => {
    const db = await connect(await makeUri());
    const schema = new Schema([
      new Field("id", new Int32(), false),
      new Field("vector", new FixedSizeList(2, new Field("item", new Float32(), true)), true),
    ]);
    const table = await db.createEmptyTable("e", schema);
    expect(await table.countRows()).toBe(0);
    expect((await table.schema()).fields.map((f) => [f.name, String(f.type), f.nullable])).toEqual([
      ["id", "Int32", false],
      ["vector", "FixedSizeList[2]<Float32>", true],
    ]);
    await table.add([{ id: 1, vector: [1, 2] }]);
    expect(await table.countRows()).toBe(1);
  });

  it("accepts an Arrow table, record batches, and Arrow objects from apache-arrow 15", async () => {
    const db = await connect(await makeUri());
    const ours = tableFromArrays({ id: Int32Array.from([1, 2, 3]), text: ["x", "y", "z"] });
    expect(await (await db.createTable("arrow", ours)).countRows()).toBe(3);
    expect(await (await db.createTable("batches", ours.batches)).countRows()).toBe(3);
    const theirs = arrow15.tableFromArrays({ id: Int32Array.from([4, 5]), text: ["p", "q"] });
    const table = await db.createTable("arrow15", theirs);
    expect(await table.countRows()).toBe(2);
    const schema15 = new arrow15.Schema([new arrow15.Field("name", new arrow15.Utf8(), true)]);
    const empty = await db.createEmptyTable("empty15", schema15);
    expect(String((await empty.schema()).fields[0]!.type)).toBe(String(new Utf8()));
  });

  it("refuses invalid table names before touching storage", async () => {
    const db = await connect(await makeUri());
    for (const bad of ["", "a/b", "..", "../x", "a\\b", ".hidden", "x y"]) {
      await expectQuiverError(db.createTable(bad, rows), InvalidArgumentError, "INVALID_ARGUMENT", "table name");
      await expectQuiverError(db.openTable(bad), InvalidArgumentError, "INVALID_ARGUMENT", "table name");
    }
    expect(await db.tableNames()).toEqual([]);
  });

  it("dropping a missing table fails with TableNotFoundError", async () => {
    const db = await connect(await makeUri());
    await expectQuiverError(db.dropTable("nope"), TableNotFoundError, "TABLE_NOT_FOUND", "nope");
  });

  it("a closed connection refuses calls", async () => {
    const db = await connect(await makeUri());
    expect(db.isOpen()).toBe(true);
    db.close();
    expect(db.isOpen()).toBe(false);
    await expectQuiverError(db.tableNames(), ConnectionClosedError, "CONNECTION_CLOSED", "closed");
  });
});

describe("connect()", () => {
  it("creates a missing folder and refuses URIs of unsupported schemes", async () => {
    const dir = join(await makeTempDir(), "fresh");
    await connect(dir);
    expect(existsSync(dir)).toBe(true);
    await expectQuiverError(connect("s3://bucket/db"), NotSupportedError, "NOT_SUPPORTED", "s3://");
    await expectQuiverError(connect(""), InvalidArgumentError, "INVALID_ARGUMENT", "URI");
  });

  it("takes the options-object form and file:// URIs", async () => {
    const dir = await makeTempDir();
    const db = await connect({ uri: `file://${dir}` });
    await db.createTable("t", rows);
    expect(await (await connect(dir)).tableNames()).toEqual(["t"]);
  });

  it("memory:// databases are private to their connection", async () => {
    const a = await connect("memory://");
    const b = await connect("memory://");
    await a.createTable("t", rows);
    expect(await b.tableNames()).toEqual([]);
  });
});
