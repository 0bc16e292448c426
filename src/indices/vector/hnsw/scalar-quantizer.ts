import type { DistanceType } from "../../../plan/knn-node.js";

/**
 * 8-bit scalar quantization that keeps each metric's order. usearch's own
 * float→int8 cast scales every vector to unit length, which is right only for
 * cosine, so Quiver quantizes itself and hands usearch ready codes:
 *
 * - l2: subtract the per-dimension mean, multiply by one global scale.
 *   Squared distances scale by scale², so their order is kept (up to rounding).
 * - dot: one global scale, no shift (a shift would change dot products).
 *   A query gets its own scale: any positive scale keeps the order of a·q.
 * - cosine: each vector is scaled to unit length first (cosine ignores
 *   length), then the global scale spreads the components over ±127 —
 *   usearch's cast maps unit components straight to ±127, which leaves
 *   384-dimensional vectors only a handful of levels.
 *
 * The global scale maps a high quantile of |value| to 127; rarer, larger
 * values are clamped. Distances returned to users are recomputed exactly from
 * the stored float vectors, so quantization only affects which candidates
 * are found.
 *
 * @internal
 */
export interface ScalarQuantizer {
  readonly distanceType: DistanceType;
  readonly dims: number;
  /** Per-dimension mean subtracted before scaling (l2 only). */
  readonly center: Float32Array | null;
  readonly scale: number;
}

/** Fraction of |values| that map inside ±127 without clamping. */
const SCALE_QUANTILE = 0.9995;
/** Values looked at to choose the scale. */
const MAX_SCALE_SAMPLE = 1 << 18;

/** Chooses the shift and scale from `rows` sample vectors. */
export function trainScalarQuantizer(sample: Float32Array, rows: number, dims: number, distanceType: DistanceType): ScalarQuantizer {
  let center: Float32Array | null = null;
  if (distanceType === "l2" && rows > 0) {
    const sums = new Float64Array(dims);
    for (let r = 0; r < rows; r++) for (let j = 0; j < dims; j++) sums[j]! += sample[r * dims + j]!;
    center = new Float32Array(dims);
    for (let j = 0; j < dims; j++) center[j] = sums[j]! / rows;
  }
  const stride = Math.max(1, Math.floor((rows * dims) / MAX_SCALE_SAMPLE));
  const magnitudes: number[] = [];
  const row = new Float32Array(dims);
  for (let r = 0; r < rows; r++) {
    prepare(sample, r * dims, dims, distanceType, center, row);
    for (let j = 0; j < dims; j++) if ((r * dims + j) % stride === 0) magnitudes.push(Math.abs(row[j]!));
  }
  const sorted = Float32Array.from(magnitudes).sort();
  const top = sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * SCALE_QUANTILE))]!;
  const scale = top > 0 && Number.isFinite(top) ? 127 / top : 1;
  return Object.freeze({ distanceType, dims, center, scale });
}

/** Writes to `out` the codes of the vectors of `source` at rows `rows[start]`, …, `rows[start + count - 1]`. */
export function encodeRows(q: ScalarQuantizer, source: Float32Array, rows: Uint32Array, start: number, count: number, out: Int8Array): void {
  const { dims } = q;
  const row = new Float32Array(dims);
  for (let i = 0; i < count; i++) {
    prepare(source, rows[start + i]! * dims, dims, q.distanceType, q.center, row);
    writeCodes(row, q.scale, out, i * dims);
  }
}

/** The codes of one query vector. */
export function encodeQuery(q: ScalarQuantizer, query: Float32Array): Int8Array {
  const { dims } = q;
  const row = new Float32Array(dims);
  prepare(query, 0, dims, q.distanceType, q.center, row);
  let scale = q.scale;
  if (q.distanceType !== "l2") {
    // Any positive scale keeps the order of dot products and cosines: use the query's own full range.
    let max = 0;
    for (let j = 0; j < dims; j++) max = Math.max(max, Math.abs(row[j]!));
    if (max > 0) scale = 127 / max;
  }
  const out = new Int8Array(dims);
  writeCodes(row, scale, out, 0);
  return out;
}

function prepare(source: Float32Array, offset: number, dims: number, distanceType: DistanceType, center: Float32Array | null, out: Float32Array): void {
  if (center !== null) {
    for (let j = 0; j < dims; j++) out[j] = source[offset + j]! - center[j]!;
    return;
  }
  let norm = 1;
  if (distanceType === "cosine") {
    let sum = 0;
    for (let j = 0; j < dims; j++) sum += source[offset + j]! * source[offset + j]!;
    norm = sum > 0 ? Math.sqrt(sum) : 1;
  }
  for (let j = 0; j < dims; j++) out[j] = source[offset + j]! / norm;
}

function writeCodes(row: Float32Array, scale: number, out: Int8Array, at: number): void {
  for (let j = 0; j < row.length; j++) {
    const v = Math.round(row[j]! * scale);
    out[at + j] = v > 127 ? 127 : v < -127 ? -127 : v;
  }
}

/** The quantizer as stored next to the graph (JSON: it is small). */
export function encodeScalarQuantizer(q: ScalarQuantizer): Uint8Array {
  const json = { format: "quiver-sq/1", distance_type: q.distanceType, dims: q.dims, scale: q.scale, center: q.center ? Array.from(q.center) : null };
  return new TextEncoder().encode(JSON.stringify(json));
}

/** Reads a stored quantizer; throws a plain Error saying what is wrong (the caller names the file). */
export function decodeScalarQuantizer(bytes: Uint8Array): ScalarQuantizer {
  const json = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  if (json.format !== "quiver-sq/1") throw new Error(`unknown quantizer format ${JSON.stringify(json.format)}`);
  const dims = Number(json.dims);
  const center = Array.isArray(json.center) ? Float32Array.from(json.center as number[]) : null;
  if (center !== null && center.length !== dims) throw new Error(`quantizer center has ${center.length} values for ${dims} dimensions`);
  return Object.freeze({ distanceType: json.distance_type as DistanceType, dims, center, scale: Number(json.scale) });
}
