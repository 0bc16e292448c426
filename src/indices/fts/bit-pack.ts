/**
 * Fixed-width bit packing of blocks of small integers (< 2^32), least
 * significant bit first. Posting gaps, frequencies and positions of a block
 * of 128 postings usually fit in a few bits each, where a varint spends at
 * least a whole byte; the block's width is the widest value's.
 */

/** Widths up to this take the word-at-a-time path: offset (< 8) + width stays within 32 bits. */
const FAST_WIDTH = 25;
const POW2 = Float64Array.from({ length: 33 }, (_, i) => 2 ** i);

/** Bits needed for `value` (0 for 0). */
export function bitWidth(value: number): number {
  return 32 - Math.clz32(value);
}

/** The widest of `values[from .. to]`. */
export function maxBitWidth(values: ArrayLike<number>, from: number, to: number): number {
  let or = 0;
  for (let i = from; i < to; i++) or |= values[i]!;
  return bitWidth(or >>> 0);
}

/** Bytes of `count` values of `width` bits. */
export function packedBytes(count: number, width: number): number {
  return (count * width + 7) >>> 3;
}

/** Writes `values[from .. to]` at `width` bits each into `out` from `at` (zeroed bytes); returns the end. */
export function pack(values: ArrayLike<number>, from: number, to: number, width: number, out: Uint8Array, at: number): number {
  if (width === 0) return at;
  let bit = at * 8;
  if (width <= FAST_WIDTH) {
    // A value shifted by its bit offset (< 8) still fits 32 bits: OR it into four bytes at once.
    for (let i = from; i < to; i++) {
      const byte = bit >>> 3;
      const shifted = values[i]! << (bit & 7);
      out[byte]! |= shifted & 255;
      out[byte + 1]! |= (shifted >>> 8) & 255;
      out[byte + 2]! |= (shifted >>> 16) & 255;
      out[byte + 3]! |= shifted >>> 24;
      bit += width;
    }
    return at + packedBytes(to - from, width);
  }
  for (let i = from; i < to; i++) {
    let value = values[i]! >>> 0;
    let left = width;
    while (left > 0) {
      const offset = bit & 7;
      const take = Math.min(8 - offset, left);
      out[bit >>> 3]! |= (value & ((1 << take) - 1)) << offset;
      value >>>= take;
      bit += take;
      left -= take;
    }
  }
  return at + packedBytes(to - from, width);
}

/** Reads `count` values of `width` bits from `bytes` at `at` into `out[0 .. count]`; returns the end. */
export function unpack(bytes: Uint8Array, at: number, count: number, width: number, out: Uint32Array): number {
  if (width === 0) {
    out.fill(0, 0, count);
    return at;
  }
  let bit = at * 8;
  if (width <= FAST_WIDTH) {
    // Reads past the end of `bytes` give undefined, which the bitwise operators take as 0.
    const mask = (1 << width) - 1;
    for (let i = 0; i < count; i++) {
      const byte = bit >>> 3;
      const word = bytes[byte]! | (bytes[byte + 1]! << 8) | (bytes[byte + 2]! << 16) | (bytes[byte + 3]! << 24);
      out[i] = (word >>> (bit & 7)) & mask;
      bit += width;
    }
    return at + packedBytes(count, width);
  }
  for (let i = 0; i < count; i++) {
    let value = 0;
    let got = 0;
    while (got < width) {
      const offset = bit & 7;
      const take = Math.min(8 - offset, width - got);
      // Multiplication, not `<<`: bit 31 would make the result negative.
      value += ((bytes[bit >>> 3]! >>> offset) & ((1 << take) - 1)) * POW2[got]!;
      bit += take;
      got += take;
    }
    out[i] = value;
  }
  return at + packedBytes(count, width);
}
