import { describe, expect, it } from "vitest";
import { type DistanceKernel, type KernelSearchRequest, createTypeScriptKernel, getDistanceKernel } from "../../src/exec/distance-kernel.js";
import { GATHER_FRACTION, searchTopK } from "../../src/exec/knn-search.js";
import type { DistanceType } from "../../src/plan/index.js";
import { createRandom, randomVectors } from "./fake-snapshot.js";
import { referenceDistance } from "./reference.js";

/** A kernel that records every request it serves. */
function recording(inner: DistanceKernel): DistanceKernel & { calls: KernelSearchRequest[] } {
  const calls: KernelSearchRequest[] = [];
  return { name: inner.name, calls, search: (r) => (calls.push(r), inner.search(r)) };
}

function reference(
  dataset: Float32Array,
  dims: number,
  query: Float32Array,
  metric: DistanceType,
  k: number,
  keep: (row: number, d: number) => boolean,
): number[] {
  const rows = dataset.length / dims;
  return Array.from({ length: rows }, (_, r) => ({ r, d: referenceDistance(dataset.subarray(r * dims, (r + 1) * dims), query, metric) }))
    .filter((x) => keep(x.r, x.d))
    .sort((a, b) => a.d - b.d || a.r - b.r)
    .slice(0, k)
    .map((x) => x.r);
}

describe("searchTopK()", () => {
  const random = createRandom(3);
  const dims = 16;
  const rows = 1000;
  const dataset = randomVectors(random, rows, dims);
  const queries = randomVectors(random, 2, dims);
  const kernel = getDistanceKernel();

  it("finds the exact top-k for each query", () => {
    const hits = searchTopK({ dataset, rows, dims, queries, queryCount: 2, metric: "l2", k: 10, exclude: null, excludedCount: 0, kernel });
    for (let q = 0; q < 2; q++) {
      expect(Array.from(hits[q]!.rows)).toEqual(reference(dataset, dims, queries.subarray(q * dims, (q + 1) * dims), "l2", 10, () => true));
    }
  });

  it.each([
    ["a few excluded rows: search k + excluded and drop them", 0.02],
    ["most rows excluded: gather the rest and search only those", 0.9],
  ])("%s", (_label, fraction) => {
    const exclude = new Uint8Array(rows);
    let excludedCount = 0;
    for (let r = 0; r < rows; r++) if (random() < fraction) (exclude[r] = 1), excludedCount++;
    const k = 25;
    const spy = recording(kernel);
    const hits = searchTopK({ dataset, rows, dims, queries, queryCount: 2, metric: "cosine", k, exclude, excludedCount, kernel: spy });
    for (let q = 0; q < 2; q++) {
      const expected = reference(dataset, dims, queries.subarray(q * dims, (q + 1) * dims), "cosine", k, (r) => exclude[r] === 0);
      expect(Array.from(hits[q]!.rows)).toEqual(expected);
    }
    const gathered = excludedCount > rows * GATHER_FRACTION;
    expect(spy.calls[0]!.rows).toBe(gathered ? rows - excludedCount : rows);
  });

  it("returns fewer than k when fewer rows qualify, and nothing when none do", () => {
    const exclude = new Uint8Array(rows).fill(1);
    exclude[5] = 0;
    exclude[900] = 0;
    const two = searchTopK({ dataset, rows, dims, queries: queries.slice(0, dims), queryCount: 1, metric: "dot", k: 10, exclude, excludedCount: rows - 2, kernel });
    expect(Array.from(two[0]!.rows).sort((a, b) => a - b)).toEqual([5, 900]);
    const none = searchTopK({ dataset, rows, dims, queries, queryCount: 2, metric: "dot", k: 10, exclude: new Uint8Array(rows).fill(1), excludedCount: rows, kernel });
    expect(none.map((h) => h.rows.length)).toEqual([0, 0]);
  });

  it("applies a distance range before the top-k, widening the search past rows closer than the lower bound", () => {
    const query = queries.subarray(0, dims);
    const all = reference(dataset, dims, query, "l2", rows, () => true);
    const d = (r: number) => referenceDistance(dataset.subarray(r * dims, (r + 1) * dims), query, "l2");
    // Bounds halfway between neighbours, so float32 rounding cannot move a row across them.
    const lower = (d(all[199]!) + d(all[200]!)) / 2;
    const upper = (d(all[229]!) + d(all[230]!)) / 2;
    const hits = searchTopK({ dataset, rows, dims, queries: query.slice(), queryCount: 1, metric: "l2", k: 50, exclude: null, excludedCount: 0, lower, upper, kernel });
    expect(Array.from(hits[0]!.rows)).toEqual(all.slice(200, 230));
  });

  it("orders equal distances by row and takes the whole tie into account at the k-th place", () => {
    // 300 identical vectors, plus one nearer vector at the end.
    const tieDims = 4;
    const data = new Float32Array(301 * tieDims).fill(1);
    data.set([0.5, 0.5, 0.5, 0.5], 300 * tieDims);
    for (const k of [getDistanceKernel(), createTypeScriptKernel()]) {
      const hits = searchTopK({ dataset: data, rows: 301, dims: tieDims, queries: new Float32Array(tieDims), queryCount: 1, metric: "l2", k: 5, exclude: null, excludedCount: 0, kernel: k });
      expect(Array.from(hits[0]!.rows)).toEqual([300, 0, 1, 2, 3]);
    }
  });

  it("skips NaN distances", () => {
    const data = new Float32Array([NaN, 0, 1, 1, 2, 2]);
    const hits = searchTopK({ dataset: data, rows: 3, dims: 2, queries: new Float32Array([0, 0]), queryCount: 1, metric: "l2", k: 3, exclude: null, excludedCount: 0, kernel });
    expect(Array.from(hits[0]!.rows)).toEqual([1, 2]);
  });
});
