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

describe("pruned searches give what a full search gives", () => {
  /** Index of the nearest of `k` centroids to row `i` of `data`, by brute force in float64. */
  function bruteNearest(data: Float32Array, i: number, centroids: Float32Array, k: number, dims: number): { index: number; distance: number } {
    let index = -1;
    let distance = Infinity;
    for (let c = 0; c < k; c++) {
      let d = 0;
      for (let j = 0; j < dims; j++) d += (data[i * dims + j]! - centroids[c * dims + j]!) ** 2;
      if (d < distance) (distance = d), (index = c);
    }
    return { index, distance };
  }

  function squaredTo(data: Float32Array, i: number, centroids: Float32Array, c: number, dims: number): number {
    let d = 0;
    for (let j = 0; j < dims; j++) d += (data[i * dims + j]! - centroids[c * dims + j]!) ** 2;
    return d;
  }

  it("k-means with many centroids (coarse first guess) returns each point's nearest final centroid, deterministically", async () => {
    const dims = 48;
    const n = 6000;
    const k = 90;
    const data = clusteredVectors(11, n, dims, 12, 0.6);
    const train = () => trainKMeans(pointsOf(data, dims), { k, maxIterations: 30, seed: 9, spherical: false, returnAssignments: true, pacer: WorkPacer.create("test", undefined) });
    const result = await train();
    const { centroids, assignments } = result;
    for (let i = 0; i < n; i++) {
      const best = bruteNearest(data, i, centroids, k, dims);
      if (assignments![i] !== best.index) expect(squaredTo(data, i, centroids, assignments![i]!, dims)).toBeCloseTo(best.distance, 3);
    }
    const again = await train();
    expect(Array.from(again.centroids)).toEqual(Array.from(centroids));
    expect(again.iterations).toBe(result.iterations);
  });

  it("assignPartitions() puts every row in its nearest partition (l2 and cosine)", async () => {
    const { assignPartitions } = await import("../../../../src/indices/vector/ivf/train-partitions.js");
    const dims = 40;
    const rows = 3000;
    const k = 100;
    const data = clusteredVectors(13, rows, dims, 10, 0.5);
    const centroids = clusteredVectors(14, k, dims, 10, 0.5);
    const partitions = await assignPartitions({ vectors: data, rows, dims }, centroids, k, false, WorkPacer.create("test", undefined));
    for (let i = 0; i < rows; i++) {
      const best = bruteNearest(data, i, centroids, k, dims);
      if (partitions[i] !== best.index) expect(squaredTo(data, i, centroids, partitions[i]!, dims)).toBeCloseTo(best.distance, 3);
    }
    // Cosine: rows are normalised before they are compared with (unit) centroids.
    const unit = (values: Float32Array, count: number): Float32Array => {
      const out = values.slice();
      for (let r = 0; r < count; r++) {
        let s = 0;
        for (let j = 0; j < dims; j++) s += out[r * dims + j]! ** 2;
        for (let j = 0; j < dims; j++) out[r * dims + j] = out[r * dims + j]! / Math.sqrt(s);
      }
      return out;
    };
    const unitCentroids = unit(centroids, k);
    const unitRows = unit(data, rows);
    const cosine = await assignPartitions({ vectors: data, rows, dims }, unitCentroids, k, true, WorkPacer.create("test", undefined));
    for (let i = 0; i < rows; i++) {
      const best = bruteNearest(unitRows, i, unitCentroids, k, dims);
      if (cosine[i] !== best.index) expect(squaredTo(unitRows, i, unitCentroids, cosine[i]!, dims)).toBeCloseTo(best.distance, 4);
    }
  });

  it("sampled points measure the distance they would read (plain and normalised)", async () => {
    const { sampledPoints } = await import("../../../../src/indices/vector/ivf/train-partitions.js");
    const dims = 36;
    const rows = 50;
    const data = clusteredVectors(15, rows, dims, 3);
    data.fill(0, 7 * dims, 8 * dims); // a zero vector stays zero when normalised
    const target = clusteredVectors(16, 2, dims, 1);
    for (const normalise of [false, true]) {
      const points = sampledPoints({ vectors: data, rows, dims }, Uint32Array.from([3, 7, 20, 49]), normalise);
      const row = new Float32Array(dims);
      for (let i = 0; i < points.count; i++) {
        points.read(i, row, 0);
        let expected = 0;
        for (let j = 0; j < dims; j++) expected += (row[j]! - target[dims + j]!) ** 2;
        expect(points.squaredDistance!(i, target, dims)).toBeCloseTo(expected, 4);
      }
    }
  });

  it("a mid-sized native search cut into single-threaded pieces finds what the TypeScript loops find", async () => {
    const { createTypeScriptKernel, getDistanceKernel } = await import("../../../../src/exec/distance-kernel.js");
    const { createCentroidBlock, findNearestCentroids } = await import("../../../../src/indices/vector/ivf/nearest-centroids.js");
    const dims = 64;
    const count = 300; // 300 × 120 × 64 ≈ 2.3M multiply-adds: between the kernel's threading threshold and the cut-off
    const points = clusteredVectors(17, count, dims, 8);
    const block = createCentroidBlock(clusteredVectors(18, 120, dims, 8), 120, dims);
    const out = () => ({ nearest: new Uint32Array(count), nearestDistance: new Float32Array(count), secondDistance: new Float32Array(count) });
    const native = out();
    const loops = out();
    findNearestCentroids(points, count, block, native, getDistanceKernel());
    findNearestCentroids(points, count, block, loops, createTypeScriptKernel());
    for (let i = 0; i < count; i++) {
      expect(native.nearestDistance[i]!).toBeCloseTo(loops.nearestDistance[i]!, 2);
      expect(native.secondDistance[i]!).toBeCloseTo(loops.secondDistance[i]!, 2);
    }
  });
});
