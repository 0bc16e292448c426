// The graph read out of usearch's file, and the HNSW-PQ file codec.
import { randomUUID } from "node:crypto";
import { readFile, unlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CorruptTableError } from "../../../src/errors.js";
import { decodeHnswPqIndex, encodeHnswPqIndex } from "../../../src/indices/vector/hnsw-pq/hnsw-pq-graph-codec.js";
import { readUsearchGraph } from "../../../src/indices/vector/hnsw-pq/usearch-graph-file.js";
import { loadUsearchBinding } from "../../../src/indices/vector/usearch-binding.js";
import { seededRandom } from "./clustered-vectors.js";

async function savedGraph(rows: number, dims: number, connectivity: number): Promise<{ bytes: Uint8Array; keys: BigUint64Array }> {
  const { CompiledIndex } = loadUsearchBinding();
  const native = new CompiledIndex(dims, "l2sq", "i8", connectivity, 64, 1, false);
  const random = seededRandom(7);
  const codes = Int8Array.from({ length: rows * dims }, () => Math.floor(random() * 200) - 100);
  // Quiver's keys: fragment id in the high 32 bits, row offset in the low.
  const keys = BigUint64Array.from({ length: rows }, (_, i) => (BigInt(i % 3) << 32n) | BigInt(i));
  native.add(keys, codes, 1);
  const path = join(tmpdir(), `graph-${randomUUID()}.usearch`);
  native.save(path);
  try {
    return { bytes: await readFile(path), keys };
  } finally {
    await unlink(path);
  }
}

describe("readUsearchGraph", () => {
  it("reads every node's key and links, and (nearly) every node is reachable from the entry at level 0", async () => {
    const { bytes } = await savedGraph(2000, 16, 8);
    const g = await readUsearchGraph(bytes);
    expect(g.size).toBe(2000);
    const offsets = new Set<number>();
    for (let s = 0; s < g.size; s++) {
      expect(g.keyHigh[s]).toBe(g.keyLow[s]! % 3);
      offsets.add(g.keyLow[s]!);
      const degree = g.baseOffsets[s + 1]! - g.baseOffsets[s]!;
      expect(degree).toBeGreaterThan(0);
      expect(degree).toBeLessThanOrEqual(16);
    }
    expect(offsets.size).toBe(2000);
    expect(g.upperFirst[g.entrySlot + 1]! - g.upperFirst[g.entrySlot]!).toBe(g.maxLevel);
    const seen = new Uint8Array(g.size);
    const stack = [g.entrySlot];
    seen[g.entrySlot] = 1;
    while (stack.length > 0) {
      const s = stack.pop()!;
      for (let i = g.baseOffsets[s]!; i < g.baseOffsets[s + 1]!; i++) {
        const n = g.baseNeighbors[i]!;
        if (!seen[n]) (seen[n] = 1), stack.push(n);
      }
    }
    // HNSW's neighbour pruning can strand a few nodes on random data; misread links would strand most.
    expect(seen.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(0.99 * g.size);
  });

  it("refuses a file that is not usearch's, or is cut short", async () => {
    const { bytes } = await savedGraph(300, 8, 4);
    await expect(readUsearchGraph(bytes.subarray(0, bytes.length - 7))).rejects.toThrow(/ends at byte|follow/);
    const bad = bytes.slice();
    bad[8 + 300 * 8] = 0x58;
    await expect(readUsearchGraph(bad)).rejects.toThrow(/usearch magic/);
    await expect(readUsearchGraph(new Uint8Array(3))).rejects.toThrow(/ends at byte/);
  });
});

describe("the HNSW-PQ file", () => {
  it("round-trips and refuses links outside the graph", async () => {
    const { bytes } = await savedGraph(500, 8, 4);
    const graph = await readUsearchGraph(bytes);
    const parts = {
      distanceType: "cosine" as const,
      dims: 8,
      graph,
      quantizer: { numSubVectors: 2, subDims: 4, codebook: Float32Array.from({ length: 2 * 256 * 4 }, (_, i) => i / 100) },
      mean: Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8),
      encoded: { codes: Uint8Array.from({ length: 1000 }, (_, i) => i % 256), normTerms: Float32Array.from({ length: 500 }, (_, i) => i) },
    };
    const encoded = encodeHnswPqIndex(parts);
    const decoded = decodeHnswPqIndex(encoded);
    expect(decoded.distanceType).toBe("cosine");
    expect([...decoded.graph.baseNeighbors]).toEqual([...graph.baseNeighbors]);
    expect([...decoded.graph.upperNeighbors]).toEqual([...graph.upperNeighbors]);
    expect([...decoded.encoded.codes]).toEqual([...parts.encoded.codes]);
    expect([...decoded.mean]).toEqual([...parts.mean]);

    const broken = { ...parts, graph: { ...graph, baseNeighbors: graph.baseNeighbors.map((n, i) => (i === 3 ? 500 : n)) } };
    expect(() => decodeHnswPqIndex(encodeHnswPqIndex(broken))).toThrow(CorruptTableError);
    expect(() => decodeHnswPqIndex(encoded.subarray(0, encoded.length - 8))).toThrow(CorruptTableError);
  });
});
