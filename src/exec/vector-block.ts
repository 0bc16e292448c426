import type { RecordBatch } from "apache-arrow";
import type { FragmentSnapshot } from "../storage/table-snapshot.js";

/**
 * Fragments with fewer vector values than this are searched together in a
 * block rather than one top-k each. Searching a fragment costs about 10 µs
 * beyond its distances (the usearch call, the top-k bookkeeping, the merge of
 * its k hits), which made an exact search over 1000 fragments of 100 rows six
 * times slower than over one fragment of the same rows; copying a vector
 * value into a block costs about 0.3–0.4 ns (measured, 2 cores), so the copy
 * pays for fragments of up to a few ten thousand values.
 */
export const SMALL_FRAGMENT_VALUES = 1 << 15;
/** A block is searched once it holds this many vector values (4 MiB of float32). */
const BLOCK_VALUES = 1 << 20;

/** Where a row of the block came from. */
export interface BlockRow {
  readonly fragment: FragmentSnapshot;
  readonly batch: RecordBatch;
  readonly row: number;
}

/**
 * The searchable rows of several small fragments, their vectors copied back
 * to back into one buffer. Rows are kept in (fragment id, row offset) order —
 * a fragment is only appended after fragments of smaller id — so a top-k of
 * the block breaks ties exactly as the merge of per-fragment results does.
 * One block per search: it fills across awaits, so it cannot be shared.
 */
export class VectorBlock {
  readonly #dims: number;
  readonly #values: Float32Array;
  readonly #sources: Uint32Array;
  readonly #offsets: Uint32Array;
  readonly #fragments: { fragment: FragmentSnapshot; batch: RecordBatch }[] = [];
  #rows = 0;
  #lastId = -Infinity;

  private constructor(dims: number, capacity: number) {
    this.#dims = dims;
    this.#values = takeSpare(capacity * dims);
    this.#sources = new Uint32Array(capacity);
    this.#offsets = new Uint32Array(capacity);
  }

  /** A block sized for the small ones among `fragments`, or null when there are none. */
  static forFragments(fragments: readonly FragmentSnapshot[], dims: number): VectorBlock | null {
    let rows = 0;
    for (const f of fragments) if (isSmall(f, dims)) rows += f.physicalRows - f.deletedRows;
    if (rows === 0) return null;
    return new VectorBlock(dims, Math.min(rows, Math.max(1, Math.floor(BLOCK_VALUES / dims))));
  }

  /** Whether `fragment` should be searched in a block rather than alone. */
  takes(fragment: FragmentSnapshot): boolean {
    return isSmall(fragment, this.#dims);
  }

  /** Rows in the block. */
  get rows(): number {
    return this.#rows;
  }

  /** Whether `liveRows` rows of `fragment` can follow the block's rows (else search the block first). */
  accepts(fragment: FragmentSnapshot, liveRows: number): boolean {
    return this.#rows === 0 || (fragment.id > this.#lastId && this.#rows + liveRows <= this.#sources.length);
  }

  /** Appends the rows of a fragment that `exclude` does not mark; call only when {@link accepts}. */
  add(fragment: FragmentSnapshot, batch: RecordBatch, vectors: Float32Array, rows: number, exclude: Uint8Array | null): void {
    const dims = this.#dims;
    const source = this.#fragments.length;
    this.#fragments.push({ fragment, batch });
    this.#lastId = fragment.id;
    let at = this.#rows;
    let r = 0;
    while (r < rows) {
      if (exclude !== null) while (r < rows && exclude[r] === 1) r++;
      const start = r;
      if (exclude === null) r = rows;
      else while (r < rows && exclude[r] !== 1) r++;
      if (r === start) continue;
      this.#values.set(vectors.subarray(start * dims, r * dims), at * dims);
      for (let i = start; i < r; i++, at++) {
        this.#sources[at] = source;
        this.#offsets[at] = i;
      }
    }
    this.#rows = at;
  }

  /** The block's vectors, `rows × dims` values at byte 0 of their buffer (valid until the next add). */
  vectors(): Float32Array {
    const length = this.#rows * this.#dims;
    return length === this.#values.length ? this.#values : new Float32Array(this.#values.buffer, 0, length);
  }

  /** The origin of row `i` of the block. */
  origin(i: number): BlockRow {
    const source = this.#fragments[this.#sources[i]!]!;
    return { fragment: source.fragment, batch: source.batch, row: this.#offsets[i]! };
  }

  /** Hands the buffer on to the next search; the block must not be used after this. */
  release(): void {
    this.clear();
    if (spare === null || spare.length < this.#values.length) spare = this.#values;
  }

  /** Empties the block for the next fragments. */
  clear(): void {
    this.#rows = 0;
    this.#fragments.length = 0;
    this.#lastId = -Infinity;
  }
}

/**
 * One released buffer, reused by the next search: allocating (and zeroing)
 * up to 4 MiB per query was a tenth of an exact search over small fragments.
 * Taken, not shared, so concurrent searches never fill the same buffer.
 */
let spare: Float32Array | null = null;

function takeSpare(length: number): Float32Array {
  if (spare === null || spare.length < length) return new Float32Array(length);
  const buffer = spare;
  spare = null;
  return buffer;
}

function isSmall(fragment: FragmentSnapshot, dims: number): boolean {
  return fragment.physicalRows * dims < SMALL_FRAGMENT_VALUES;
}
