/**
 * Small dense-vector helpers shared by training and search. Loops are written
 * for V8: plain indexed typed-array access, four independent accumulators so
 * the additions do not wait on each other.
 *
 * @internal
 * @module
 */

/** Dot product of `dims` values of `a` from `aOffset` and of `b` from `bOffset`. */
export function dotAt(a: Float32Array, aOffset: number, b: Float32Array, bOffset: number, dims: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < dims; j += 4) {
    s0 += a[aOffset + j]! * b[bOffset + j]!;
    s1 += a[aOffset + j + 1]! * b[bOffset + j + 1]!;
    s2 += a[aOffset + j + 2]! * b[bOffset + j + 2]!;
    s3 += a[aOffset + j + 3]! * b[bOffset + j + 3]!;
  }
  for (; j < dims; j++) s0 += a[aOffset + j]! * b[bOffset + j]!;
  return s0 + s1 + s2 + s3;
}

/** Squared Euclidean distance between `dims` values of `a` from `aOffset` and of `b` from `bOffset`. */
export function squaredL2At(a: Float32Array, aOffset: number, b: Float32Array, bOffset: number, dims: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < dims; j += 4) {
    const d0 = a[aOffset + j]! - b[bOffset + j]!;
    const d1 = a[aOffset + j + 1]! - b[bOffset + j + 1]!;
    const d2 = a[aOffset + j + 2]! - b[bOffset + j + 2]!;
    const d3 = a[aOffset + j + 3]! - b[bOffset + j + 3]!;
    s0 += d0 * d0;
    s1 += d1 * d1;
    s2 += d2 * d2;
    s3 += d3 * d3;
  }
  for (; j < dims; j++) {
    const d = a[aOffset + j]! - b[bOffset + j]!;
    s0 += d * d;
  }
  return s0 + s1 + s2 + s3;
}

/** Squared norm of each of `rows` vectors of `data`. */
export function squaredNorms(data: Float32Array, rows: number, dims: number): Float32Array {
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) out[r] = dotAt(data, r * dims, data, r * dims, dims);
  return out;
}

/**
 * Scales `dims` values of `data` from `offset` to unit length, in place.
 * A zero vector stays zero: it has no direction, and any centroid is as near.
 */
export function normaliseAt(data: Float32Array, offset: number, dims: number): void {
  const norm = Math.sqrt(dotAt(data, offset, data, offset, dims));
  if (norm === 0) return;
  const scale = 1 / norm;
  for (let j = 0; j < dims; j++) data[offset + j] = data[offset + j]! * scale;
}

/** Copies row `row` of `source` (`dims` wide) to `target` at row `targetRow`. */
export function copyRow(source: Float32Array, row: number, target: Float32Array, targetRow: number, dims: number): void {
  target.set(source.subarray(row * dims, row * dims + dims), targetRow * dims);
}
