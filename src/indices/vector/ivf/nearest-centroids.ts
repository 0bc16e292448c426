import { type DistanceKernel, getDistanceKernel } from "../../../exec/distance-kernel.js";

/**
 * The assignment step of k-means and of IVF/PQ encoding: for each point, its
 * nearest and second-nearest centroid by squared Euclidean distance. The
 * second distance feeds the bounds that let k-means skip points whose
 * assignment cannot change.
 *
 * @internal
 * @module
 */

/** Where the results go; entry i belongs to point i of the request. */
export interface NearestCentroidsOutput {
  readonly nearest: Uint32Array;
  /** Squared distance to the nearest centroid. */
  readonly nearestDistance: Float32Array;
  /** Squared distance to the second-nearest centroid (Infinity with one centroid); null to skip. */
  readonly secondDistance: Float32Array | null;
  /**
   * Optional, with secondDistance: the second-nearest centroid and the squared
   * distance to the third-nearest (Infinity with fewer than three centroids),
   * for k-means' bound on the second-nearest centroid alone. Only the native
   * kernel finds them; the JS loops write −1 and the second distance.
   */
  readonly secondIndex?: Int32Array;
  readonly thirdDistance?: Float32Array;
}

/** A block of centroids and what the JS loops precompute for it. */
export interface CentroidBlock {
  /** `count × dims` values starting at byte 0 of their own buffer (the native kernel's requirement). */
  readonly centroids: Float32Array;
  readonly count: number;
  readonly dims: number;
  /** Squared norm of each centroid: ‖x − c‖² = ‖x‖² + ‖c‖² − 2x·c, and ‖x‖² is the same for every c. */
  readonly norms: Float32Array;
}

/**
 * Below this width the native kernel's fixed cost per query outweighs its SIMD
 * gain. Measured on 2 cores: usearch ran 16-dim × 256-centroid assignment at
 * 0.3 GFlop/s against 1.7 for the JS loop below, and 384-dim × 316 at 5.0
 * against 1.2.
 */
export const NATIVE_MIN_DIMS = 32;

/** Makes a {@link CentroidBlock} from `count × dims` centroid values (copied to a buffer of their own). */
export function createCentroidBlock(centroids: Float32Array, count: number, dims: number): CentroidBlock {
  const own = new Float32Array(count * dims);
  own.set(centroids.subarray(0, count * dims));
  const norms = new Float32Array(count);
  for (let c = 0; c < count; c++) {
    let s = 0;
    for (let j = c * dims, end = j + dims; j < end; j++) s += own[j]! * own[j]!;
    norms[c] = s;
  }
  return { centroids: own, count, dims, norms };
}

/**
 * Fills `out` for `pointCount` points held in `points` (`pointCount × dims`
 * values from index 0; the buffer must start at byte 0 when `dims` ≥
 * {@link NATIVE_MIN_DIMS}).
 */
export function findNearestCentroids(
  points: Float32Array,
  pointCount: number,
  block: CentroidBlock,
  out: NearestCentroidsOutput,
  kernel: DistanceKernel = getDistanceKernel(),
): void {
  if (pointCount === 0) return;
  const { dims } = block;
  if (kernel.name === "usearch" && dims >= NATIVE_MIN_DIMS && points.byteOffset === 0) {
    nativeNearest(points, pointCount, block, out, kernel);
  } else if (dims === 16) {
    nearest16(points, pointCount, block, out);
  } else if (dims === 8) {
    nearest8(points, pointCount, block, out);
  } else {
    nearestGeneric(points, pointCount, block, out);
  }
}

/**
 * The kernel runs a request of at least 2^20 multiply-adds on every core
 * (PARALLEL_THRESHOLD in distance-kernel.ts), and starting the threads costs
 * about half a millisecond. Measured on 2 shared cores, 384 dims: 32 points ×
 * 120 centroids took 0.31 ms on one thread and 0.70–0.80 ms on two; 512 × 60
 * was even (3.0 against 2.5–2.8 ms); 4096 × 316 ran 1.5× faster on two.
 * k-means' pruned searches (a few dozen points against a centroid's
 * neighbourhood, hundreds of them per iteration) fall in between, so requests
 * below THREADS_PAY_OFF_WORK are cut into single-threaded pieces.
 */
const KERNEL_PARALLEL_WORK = 1 << 20;
const THREADS_PAY_OFF_WORK = 1 << 23;

function nativeNearest(points: Float32Array, pointCount: number, block: CentroidBlock, out: NearestCentroidsOutput, kernel: DistanceKernel): void {
  const perPoint = block.count * block.dims;
  const work = pointCount * perPoint;
  if (work < KERNEL_PARALLEL_WORK || work >= THREADS_PAY_OFF_WORK) {
    const queries = points.length === pointCount * block.dims ? points : new Float32Array(points.buffer, 0, pointCount * block.dims);
    nativeNearestRange(queries, pointCount, 0, block, out, kernel);
    return;
  }
  const piece = Math.max(1, Math.floor((KERNEL_PARALLEL_WORK - 1) / perPoint));
  // The kernel reads queries from byte 0 of their buffer: each piece is copied to a buffer of its own.
  const scratch = new Float32Array(piece * block.dims);
  for (let first = 0; first < pointCount; first += piece) {
    const count = Math.min(piece, pointCount - first);
    const queries = count === piece ? scratch : new Float32Array(count * block.dims);
    queries.set(points.subarray(first * block.dims, (first + count) * block.dims));
    nativeNearestRange(queries, count, first, block, out, kernel);
  }
}

/** Searches `queryCount` points (all of `queries`) and writes their results to `out` from entry `first`. */
function nativeNearestRange(queries: Float32Array, queryCount: number, first: number, block: CentroidBlock, out: NearestCentroidsOutput, kernel: DistanceKernel): void {
  const wanted = out.secondDistance === null ? 1 : out.thirdDistance ? 3 : 2;
  const count = Math.min(wanted, block.count);
  const found = kernel.search({ dataset: block.centroids, rows: block.count, dims: block.dims, queries, queryCount, count, metric: "l2" });
  const { rows, distances } = found;
  for (let q = 0; q < queryCount; q++) {
    const i = first + q;
    const o = q * count;
    out.nearest[i] = rows[o]!;
    out.nearestDistance[i] = Math.max(0, distances[o]!);
    if (out.secondDistance !== null) out.secondDistance[i] = count >= 2 ? Math.max(0, distances[o + 1]!) : Infinity;
    if (out.secondIndex) out.secondIndex[i] = count >= 2 ? rows[o + 1]! : -1;
    if (out.thirdDistance) out.thirdDistance[i] = count >= 3 ? Math.max(0, distances[o + 2]!) : Infinity;
  }
}

/**
 * PQ's default sub-vector width (dims / 16 sub-vectors): two points per pass
 * over the codewords, both in locals, and ‖c‖²/2 − x·c compared (as
 * nearest8). On 2 shared cores, 16,384 points × 256 codewords: 34–37 ms
 * against 51 ms one point at a time with full norms, which was 2× the
 * generic loop.
 */
function nearest16(points: Float32Array, pointCount: number, block: CentroidBlock, out: NearestCentroidsOutput): void {
  const { centroids: c, count } = block;
  const half = halfNorms(block);
  let i = 0;
  for (; i + 1 < pointCount; i += 2) {
    const o = i * 16;
    const x0 = points[o]!, x1 = points[o + 1]!, x2 = points[o + 2]!, x3 = points[o + 3]!;
    const x4 = points[o + 4]!, x5 = points[o + 5]!, x6 = points[o + 6]!, x7 = points[o + 7]!;
    const x8 = points[o + 8]!, x9 = points[o + 9]!, x10 = points[o + 10]!, x11 = points[o + 11]!;
    const x12 = points[o + 12]!, x13 = points[o + 13]!, x14 = points[o + 14]!, x15 = points[o + 15]!;
    const y0 = points[o + 16]!, y1 = points[o + 17]!, y2 = points[o + 18]!, y3 = points[o + 19]!;
    const y4 = points[o + 20]!, y5 = points[o + 21]!, y6 = points[o + 22]!, y7 = points[o + 23]!;
    const y8 = points[o + 24]!, y9 = points[o + 25]!, y10 = points[o + 26]!, y11 = points[o + 27]!;
    const y12 = points[o + 28]!, y13 = points[o + 29]!, y14 = points[o + 30]!, y15 = points[o + 31]!;
    let b0 = Infinity, s0 = Infinity, i0 = 0;
    let b1 = Infinity, s1 = Infinity, i1 = 0;
    for (let k = 0, b = 0; k < count; k++, b += 16) {
      const c0 = c[b]!, c1 = c[b + 1]!, c2 = c[b + 2]!, c3 = c[b + 3]!, c4 = c[b + 4]!, c5 = c[b + 5]!, c6 = c[b + 6]!, c7 = c[b + 7]!;
      const c8 = c[b + 8]!, c9 = c[b + 9]!, c10 = c[b + 10]!, c11 = c[b + 11]!, c12 = c[b + 12]!, c13 = c[b + 13]!, c14 = c[b + 14]!, c15 = c[b + 15]!;
      const n = half[k]!;
      const d0 =
        n - (x0 * c0 + x1 * c1 + x2 * c2 + x3 * c3 + x4 * c4 + x5 * c5 + x6 * c6 + x7 * c7 +
          (x8 * c8 + x9 * c9 + x10 * c10 + x11 * c11 + x12 * c12 + x13 * c13 + x14 * c14 + x15 * c15));
      const d1 =
        n - (y0 * c0 + y1 * c1 + y2 * c2 + y3 * c3 + y4 * c4 + y5 * c5 + y6 * c6 + y7 * c7 +
          (y8 * c8 + y9 * c9 + y10 * c10 + y11 * c11 + y12 * c12 + y13 * c13 + y14 * c14 + y15 * c15));
      // Most codewords are neither best nor second: one comparison rejects them.
      if (d0 < s0) {
        if (d0 < b0) (s0 = b0), (b0 = d0), (i0 = k);
        else s0 = d0;
      }
      if (d1 < s1) {
        if (d1 < b1) (s1 = b1), (b1 = d1), (i1 = k);
        else s1 = d1;
      }
    }
    const xx =
      x0 * x0 + x1 * x1 + x2 * x2 + x3 * x3 + x4 * x4 + x5 * x5 + x6 * x6 + x7 * x7 +
      (x8 * x8 + x9 * x9 + x10 * x10 + x11 * x11 + x12 * x12 + x13 * x13 + x14 * x14 + x15 * x15);
    const yy =
      y0 * y0 + y1 * y1 + y2 * y2 + y3 * y3 + y4 * y4 + y5 * y5 + y6 * y6 + y7 * y7 +
      (y8 * y8 + y9 * y9 + y10 * y10 + y11 * y11 + y12 * y12 + y13 * y13 + y14 * y14 + y15 * y15);
    write(out, i, i0, xx + 2 * b0, xx + 2 * s0);
    write(out, i + 1, i1, yy + 2 * b1, yy + 2 * s1);
  }
  if (i < pointCount) nearestGeneric(points.subarray(i * 16), 1, block, shiftOutput(out, i));
}

/** `out` seen from entry `from` on. */
function shiftOutput(out: NearestCentroidsOutput, from: number): NearestCentroidsOutput {
  return {
    nearest: out.nearest.subarray(from),
    nearestDistance: out.nearestDistance.subarray(from),
    secondDistance: out.secondDistance === null ? null : out.secondDistance.subarray(from),
    ...(out.secondIndex ? { secondIndex: out.secondIndex.subarray(from) } : {}),
    ...(out.thirdDistance ? { thirdDistance: out.thirdDistance.subarray(from) } : {}),
  };
}

/**
 * The benchmark's sub-vector width (dims / 8 sub-vectors): four points per
 * pass over the codewords, all in locals, so each codeword is loaded once for
 * four points, and ‖c‖²/2 − x·c is compared instead of ‖c‖² − 2x·c (one
 * multiplication less per pair; ‖x − c‖² = ‖x‖² + 2(‖c‖²/2 − x·c)). On 2
 * shared cores, 16,384 points × 256 codewords: 15–20 ms against 25–30 ms for
 * two points per pass with full norms, which was 2.2× the generic loop.
 */
function nearest8(points: Float32Array, pointCount: number, block: CentroidBlock, out: NearestCentroidsOutput): void {
  const { centroids: c, count } = block;
  const half = halfNorms(block);
  let i = 0;
  for (; i + 3 < pointCount; i += 4) {
    const o = i * 8;
    const x0 = points[o]!, x1 = points[o + 1]!, x2 = points[o + 2]!, x3 = points[o + 3]!;
    const x4 = points[o + 4]!, x5 = points[o + 5]!, x6 = points[o + 6]!, x7 = points[o + 7]!;
    const y0 = points[o + 8]!, y1 = points[o + 9]!, y2 = points[o + 10]!, y3 = points[o + 11]!;
    const y4 = points[o + 12]!, y5 = points[o + 13]!, y6 = points[o + 14]!, y7 = points[o + 15]!;
    const z0 = points[o + 16]!, z1 = points[o + 17]!, z2 = points[o + 18]!, z3 = points[o + 19]!;
    const z4 = points[o + 20]!, z5 = points[o + 21]!, z6 = points[o + 22]!, z7 = points[o + 23]!;
    const w0 = points[o + 24]!, w1 = points[o + 25]!, w2 = points[o + 26]!, w3 = points[o + 27]!;
    const w4 = points[o + 28]!, w5 = points[o + 29]!, w6 = points[o + 30]!, w7 = points[o + 31]!;
    let b0 = Infinity, s0 = Infinity, i0 = 0;
    let b1 = Infinity, s1 = Infinity, i1 = 0;
    let b2 = Infinity, s2 = Infinity, i2 = 0;
    let b3 = Infinity, s3 = Infinity, i3 = 0;
    for (let k = 0, b = 0; k < count; k++, b += 8) {
      const c0 = c[b]!, c1 = c[b + 1]!, c2 = c[b + 2]!, c3 = c[b + 3]!, c4 = c[b + 4]!, c5 = c[b + 5]!, c6 = c[b + 6]!, c7 = c[b + 7]!;
      const n = half[k]!;
      const d0 = n - (x0 * c0 + x1 * c1 + x2 * c2 + x3 * c3 + (x4 * c4 + x5 * c5 + x6 * c6 + x7 * c7));
      const d1 = n - (y0 * c0 + y1 * c1 + y2 * c2 + y3 * c3 + (y4 * c4 + y5 * c5 + y6 * c6 + y7 * c7));
      const d2 = n - (z0 * c0 + z1 * c1 + z2 * c2 + z3 * c3 + (z4 * c4 + z5 * c5 + z6 * c6 + z7 * c7));
      const d3 = n - (w0 * c0 + w1 * c1 + w2 * c2 + w3 * c3 + (w4 * c4 + w5 * c5 + w6 * c6 + w7 * c7));
      // Most codewords are neither best nor second: one comparison rejects them.
      if (d0 < s0) {
        if (d0 < b0) (s0 = b0), (b0 = d0), (i0 = k);
        else s0 = d0;
      }
      if (d1 < s1) {
        if (d1 < b1) (s1 = b1), (b1 = d1), (i1 = k);
        else s1 = d1;
      }
      if (d2 < s2) {
        if (d2 < b2) (s2 = b2), (b2 = d2), (i2 = k);
        else s2 = d2;
      }
      if (d3 < s3) {
        if (d3 < b3) (s3 = b3), (b3 = d3), (i3 = k);
        else s3 = d3;
      }
    }
    const xx = x0 * x0 + x1 * x1 + x2 * x2 + x3 * x3 + (x4 * x4 + x5 * x5 + x6 * x6 + x7 * x7);
    const yy = y0 * y0 + y1 * y1 + y2 * y2 + y3 * y3 + (y4 * y4 + y5 * y5 + y6 * y6 + y7 * y7);
    const zz = z0 * z0 + z1 * z1 + z2 * z2 + z3 * z3 + (z4 * z4 + z5 * z5 + z6 * z6 + z7 * z7);
    const ww = w0 * w0 + w1 * w1 + w2 * w2 + w3 * w3 + (w4 * w4 + w5 * w5 + w6 * w6 + w7 * w7);
    write(out, i, i0, xx + 2 * b0, xx + 2 * s0);
    write(out, i + 1, i1, yy + 2 * b1, yy + 2 * s1);
    write(out, i + 2, i2, zz + 2 * b2, zz + 2 * s2);
    write(out, i + 3, i3, ww + 2 * b3, ww + 2 * s3);
  }
  if (i < pointCount) nearest8Tail(points, i, pointCount, block, out);
}

/**
 * The last 1–3 points, padded to four with copies of the last one: k-means
 * searches a centroid's pending points as a group of their own, so a tail
 * comes with nearly every group, and the generic loop took 10 % of PQ
 * training for them.
 */
const tailPoints = new Float32Array(32);
const tailFound = { nearest: new Uint32Array(4), nearestDistance: new Float32Array(4), secondDistance: new Float32Array(4) };

function nearest8Tail(points: Float32Array, from: number, pointCount: number, block: CentroidBlock, out: NearestCentroidsOutput): void {
  const tail = pointCount - from;
  for (let r = 0; r < 4; r++) {
    const p = (from + Math.min(r, tail - 1)) * 8;
    for (let j = 0; j < 8; j++) tailPoints[r * 8 + j] = points[p + j]!;
  }
  nearest8(tailPoints, 4, block, tailFound);
  for (let r = 0; r < tail; r++) write(out, from + r, tailFound.nearest[r]!, tailFound.nearestDistance[r]!, tailFound.secondDistance[r]!);
}

/** ‖c‖²/2 of every centroid, cached per block (k-means searches one block many times). */
const halfNormCache = new WeakMap<CentroidBlock, Float64Array>();

function halfNorms(block: CentroidBlock): Float64Array {
  let half = halfNormCache.get(block);
  if (!half) {
    half = new Float64Array(block.count);
    for (let k = 0; k < block.count; k++) half[k] = block.norms[k]! / 2;
    halfNormCache.set(block, half);
  }
  return half;
}

/**
 * Any width: four points per pass over the centroids, so each centroid value
 * is loaded once for four multiply-adds (1.2 GFlop/s against 0.85 one point at a time).
 */
function nearestGeneric(points: Float32Array, pointCount: number, block: CentroidBlock, out: NearestCentroidsOutput): void {
  const { centroids: c, norms, count, dims } = block;
  let i = 0;
  for (; i + 3 < pointCount; i += 4) {
    const p0 = i * dims;
    const p1 = p0 + dims;
    const p2 = p1 + dims;
    const p3 = p2 + dims;
    let b0 = Infinity, b1 = Infinity, b2 = Infinity, b3 = Infinity;
    let s0 = Infinity, s1 = Infinity, s2 = Infinity, s3 = Infinity;
    let i0 = 0, i1 = 0, i2 = 0, i3 = 0;
    for (let k = 0, b = 0; k < count; k++, b += dims) {
      let d0 = 0, d1 = 0, d2 = 0, d3 = 0;
      for (let j = 0; j < dims; j++) {
        const v = c[b + j]!;
        d0 += points[p0 + j]! * v;
        d1 += points[p1 + j]! * v;
        d2 += points[p2 + j]! * v;
        d3 += points[p3 + j]! * v;
      }
      const n = norms[k]!;
      d0 = n - 2 * d0;
      d1 = n - 2 * d1;
      d2 = n - 2 * d2;
      d3 = n - 2 * d3;
      if (d0 < b0) (s0 = b0), (b0 = d0), (i0 = k);
      else if (d0 < s0) s0 = d0;
      if (d1 < b1) (s1 = b1), (b1 = d1), (i1 = k);
      else if (d1 < s1) s1 = d1;
      if (d2 < b2) (s2 = b2), (b2 = d2), (i2 = k);
      else if (d2 < s2) s2 = d2;
      if (d3 < b3) (s3 = b3), (b3 = d3), (i3 = k);
      else if (d3 < s3) s3 = d3;
    }
    const x0 = selfDot(points, p0, dims), x1 = selfDot(points, p1, dims), x2 = selfDot(points, p2, dims), x3 = selfDot(points, p3, dims);
    write(out, i, i0, x0 + b0, x0 + s0);
    write(out, i + 1, i1, x1 + b1, x1 + s1);
    write(out, i + 2, i2, x2 + b2, x2 + s2);
    write(out, i + 3, i3, x3 + b3, x3 + s3);
  }
  for (; i < pointCount; i++) {
    const p = i * dims;
    let best = Infinity;
    let second = Infinity;
    let bestIndex = 0;
    for (let k = 0, b = 0; k < count; k++, b += dims) {
      let dot = 0;
      for (let j = 0; j < dims; j++) dot += points[p + j]! * c[b + j]!;
      const d = norms[k]! - 2 * dot;
      if (d < best) (second = best), (best = d), (bestIndex = k);
      else if (d < second) second = d;
    }
    const xx = selfDot(points, p, dims);
    write(out, i, bestIndex, xx + best, xx + second);
  }
}

function selfDot(points: Float32Array, offset: number, dims: number): number {
  let s = 0;
  for (let j = offset, end = offset + dims; j < end; j++) s += points[j]! * points[j]!;
  return s;
}

/** Rounding in ‖x‖² + ‖c‖² − 2x·c can go slightly below zero; a distance never does. */
function write(out: NearestCentroidsOutput, i: number, index: number, nearest: number, second: number): void {
  out.nearest[i] = index;
  out.nearestDistance[i] = nearest > 0 ? nearest : 0;
  if (out.secondDistance !== null) out.secondDistance[i] = second > 0 ? second : 0;
  if (out.secondIndex) out.secondIndex[i] = -1;
  if (out.thirdDistance) out.thirdDistance[i] = second > 0 ? second : 0;
}
