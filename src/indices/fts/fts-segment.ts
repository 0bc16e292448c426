import { type TermPositions, type TermPostings, decodePositions, decodePostings } from "./postings-codec.js";

/**
 * One inverted index over a set of documents (rows of one text column), in
 * the compact form it is stored in. Documents are numbered 0..docCount-1 in
 * row-id order (fragment id, then offset); each term's postings list the
 * documents containing it in that order, with the term's frequency in each
 * and, when positions are kept, the positions of its occurrences. Postings
 * and positions stay encoded (see postings-codec.ts) in one buffer each and
 * are decoded per term when a query asks for that term.
 */
export interface FtsSegmentData {
  /** Per document: the fragment id and the offset of its row. */
  readonly docFragment: Uint32Array;
  readonly docOffset: Uint32Array;
  /** Per document: the number of tokens (the BM25 document length). */
  readonly docLength: Uint32Array;
  /** The distinct terms, sorted (by UTF-16 code units). */
  readonly terms: readonly string[];
  /** Per term: how many documents contain it (its number of postings). */
  readonly termDocs: Uint32Array;
  /** `terms.length + 1` entries: term t's encoded postings are `postings[postingStart[t] .. postingStart[t + 1]]`. */
  readonly postingStart: Float64Array;
  readonly postings: Uint8Array;
  /** Like `postingStart`/`postings` for positions; null without positions. */
  readonly positionStart: Float64Array | null;
  readonly positions: Uint8Array | null;
}

/**
 * Decoded posting lists a segment keeps, most recently used first, up to this
 * many postings in all (8 bytes each: 8 MiB). Queries name the same frequent
 * terms again and again, and those are the lists that take longest to decode
 * (about 10 ns a posting); lists shorter than {@link CACHE_MIN_POSTINGS}
 * decode in microseconds and are not kept.
 */
const CACHE_POSTINGS = 1 << 20;
const CACHE_MIN_POSTINGS = 256;

/**
 * One searchable inverted index: the stored index of a column, or a fragment
 * not covered by it, tokenized when a query needs it. Immutable once built, so
 * it can be cached and shared by concurrent queries.
 */
export class FtsSegment {
  readonly #data: FtsSegmentData;
  #lookup: Map<string, number> | undefined;
  readonly #decoded = new Map<number, TermPostings>();
  #decodedPostings = 0;

  constructor(data: FtsSegmentData) {
    this.#data = data;
  }

  get data(): FtsSegmentData {
    return this.#data;
  }

  get docCount(): number {
    return this.#data.docFragment.length;
  }

  get hasPositions(): boolean {
    return this.#data.positions !== null;
  }

  /** The term's number, or -1 if no document has it. */
  termId(term: string): number {
    if (!this.#lookup) {
      const lookup = new Map<string, number>();
      this.#data.terms.forEach((t, i) => lookup.set(t, i));
      this.#lookup = lookup;
    }
    return this.#lookup.get(term) ?? -1;
  }

  /**
   * Term t's postings (a query decodes only the terms it names). The arrays
   * are shared: do not modify them. `keep: false` for one-off passes over
   * every term (optimize() copying the index), which would only flush the
   * lists queries use.
   */
  postingsOf(t: number, keep = true): TermPostings {
    const d = this.#data;
    const count = d.termDocs[t]!;
    if (count < CACHE_MIN_POSTINGS || !keep) return decodePostings(d.postings, d.postingStart[t]!, d.postingStart[t + 1]!, count);
    const cached = this.#decoded.get(t);
    if (cached) {
      // Re-inserted to mark it recently used (a Map iterates in insertion order).
      this.#decoded.delete(t);
      this.#decoded.set(t, cached);
      return cached;
    }
    const postings = decodePostings(d.postings, d.postingStart[t]!, d.postingStart[t + 1]!, count);
    if (count <= CACHE_POSTINGS) {
      for (const [old, list] of this.#decoded) {
        if (this.#decodedPostings + count <= CACHE_POSTINGS) break;
        this.#decoded.delete(old);
        this.#decodedPostings -= list.docs.length;
      }
      this.#decoded.set(t, postings);
      this.#decodedPostings += count;
    }
    return postings;
  }

  /** Term t's positions; `postings` must be `postingsOf(t)`. Throws without positions. */
  positionsOf(t: number, postings: TermPostings): TermPositions {
    const d = this.#data;
    if (d.positions === null || d.positionStart === null) throw new RangeError("this full-text segment stores no positions");
    return decodePositions(d.positions, d.positionStart[t]!, d.positionStart[t + 1]!, postings.freqs);
  }

  /** Approximate bytes held, for the cache: what is loaded, plus the most its decoded lists can take. */
  get byteSize(): number {
    const d = this.#data;
    let bytes = d.docFragment.byteLength + d.docOffset.byteLength + d.docLength.byteLength;
    let postings = 0;
    for (let t = 0; t < d.termDocs.length; t++) if (d.termDocs[t]! >= CACHE_MIN_POSTINGS) postings += d.termDocs[t]!;
    bytes += 8 * Math.min(postings, CACHE_POSTINGS);
    bytes += d.termDocs.byteLength + d.postingStart.byteLength + d.postings.byteLength;
    bytes += (d.positionStart?.byteLength ?? 0) + (d.positions?.byteLength ?? 0);
    for (const term of d.terms) bytes += 40 + 2 * term.length;
    return bytes;
  }
}
