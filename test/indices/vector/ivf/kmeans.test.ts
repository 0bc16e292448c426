import { describe, expect, it } from "vitest";
import { OperationAbortedError } from "../../../../src/errors.js";
import { buildIvfFlatIndex, buildIvfPqIndex } from "../../../../src/indices/vector/ivf/index.js";
import { trainKMeans } from "../../../../src/indices/vector/ivf/kmeans.js";
import type { KMeansPoints } from "../../../../src/indices/vector/ivf/kmeans-points.js";
import { WorkPacer } from "../../../../src/indices/vector/ivf/work-pacer.js";
import { expectQuiverError } from "../../../helpers/expect-error.js";
import { clusteredVectors } from "./clustered-vectors.js";

function pointsOf(data: Float32Array, dims: number): KMeansPoints {
  return { count: data.length / dims, dims, read: (i, out, row) => out.set(data.subarray(i * dims, (i + 1) * dims), row * dims) };
}

describe("trainKMeans()", () => {
  it("finds well-separated clusters: every true cluster gets its own centroid", async () => {
    const dims = 8;
    // 5 tight clusters far apart.
    const data = clusteredVectors(5, 1000, dims, 5, 0.01);
    const { centroids, converged } = await trainKMeans(pointsOf(data, dims), { k: 5, maxIterations: 50, seed: 1, spherical: false, pacer: WorkPacer.create("test", undefined) });
    expect(converged).toBe(true);
    // Each point is within the cluster spread of some centroid.
    for (let i = 0; i < 1000; i += 37) {
      let best = Infinity;
      for (let c = 0; c < 5; c++) {
        let d = 0;
        for (let j = 0; j < dims; j++) d += (data[i * dims + j]! - centroids[c * dims + j]!) ** 2;
        best = Math.min(best, d);
      }
      expect(best).toBeLessThan(0.01);
    }
  });

  it("repairs empty clusters: with duplicate points no centroid is left without points", async () => {
    const dims = 4;
    // 3 distinct points, 60 copies each, 3 centroids: initialisation may pick duplicates.
    const data = new Float32Array(180 * dims);
    for (let i = 0; i < 180; i++) data.set([i % 3, (i % 3) * 2, 0, 1], i * dims);
    const { centroids } = await trainKMeans(pointsOf(data, dims), { k: 3, maxIterations: 20, seed: 3, spherical: false, pacer: WorkPacer.create("test", undefined) });
    const firsts = Array.from({ length: 3 }, (_, c) => Math.round(centroids[c * dims]!)).sort();
    expect(firsts).toEqual([0, 1, 2]);
  });
});

describe("IVF build progress and cancellation", () => {
  const dims = 32;
  const rows = 3000;
  const vectors = clusteredVectors(31, rows, dims, 30);

  it("reports progress from 0 to 1, never decreasing", async () => {
    const seen: number[] = [];
    await buildIvfPqIndex({ vectors, rows, dims }, { numPartitions: 20, numSubVectors: 4, maxIterations: 5, onProgress: (f) => seen.push(f) });
    expect(seen.length).toBeGreaterThan(3);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
    expect(seen[seen.length - 1]).toBe(1);
  });

  it("stops with OperationAbortedError when the signal fires during training", async () => {
    const controller = new AbortController();
    let calls = 0;
    const build = buildIvfFlatIndex(
      { vectors, rows, dims },
      { numPartitions: 50, signal: controller.signal, onProgress: () => (++calls === 3 ? controller.abort(new Error("user")) : undefined) },
    );
    const error = await expectQuiverError(build, OperationAbortedError, "ABORTED", "Building the IVF-Flat index was aborted");
    expect((error.cause as Error).message).toBe("user");
    expect(calls).toBe(3);
  });

  it("does not start when the signal has already fired", async () => {
    await expectQuiverError(buildIvfPqIndex({ vectors, rows, dims }, { numSubVectors: 4, signal: AbortSignal.abort() }), OperationAbortedError, "ABORTED");
  });

  it("yields to the event loop while it trains", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const big = clusteredVectors(32, 20000, 64, 50);
    await buildIvfFlatIndex({ vectors: big, rows: 20000, dims: 64 }, { numPartitions: 140, maxIterations: 10 });
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(2);
  });
});

describe("trainKMeans() stopping and assignments", () => {
  it("stops once the loss changes by less than the tolerance, and returns each point's nearest final centroid", async () => {
    const dims = 48;
    const n = 4000;
    const data = clusteredVectors(7, n, dims, 40, 0.5);
    const result = await trainKMeans(pointsOf(data, dims), { k: 60, maxIterations: 100, seed: 5, spherical: false, returnAssignments: true, pacer: WorkPacer.create("test", undefined) });
    expect(result.converged).toBe(true);
    expect(result.iterations).toBeLessThan(100);
    // The pruned searches give what a full search gives.
    const { centroids, assignments } = result;
    for (let i = 0; i < n; i++) {
      let best = -1;
      let bestDistance = Infinity;
      for (let c = 0; c < 60; c++) {
        let d = 0;
        for (let j = 0; j < dims; j++) d += (data[i * dims + j]! - centroids[c * dims + j]!) ** 2;
        if (d < bestDistance) (bestDistance = d), (best = c);
      }
      if (assignments![i] !== best) {
        let d = 0;
        for (let j = 0; j < dims; j++) d += (data[i * dims + j]! - centroids[assignments![i]! * dims + j]!) ** 2;
        expect(d).toBeCloseTo(bestDistance, 3);
      }
    }
  });

  it("runs to maxIterations with tolerance 0 unless the assignments stop changing", async () => {
    const dims = 40;
    const data = clusteredVectors(9, 2000, dims, 30, 0.5);
    const loose = await trainKMeans(pointsOf(data, dims), { k: 30, maxIterations: 60, seed: 2, spherical: false, pacer: WorkPacer.create("test", undefined) });
    const strict = await trainKMeans(pointsOf(data, dims), { k: 30, maxIterations: 60, seed: 2, spherical: false, tolerance: 0, pacer: WorkPacer.create("test", undefined) });
    expect(strict.iterations).toBeGreaterThanOrEqual(loose.iterations);
    expect(loose.assignments).toBeNull();
  });
});

describe("pqTraining()", () => {
  it("trains small tables on a quarter of their rows, at least 16 per codeword, at most 64", async () => {
    const { pqTraining } = await import("../../../../src/indices/vector/ivf/pq-training.js");
    expect(pqTraining(10_000, 256, 50).rows).toBe(4096);
    expect(pqTraining(40_000, 256, 50).rows).toBe(10_000);
    expect(pqTraining(100_000, 256, 50).rows).toBe(16_384);
    expect(pqTraining(300, 256, 50).rows).toBe(300);
  });
});
