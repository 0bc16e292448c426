/**
 * Little-endian byte buffers with LEB128 varints, the building block of the
 * compact full-text index format (see fts-segment-codec.ts). Varints take any
 * integer from 0 to 2^53 − 1: segment-local document numbers shifted left by
 * one, fragment ids and row offsets all fit without losing precision. The
 * common values (< 2^28) take the bitwise fast path; larger ones fall back to
 * arithmetic, because JavaScript's bitwise operators stop at 32 bits.
 */

const TWO_POW_28 = 268435456;

/** A growable byte buffer written front to back. */
export class ByteWriter {
  #bytes: Uint8Array;
  #length = 0;

  constructor(capacity = 1024) {
    this.#bytes = new Uint8Array(Math.max(16, capacity));
  }

  get length(): number {
    return this.#length;
  }

  /** Room for `extra` more bytes; doubling keeps appends amortised O(1). */
  #reserve(extra: number): void {
    const needed = this.#length + extra;
    if (needed <= this.#bytes.length) return;
    let capacity = this.#bytes.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.#bytes.subarray(0, this.#length));
    this.#bytes = grown;
  }

  varint(value: number): void {
    this.#reserve(8);
    const bytes = this.#bytes;
    let at = this.#length;
    if (value >= 0 && value < TWO_POW_28) {
      while (value >= 128) {
        bytes[at++] = (value & 127) | 128;
        value >>>= 7;
      }
    } else {
      if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`a varint holds integers 0 to 2^53 - 1, got ${value}`);
      while (value >= 128) {
        bytes[at++] = (value % 128) | 128;
        value = Math.floor(value / 128);
      }
    }
    bytes[at++] = value;
    this.#length = at;
  }

  uint32(value: number): void {
    this.#reserve(4);
    const bytes = this.#bytes;
    const at = this.#length;
    bytes[at] = value & 255;
    bytes[at + 1] = (value >>> 8) & 255;
    bytes[at + 2] = (value >>> 16) & 255;
    bytes[at + 3] = (value >>> 24) & 255;
    this.#length = at + 4;
  }

  /** The buffer with room for `extra` more bytes after `length`, zeroed, to fill directly before {@link setLength}. */
  reserve(extra: number): Uint8Array {
    this.#reserve(extra);
    this.#bytes.fill(0, this.#length, this.#length + extra);
    return this.#bytes;
  }

  setLength(length: number): void {
    this.#length = length;
  }

  bytes(chunk: Uint8Array): void {
    this.#reserve(chunk.length);
    this.#bytes.set(chunk, this.#length);
    this.#length += chunk.length;
  }

  /** The bytes written so far (a view: copy before writing more if it must stay stable). */
  view(): Uint8Array {
    return this.#bytes.subarray(0, this.#length);
  }

  /** The bytes written, in a buffer of exactly that size. */
  finish(): Uint8Array {
    return this.#bytes.slice(0, this.#length);
  }
}

/**
 * Reads varints from `bytes` starting at `pos`. Bounds are the caller's
 * business: the stored index is checksummed before any of it is decoded, and
 * the codec checks every length it takes from a header; a read past the end
 * yields NaN rather than looping, which those checks turn into an error.
 */
export class ByteReader {
  pos: number;

  constructor(
    readonly bytes: Uint8Array,
    pos = 0,
  ) {
    this.pos = pos;
  }

  varint(): number {
    const bytes = this.bytes;
    let b = bytes[this.pos++]!;
    if (b < 128) return b;
    let value = b & 127;
    b = bytes[this.pos++]!;
    value |= (b & 127) << 7;
    if (b < 128) return value;
    b = bytes[this.pos++]!;
    value |= (b & 127) << 14;
    if (b < 128) return value;
    b = bytes[this.pos++]!;
    value |= (b & 127) << 21;
    if (b < 128) return value;
    // Past 28 bits: add by multiplication, exact up to 2^53.
    let scale = TWO_POW_28;
    for (let i = 0; i < 4; i++) {
      b = bytes[this.pos++]!;
      if (b === undefined) return Number.NaN;
      value += (b & 127) * scale;
      if (b < 128) return value;
      scale *= 128;
    }
    return Number.NaN;
  }

  uint32(): number {
    const bytes = this.bytes;
    const at = this.pos;
    this.pos = at + 4;
    return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
  }
}
