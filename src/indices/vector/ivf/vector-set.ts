import { InvalidArgumentError } from "../../../errors.js";

/**
 * The vectors an IVF index is built from: `rows` vectors of `dims` float32
 * values back to back. A row's position in this set (0 … rows−1) is what the
 * index stores and what searches return; mapping positions to row ids is the
 * caller's business.
 */
export interface VectorSet {
  readonly vectors: Float32Array;
  readonly rows: number;
  readonly dims: number;
}

/** Refuses a malformed set: wrong length, no rows, or values that are not finite (they would poison k-means). */
export function checkVectorSet(set: VectorSet, what: string): void {
  const { vectors, rows, dims } = set;
  if (!Number.isInteger(dims) || dims < 1) {
    throw new InvalidArgumentError(`${what}: dims must be an integer ≥ 1; got ${dims}. Pass the vector column's width.`, "dims");
  }
  if (!Number.isInteger(rows) || rows < 1) {
    throw new InvalidArgumentError(`${what}: needs at least 1 vector; got rows = ${rows}. Add rows before building the index.`, "rows");
  }
  if (!(vectors instanceof Float32Array) || vectors.length !== rows * dims) {
    throw new InvalidArgumentError(
      `${what}: vectors must be a Float32Array of rows × dims = ${rows} × ${dims} = ${rows * dims} values; got ${
        vectors instanceof Float32Array ? `${vectors.length} values` : typeof vectors
      }. Pass the vectors back to back.`,
      "vectors",
    );
  }
  for (let i = 0; i < vectors.length; i++) {
    const v = vectors[i]!;
    if (v - v !== 0) {
      const row = Math.floor(i / dims);
      throw new InvalidArgumentError(
        `${what}: vector ${row} holds a non-finite value (${v}) at index ${i % dims}; an index cannot be trained on it. Leave such rows out of the set.`,
        "vectors",
      );
    }
  }
}
