import { describe, expect, it } from "vitest";
import { buildIvfFlatIndex, buildIvfPqIndex, extendIvfFlatIndex, extendIvfPqIndex } from "../../../../src/indices/vector/ivf/index.js";
import { bruteForce, clusteredVectors } from "./clustered-vectors.js";

const dims = 16;
const vectors = clusteredVectors(21, 1500, dims, 12);
const old = vectors.subarray(0, 1000 * dims);
const added = vectors.slice(1000 * dims);
// Drop every tenth old row.
const keep = Uint8Array.from({ length: 1000 }, (_, i) => (i % 10 === 0 ? 0 : 1));
// The expected vector set of the result: kept old rows in order, then the added ones.
const expected = new Float32Array((900 + 500) * dims);
for (let i = 0, n = 0; i < 1000; i++) if (keep[i]) expected.set(old.subarray(i * dims, (i + 1) * dims), n++ * dims);
expected.set(added, 900 * dims);
const queries = clusteredVectors(22, 20, dims, 12);

describe("extendIvfFlatIndex / extendIvfPqIndex", () => {
  it("drops unkept rows and assigns added ones to the trained partitions (IVF-Flat probing all is exact)", async () => {
    const index = await buildIvfFlatIndex({ vectors: old, rows: 1000, dims }, { numPartitions: 8 });
    const next = await extendIvfFlatIndex(index, { keep, added: { vectors: added, rows: 500, dims } });
    expect(next.rows).toBe(1400);
    expect(next.partitioning.centroids).toEqual(index.partitioning.centroids);
    const truth = bruteForce(expected, dims, queries, "l2", 10);
    const found = next.search(queries, 20, 10, { nprobes: 8 });
    found.forEach((hits, q) => expect(Array.from(hits.positions)).toEqual(truth[q]));
  });

  it("keeps the codebook and old codes of IVF-PQ and encodes added rows", async () => {
    const index = await buildIvfPqIndex({ vectors: old, rows: 1000, dims }, { numPartitions: 8, numSubVectors: 4 });
    const next = await extendIvfPqIndex(index, { keep: null, added: { vectors: added, rows: 500, dims } });
    expect(next.rows).toBe(1500);
    expect(next.quantizer).toBe(index.quantizer);
    // An old row's quantized distance is unchanged; an added row is found near itself.
    const [before] = index.search(queries.subarray(0, dims), 1, 5, { nprobes: 8 });
    const [after] = next.search(queries.subarray(0, dims), 1, 1000, { nprobes: 8 });
    const distanceAfter = new Map(Array.from(after!.positions, (p, i) => [p, after!.distances[i]!]));
    before!.positions.forEach((p, i) => expect(distanceAfter.get(p)).toBeCloseTo(before!.distances[i]!, 5));
    const [self] = next.search(added.slice(7 * dims, 8 * dims), 1, 5, { nprobes: 8, refineFactor: 10, vectors });
    expect(self!.positions[0]).toBe(1007);
  });
});
