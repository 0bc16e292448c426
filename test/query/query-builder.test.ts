import { describe, expect, it } from "vitest";
import { FilterSyntaxError, InvalidArgumentError, NotSupportedError } from "../../src/errors.js";
import { Query, VectorQuery } from "../../src/query/index.js";
import { expectQuiverError } from "../helpers/expect-error.js";
import { createVectorFixture } from "../exec/vector-fixture.js";

const fixture = createVectorFixture({ sizes: [30, 20], dims: 4, seed: 3 });
const v = [0.1, 0.2, 0.3, 0.4];

describe("Query / VectorQuery builders", () => {
  it("every chain method changes the builder and returns the same instance", () => {
    const q = fixture.query();
    expect(q.where("id > 1")).toBe(q);
    expect(q.filter("id < 100")).toBe(q);
    expect(q.select(["id"])).toBe(q);
    expect(q.limit(3)).toBe(q);
    expect(q.offset(1)).toBe(q);
    expect(q.withRowId()).toBe(q);
    expect(q.fastSearch()).toBe(q);
    expect(q.useLsm(false)).toBe(q);
    const vq = fixture.query().nearestTo(v);
    for (const call of [
      () => vq.column("vector"),
      () => vq.distanceType("cosine"),
      () => vq.postfilter(),
      () => vq.nprobes(4),
      () => vq.minimumNprobes(2),
      () => vq.maximumNprobes(8),
      () => vq.refineFactor(2),
      () => vq.ef(32),
      () => vq.bypassVectorIndex(),
      () => vq.distanceRange(0, 5),
      () => vq.addQueryVector(v),
      () => vq.where("id > 0"),
      () => vq.limit(2),
    ]) {
      expect(call()).toBe(vq);
    }
  });

  it("supports LanceDB's pattern of changing a builder in place before running it", async () => {
    const filter: string | undefined = "category = 'a'";
    const q = fixture.query().nearestTo(v);
    if (filter) q.where(filter);
    const rows = await q.limit(5).toArray();
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => r.category === "a")).toBe(true);
    expect(await q.explainPlan()).toContain("Filter: category = 'a' (prefilter)");
  });

  it("clone() branches: changes to the copy leave the original as it was", async () => {
    const base = fixture.query().where("id < 10");
    const branch = base.clone().limit(2).select(["id"]);
    expect(branch).not.toBe(base);
    expect(base.toPlan().limit).toBeUndefined();
    expect(await base.toArray()).toHaveLength(10);
    expect(await branch.toArray()).toHaveLength(2);
    const vq = fixture.query().nearestTo(v);
    const cosine = vq.clone().distanceType("cosine");
    expect(cosine).toBeInstanceOf(VectorQuery);
    expect(vq.toPlan().knn!.distanceType).toBe("l2");
    expect(cosine.toPlan().knn!.distanceType).toBe("cosine");
  });

  it("nearestTo() returns a new VectorQuery carrying the query's filter, columns, limit and offset", async () => {
    const q = fixture.query().where("id > 5").select(["id"]).limit(3).offset(1);
    const vq = q.nearestTo(v);
    expect(vq).toBeInstanceOf(VectorQuery);
    expect(q.toPlan().knn).toBeUndefined();
    expect(vq.toPlan()).toMatchObject({ limit: 3, offset: 1, filters: [{ text: "id > 5" }] });
    const rows = await vq.toArray();
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.id > 5)).toBe(true);
  });

  it("holds one frozen plan, replaced on every call", () => {
    const q = fixture.query().nearestTo(v);
    const before = q.toPlan();
    q.limit(4).distanceType("dot");
    const after = q.toPlan();
    expect(after).not.toBe(before);
    expect(Object.isFrozen(before)).toBe(true);
    expect(Object.isFrozen(after.knn)).toBe(true);
    expect(before.limit).toBeUndefined();
    expect(before.knn!.distanceType).toBe("l2");
    expect(after).toMatchObject({ limit: 4, knn: { distanceType: "dot" } });
  });

  it("copies the query vector, so changing the caller's array later changes nothing", () => {
    const mine = new Float32Array(v);
    const q = fixture.query().nearestTo(mine);
    mine[0] = 99;
    const node = q.toPlan().knn!.vectors[0]!;
    expect(node.kind === "QueryVectorLiteral" && Array.from(node.values)).toEqual(Array.from(new Float32Array(v)));
  });

  it("accepts number arrays and typed arrays of any numeric kind as query vectors", () => {
    for (const input of [v, new Float32Array(v), new Float64Array(v), new Uint8Array([1, 2, 3, 4]), new Int16Array([1, -2, 3, 4])]) {
      expect(fixture.query().nearestTo(input).toPlan().knn!.vectors).toHaveLength(1);
    }
    expect(fixture.query().nearestTo(v).distanceType("COSINE" as "cosine").toPlan().knn!.distanceType).toBe("cosine");
  });

  it("accepts the Arrow vector of a result row as a query vector", async () => {
    const [first] = await fixture.query().limit(1).toArray();
    const rows = await fixture.query().nearestTo(first.vector).limit(1).toArray();
    expect(rows[0].id).toBe(first.id);
    expect(rows[0]._distance).toBe(0);
  });

  it("builds without touching the table: only the terminal calls read a snapshot", async () => {
    const local = createVectorFixture({ sizes: [3] });
    const q = local.query().where("id > 0").select(["id"]).nearestTo([1, 2, 3, 4, 5, 6, 7, 8]).limit(2);
    expect(local.source.snapshots).toBe(0);
    await q.explainPlan(true);
    // explainPlan of a filtered query reads the version's index list (no rows) to name the scalar indexes it uses.
    expect(local.source.snapshots).toBe(1);
    await q.toArray();
    expect(local.source.snapshots).toBe(2);
    await local.query().select(["id"]).explainPlan();
    expect(local.source.snapshots).toBe(2);
  });
});

describe("argument checks", () => {
  const q = () => fixture.query();
  const vq = () => fixture.query().nearestTo(v);
  const invalid = (fn: () => unknown, ...parts: string[]) => expectQuiverError(fn, InvalidArgumentError, "INVALID_ARGUMENT", ...parts);

  it("limit() takes a non-negative integer; a vector search needs at least 1", async () => {
    await invalid(() => q().limit(-1), "limit(-1)", "non-negative integer");
    await invalid(() => q().limit(1.5), "limit(1.5)");
    await invalid(() => q().limit("3" as unknown as number), "limit(\"3\")");
    await invalid(() => q().limit(Number.NaN), "limit(NaN)");
    expect(q().limit(0).toPlan().limit).toBe(0);
    await invalid(() => vq().limit(0), "limit(0)", "positive integer", "k must be positive");
    await invalid(() => q().limit(0).nearestTo(v), "limit(0)", "k must be positive");
  });

  it("offset() takes a non-negative integer", async () => {
    await invalid(() => q().offset(-1), "offset(-1)", "non-negative integer");
    await invalid(() => vq().offset(2.5), "offset(2.5)");
  });

  it("query vectors must be non-empty arrays of finite numbers", async () => {
    await invalid(() => q().nearestTo([]), "nearestTo", "empty");
    await invalid(() => q().nearestTo([1, Number.NaN]), "nearestTo", "non-finite value at index 1");
    await invalid(() => q().nearestTo([1, Infinity]), "index 1");
    await invalid(() => q().nearestTo(new Float64Array([1, 1e300])), "index 1", "too large for float32");
    await invalid(() => q().nearestTo([1, "2"] as unknown as number[]), "element 1", '"2"');
    await invalid(() => q().nearestTo("hello" as unknown as number[]), "nearestTo", "expected a query vector");
    await invalid(() => q().nearestTo([[1, 2], [3, 4]] as unknown as number[]), "array of vectors", "addQueryVector");
    await invalid(() => q().nearestTo(new BigInt64Array(2) as unknown as number[]), "BigInt64Array");
    await invalid(() => vq().addQueryVector([1, 2]), "addQueryVector", "same dimension", "4 values", "this one 2");
  });

  it("distanceType() takes l2, cosine or dot and says so", async () => {
    await invalid(() => vq().distanceType("euclid" as "l2"), "Invalid distance type \"euclid\"", "l2, cosine or dot");
    await invalid(() => vq().distanceType("hamming"), "binary (uint8) vectors");
  });

  it("select() takes non-empty, distinct names or a non-empty mapping of names to SQL", async () => {
    await invalid(() => q().select([]), "at least one column");
    await invalid(() => q().select(["id", ""]), "column 1");
    await invalid(() => q().select(["id", "id"]), "duplicate column name 'id'");
    await invalid(() => q().select({}), "mapping is empty");
    await invalid(() => q().select({ x: "" }), "expression for 'x'");
    await invalid(() => q().select(new Map([["x", 3 as unknown as string]])), "expression for 'x'");
    await invalid(() => q().select(42 as unknown as string[]), "select(42)");
    await expectQuiverError(() => q().select({ x: "id +" }), FilterSyntaxError, "FILTER_SYNTAX");
  });

  it("where() takes a non-empty predicate and parses it at once", async () => {
    await invalid(() => q().where(""), "where", "non-empty string");
    await invalid(() => q().where(7 as unknown as string), "where(7)");
    await expectQuiverError(() => q().where("id >"), FilterSyntaxError, "FILTER_SYNTAX");
  });

  it("index parameters are checked even though no index uses them yet", async () => {
    await invalid(() => vq().nprobes(0), "nprobes(0)", "positive integer");
    await invalid(() => vq().minimumNprobes(0), "minimum_nprobes must be greater than 0");
    await invalid(() => vq().maximumNprobes(2).minimumNprobes(5), "maximum_nprobes must be greater than or equal to minimum_nprobes");
    await invalid(() => vq().minimumNprobes(5).maximumNprobes(2), "maximum_nprobes must be greater than or equal to minimum_nprobes");
    expect(vq().minimumNprobes(5).maximumNprobes(0).toPlan().knn).toMatchObject({ minimumNprobes: 5, maximumNprobes: 0 });
    await invalid(() => vq().refineFactor(0), "refineFactor(0)");
    await invalid(() => vq().ef(-3), "ef(-3)");
    await invalid(() => vq().column(""), "column", "non-empty string");
  });

  it("distanceRange() takes numbers or undefined, lower not above upper", async () => {
    await invalid(() => vq().distanceRange(Number.NaN, 1), "lowerBound");
    await invalid(() => vq().distanceRange(5, 1), "distanceRange(5, 1)", "Swap the bounds");
    expect(vq().distanceRange(undefined, 3).toPlan().knn!.distanceRange).toEqual({ lower: undefined, upper: 3 });
    expect(vq().distanceRange().toPlan().knn!.distanceRange).toBeUndefined();
  });

  it("execution options are checked before running", async () => {
    await expectQuiverError(q().toArrow({ maxBatchLength: 0 }), InvalidArgumentError, "INVALID_ARGUMENT", "maxBatchLength");
    await expectQuiverError(q().toArray({ timeoutMs: -5 }), InvalidArgumentError, "INVALID_ARGUMENT", "timeoutMs");
  });

  it("features Quiver lacks fail with NotSupportedError and a way forward", async () => {
    await expectQuiverError(() => q().orderBy({ columnName: "id" }), NotSupportedError, "NOT_SUPPORTED", "toArray()");
    await expectQuiverError(() => q().useLsm(true), NotSupportedError, "NOT_SUPPORTED", "MemWAL");
  });

  it("fullTextSearch and nearestToText record the search; rerank refuses a non-reranker at once", async () => {
    expect(q().fullTextSearch("shoes", { columns: "name" }).toPlan().fts).toMatchObject({ text: "shoes", columns: ["name"] });
    expect(q().nearestToText("shoes").toPlan().fts!.query).toMatchObject({ kind: "FtsMatch", text: "shoes" });
    await expectQuiverError(() => q().fullTextSearch("  "), InvalidArgumentError, "INVALID_ARGUMENT", "non-empty string");
    await expectQuiverError(() => vq().rerank({} as never), InvalidArgumentError, "INVALID_ARGUMENT", "rerankHybrid");
  });
});

describe("Query.explainPlan()", () => {
  it("describes a plain query without reading data, then the query returns what it says", async () => {
    const q = fixture.query().where("id >= 4").select(["id", "score"]).limit(3).offset(2).withRowId();
    expect(await q.explainPlan()).toBe(
      [
        "Projection: [id, score, _rowid]",
        "  Limit: skip=2, fetch=3",
        "    Filter: id >= 4",
        "      Scan: table='items', deleted rows excluded, withRowId=true",
        "",
      ].join("\n"),
    );
    expect((await q.toArray()).map((r) => r.id)).toEqual([6, 7, 8]);
  });

  it("describes a vector search: prefilter below the search, postfilter above it, verbose adds index parameters", async () => {
    const vq = fixture.query().nearestTo([1, 0, 0, 0]).where("category = 'b'").distanceType("cosine").limit(4).nprobes(8).refineFactor(3);
    expect(await vq.explainPlan()).toBe(
      [
        "Projection: [*, _distance]",
        "  Limit: skip=0, fetch=4",
        "    KnnSearch: column=auto, metric=cosine, k=4, queries=1 (dims=4), flat",
        "      Filter: category = 'b' (prefilter)",
        "        Scan: table='items', deleted rows excluded",
        "",
      ].join("\n"),
    );
    const verbose = await vq.postfilter().column("vector").explainPlan(true);
    expect(verbose).toContain("    Filter: category = 'b' (postfilter)\n      KnnSearch: column=vector");
    expect(verbose).toContain("minimumNprobes=8, maximumNprobes=8, refineFactor=3");
    expect(verbose).toContain("vectors=[[1, 0, 0, 0]]");
    const rows = await vq.toArray();
    expect(rows.length).toBeLessThanOrEqual(4);
    expect(rows.every((r) => r.category === "b")).toBe(true);
  });

  it("describes full-text and hybrid searches without reading data", async () => {
    const fts = fixture.query().fullTextSearch('"red shoes" cheap', { columns: "name" }).where("id > 2").select(["id"]).limit(5);
    expect(await fts.explainPlan()).toBe(
      [
        "Projection: [id, _score]",
        "  Limit: skip=0, fetch=5",
        '    FullTextSearch: query=boolean(SHOULD phrase("red shoes"), SHOULD match("cheap")), columns=[name], k=5, BM25',
        "      Filter: id > 2 (prefilter)",
        "        Scan: table='items', deleted rows excluded",
        "",
      ].join("\n"),
    );
    const hybrid = fixture.query().nearestTo(v).fullTextSearch("shoes").limit(15).withRowId();
    expect(await hybrid.explainPlan()).toBe(
      [
        "Projection: [*, _relevance_score, _rowid]",
        "  Limit: skip=0, fetch=15",
        "    Rerank: RRFReranker(k=60), candidates=30 per search",
        "      KnnSearch: column=auto, metric=l2, k=30, queries=1 (dims=4), flat",
        '        FullTextSearch: query=match("shoes"), columns=auto, k=30, BM25',
        "          Scan: table='items', deleted rows excluded, withRowId=true",
        "",
      ].join("\n"),
    );
  });

  it("analyzePlan() runs the query and adds what it did", async () => {
    const report = await fixture.query().nearestTo(v).limit(2).analyzePlan();
    expect(report).toContain("KnnSearch:");
    expect(report).toMatch(/Metrics: fragments=2, fragments_read=2, rows_scanned=50, rows_selected=50, output_rows=2, kernel=usearch, elapsed=/);
  });

  it("outputSchema() reports the result columns without reading data", async () => {
    const local = createVectorFixture({ sizes: [4, 4], dims: 4 });
    const schema = await local.query().nearestTo(v).addQueryVector(v).select({ id: "id", s: "score + 1" }).withRowId().outputSchema();
    expect(schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(["query_index:Int32", "id:Int32", "s:Float64", "_distance:Float32", "_rowid:Uint64"]);
    expect(local.snapshot.loads).toEqual([0, 0]);
  });
});

describe("Query construction", () => {
  it("a Query is made from a source and starts as a scan of everything", () => {
    const q = new Query(fixture.source);
    expect(q.toPlan()).toMatchObject({ kind: "QueryPlan", filters: [], offset: 0, withRowId: false });
    expect(q.toPlan().knn).toBeUndefined();
  });
});
