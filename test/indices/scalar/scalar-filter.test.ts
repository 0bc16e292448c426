import { Field, Int32, RecordBatch, Schema, Struct, Utf8, makeData, vectorFromArray } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { parseFilter } from "../../../src/filter/index.js";
import { buildValueIndex } from "../../../src/indices/scalar/build-value-index.js";
import { type ScalarFilterPart, planScalarFilter } from "../../../src/indices/scalar/scalar-filter-plan.js";
import { evaluateScalarFilter } from "../../../src/indices/scalar/scalar-filter-rows.js";
import { encodeValueIndex } from "../../../src/indices/scalar/value-index-codec.js";
import type { IndexEntry } from "../../../src/storage/manifest.js";
import type { FragmentSnapshot, TableSnapshot } from "../../../src/storage/table-snapshot.js";

const schema = new Schema([new Field("x", new Int32(), true), new Field("s", new Utf8(), true), new Field("u", new Int32(), true)]);

function entry(column: string, kind: "btree" | "bitmap", fragmentIds: number[]): IndexEntry {
  return { uuid: `u-${column}`, name: `${column}_idx`, kind, column, parameters: {}, fragmentIds, files: [`_indices/u-${column}/values.arrow`, `_indices/u-${column}/postings.arrow`], createdAt: 0 };
}

function describePart(part: ScalarFilterPart): string {
  switch (part.kind) {
    case "leaf":
    case "labels":
      return `[${part.entry.name}]`;
    case "opaque":
      return "?";
    case "not":
      return `not ${describePart(part.operand)}`;
    default:
      return `(${describePart(part.left)} ${part.kind} ${describePart(part.right)})`;
  }
}

describe("planScalarFilter()", () => {
  const indices = [entry("x", "btree", [0]), entry("s", "bitmap", [0])];
  const plan = (text: string) => planScalarFilter([parseFilter(text)], schema, indices);

  it("takes a predicate on one indexed column as a leaf, and splits AND / OR / NOT around others", () => {
    expect(plan("x > 1 AND (s = 'a' OR x IS NULL) AND u = 2")!.conjuncts.map((c) => describePart(c.part))).toEqual(["[x_idx]", "([s_idx] or [x_idx])", "?"]);
    expect(plan("x BETWEEN 1 AND 3 OR x IN (7, 8)")!.conjuncts.map((c) => describePart(c.part))).toEqual(["[x_idx]"]);
    expect(plan("NOT (s = 'a' AND u > 1)")!.conjuncts.map((c) => describePart(c.part))).toEqual(["not ([s_idx] and ?)"]);
    expect(plan("x > 1")!.entries.map((e) => e.name)).toEqual(["x_idx"]);
  });

  it("uses no index for predicates on unindexed columns, OR with an unindexed side, or mixed columns", () => {
    expect(plan("u = 1")).toBeUndefined();
    expect(plan("x = 1 OR u = 1")).toBeUndefined();
    expect(plan("x > u")).toBeUndefined();
  });

  it("leaves a filter that does not bind to the direct evaluation, which reports it", () => {
    expect(plan("s > 1")).toBeUndefined();
    expect(plan("missing = 1")).toBeUndefined();
  });
});

describe("evaluateScalarFilter()", () => {
  it("answers with SQL's three-valued logic: NOT (x = 1) keeps neither x = 1 nor NULL rows", async () => {
    const x = vectorFromArray([1, null, 2, 1, 3], new Int32()).data[0]!;
    const s = vectorFromArray(["a", "b", null, "a", "b"], new Utf8()).data[0]!;
    const u = vectorFromArray([0, 0, 0, 0, 0], new Int32()).data[0]!;
    const batch = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: 5, nullCount: 0, children: [x, s, u] }));
    const fragment: FragmentSnapshot = { id: 0, file: "data/0.arrow", physicalRows: 5, deletedRows: 0, load: async () => batch, deletionMask: async () => null };
    const added: FragmentSnapshot = { ...fragment, id: 1, file: "data/1.arrow" };
    const files = new Map<string, Uint8Array>();
    for (const column of ["x", "s"]) {
      const index = await buildValueIndex([fragment], schema.fields.find((f) => f.name === column)!);
      for (const [name, bytes] of encodeValueIndex(index)) files.set(`_indices/u-${column}/${name}`, bytes);
    }
    const cache = new Map<string, unknown>();
    const snapshot: TableSnapshot = {
      tableName: "t",
      version: 1,
      schema,
      fragments: [fragment, added],
      indices: [entry("x", "btree", [0]), entry("s", "bitmap", [0])],
      readFile: async (path) => files.get(path)!,
      localFile: () => undefined,
      cached: async <T>(key: string, compute: () => Promise<{ value: T; bytes: number }>) => {
        if (!cache.has(key)) cache.set(key, (await compute()).value);
        return cache.get(key) as T;
      },
    };
    const verdict = async (text: string) => {
      const plan = planScalarFilter([parseFilter(text)], schema, snapshot.indices)!;
      return evaluateScalarFilter(plan, snapshot);
    };
    const not = await verdict("NOT (x = 1)");
    expect(Array.from(not.get(0)!.mask)).toEqual([0, 0, 1, 0, 1]);
    expect(not.get(0)!.residual).toEqual([]);
    // Fragment 1 is not covered: it gets no verdict and is evaluated directly.
    expect(not.has(1)).toBe(false);
    expect(Array.from((await verdict("x = 1 OR s = 'b'")).get(0)!.mask)).toEqual([1, 1, 0, 1, 1]);
    expect(Array.from((await verdict("NOT (x > 1 OR s IS NULL)")).get(0)!.mask)).toEqual([1, 0, 0, 1, 0]);
    const mixed = (await verdict("s = 'a' AND u = 0")).get(0)!;
    expect([Array.from(mixed.mask), mixed.count, mixed.residual.length]).toEqual([[1, 0, 0, 1, 0], 2, 1]);
    expect((await verdict("x = 42")).get(0)!.count).toBe(0);
  });
});
