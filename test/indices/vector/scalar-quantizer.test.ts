import { describe, expect, it } from "vitest";
import { computeDistances } from "../../../src/exec/distance-kernel.js";
import {
  decodeScalarQuantizer,
  encodeQuery,
  encodeRows,
  encodeScalarQuantizer,
  trainScalarQuantizer,
} from "../../../src/indices/vector/hnsw/scalar-quantizer.js";
import type { DistanceType } from "../../../src/plan/index.js";
import { clusteredVectors } from "./clustered-vectors.js";

const DIMS = 16;

/** Distances computed on the int8 codes, with the metric's own formula. */
function codeDistances(codes: Int8Array, rows: number, query: Int8Array, metric: DistanceType): Float32Array {
  const out = new Float32Array(rows);
  computeDistances(Float32Array.from(codes), rows, DIMS, Float32Array.from(query), metric, out);
  return out;
}

describe("scalar quantizer", () => {
  it.each(["l2", "cosine", "dot"] as const)("keeps the nearest rows nearest after quantization (%s)", (metric) => {
    const vectors = clusteredVectors(500, DIMS, { seed: 3 }).map((v) => v.map((x) => x * 7 + 3));
    const flat = Float32Array.from(vectors.flat());
    const q = trainScalarQuantizer(flat, 500, DIMS, metric);
    const codes = new Int8Array(500 * DIMS);
    encodeRows(q, flat, Uint32Array.from({ length: 500 }, (_, i) => i), 0, 500, codes);
    const query = flat.slice(10 * DIMS, 11 * DIMS);
    const exact = new Float32Array(500);
    computeDistances(flat, 500, DIMS, query, metric, exact);
    const approx = codeDistances(codes, 500, encodeQuery(q, query), metric);
    const top = (d: Float32Array) => Array.from(d.keys()).sort((a, b) => d[a]! - d[b]!).slice(0, 10);
    const found = new Set(top(approx));
    expect(top(exact).filter((r) => found.has(r)).length).toBeGreaterThanOrEqual(8);
  });

  it("round-trips through its stored form", () => {
    const flat = Float32Array.from(clusteredVectors(50, DIMS).flat());
    const q = trainScalarQuantizer(flat, 50, DIMS, "l2");
    const back = decodeScalarQuantizer(encodeScalarQuantizer(q));
    expect(back.scale).toBe(q.scale);
    expect(Array.from(back.center!)).toEqual(Array.from(q.center!));
  });
});
