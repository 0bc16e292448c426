import { decodeIvfFile, encodeIvfFile } from "./ivf/ivf-file-codec.js";

/**
 * The table side of an IVF or HNSW index: which row each position of its
 * vector set is. An IVF index stores positions (0 … rows−1 of the vectors it
 * was built from), an HNSW graph uses them as its keys (see GraphRowKeys in
 * hnsw/build-hnsw-index.ts); this file maps each to its fragment id and offset in the fragment,
 * so a row key is fragmentIds[p] × 2^32 + offsets[p]. Two Uint32 arrays
 * rather than one Float64 array of keys: the fragment of a position is what
 * exclusion masks are looked up by.
 *
 * `trained_rows` records how many rows the centroids were trained on, so
 * optimize() can tell when the table has outgrown them (see ivf-index-builder).
 *
 * @internal
 * @module
 */

export const IVF_ROWS_FILE = "rows.bin";
const KIND = "quiver-ivf-rows";

export interface IvfRowKeys {
  /** Per position, the fragment id of its row. */
  readonly fragmentIds: Uint32Array;
  /** Per position, the row's offset in its fragment. */
  readonly offsets: Uint32Array;
  /** Rows the index's centroids (and codebook) were trained on. */
  readonly trainedRows: number;
}

export function encodeIvfRowKeys(keys: IvfRowKeys): Uint8Array {
  return encodeIvfFile(KIND, { num_rows: keys.fragmentIds.length, trained_rows: keys.trainedRows }, [
    { name: "fragment_ids", array: keys.fragmentIds },
    { name: "offsets", array: keys.offsets },
  ]);
}

/**
 * Decodes what {@link encodeIvfRowKeys} wrote, for an index of `rows`
 * positions (absent: as many as the file says); CorruptTableError on any mismatch.
 */
export function decodeIvfRowKeys(bytes: Uint8Array, rows?: number): IvfRowKeys {
  const file = decodeIvfFile(bytes, IVF_ROWS_FILE, KIND);
  rows ??= file.integer("num_rows");
  return {
    fragmentIds: file.uint32("fragment_ids", rows),
    offsets: file.uint32("offsets", rows),
    trainedRows: file.integer("trained_rows"),
  };
}
