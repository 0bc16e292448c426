import type { IvfSearchHits } from "./ivf-search-options.js";

/**
 * The k best (smallest distance, then smallest position) of a stream of
 * candidates: a bounded max-heap, O(log k) per accepted candidate and O(1)
 * per rejected one.
 *
 * @internal
 */
export class TopKHeap {
  readonly capacity: number;
  #size = 0;
  readonly #distances: Float64Array;
  readonly #positions: Uint32Array;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.#distances = new Float64Array(capacity);
    this.#positions = new Uint32Array(capacity);
  }

  get size(): number {
    return this.#size;
  }

  /** The distance a candidate must beat to enter (Infinity until full). */
  get bound(): number {
    return this.#size < this.capacity ? Infinity : this.#distances[0]!;
  }

  /** Offers a candidate; NaN distances are never kept. */
  offer(distance: number, position: number): void {
    if (distance !== distance) return;
    const d = this.#distances;
    const p = this.#positions;
    if (this.#size < this.capacity) {
      let i = this.#size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!worse(distance, position, d[parent]!, p[parent]!)) break;
        d[i] = d[parent]!;
        p[i] = p[parent]!;
        i = parent;
      }
      d[i] = distance;
      p[i] = position;
      return;
    }
    if (!worse(d[0]!, p[0]!, distance, position)) return;
    this.#siftDown(distance, position, this.#size);
  }

  /** The kept candidates ascending; empties the heap. */
  drain(): IvfSearchHits {
    const n = this.#size;
    const positions = new Uint32Array(n);
    const distances = new Float32Array(n);
    for (let end = n - 1; end >= 0; end--) {
      positions[end] = this.#positions[0]!;
      distances[end] = this.#distances[0]!;
      const lastD = this.#distances[end]!;
      const lastP = this.#positions[end]!;
      this.#size = end;
      if (end > 0) this.#siftDown(lastD, lastP, end);
    }
    return { positions, distances };
  }

  /** Places (distance, position) at the root of a heap of `size` and sifts it down. */
  #siftDown(distance: number, position: number, size: number): void {
    const d = this.#distances;
    const p = this.#positions;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      const r = l + 1;
      const c = r < size && worse(d[r]!, p[r]!, d[l]!, p[l]!) ? r : l;
      if (!worse(d[c]!, p[c]!, distance, position)) break;
      d[i] = d[c]!;
      p[i] = p[c]!;
      i = c;
    }
    d[i] = distance;
    p[i] = position;
  }
}

/** True when (da, pa) ranks after (db, pb). */
function worse(da: number, pa: number, db: number, pb: number): boolean {
  return da > db || (da === db && pa > pb);
}
