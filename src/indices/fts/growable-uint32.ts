/**
 * An append-only Uint32Array that doubles when full: the index builder keeps
 * millions of postings in a few of these instead of one JS array per term,
 * which costs a fraction of the memory and none of the per-term allocations.
 */
export class GrowableUint32 {
  #data: Uint32Array;
  #length = 0;

  constructor(capacity = 1024) {
    this.#data = new Uint32Array(Math.max(16, capacity));
  }

  get length(): number {
    return this.#length;
  }

  /** The backing array; entries from `length` on are unused. Valid until the next push. */
  get data(): Uint32Array {
    return this.#data;
  }

  push(value: number): void {
    if (this.#length === this.#data.length) this.#grow(this.#length + 1);
    this.#data[this.#length++] = value;
  }

  /** Room for `extra` more entries, so a caller can fill `data` directly and then `setLength`. */
  reserve(extra: number): Uint32Array {
    if (this.#length + extra > this.#data.length) this.#grow(this.#length + extra);
    return this.#data;
  }

  setLength(length: number): void {
    this.#length = length;
  }

  /** The values, in an array of exactly that length. */
  toArray(): Uint32Array {
    return this.#data.slice(0, this.#length);
  }

  #grow(needed: number): void {
    let capacity = this.#data.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint32Array(capacity);
    grown.set(this.#data.subarray(0, this.#length));
    this.#data = grown;
  }
}
