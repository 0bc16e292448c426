import { CorruptTableError } from "../../errors.js";
import { ByteReader, type ByteWriter } from "./byte-io.js";
import { maxBitWidth, pack, packedBytes, unpack } from "./bit-pack.js";

/**
 * One term's postings as bytes. Each posting is a document gap (the distance
 * from the previous document containing the term, minus one; the first counts
 * from −1) and the term's frequency there. Postings go in blocks of
 * {@link BLOCK}: a full block is `u8 gap width · u8 width of freq − 1 · the
 * gaps bit-packed · the (freq − 1)s bit-packed` (bit-pack.ts); the last,
 * partial block is varints — `gap · 2 + (freq > 1)`, then `freq − 2` only
 * when freq > 1 — which suits the many terms of only a few documents.
 *
 * Positions are stored apart, so that queries without phrases never touch
 * them: per posting, `freq` values — the first position, then each following
 * one minus the previous minus one — in the same blocks (`u8 width · packed`),
 * the last partial block as varints.
 */
export const BLOCK = 128;

/** Writes terms' postings and positions; one instance serves a whole segment. */
export class PostingsEncoder {
  readonly #gaps = new Uint32Array(BLOCK);
  readonly #extra = new Uint32Array(BLOCK);
  readonly #deltas = new Uint32Array(BLOCK);
  #pending = 0;

  constructor(
    private readonly postings: ByteWriter,
    private readonly positions: ByteWriter | null,
  ) {}

  /** One term's postings: `docs[from .. to]` ascending, with `freqs` alongside. */
  addTerm(docs: ArrayLike<number>, freqs: ArrayLike<number>, from: number, to: number): void {
    const gaps = this.#gaps;
    const extra = this.#extra;
    let previous = -1;
    let i = from;
    for (; i + BLOCK <= to; i += BLOCK) {
      for (let k = 0; k < BLOCK; k++) {
        const doc = docs[i + k]!;
        gaps[k] = doc - previous - 1;
        extra[k] = freqs[i + k]! - 1;
        previous = doc;
      }
      const gapWidth = maxBitWidth(gaps, 0, BLOCK);
      const freqWidth = maxBitWidth(extra, 0, BLOCK);
      const out = this.postings.reserve(2 + packedBytes(BLOCK, gapWidth) + packedBytes(BLOCK, freqWidth));
      let at = this.postings.length;
      out[at++] = gapWidth;
      out[at++] = freqWidth;
      at = pack(gaps, 0, BLOCK, gapWidth, out, at);
      at = pack(extra, 0, BLOCK, freqWidth, out, at);
      this.postings.setLength(at);
    }
    for (; i < to; i++) {
      const doc = docs[i]!;
      const gap = doc - previous - 1;
      const freq = freqs[i]!;
      previous = doc;
      if (freq === 1) this.postings.varint(gap * 2);
      else {
        this.postings.varint(gap * 2 + 1);
        this.postings.varint(freq - 2);
      }
    }
  }

  /** Starts a term's positions (call {@link addPositions} per posting, then {@link endPositions}). */
  beginPositions(): void {
    this.#pending = 0;
  }

  /** The positions of one posting, ascending: `values[from .. to]`. */
  addPositions(values: ArrayLike<number>, from: number, to: number): void {
    let previous = -1;
    for (let i = from; i < to; i++) {
      const value = values[i]!;
      this.#deltas[this.#pending++] = value - previous - 1;
      previous = value;
      if (this.#pending === BLOCK) this.#flushBlock();
    }
  }

  /** Writes the term's last, partial block of positions. */
  endPositions(): void {
    const out = this.positions!;
    for (let k = 0; k < this.#pending; k++) out.varint(this.#deltas[k]!);
    this.#pending = 0;
  }

  #flushBlock(): void {
    const writer = this.positions!;
    const width = maxBitWidth(this.#deltas, 0, BLOCK);
    const out = writer.reserve(1 + packedBytes(BLOCK, width));
    const at = writer.length;
    out[at] = width;
    writer.setLength(pack(this.#deltas, 0, BLOCK, width, out, at + 1));
    this.#pending = 0;
  }
}

/** A term's decoded postings: documents ascending, with the term's frequency in each. */
export interface TermPostings {
  readonly docs: Uint32Array;
  readonly freqs: Uint32Array;
}

/** A term's decoded positions: posting i's are `values[starts[i] .. starts[i + 1]]`. */
export interface TermPositions {
  readonly starts: Uint32Array;
  readonly values: Uint32Array;
}

/** Decodes `count` postings stored at `bytes[start .. end]`. */
export function decodePostings(bytes: Uint8Array, start: number, end: number, count: number): TermPostings {
  const docs = new Uint32Array(count);
  const freqs = new Uint32Array(count);
  const block = new Uint32Array(count >= BLOCK ? BLOCK : 0);
  let at = start;
  let doc = -1;
  let i = 0;
  for (; i + BLOCK <= count; i += BLOCK) {
    const gapWidth = bytes[at]!;
    const freqWidth = bytes[at + 1]!;
    if (!(gapWidth <= 32 && freqWidth <= 32)) throw corrupt(`a posting block has widths ${gapWidth}/${freqWidth}`);
    at = unpack(bytes, at + 2, BLOCK, gapWidth, block);
    for (let k = 0; k < BLOCK; k++) {
      doc += block[k]! + 1;
      docs[i + k] = doc;
    }
    at = unpack(bytes, at, BLOCK, freqWidth, block);
    for (let k = 0; k < BLOCK; k++) freqs[i + k] = block[k]! + 1;
  }
  const reader = new ByteReader(bytes, at);
  for (; i < count; i++) {
    const head = reader.varint();
    // Halving by division, not `>>> 1`: gaps of documents past 2^31 do not fit 32 bits.
    const odd = head % 2;
    doc += (head - odd) / 2 + 1;
    docs[i] = doc;
    freqs[i] = odd === 1 ? reader.varint() + 2 : 1;
  }
  if (reader.pos !== end) throw corrupt(`a posting list ends at byte ${reader.pos}, its term's entry says ${end}`);
  return { docs, freqs };
}

/** Decodes the positions of postings with frequencies `freqs`, stored at `bytes[start .. end]`. */
export function decodePositions(bytes: Uint8Array, start: number, end: number, freqs: Uint32Array): TermPositions {
  const starts = new Uint32Array(freqs.length + 1);
  let total = 0;
  for (let i = 0; i < freqs.length; i++) {
    starts[i] = total;
    total += freqs[i]!;
  }
  starts[freqs.length] = total;
  // First the raw deltas, block by block, then turned into positions posting by posting.
  const values = new Uint32Array(total);
  let at = start;
  let q = 0;
  for (; q + BLOCK <= total; q += BLOCK) {
    const width = bytes[at]!;
    if (!(width <= 32)) throw corrupt(`a position block has width ${width}`);
    at = unpack(bytes, at + 1, BLOCK, width, values.subarray(q, q + BLOCK));
  }
  const reader = new ByteReader(bytes, at);
  for (; q < total; q++) values[q] = reader.varint();
  if (reader.pos !== end) throw corrupt(`a position list ends at byte ${reader.pos}, its term's entry says ${end}`);
  for (let i = 0; i < freqs.length; i++) {
    let previous = -1;
    for (let k = starts[i]!; k < starts[i + 1]!; k++) {
      previous += values[k]! + 1;
      values[k] = previous;
    }
  }
  return { starts, values };
}

function corrupt(detail: string): CorruptTableError {
  return new CorruptTableError(`the full-text index is damaged: ${detail}`, "full-text index", "consistent postings", detail);
}
