import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../../../src/errors.js";
import { buildIvfFlatIndex } from "../../../../src/indices/vector/ivf/index.js";
import type { DistanceType } from "../../../../src/plan/index.js";
import { expectQuiverError } from "../../../helpers/expect-error.js";
import { bruteForce, clusteredVectors, recallAtK } from "./clustered-vectors.js";

const dims = 32;
const rows = 4000;
const vectors = clusteredVectors(1, rows, dims, 40);
const queries = clusteredVectors(2, 50, dims, 40);
const metrics: DistanceType[] = ["l2", "cosine", "dot"];

describe("IvfFlatIndex.search()", () => {
  it.each(metrics)("finds the exact top 10 with every partition probed (%s)", async (distanceType) => {
    const index = await buildIvfFlatIndex({ vectors, rows, dims }, { distanceType, numPartitions: 32 });
    const hits = index.search(queries, 50, 10, { nprobes: 32 });
    expect(recallAtK(hits, bruteForce(vectors, dims, queries, distanceType, 10))).toBe(1);
    for (const h of hits) {
      expect(h.positions.length).toBe(10);
      for (let i = 1; i < 10; i++) expect(h.distances[i]!).toBeGreaterThanOrEqual(h.distances[i - 1]!);
    }
  });

  it.each(metrics)("recall rises with nprobes (%s)", async (distanceType) => {
    const index = await buildIvfFlatIndex({ vectors, rows, dims }, { distanceType, numPartitions: 64 });
    const truth = bruteForce(vectors, dims, queries, distanceType, 10);
    const recalls = [1, 4, 16, 64].map((nprobes) => recallAtK(index.search(queries, 50, 10, { nprobes }), truth));
    for (let i = 1; i < recalls.length; i++) expect(recalls[i]!).toBeGreaterThanOrEqual(recalls[i - 1]!);
    expect(recalls[0]!).toBeLessThan(1);
    expect(recalls[3]).toBe(1);
  });

  it("returns distances as LanceDB defines them (l2 squared)", async () => {
    const index = await buildIvfFlatIndex({ vectors, rows, dims }, { numPartitions: 16 });
    const [hits] = index.search(vectors.slice(0, dims), 1, 1, { nprobes: 16 });
    expect(hits!.positions[0]).toBe(0);
    expect(hits!.distances[0]).toBe(0);
  });

  it("never returns excluded positions and still returns k when enough allowed rows are probed (mask and function)", async () => {
    const index = await buildIvfFlatIndex({ vectors, rows, dims }, { numPartitions: 20 });
    const mask = new Uint8Array(rows);
    for (let i = 0; i < rows; i++) if (i % 3 !== 0) mask[i] = 1;
    const truth = bruteForce(vectors, dims, queries, "l2", 10, (p) => mask[p] !== 0);
    for (const exclude of [mask, (p: number) => mask[p] !== 0]) {
      const hits = index.search(queries, 50, 10, { nprobes: 20, exclude });
      for (const h of hits) {
        expect(h.positions.length).toBe(10);
        for (const p of h.positions) expect(p % 3).toBe(0);
      }
      expect(recallAtK(hits, truth)).toBe(1);
    }
  });

  it("probes further partitions, up to maximumNprobes, when the first ones hold fewer than k allowed rows", async () => {
    const index = await buildIvfFlatIndex({ vectors, rows, dims }, { numPartitions: 40 });
    // Exclude every row of the query's nearest partition.
    const query = vectors.slice(0, dims);
    const { offsets, positions } = index.partitioning;
    const [first] = index.search(query, 1, 1, { nprobes: 1 });
    const home = Array.from({ length: 40 }, (_, p) => p).find((p) => positions.subarray(offsets[p]!, offsets[p + 1]!).includes(first!.positions[0]!))!;
    const mask = new Uint8Array(rows);
    for (let s = offsets[home]!; s < offsets[home + 1]!; s++) mask[positions[s]!] = 1;
    expect(index.search(query, 1, 5, { nprobes: 1, exclude: mask })[0]!.positions.length).toBe(0);
    const widened = index.search(query, 1, 5, { minimumNprobes: 1, maximumNprobes: 0, exclude: mask })[0]!;
    expect(widened.positions.length).toBe(5);
    for (const p of widened.positions) expect(mask[p]).toBe(0);
  });

  it("refuses malformed searches with the option named", async () => {
    const index = await buildIvfFlatIndex({ vectors, rows, dims }, { numPartitions: 8 });
    await expectQuiverError(() => index.search(new Float32Array(3), 1, 10), InvalidArgumentError, "INVALID_ARGUMENT", "queries", "1 × 32");
    await expectQuiverError(() => index.search(queries, 50, 0), InvalidArgumentError, "INVALID_ARGUMENT", "k must be an integer ≥ 1; got 0");
    await expectQuiverError(() => index.search(queries, 50, 10, { minimumNprobes: 5, maximumNprobes: 2 }), InvalidArgumentError, "INVALID_ARGUMENT", "maximum_nprobes must be greater than or equal to minimum_nprobes");
    await expectQuiverError(() => index.search(queries, 50, 10, { exclude: new Uint8Array(5) }), InvalidArgumentError, "INVALID_ARGUMENT", "exclude", "4000");
  });
});

describe("buildIvfFlatIndex()", () => {
  it("refuses more partitions than rows, naming the option and a fix", async () => {
    await expectQuiverError(buildIvfFlatIndex({ vectors: vectors.subarray(0, 10 * dims), rows: 10, dims }, { numPartitions: 11 }), InvalidArgumentError, "INVALID_ARGUMENT", "numPartitions", "got 11", "(10)");
  });

  it("refuses vectors with non-finite values", async () => {
    const bad = vectors.slice(0, 100 * dims);
    bad[5 * dims + 3] = Number.NaN;
    await expectQuiverError(buildIvfFlatIndex({ vectors: bad, rows: 100, dims }), InvalidArgumentError, "INVALID_ARGUMENT", "vector 5", "index 3");
  });

  it("defaults to √rows partitions", async () => {
    const index = await buildIvfFlatIndex({ vectors, rows, dims });
    expect(index.partitioning.numPartitions).toBe(63);
    expect(index.params).toMatchObject({ distanceType: "l2", sampleRate: 256, maxIterations: 50 });
  });
});
