// IVF-PQ with numBits 4: packing (two codes a byte, low nibble first), training
// with 16 codewords, search through the byte table, the pq.bin codec (4-bit
// files, and 8-bit files written before 4-bit codes existed), and extending.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CorruptTableError, InvalidArgumentError } from "../../../../src/errors.js";
import {
  IVF_FILE,
  PQ_FILE,
  type IvfPqIndex,
  buildIvfPqIndex,
  decodeIvfPqIndex,
  encodeIvfPqIndex,
  extendIvfPqIndex,
} from "../../../../src/indices/vector/ivf/index.js";
import { buildByteLookupTable } from "../../../../src/indices/vector/ivf/pq-byte-table.js";
import { pqCodeBytes, readCode, writeCode } from "../../../../src/indices/vector/ivf/pq-code-layout.js";
import { pqTraining } from "../../../../src/indices/vector/ivf/pq-training.js";
import { buildLookupTable } from "../../../../src/indices/vector/ivf/product-quantizer.js";
import type { DistanceType } from "../../../../src/plan/index.js";
import { expectQuiverError } from "../../../helpers/expect-error.js";
import { bruteForce, clusteredVectors, recallAtK } from "./clustered-vectors.js";

const dims = 32;
const rows = 4000;
const vectors = clusteredVectors(11, rows, dims, 40);
const queries = clusteredVectors(12, 50, dims, 40);

/** The vector a row's codes stand for: its partition's centroid plus the codewords of its codes. */
function reconstruct(index: IvfPqIndex, slot: number, partition: number): Float32Array {
  const { numSubVectors: m, subDims, codebook } = index.quantizer;
  const out = index.partitioning.centroids.slice(partition * dims, (partition + 1) * dims);
  const rowStart = slot * pqCodeBytes(m, 4);
  for (let s = 0; s < m; s++) {
    const code = readCode(index.encoded.codes, rowStart, s, 4);
    for (let j = 0; j < subDims; j++) out[s * subDims + j]! += codebook[(s * 16 + code) * subDims + j]!;
  }
  return out;
}

function partitionOfSlot(index: IvfPqIndex, slot: number): number {
  const { offsets, numPartitions } = index.partitioning;
  for (let p = 0; p < numPartitions; p++) if (slot < offsets[p + 1]!) return p;
  throw new Error(`slot ${slot} out of range`);
}

describe("4-bit code layout", () => {
  it("packs slice 2i in the low nibble and 2i + 1 in the high nibble; an odd last slice leaves the high nibble 0", () => {
    expect(pqCodeBytes(48, 4)).toBe(24);
    expect(pqCodeBytes(5, 4)).toBe(3);
    expect(pqCodeBytes(5, 8)).toBe(5);
    const codes = new Uint8Array(2 * 3);
    [0x1, 0xa, 0xf, 0x3, 0x7].forEach((code, s) => writeCode(codes, 3, s, code, 4));
    expect(Array.from(codes)).toEqual([0, 0, 0, 0xa1, 0x3f, 0x07]);
    expect([0, 1, 2, 3, 4].map((s) => readCode(codes, 3, s, 4))).toEqual([0x1, 0xa, 0xf, 0x3, 0x7]);
  });
});

describe("pqTraining() with numBits 4", () => {
  it("samples LanceDB's sampleRate × 16 rows, at least 16 per codeword, and the 8-bit budget is unchanged", () => {
    expect(pqTraining(100_000, 256, 50, 4)).toMatchObject({ rows: 4096, numBits: 4 });
    expect(pqTraining(100_000, 64, 50, 4).rows).toBe(1024);
    expect(pqTraining(2000, 256, 50, 4).rows).toBe(500);
    expect(pqTraining(100, 256, 50, 4).rows).toBe(100);
    expect(pqTraining(16, 256, 50, 4).rows).toBe(16);
    expect(pqTraining(100_000, 256, 50)).toMatchObject({ rows: 16_384, numBits: 8 });
  });
});

describe("IvfPqIndex with numBits 4", () => {
  it.each(["l2", "cosine", "dot"] as DistanceType[])("reaches recall@10 ≥ 0.9 with refineFactor on clustered data (%s)", async (distanceType) => {
    const index = await buildIvfPqIndex({ vectors, rows, dims }, { distanceType, numPartitions: 16, numSubVectors: 16, numBits: 4, maxIterations: 20 });
    expect(index.params.numBits).toBe(4);
    expect(index.quantizer.codebook.length).toBe(16 * 16 * 2);
    expect(index.encoded.codes.length).toBe(rows * 8);
    const truth = bruteForce(vectors, dims, queries, distanceType, 10);
    const approximate = recallAtK(index.search(queries, 50, 10, { nprobes: 16 }), truth);
    const recall = recallAtK(index.search(queries, 50, 10, { nprobes: 16, refineFactor: 10, vectors }), truth);
    expect(recall).toBeGreaterThanOrEqual(0.9);
    expect(recall).toBeGreaterThanOrEqual(approximate);
  });

  it("scores a row as the l2 distance to its decoded vector (centroid + codewords of both nibbles)", async () => {
    const index = await buildIvfPqIndex({ vectors, rows, dims }, { numPartitions: 8, numSubVectors: 8, numBits: 4, maxIterations: 10 });
    const query = queries.subarray(0, dims);
    const [hits] = index.search(query, 1, 30, { nprobes: 8 });
    const slotOf = new Map(Array.from(index.partitioning.positions, (p, s) => [p, s]));
    hits!.positions.forEach((position, i) => {
      const slot = slotOf.get(position)!;
      const decoded = reconstruct(index, slot, partitionOfSlot(index, slot));
      let exact = 0;
      for (let j = 0; j < dims; j++) exact += (query[j]! - decoded[j]!) ** 2;
      expect(hits!.distances[i]).toBeCloseTo(exact, 3);
    });
  });

  it("handles an odd numSubVectors: the last byte of a row holds one code", async () => {
    const narrow = 20;
    const data = clusteredVectors(13, 2000, narrow, 20);
    const asked = clusteredVectors(14, 30, narrow, 20);
    const index = await buildIvfPqIndex({ vectors: data, rows: 2000, dims: narrow }, { numPartitions: 8, numSubVectors: 5, numBits: 4, maxIterations: 10 });
    expect(index.encoded.codes.length).toBe(2000 * 3);
    for (let s = 0; s < 2000; s++) expect(index.encoded.codes[s * 3 + 2]! >> 4).toBe(0);
    // The byte table adds the same as the five slice lookups.
    const slices = buildLookupTable(index.quantizer, asked, 0);
    const bytes = buildByteLookupTable(index.quantizer, asked, 0);
    for (const s of [0, 17, 1999]) {
      let bySlice = 0;
      let byByte = 0;
      for (let m = 0; m < 5; m++) bySlice += slices[m * 16 + readCode(index.encoded.codes, s * 3, m, 4)]!;
      for (let j = 0; j < 3; j++) byByte += bytes[j * 256 + index.encoded.codes[s * 3 + j]!]!;
      expect(byByte).toBeCloseTo(bySlice, 4);
    }
    // 5 × 4 bits is a 20-bit code for 20 dimensions: coarse, so a deeper re-rank (10 gave 0.82, as 4 even slices do).
    const truth = bruteForce(data, narrow, asked, "l2", 10);
    expect(recallAtK(index.search(asked, 30, 10, { nprobes: 8, refineFactor: 20, vectors: data }), truth)).toBeGreaterThanOrEqual(0.9);
  });

  it("needs 16 rows, refusing fewer with LanceDB's wording", async () => {
    const tiny = clusteredVectors(15, 16, dims, 2);
    const index = await buildIvfPqIndex({ vectors: tiny, rows: 16, dims }, { numBits: 4, numSubVectors: 4 });
    expect(index.rows).toBe(16);
    const error = await expectQuiverError(
      buildIvfPqIndex({ vectors: tiny.subarray(0, 15 * dims), rows: 15, dims }, { numBits: 4 }),
      InvalidArgumentError,
      "INVALID_ARGUMENT",
      "Not enough rows to train PQ. Requires 16 rows but only 15 available",
      "numBits 4",
    );
    expect(error.argument).toBe("numBits");
    await expectQuiverError(buildIvfPqIndex({ vectors: tiny, rows: 16, dims }), InvalidArgumentError, "INVALID_ARGUMENT", "Requires 256 rows but only 16 available", "numBits: 4");
  });
});

describe("pq.bin with 4-bit codes", () => {
  const small = clusteredVectors(21, 1500, 16, 12);
  const asked = clusteredVectors(22, 8, 16, 12);

  it("round-trips byte for byte, records num_bits 4, and searches the same", async () => {
    const index = await buildIvfPqIndex({ vectors: small, rows: 1500, dims: 16 }, { numPartitions: 8, numSubVectors: 4, numBits: 4, maxIterations: 10 });
    const files = encodeIvfPqIndex(index);
    expect(new TextDecoder().decode(files[PQ_FILE]!.subarray(0, 200))).toContain('"num_bits":4');
    const decoded = decodeIvfPqIndex(files);
    expect(decoded.params).toEqual(index.params);
    expect(decoded.quantizer.numBits).toBe(4);
    expect(decoded.encoded.codes.length).toBe(1500 * 2);
    const again = encodeIvfPqIndex(decoded);
    expect(again[IVF_FILE]).toEqual(files[IVF_FILE]);
    expect(again[PQ_FILE]).toEqual(files[PQ_FILE]);
    expect(decoded.search(asked, 8, 10, { nprobes: 4 })).toEqual(index.search(asked, 8, 10, { nprobes: 4 }));
  });

  it("refuses a num_bits other than 4 or 8 as corrupt", async () => {
    const index = await buildIvfPqIndex({ vectors: small, rows: 1500, dims: 16 }, { numPartitions: 4, numSubVectors: 4, numBits: 4, maxIterations: 3 });
    const files = encodeIvfPqIndex(index);
    const patched = files[PQ_FILE]!.slice();
    const at = new TextDecoder().decode(patched.subarray(0, 200)).indexOf('"num_bits":4') + '"num_bits":'.length;
    patched[at] = "6".charCodeAt(0);
    await expectQuiverError(() => decodeIvfPqIndex({ ...files, [PQ_FILE]: patched }), CorruptTableError, "CORRUPT_TABLE", "num_bits is 6, expected 4 or 8");
  });

  it("still decodes an 8-bit index written before 4-bit codes existed, searching as it did then", () => {
    // test/fixtures/ivf-pq-8bit: 300 × 8 clustered rows (seed 31, 6 clusters), 4 partitions, 2 sub-vectors, l2.
    const dir = new URL("../../../fixtures/ivf-pq-8bit/", import.meta.url);
    const files = { [IVF_FILE]: new Uint8Array(readFileSync(new URL(IVF_FILE, dir))), [PQ_FILE]: new Uint8Array(readFileSync(new URL(PQ_FILE, dir))) };
    const expected = JSON.parse(readFileSync(new URL("expected-search.json", dir), "utf8")) as {
      dims: number;
      clusters: number;
      seedQueries: number;
      k: number;
      nprobes: number;
      hits: { positions: number[]; distances: number[] }[];
    };
    const index = decodeIvfPqIndex(files);
    expect(index.params.numBits).toBe(8);
    expect(index.quantizer.numBits).toBeUndefined();
    expect(index.encoded.codes.length).toBe(300 * 2);
    const fixtureQueries = clusteredVectors(expected.seedQueries, expected.hits.length, expected.dims, expected.clusters);
    const hits = index.search(fixtureQueries, expected.hits.length, expected.k, { nprobes: expected.nprobes });
    expect(hits.map((h) => ({ positions: Array.from(h.positions), distances: Array.from(h.distances) }))).toEqual(expected.hits);
    const again = encodeIvfPqIndex(index);
    expect(again[PQ_FILE]).toEqual(files[PQ_FILE]);
    expect(again[IVF_FILE]).toEqual(files[IVF_FILE]);
  });
});

describe("extendIvfPqIndex() with numBits 4", () => {
  it("keeps the codebook and old packed codes, and encodes added rows (odd numSubVectors) with the existing codebook", async () => {
    const narrow = 20;
    const data = clusteredVectors(16, 1500, narrow, 12);
    const old = data.subarray(0, 1000 * narrow);
    const added = data.slice(1000 * narrow);
    const index = await buildIvfPqIndex({ vectors: old, rows: 1000, dims: narrow }, { numPartitions: 8, numSubVectors: 5, numBits: 4 });
    const keep = Uint8Array.from({ length: 1000 }, (_, i) => (i % 10 === 0 ? 0 : 1));
    const next = await extendIvfPqIndex(index, { keep, added: { vectors: added, rows: 500, dims: narrow } });
    expect(next.rows).toBe(1400);
    expect(next.quantizer).toBe(index.quantizer);
    expect(next.params.numBits).toBe(4);
    expect(next.encoded.codes.length).toBe(1400 * 3);
    // A kept row keeps its bytes: old position 1 is new position 0.
    const oldSlot = Array.from(index.partitioning.positions).indexOf(1);
    const newSlot = Array.from(next.partitioning.positions).indexOf(0);
    expect(Array.from(next.encoded.codes.subarray(newSlot * 3, newSlot * 3 + 3))).toEqual(Array.from(index.encoded.codes.subarray(oldSlot * 3, oldSlot * 3 + 3)));
    // An added row is found near itself; the expected vectors: kept rows in order, then the added ones.
    const expected = new Float32Array(1400 * narrow);
    for (let i = 0, n = 0; i < 1000; i++) if (keep[i]) expected.set(old.subarray(i * narrow, (i + 1) * narrow), n++ * narrow);
    expected.set(added, 900 * narrow);
    const [self] = next.search(added.slice(7 * narrow, 8 * narrow), 1, 5, { nprobes: 8, refineFactor: 10, vectors: expected });
    expect(self!.positions[0]).toBe(907);
    // The round trip of an extended 4-bit index holds too.
    expect(decodeIvfPqIndex(encodeIvfPqIndex(next)).search(added, 500, 3, { nprobes: 2 })).toEqual(next.search(added, 500, 3, { nprobes: 2 }));
  });
});
