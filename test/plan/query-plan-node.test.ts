import { describe, expect, it } from "vitest";
import type { FilterExpr } from "../../src/filter/index.js";
import { FilterNode, KnnNode, ProjectionNode, QueryPlan, explainPlan } from "../../src/plan/index.js";

const expr = { kind: "literal", type: "boolean", value: true } as unknown as FilterExpr;

describe("QueryPlan", () => {
  it("create() makes a frozen plan of a full scan", () => {
    const plan = QueryPlan.create();
    expect(plan).toEqual({ kind: "QueryPlan", filters: [], offset: 0, withRowId: false, fastSearch: false });
    expect(Object.isFrozen(plan)).toBe(true);
    expect(Object.isFrozen(plan.filters)).toBe(true);
    expect(QueryPlan.is(plan)).toBe(true);
    expect(QueryPlan.is({ kind: "KnnNode" })).toBe(false);
  });

  it("cloneWith...() returns a new frozen plan and leaves the original alone", () => {
    const plan = QueryPlan.create();
    const limited = QueryPlan.cloneWith(plan, { limit: 5 });
    const filtered = QueryPlan.cloneWithFilter(limited, FilterNode.create("x > 1", expr));
    expect(plan.limit).toBeUndefined();
    expect(limited.limit).toBe(5);
    expect(limited.filters).toHaveLength(0);
    expect(filtered.filters.map((f) => f.text)).toEqual(["x > 1"]);
    expect(Object.isFrozen(filtered)).toBe(true);
    expect(Object.isFrozen(filtered.filters)).toBe(true);
  });

  it("effectiveLimit() is the plan's limit, 10 for a vector search without one, none for a scan", () => {
    const knn = KnnNode.create(KnnNode.createLiteral(new Float32Array([1])));
    expect(QueryPlan.effectiveLimit(QueryPlan.create())).toBeUndefined();
    expect(QueryPlan.effectiveLimit(QueryPlan.cloneWith(QueryPlan.create(), { knn }))).toBe(10);
    expect(QueryPlan.effectiveLimit(QueryPlan.cloneWith(QueryPlan.create(), { knn, limit: 3 }))).toBe(3);
  });
});

describe("KnnNode", () => {
  it("defaults to l2, prefilter and no index parameters; cloneWith keeps it frozen", () => {
    const node = KnnNode.create(KnnNode.createLiteral(new Float32Array([1, 2])));
    expect(node).toMatchObject({ kind: "KnnNode", distanceType: "l2", postfilter: false, bypassVectorIndex: false });
    const changed = KnnNode.cloneWith(node, { distanceType: "dot", ef: 20 });
    expect(Object.isFrozen(changed)).toBe(true);
    expect(node.distanceType).toBe("l2");
    const two = KnnNode.cloneWithVector(changed, KnnNode.createLiteral(new Float32Array([3, 4])));
    expect(two.vectors).toHaveLength(2);
    expect(changed.vectors).toHaveLength(1);
    expect(KnnNode.is(two)).toBe(true);
  });
});

describe("ProjectionNode", () => {
  it("holds column refs and named expressions in order", () => {
    const node = ProjectionNode.create([ProjectionNode.createColumnRef("a"), ProjectionNode.createExpression("b2", "b * 2", expr)]);
    expect(node.columns.map(ProjectionNode.outputName)).toEqual(["a", "b2"]);
    expect(Object.isFrozen(node.columns)).toBe(true);
  });
});

describe("explainPlan()", () => {
  it("prints multi-vector searches per query vector, with deferred vectors described", () => {
    let knn = KnnNode.create(KnnNode.createLiteral(new Float32Array(12).fill(0.5)));
    knn = KnnNode.cloneWithVector(knn, KnnNode.createDeferred("embedding of 'red shoes'", async () => new Float32Array(12)));
    knn = KnnNode.cloneWith(knn, { distanceRange: { lower: 0.1 } });
    const plan = QueryPlan.cloneWith(QueryPlan.create(), { knn, offset: 2 });
    expect(explainPlan(plan, { tableName: "t" })).toBe(
      [
        "Projection: [query_index, *, _distance]",
        "  Limit: skip=2, fetch=10 per query vector",
        "    KnnSearch: column=auto, metric=l2, k=12, queries=2 (dims=12), flat, distanceRange=[0.1, +inf)",
        "      Scan: table='t', deleted rows excluded",
        "",
      ].join("\n"),
    );
    expect(explainPlan(plan, { verbose: true })).toContain(
      "vectors=[[0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, ... 4 more], <embedding of 'red shoes'>]",
    );
  });

  it("prints a full scan as a projection of everything over the scan", () => {
    expect(explainPlan(QueryPlan.create())).toBe("Projection: [*]\n  Scan: table=?, deleted rows excluded\n");
  });
});
