import { computeDistances } from "../../../../src/exec/distance-kernel.js";
import type { DistanceType } from "../../../../src/plan/index.js";

/** A seeded generator of test data (a 32-bit Weyl sequence with an avalanche mix). */
export function createTestRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = Math.imul(state ^ (state >>> 15), 1 | state);
    z ^= z + Math.imul(z ^ (z >>> 7), 61 | z);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal value (Box–Muller). */
function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/**
 * `rows` vectors around `clusters` random centres: what embeddings look like
 * to an IVF index (topics), and what k-means can actually partition.
 */
export function clusteredVectors(seed: number, rows: number, dims: number, clusters: number, spread = 0.35): Float32Array {
  const random = createTestRandom(seed);
  const centres = new Float32Array(clusters * dims);
  for (let i = 0; i < centres.length; i++) centres[i] = gaussian(random);
  const out = new Float32Array(rows * dims);
  for (let r = 0; r < rows; r++) {
    const c = Math.floor(random() * clusters);
    for (let j = 0; j < dims; j++) out[r * dims + j] = centres[c * dims + j]! + spread * gaussian(random);
  }
  return out;
}

/** Exact top-k positions per query by brute force, with the TS kernel's distances; excluded positions left out. */
export function bruteForce(vectors: Float32Array, dims: number, queries: Float32Array, metric: DistanceType, k: number, excluded?: (p: number) => boolean): number[][] {
  const rows = vectors.length / dims;
  const distances = new Float32Array(rows);
  const out: number[][] = [];
  for (let q = 0; q < queries.length / dims; q++) {
    computeDistances(vectors, rows, dims, queries.subarray(q * dims, (q + 1) * dims), metric, distances);
    const order = Array.from({ length: rows }, (_, i) => i).filter((i) => !excluded?.(i));
    order.sort((a, b) => distances[a]! - distances[b]! || a - b);
    out.push(order.slice(0, k));
  }
  return out;
}

/** Mean fraction of the true top-k found. */
export function recallAtK(found: readonly { positions: Uint32Array }[], truth: readonly number[][]): number {
  let hit = 0;
  let total = 0;
  found.forEach((hits, q) => {
    const expected = new Set(truth[q]);
    total += expected.size;
    for (const p of hits.positions) if (expected.has(p)) hit++;
  });
  return total === 0 ? 1 : hit / total;
}
