import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../../../src/errors.js";
import { computeDistances } from "../../../../src/exec/distance-kernel.js";
import { buildIvfPqIndex } from "../../../../src/indices/vector/ivf/index.js";
import type { DistanceType } from "../../../../src/plan/index.js";
import { expectQuiverError } from "../../../helpers/expect-error.js";
import { bruteForce, clusteredVectors, recallAtK } from "./clustered-vectors.js";

const dims = 32;
const rows = 4000;
const vectors = clusteredVectors(11, rows, dims, 40);
const queries = clusteredVectors(12, 50, dims, 40);
const metrics: DistanceType[] = ["l2", "cosine", "dot"];

describe("IvfPqIndex.search()", () => {
  it.each(metrics)("reaches recall@10 ≥ 0.9 with refineFactor on clustered data (%s)", async (distanceType) => {
    const index = await buildIvfPqIndex({ vectors, rows, dims }, { distanceType, numPartitions: 16, numSubVectors: 8, maxIterations: 20 });
    const truth = bruteForce(vectors, dims, queries, distanceType, 10);
    const approximate = recallAtK(index.search(queries, 50, 10, { nprobes: 16 }), truth);
    const refined = index.search(queries, 50, 10, { nprobes: 16, refineFactor: 10, vectors });
    const recall = recallAtK(refined, truth);
    expect(recall).toBeGreaterThanOrEqual(0.9);
    expect(recall).toBeGreaterThanOrEqual(approximate);
    // Refined distances are exact: brute force's for the rows returned.
    const all = new Float32Array(rows);
    computeDistances(vectors, rows, dims, queries.subarray(0, dims), distanceType, all);
    refined[0]!.positions.forEach((p, i) => expect(refined[0]!.distances[i]).toBe(all[p]));
  });

  it("approximate distances track the exact ones (l2)", async () => {
    const index = await buildIvfPqIndex({ vectors, rows, dims }, { numPartitions: 16, numSubVectors: 16, maxIterations: 20 });
    const query = queries.subarray(0, dims);
    const [hits] = index.search(query, 1, 50, { nprobes: 16 });
    const exact = new Float32Array(rows);
    computeDistances(vectors, rows, dims, query, "l2", exact);
    let error = 0;
    let total = 0;
    hits!.positions.forEach((p, i) => {
      error += Math.abs(hits!.distances[i]! - exact[p]!);
      total += exact[p]!;
    });
    expect(error / total).toBeLessThan(0.1);
  });

  it("re-ranks through a vectors function of positions", async () => {
    const index = await buildIvfPqIndex({ vectors, rows, dims }, { numPartitions: 16, numSubVectors: 8, maxIterations: 10 });
    const fetch = (positions: Uint32Array): Float32Array => {
      const out = new Float32Array(positions.length * dims);
      positions.forEach((p, i) => out.set(vectors.subarray(p * dims, (p + 1) * dims), i * dims));
      return out;
    };
    const five = queries.subarray(0, 5 * dims);
    const viaArray = index.search(five, 5, 10, { nprobes: 8, refineFactor: 4, vectors });
    const viaFunction = index.search(five, 5, 10, { nprobes: 8, refineFactor: 4, vectors: fetch });
    expect(viaFunction).toEqual(viaArray);
  });

  it("never returns excluded positions, and returns k while enough allowed rows are probed", async () => {
    const index = await buildIvfPqIndex({ vectors, rows, dims }, { numPartitions: 16, numSubVectors: 8, maxIterations: 10 });
    const exclude = (p: number): boolean => p % 2 === 1;
    for (const h of index.search(queries, 50, 10, { nprobes: 4, refineFactor: 3, vectors, exclude })) {
      expect(h.positions.length).toBe(10);
      for (const p of h.positions) expect(p % 2).toBe(0);
    }
  });

  it("refuses refineFactor without the original vectors, naming the fix", async () => {
    const index = await buildIvfPqIndex({ vectors, rows, dims }, { numPartitions: 4, numSubVectors: 4, maxIterations: 5 });
    await expectQuiverError(() => index.search(queries, 50, 10, { refineFactor: 2 }), InvalidArgumentError, "INVALID_ARGUMENT", "refineFactor 2 needs the original vectors", "Pass {vectors}");
  });
});

describe("buildIvfPqIndex()", () => {
  it("refuses a numSubVectors that does not divide the dimension", async () => {
    const error = await expectQuiverError(buildIvfPqIndex({ vectors, rows, dims }, { numSubVectors: 5 }), InvalidArgumentError, "INVALID_ARGUMENT", "numSubVectors must divide the vector dimension 32; got 5");
    expect(error.argument).toBe("numSubVectors");
  });

  it("refuses numBits other than 4 and 8 (4 is built: ivf-pq-4bit.test.ts)", async () => {
    const error = await expectQuiverError(buildIvfPqIndex({ vectors, rows, dims }, { numBits: 6 }), InvalidArgumentError, "INVALID_ARGUMENT", "numBits must be 4 or 8; got 6", "numBits: 4");
    expect(error.argument).toBe("numBits");
  });

  it("refuses fewer rows than PQ codes, with LanceDB's wording", async () => {
    await expectQuiverError(buildIvfPqIndex({ vectors: vectors.subarray(0, 100 * dims), rows: 100, dims }), InvalidArgumentError, "INVALID_ARGUMENT", "Not enough rows to train PQ. Requires 256 rows but only 100 available");
  });

  it("defaults to dims / 16 sub-vectors (dims / 8 when 16 does not divide)", async () => {
    const index = await buildIvfPqIndex({ vectors, rows, dims }, { numPartitions: 4, maxIterations: 3 });
    expect(index.quantizer.numSubVectors).toBe(2);
    const narrow = clusteredVectors(3, 300, 24, 4);
    expect((await buildIvfPqIndex({ vectors: narrow, rows: 300, dims: 24 }, { numPartitions: 2, maxIterations: 3 })).quantizer.numSubVectors).toBe(3);
  });
});
