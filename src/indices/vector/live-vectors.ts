import type { Data, FixedSizeList } from "apache-arrow";
import { unsearchableRows, vectorsAsFloat32 } from "../../exec/vector-column.js";
import type { FragmentSnapshot } from "../../storage/table-snapshot.js";

/** A fragment's vectors as float32, and the offsets of the rows an index should hold. */
export interface LiveVectors {
  /** `rows × dims` values of every physical row (deleted ones included), starting at byte 0. */
  readonly vectors: Float32Array;
  /** Offsets of the rows that are not deleted and have a whole, finite vector. */
  readonly rows: Uint32Array;
}

/**
 * Reads `column` of one fragment for an index build. A null vector, a vector
 * with a null element, or one with NaN or ±Infinity (possible in data written
 * by other tools) cannot be placed by any index, so it is left out; exact
 * search still sees those rows as it always does.
 */
export async function liveVectors(fragment: FragmentSnapshot, column: string, dims: number): Promise<LiveVectors> {
  const [batch, deleted] = await Promise.all([fragment.load(), fragment.deletedRows > 0 ? fragment.deletionMask() : null]);
  const index = batch.schema.fields.findIndex((f) => f.name === column);
  const data = batch.data.children[index] as Data<FixedSizeList>;
  const vectors = vectorsAsFloat32(data, dims);
  const unsearchable = unsearchableRows(data, dims);
  const rows: number[] = [];
  for (let r = 0; r < batch.numRows; r++) {
    if ((deleted !== null && deleted[r] === 1) || (unsearchable !== null && unsearchable[r] === 1) || !isFiniteVector(vectors, r * dims, dims)) continue;
    rows.push(r);
  }
  return { vectors, rows: Uint32Array.from(rows) };
}

function isFiniteVector(vectors: Float32Array, at: number, dims: number): boolean {
  for (let j = 0; j < dims; j++) {
    const v = vectors[at + j]!;
    // v - v is NaN for NaN and ±Infinity, 0 otherwise.
    if (v - v !== 0) return false;
  }
  return true;
}
