import { describe, expect, it } from "vitest";
import {
  type DistanceKernel,
  computeDistances,
  createTypeScriptKernel,
  getDistanceKernel,
  loadNativeKernel,
  selectSmallest,
} from "../../src/exec/distance-kernel.js";
import type { DistanceType } from "../../src/plan/index.js";
import { createRandom, randomVectors } from "./fake-snapshot.js";
import { referenceDistance } from "./reference.js";

const METRICS: DistanceType[] = ["l2", "cosine", "dot"];
const native = loadNativeKernel();
const typescript = createTypeScriptKernel();
const kernels: [string, DistanceKernel][] = [["typescript", typescript], ...(native ? [["usearch", native] as [string, DistanceKernel]] : [])];

describe("loadNativeKernel()", () => {
  it("loads usearch on this platform, and getDistanceKernel() prefers it", () => {
    expect(native?.name).toBe("usearch");
    expect(getDistanceKernel().name).toBe("usearch");
  });
});

describe.each(kernels)("DistanceKernel.search() (%s)", (_name, kernel) => {
  const random = createRandom(7);
  const dims = 24;
  const rows = 500;
  const dataset = randomVectors(random, rows, dims);
  const queries = randomVectors(random, 3, dims);

  it.each(METRICS)("%s distances match the plain float64 definition and come back ascending", (metric) => {
    const count = 20;
    const result = kernel.search({ dataset, rows, dims, queries, queryCount: 3, count, metric });
    expect(result.rows).toHaveLength(3 * count);
    for (let q = 0; q < 3; q++) {
      const query = queries.subarray(q * dims, (q + 1) * dims);
      const expected = Array.from({ length: rows }, (_, r) => ({
        r,
        d: referenceDistance(dataset.subarray(r * dims, (r + 1) * dims), query, metric),
      })).sort((a, b) => a.d - b.d);
      for (let i = 0; i < count; i++) {
        expect(result.rows[q * count + i]).toBe(expected[i]!.r);
        expect(result.distances[q * count + i]).toBeCloseTo(expected[i]!.d, 4);
      }
    }
  });

  it("returns every row when count equals the number of rows", () => {
    const result = kernel.search({ dataset, rows, dims, queries: queries.slice(0, dims), queryCount: 1, count: rows, metric: "l2" });
    expect(new Set(result.rows).size).toBe(rows);
    for (let i = 1; i < rows; i++) expect(result.distances[i]!).toBeGreaterThanOrEqual(result.distances[i - 1]!);
  });

  it("refuses a dataset view that does not start at byte 0 (the native kernel would read the wrong rows)", () => {
    const padded = new Float32Array(dims + rows * dims);
    padded.set(dataset, dims);
    expect(() =>
      kernel.search({ dataset: padded.subarray(dims), rows, dims, queries: queries.slice(0, dims), queryCount: 1, count: 1, metric: "l2" }),
    ).toThrow(/malformed request/);
  });

  it("follows usearch's conventions for zero vectors under cosine", () => {
    const data = new Float32Array([0, 0, 1, 0, 0, 1]);
    const zero = kernel.search({ dataset: data, rows: 3, dims: 2, queries: new Float32Array([0, 0]), queryCount: 1, count: 3, metric: "cosine" });
    expect(Array.from(zero.distances)).toEqual([0, 1, 1]);
    const unit = kernel.search({ dataset: data, rows: 3, dims: 2, queries: new Float32Array([1, 0]), queryCount: 1, count: 3, metric: "cosine" });
    expect(unit.rows[0]).toBe(1);
    expect(Array.from(unit.distances)).toEqual([0, 1, 1]);
  });
});

describe("createTypeScriptKernel()", () => {
  it.runIf(native !== null).each(METRICS)("ranks %s results exactly as usearch does (384 dims, 2000 rows)", (metric) => {
    const random = createRandom(11);
    const dims = 384;
    const rows = 2000;
    const dataset = randomVectors(random, rows, dims);
    const queries = randomVectors(random, 4, dims);
    const request = { dataset, rows, dims, queries, queryCount: 4, count: 50, metric };
    const a = typescript.search(request);
    const b = native!.search(request);
    expect(Array.from(a.rows)).toEqual(Array.from(b.rows));
    for (let i = 0; i < a.distances.length; i++) expect(a.distances[i]).toBeCloseTo(b.distances[i]!, 3);
  });
});

describe("selectSmallest()", () => {
  it("returns the k smallest ascending, ties by index, NaN last", () => {
    const distances = new Float32Array([5, 1, NaN, 1, 0, 7, 1]);
    const out = new Uint32Array(5);
    selectSmallest(distances, 5, out);
    expect(Array.from(out)).toEqual([4, 1, 3, 6, 0]);
    const all = new Uint32Array(7);
    selectSmallest(distances, 7, all);
    expect(Array.from(all)).toEqual([4, 1, 3, 6, 0, 5, 2]);
  });

  it("computeDistances() writes one distance per row", () => {
    const out = new Float32Array(2);
    computeDistances(new Float32Array([1, 2, 3, 4]), 2, 2, new Float32Array([1, 1]), "dot", out);
    expect(Array.from(out)).toEqual([1 - 3, 1 - 7]);
  });
});
