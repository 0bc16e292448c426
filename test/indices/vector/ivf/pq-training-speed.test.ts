import { describe, expect, it } from "vitest";
import { createCentroidBlock, findNearestCentroids } from "../../../../src/indices/vector/ivf/nearest-centroids.js";
import { slicePoints } from "../../../../src/indices/vector/ivf/pq-slice-points.js";
import { PQ_TOLERANCE, pqTraining } from "../../../../src/indices/vector/ivf/pq-training.js";
import type { ResidualSlices } from "../../../../src/indices/vector/ivf/encode-residuals.js";
import { createSeededRandom } from "../../../../src/indices/vector/ivf/seeded-random.js";
import { squaredL2At } from "../../../../src/indices/vector/ivf/vector-math.js";

function randomValues(count: number, seed: number): Float32Array {
  const random = createSeededRandom(seed);
  return Float32Array.from({ length: count }, () => random() * 2 - 1);
}

describe("8- and 16-dim nearest-codeword search (several points per pass)", () => {
  it.each([8, 16])("finds each point's nearest and second-nearest codeword, for every point count including the left-over ones (%i dims)", (dims) => {
    const codewords = 37;
    const block = createCentroidBlock(randomValues(codewords * dims, 1), codewords, dims);
    for (const count of [1, 2, 3, 4, 5, 7, 8, 13]) {
      const points = randomValues(count * dims, 100 + count);
      const out = { nearest: new Uint32Array(count), nearestDistance: new Float32Array(count), secondDistance: new Float32Array(count) };
      findNearestCentroids(points, count, block, out);
      for (let i = 0; i < count; i++) {
        const distances = Array.from({ length: codewords }, (_, c) => squaredL2At(points, i * dims, block.centroids, c * dims, dims));
        const sorted = [...distances].sort((a, b) => a - b);
        expect(distances[out.nearest[i]!]).toBe(sorted[0]);
        expect(out.nearestDistance[i]).toBeCloseTo(sorted[0]!, 4);
        expect(out.secondDistance[i]).toBeCloseTo(sorted[1]!, 4);
      }
    }
  });

  it.each([8, 16])("gives Infinity as the second distance with a single codeword (%i dims)", (dims) => {
    const block = createCentroidBlock(randomValues(dims, 2), 1, dims);
    const out = { nearest: new Uint32Array(5), nearestDistance: new Float32Array(5), secondDistance: new Float32Array(5) };
    findNearestCentroids(randomValues(5 * dims, 3), 5, block, out);
    expect(Array.from(out.nearest)).toEqual([0, 0, 0, 0, 0]);
    expect(Array.from(out.secondDistance)).toEqual([Infinity, Infinity, Infinity, Infinity, Infinity]);
  });
});

describe("slicePoints()", () => {
  it("reads and measures the same values as the residual slices it copies", () => {
    const dims = 12;
    const count = 9;
    const values = randomValues(count * dims, 4);
    const residuals: ResidualSlices = {
      count,
      dims,
      readSlice: (index, from, width, out, at) => out.set(values.subarray(index * dims + from, index * dims + from + width), at),
    };
    const points = slicePoints(residuals, 2, 4);
    expect(points.count).toBe(count);
    expect(points.dims).toBe(4);
    const row = new Float32Array(8);
    const centroid = Float32Array.of(0.5, -0.25, 0, 1);
    for (let i = 0; i < count; i++) {
      points.read(i, row, 1);
      expect(Array.from(row.subarray(4, 8))).toEqual(Array.from(values.subarray(i * dims + 8, i * dims + 12)));
      expect(points.squaredDistance!(i, centroid, 0)).toBeCloseTo(squaredL2At(values, i * dims + 8, centroid, 0, 4), 6);
    }
  });
});

describe("pqTraining() loss tolerance", () => {
  it("stops sub-vector k-means on PQ's own loss tolerance, with 8 and 4 bits", () => {
    expect(pqTraining(100_000, 256, 50).tolerance).toBe(PQ_TOLERANCE);
    expect(pqTraining(100_000, 256, 50, 4).tolerance).toBe(PQ_TOLERANCE);
  });
});
