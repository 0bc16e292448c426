/**
 * The arrays of one inverted index over a set of documents (rows of one text
 * column). Documents are numbered 0..docCount-1 in row-id order (fragment id,
 * then offset); each term's postings list the documents containing it in that
 * order, with the term's frequency in each and, when positions are kept, the
 * positions of its occurrences.
 */
export interface FtsSegmentData {
  /** Per document: the fragment id and the offset of its row. */
  readonly docFragment: Uint32Array;
  readonly docOffset: Uint32Array;
  /** Per document: the number of tokens (the BM25 document length). */
  readonly docLength: Uint32Array;
  /** The distinct terms, sorted (by UTF-16 code units). */
  readonly terms: readonly string[];
  /** `terms.length + 1` entries: term t's postings are `termStart[t] .. termStart[t + 1]`. */
  readonly termStart: Uint32Array;
  /** Per posting: the document, and how often the term occurs in it. */
  readonly postingDoc: Uint32Array;
  readonly postingFreq: Uint32Array;
  /** Per posting (`postings + 1` entries), where its positions start in `positions`; null without positions. */
  readonly positionStart: Uint32Array | null;
  /** Token positions, grouped by posting, ascending within each. */
  readonly positions: Uint32Array | null;
}

/**
 * One searchable inverted index: the stored index of a column, or a fragment
 * not covered by it, tokenized when a query needs it. Immutable once built, so
 * it can be cached and shared by concurrent queries.
 */
export class FtsSegment {
  readonly #data: FtsSegmentData;
  #lookup: Map<string, number> | undefined;

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

  /** Approximate bytes held, for the cache. */
  get byteSize(): number {
    const d = this.#data;
    let bytes = d.docFragment.byteLength + d.docOffset.byteLength + d.docLength.byteLength;
    bytes += d.termStart.byteLength + d.postingDoc.byteLength + d.postingFreq.byteLength;
    bytes += (d.positionStart?.byteLength ?? 0) + (d.positions?.byteLength ?? 0);
    for (const term of d.terms) bytes += 40 + 2 * term.length;
    return bytes;
  }
}
