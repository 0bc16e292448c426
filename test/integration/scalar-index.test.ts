// Scalar indexes through tables: btree and bitmap indexes answer filters in
// scans, vector searches and full-text searches exactly as the filters do on
// the rows (NULLs included), with rows added or deleted since the index was
// built, across versions, and through optimize; plus the management calls and
// the errors a user can meet.
import {
  Bool,
  DateDay,
  Field,
  FixedSizeList,
  Float32,
  Float64,
  Int32,
  List,
  Schema,
  Table as ArrowTable,
  TimestampMillisecond,
  Utf8,
  vectorFromArray,
} from "apache-arrow";
import { describe, expect, it } from "vitest";
import { Index, InvalidArgumentError, SchemaMismatchError, connect, type Table } from "../../src/index.js";
import { expectFailedWrite } from "../helpers/expect-failed-write.js";
import { makeTempDir } from "../helpers/temp-dir.js";

const DIMS = 4;
const CATEGORIES = ["red", "green", "blue", "Red", "amber"];
const DAY = 86_400_000;

/** A seeded PRNG (mulberry32), so a failing case can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const schema = new Schema([
  new Field("id", new Int32(), false),
  new Field("n", new Int32(), true),
  new Field("f", new Float64(), true),
  new Field("s", new Utf8(), true),
  new Field("cat", new Utf8(), true),
  new Field("b", new Bool(), true),
  new Field("d", new DateDay(), true),
  new Field("ts", new TimestampMillisecond(), true),
  new Field("u", new Int32(), true),
  new Field("vector", new FixedSizeList(DIMS, new Field("item", new Float32(), true)), true),
]);

/** `count` rows from id `start`, each column null about one time in six. */
function makeRows(next: () => number, start: number, count: number): ArrowTable {
  const pick = <T>(make: () => T): T | null => (next() < 1 / 6 ? null : make());
  const ids = Array.from({ length: count }, (_, i) => start + i);
  const columns = {
    id: vectorFromArray(ids, new Int32()),
    n: vectorFromArray(ids.map(() => pick(() => Math.floor(next() * 20) - 5)), new Int32()),
    f: vectorFromArray(ids.map(() => pick(() => (next() < 0.1 ? -0 : Math.round(next() * 100) / 10))), new Float64()),
    s: vectorFromArray(ids.map(() => pick(() => String.fromCharCode(97 + Math.floor(next() * 6)) + String(Math.floor(next() * 3)))), new Utf8()),
    cat: vectorFromArray(ids.map(() => pick(() => CATEGORIES[Math.floor(next() * CATEGORIES.length)]!)), new Utf8()),
    b: vectorFromArray(ids.map(() => pick(() => next() < 0.5)), new Bool()),
    d: vectorFromArray(ids.map(() => pick(() => new Date(Date.UTC(2024, 0, 1 + Math.floor(next() * 10))))), new DateDay()),
    ts: vectorFromArray(ids.map(() => pick(() => Date.UTC(2024, 0, 1) + Math.floor(next() * 10) * DAY + Math.floor(next() * 3) * 1000)), new TimestampMillisecond()),
    u: vectorFromArray(ids.map(() => pick(() => Math.floor(next() * 4))), new Int32()),
    vector: vectorFromArray(
      ids.map(() => Array.from({ length: DIMS }, () => next())),
      schema.fields[9]!.type,
    ),
  };
  return new ArrowTable(schema, columns as never);
}

/** Random filters over the columns: comparisons, ranges, lists, LIKE, IS [NOT] NULL, combined with AND / OR / NOT. */
function makeFilter(next: () => number, depth = 0): string {
  const int = () => String(Math.floor(next() * 20) - 5);
  const str = () => `'${String.fromCharCode(97 + Math.floor(next() * 6))}${Math.floor(next() * 3)}'`;
  const leaves = [
    () => `n ${["=", "!=", "<", "<=", ">", ">="][Math.floor(next() * 6)]} ${int()}`,
    () => `n BETWEEN ${int()} AND ${int()}`,
    () => `n ${next() < 0.5 ? "NOT " : ""}IN (${int()}, ${int()}, ${next() < 0.3 ? "NULL" : int()})`,
    () => `n IS ${next() < 0.5 ? "NOT " : ""}NULL`,
    () => `f ${["=", "<", ">="][Math.floor(next() * 3)]} ${(Math.round(next() * 100) / 10).toFixed(1)}`,
    () => `f = 0`,
    () => `s ${["=", "<", ">", "!="][Math.floor(next() * 4)]} ${str()}`,
    () => `s LIKE '${String.fromCharCode(97 + Math.floor(next() * 6))}%'`,
    () => `s IN (${str()}, ${str()})`,
    () => `cat = '${CATEGORIES[Math.floor(next() * CATEGORIES.length)]}'`,
    () => `cat IN ('red', 'blue')`,
    () => `cat IS NULL`,
    () => `lower(cat) = 'red'`,
    () => `b`,
    () => `b = ${next() < 0.5 ? "true" : "false"}`,
    () => `b IS NOT TRUE`,
    () => `d >= date '2024-01-0${1 + Math.floor(next() * 9)}'`,
    () => `ts < timestamp '2024-01-0${1 + Math.floor(next() * 9)} 00:00:01'`,
    () => `u = ${Math.floor(next() * 4)}`,
    () => `n > u`,
    () => `coalesce(n, 0) = 0`,
  ];
  const r = next();
  if (depth < 3 && r < 0.25) return `(${makeFilter(next, depth + 1)}) AND (${makeFilter(next, depth + 1)})`;
  if (depth < 3 && r < 0.45) return `(${makeFilter(next, depth + 1)}) OR (${makeFilter(next, depth + 1)})`;
  if (depth < 3 && r < 0.55) return `NOT (${makeFilter(next, depth + 1)})`;
  return leaves[Math.floor(next() * leaves.length)]!();
}

/** Two tables with the same fragments: `plain` without indexes, `indexed` with them. */
async function makeTwins(seed: number): Promise<{ plain: Table; indexed: Table; next: () => number }> {
  const db = await connect(await makeTempDir());
  const next = random(seed);
  const batches = [makeRows(next, 0, 120), makeRows(next, 120, 80), makeRows(next, 200, 60)];
  const plain = await db.createTable("plain", batches[0]!);
  const indexed = await db.createTable("indexed", batches[0]!);
  for (const table of [plain, indexed]) await table.add(batches[1]!);
  await indexed.createIndex("n", { config: Index.btree() });
  await indexed.createIndex("f");
  await indexed.createIndex("s", { config: Index.btree() });
  await indexed.createIndex("cat", { config: Index.bitmap() });
  await indexed.createIndex("b", { config: Index.bitmap() });
  await indexed.createIndex("d", { config: Index.btree() });
  await indexed.createIndex("ts", { config: Index.btree() });
  // Rows added and deleted after the indexes were built.
  for (const table of [plain, indexed]) {
    await table.add(batches[2]!);
    await table.delete("id % 7 = 3");
  }
  return { plain, indexed, next };
}

async function ids(query: Promise<Record<string, unknown>[]>): Promise<number[]> {
  return (await query).map((row) => row.id as number);
}

describe("scalar indexes: results equal unindexed evaluation", () => {
  it("random filters over data with NULLs select the same rows in scans, counts and vector searches", async () => {
    for (const seed of [1, 2, 3]) {
      const { plain, indexed, next } = await makeTwins(seed);
      let used = 0;
      for (let i = 0; i < 60; i++) {
        const filter = makeFilter(next);
        if ((await indexed.query().where(filter).explainPlan()).includes("scalar index:")) used++;
        const expected = await ids(plain.query().where(filter).toArray());
        expect(await ids(indexed.query().where(filter).toArray()), `seed ${seed}: ${filter}`).toEqual(expected);
        const limited = await ids(plain.query().where(filter).limit(5).offset(2).toArray());
        expect(await ids(indexed.query().where(filter).limit(5).offset(2).toArray()), `seed ${seed} limit: ${filter}`).toEqual(limited);
        expect(await indexed.countRows(filter), `seed ${seed} count: ${filter}`).toBe(expected.length);
        const q = [0.5, 0.5, 0.5, 0.5];
        const near = await ids(plain.search(q).where(filter).limit(7).toArray());
        expect(await ids(indexed.search(q).where(filter).limit(7).toArray()), `seed ${seed} knn: ${filter}`).toEqual(near);
      }
      // Most random filters touch an indexed column, so the comparison exercises the indexes.
      expect(used).toBeGreaterThan(40);
    }
  });
});

async function catalogue(): Promise<Table> {
  const db = await connect(await makeTempDir());
  const rows = (start: number, count: number) =>
    Array.from({ length: count }, (_, i) => ({
      id: start + i,
      category: `c${(start + i) % 4}`,
      price: (start + i) * 1.5,
      text: (start + i) % 2 === 0 ? "red shoes" : "blue shirt",
      vector: [((start + i) % 10) / 10, 1, 0, 0.5],
    }));
  const table = await db.createTable("items", rows(0, 40));
  await table.add(rows(40, 40));
  return Object.assign(table, { rows });
}

describe("Table.createIndex() with scalar indexes", () => {
  it("lists, describes and drops scalar indexes with LanceDB's type names", async () => {
    const table = await catalogue();
    await table.createIndex("category", { config: Index.bitmap() });
    await table.createIndex("price");
    expect(await table.listIndices()).toEqual([
      { name: "category_idx", indexType: "Bitmap", columns: ["category"] },
      { name: "price_idx", indexType: "BTree", columns: ["price"] },
    ]);
    expect(await table.indexStats("price_idx")).toEqual({ numIndexedRows: 80, numUnindexedRows: 0, indexType: "BTREE", numIndices: 1 });
    await table.dropIndex("price_idx");
    expect((await table.listIndices()).map((i) => i.name)).toEqual(["category_idx"]);
    expect(await table.indexStats("price_idx")).toBeUndefined();
  });

  it("a column of the wrong type is refused with SchemaMismatchError and the table is unchanged", async () => {
    const table = await catalogue();
    const error = await expectFailedWrite(
      table,
      () => table.createIndex("vector", { config: Index.btree() }),
      SchemaMismatchError,
      "SCHEMA_MISMATCH",
      "table 'items'",
      "A BTree index cannot be created on the field `vector`",
      "needs a number, string, boolean, date or timestamp column",
      "FixedSizeList",
    );
    expect(error.column).toBe("vector");
    expect(await table.listIndices()).toEqual([]);
    await table.createIndex("price", { config: Index.bitmap() });
    await expectFailedWrite(
      table,
      () => table.createIndex("price", { config: Index.btree(), replace: false }),
      InvalidArgumentError,
      "INVALID_ARGUMENT",
      "an index named 'price_idx' already exists",
    );
  });

  it("explainPlan names the scalar index a filter uses, and fragments the index proves empty are not read", async () => {
    const table = await catalogue();
    await table.createIndex("category", { config: Index.bitmap() });
    await table.createIndex("price", { config: Index.btree() });
    const plan = await table.query().where("category = 'c1' AND price < 30").explainPlan();
    expect(plan).toContain("Filter: category = 'c1' AND price < 30, scalar index: category_idx (Bitmap on category), price_idx (BTree on price)");
    expect(await table.query().where("id < 3").explainPlan()).not.toContain("scalar index");
    // Prices of the first fragment are below 60; the second fragment is never read.
    const report = await table.query().where("price < 30").analyzePlan();
    expect(report).toMatch(/fragments=2, fragments_read=1, /);
    expect(await table.query().where("category = 'none'").analyzePlan()).toMatch(/fragments_read=0, /);
    const knn = await table.search([0, 1, 0, 0.5]).where("price >= 100").limit(3).analyzePlan();
    expect(knn).toMatch(/fragments_read=1, /);
  });

  it("rows added after the index are found, deleted rows are gone, and optimize folds new rows in", async () => {
    const table = (await catalogue()) as Table & { rows: (s: number, c: number) => Record<string, unknown>[] };
    await table.createIndex("category", { config: Index.bitmap() });
    await table.add(table.rows(80, 8));
    await table.delete("id = 1 OR id = 81");
    const c1 = async () => (await table.query().where("category = 'c1'").toArray()).map((r) => r.id as number);
    const expected = Array.from({ length: 88 }, (_, i) => i).filter((i) => i % 4 === 1 && i !== 1 && i !== 81);
    expect(await c1()).toEqual(expected);
    expect((await table.indexStats("category_idx"))!.numUnindexedRows).toBe(7);
    await table.optimize();
    expect((await table.indexStats("category_idx"))!.numUnindexedRows).toBe(0);
    expect(await c1()).toEqual(expected);
  });

  it("a checked-out version uses the index of its version", async () => {
    const table = (await catalogue()) as Table & { rows: (s: number, c: number) => Record<string, unknown>[] };
    await table.createIndex("price", { config: Index.btree() });
    const withIndex = await table.version();
    await table.delete("price > 10");
    await table.dropIndex("price_idx");
    await table.checkout(withIndex);
    expect(await table.query().where("price > 100").explainPlan()).toContain("scalar index: price_idx");
    expect(await table.countRows("price > 100")).toBe(80 - Math.floor(100 / 1.5) - 1);
    await table.checkoutLatest();
    expect(await table.countRows("price > 5")).toBe(3);
  });

  it("full-text search filters use the scalar index too", async () => {
    const table = await catalogue();
    await table.createIndex("text", { config: Index.fts() });
    await table.createIndex("category", { config: Index.bitmap() });
    const hits = await table.search("shoes", "fts").where("category = 'c2'").limit(100).toArray();
    expect(hits.map((r) => r.id as number).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i * 4 + 2));
  });
});

describe("Index.labelList()", () => {
  const TAGS = ["a", "b", "c", "d"];

  /** Rows with a tags list (strings, sometimes NULL, empty or holding NULL) and a codes list (integers). */
  function tagRows(next: () => number, start: number, count: number): Record<string, unknown>[] {
    return Array.from({ length: count }, (_, i) => ({
      id: start + i,
      tags: next() < 0.15 ? null : Array.from({ length: Math.floor(next() * 4) }, () => (next() < 0.1 ? null : TAGS[Math.floor(next() * TAGS.length)]!)),
      codes: next() < 0.15 ? null : Array.from({ length: Math.floor(next() * 3) }, () => Math.floor(next() * 5)),
    }));
  }
  const listSchema = new Schema([
    new Field("id", new Int32(), false),
    new Field("tags", new List(new Field("item", new Utf8(), true)), true),
    new Field("codes", new List(new Field("item", new Int32(), true)), true),
  ]);

  function makeListFilter(next: () => number, depth = 0): string {
    const tags = () => Array.from({ length: Math.floor(next() * 3) }, () => `'${TAGS[Math.floor(next() * (TAGS.length + 1))] ?? "zz"}'`).join(", ");
    const leaves = [
      () => `array_has_any(tags, [${tags()}])`,
      () => `array_has_all(tags, [${tags()}])`,
      () => `array_contains(tags, '${TAGS[Math.floor(next() * TAGS.length)]}')`,
      () => `array_has(codes, ${Math.floor(next() * 6)})`,
      () => `array_has_any(codes, [${Math.floor(next() * 5)}, ${Math.floor(next() * 5)}])`,
      () => `id % 3 = 0`,
    ];
    const r = next();
    if (depth < 2 && r < 0.25) return `(${makeListFilter(next, depth + 1)}) AND (${makeListFilter(next, depth + 1)})`;
    if (depth < 2 && r < 0.45) return `(${makeListFilter(next, depth + 1)}) OR (${makeListFilter(next, depth + 1)})`;
    if (depth < 2 && r < 0.6) return `NOT (${makeListFilter(next, depth + 1)})`;
    return leaves[Math.floor(next() * leaves.length)]!();
  }

  it("array_has_any / array_has_all / array_contains select the same rows with the index as without", async () => {
    const db = await connect(await makeTempDir());
    const next = random(7);
    const first = tagRows(next, 0, 150);
    const later = tagRows(next, 150, 50);
    const plain = await db.createTable("plain", first, { schema: listSchema });
    const indexed = await db.createTable("indexed", first, { schema: listSchema });
    await indexed.createIndex("tags", { config: Index.labelList() });
    await indexed.createIndex("codes", { config: Index.labelList() });
    expect((await indexed.listIndices()).map((i) => i.indexType)).toEqual(["LabelList", "LabelList"]);
    for (const table of [plain, indexed]) {
      await table.add(later);
      await table.delete("id % 11 = 4");
    }
    expect(await indexed.query().where("array_has_any(tags, ['a'])").explainPlan()).toContain("scalar index: tags_idx (LabelList on tags)");
    for (let i = 0; i < 80; i++) {
      const filter = makeListFilter(next);
      const expected = await ids(plain.query().where(filter).toArray());
      expect(await ids(indexed.query().where(filter).toArray()), filter).toEqual(expected);
    }
    // NULL lists are neither in nor out: NOT array_has_any(...) leaves them out too.
    const nullTags = await indexed.countRows("tags IS NULL");
    const withA = await indexed.countRows("array_has_any(tags, ['a'])");
    expect(await indexed.countRows("NOT array_has_any(tags, ['a'])")).toBe((await indexed.countRows()) - nullTags - withA);
  });
});
