import { ByteWriter } from "./byte-io.js";
import { FtsSegment } from "./fts-segment.js";
import { GrowableUint32 } from "./growable-uint32.js";
import { PostingsEncoder } from "./postings-codec.js";
import type { TokenList } from "./tokenizer.js";

/** Marks "no document yet" in the per-term scratch (document numbers stay below it). */
const NONE = 0xffffffff;

/**
 * Collects documents (in row-id order) into an {@link FtsSegment}: for every
 * term, the documents containing it, its frequency there and its positions.
 *
 * Terms are numbered as they are first seen; postings are appended to a few
 * flat typed arrays (term, document, frequency — and positions, grouped by
 * posting) in the order documents arrive. `finish()` sorts the dictionary,
 * groups the postings by term with one counting pass (stable, so each term's
 * documents stay ascending) and encodes them (postings-codec.ts). No JS object
 * or array is made per term or per posting, which is what used to dominate
 * the build time and memory.
 */
export class FtsSegmentBuilder {
  readonly #withPositions: boolean;
  readonly #fragments = new GrowableUint32();
  readonly #offsets = new GrowableUint32();
  readonly #lengths = new GrowableUint32();
  readonly #termIds = new Map<string, number>();
  readonly #termNames: string[] = [];
  /** Postings in arrival order. */
  readonly #postTerm = new GrowableUint32(1 << 14);
  readonly #postDoc = new GrowableUint32(1 << 14);
  readonly #postFreq = new GrowableUint32(1 << 14);
  /** Positions of the postings, in the same order, `postFreq` of them each; null without positions. */
  readonly #positions: GrowableUint32 | null;
  /** The tokens of the document being added. */
  readonly #docTerms = new GrowableUint32(256);
  readonly #docPositions = new GrowableUint32(256);
  /** Per term: the document it was last seen in, and its slot among that document's distinct terms. */
  #seenIn = new Uint32Array(1024).fill(NONE);
  #slot = new Uint32Array(1024);
  /** Per distinct term of the current document: its id, occurrences, and where its positions go. */
  #distinct = new Uint32Array(256);
  #counts = new Uint32Array(256);
  #fill = new Uint32Array(256);
  #lastFragment = -1;
  #lastOffset = -1;
  #open = false;

  constructor(withPositions: boolean) {
    this.#withPositions = withPositions;
    this.#positions = withPositions ? new GrowableUint32(1 << 14) : null;
  }

  get docCount(): number {
    return this.#fragments.length;
  }

  /**
   * A builder holding the live documents of an existing segment (renumbered,
   * postings copied without re-tokenizing), to which documents with higher row
   * ids can then be added: how `optimize()` brings an index up to date.
   */
  static fromSegment(segment: FtsSegment, live: Uint8Array | null): FtsSegmentBuilder {
    const builder = new FtsSegmentBuilder(segment.hasPositions);
    const d = segment.data;
    const renumbered = new Uint32Array(d.docFragment.length).fill(NONE);
    for (let doc = 0; doc < d.docFragment.length; doc++) {
      if (live !== null && live[doc] !== 1) continue;
      renumbered[doc] = builder.#fragments.length;
      builder.#fragments.push(d.docFragment[doc]!);
      builder.#offsets.push(d.docOffset[doc]!);
      builder.#lengths.push(d.docLength[doc]!);
      builder.#lastFragment = d.docFragment[doc]!;
      builder.#lastOffset = d.docOffset[doc]!;
    }
    const positionsOut = builder.#positions;
    d.terms.forEach((term, t) => {
      const postings = segment.postingsOf(t, false);
      const positions = positionsOut ? segment.positionsOf(t, postings) : null;
      let id = -1;
      for (let i = 0; i < postings.docs.length; i++) {
        const doc = renumbered[postings.docs[i]!]!;
        if (doc === NONE) continue;
        if (id < 0) id = builder.#intern(term);
        builder.#postTerm.push(id);
        builder.#postDoc.push(doc);
        builder.#postFreq.push(postings.freqs[i]!);
        if (positions && positionsOut) {
          for (let q = positions.starts[i]!; q < positions.starts[i + 1]!; q++) positionsOut.push(positions.values[q]!);
        }
      }
    });
    return builder;
  }

  /** The row id (fragment · 2^32 + offset) of the last document added, or -1. */
  get lastRowKey(): number {
    return this.#lastFragment < 0 ? -1 : this.#lastFragment * 4294967296 + this.#lastOffset;
  }

  /**
   * Adds one row's tokens. Rows must come in ascending row-id order (fragment
   * id, then offset), which keeps every postings list sorted.
   */
  addDocument(fragment: number, offset: number, tokens: TokenList): void {
    this.beginDocument(fragment, offset);
    const { terms, positions } = tokens;
    for (let i = 0; i < terms.length; i++) this.addToken(terms[i]!, positions[i]!);
    this.endDocument();
  }

  /** Starts a row; its tokens follow with {@link addToken}, then {@link endDocument}. Same order rule as addDocument. */
  beginDocument(fragment: number, offset: number): void {
    if (this.#open) throw new RangeError("beginDocument: the previous document was not ended");
    // Compared as a pair: fragment · 2^32 + offset would round once fragment ids pass 2^21.
    if (fragment < this.#lastFragment || (fragment === this.#lastFragment && offset <= this.#lastOffset)) {
      throw new RangeError(`documents must be added in row-id order: ${fragment}/${offset} came late`);
    }
    this.#lastFragment = fragment;
    this.#lastOffset = offset;
    this.#open = true;
    this.#fragments.push(fragment);
    this.#offsets.push(offset);
  }

  addToken(term: string, position: number): void {
    const id = this.#termIds.get(term) ?? this.#intern(term);
    this.#docTerms.push(id);
    if (this.#withPositions) this.#docPositions.push(position);
  }

  endDocument(): void {
    this.#open = false;
    const doc = this.#fragments.length - 1;
    const n = this.#docTerms.length;
    this.#lengths.push(n);
    if (n === 0) return;
    if (this.#distinct.length < n) {
      this.#distinct = new Uint32Array(n * 2);
      this.#counts = new Uint32Array(n * 2);
      this.#fill = new Uint32Array(n * 2);
    }
    const ids = this.#docTerms.data;
    const seenIn = this.#seenIn;
    const slot = this.#slot;
    const distinct = this.#distinct;
    const counts = this.#counts;
    // Group the document's tokens by term: each distinct term gets a slot, in order of first occurrence.
    let k = 0;
    for (let i = 0; i < n; i++) {
      const t = ids[i]!;
      if (seenIn[t] !== doc) {
        seenIn[t] = doc;
        slot[t] = k;
        distinct[k] = t;
        counts[k++] = 0;
      }
      counts[slot[t]!]!++;
    }
    for (let s = 0; s < k; s++) {
      this.#postTerm.push(distinct[s]!);
      this.#postDoc.push(doc);
      this.#postFreq.push(counts[s]!);
    }
    const out = this.#positions;
    if (out) {
      // Positions go out grouped by slot (the postings' order), ascending within each slot.
      const base = out.length;
      const fill = this.#fill;
      let at = base;
      for (let s = 0; s < k; s++) {
        fill[s] = at;
        at += counts[s]!;
      }
      const target = out.reserve(n);
      const positions = this.#docPositions.data;
      for (let i = 0; i < n; i++) target[fill[slot[ids[i]!]!]!++] = positions[i]!;
      out.setLength(base + n);
    }
    this.#docTerms.setLength(0);
    this.#docPositions.setLength(0);
  }

  /** The finished segment; the builder should not be used afterwards. */
  finish(): FtsSegment {
    const names = this.#termNames;
    const termCount = names.length;
    // The default sort compares strings by UTF-16 code units: the dictionary's order.
    const sorted = names.slice().sort();
    const rank = new Uint32Array(termCount);
    for (let r = 0; r < termCount; r++) rank[this.#termIds.get(sorted[r]!)!] = r;

    const count = this.#postTerm.length;
    const postTerm = this.#postTerm.data;
    const postDoc = this.#postDoc.data;
    const postFreq = this.#postFreq.data;
    const termDocs = new Uint32Array(termCount);
    const termPositions = new Float64Array(termCount);
    for (let i = 0; i < count; i++) {
      const r = rank[postTerm[i]!]!;
      termDocs[r]!++;
      termPositions[r]! += postFreq[i]!;
    }
    // Counting sort of the postings by term rank, moving the values themselves so that encoding
    // then reads them in order; stable, so documents stay ascending within a term.
    const next = new Float64Array(termCount);
    const nextPosition = new Float64Array(termCount);
    for (let r = 1; r < termCount; r++) {
      next[r] = next[r - 1]! + termDocs[r - 1]!;
      nextPosition[r] = nextPosition[r - 1]! + termPositions[r - 1]!;
    }
    const docs = new Uint32Array(count);
    const freqs = new Uint32Array(count);
    const positionsIn = this.#positions?.data ?? null;
    const positions = positionsIn ? new Uint32Array(this.#positions!.length) : null;
    for (let i = 0, from = 0; i < count; i++) {
      const r = rank[postTerm[i]!]!;
      const j = next[r]!++;
      const freq = postFreq[i]!;
      docs[j] = postDoc[i]!;
      freqs[j] = freq;
      if (positions) {
        const to = nextPosition[r]!;
        for (let q = 0; q < freq; q++) positions[to + q] = positionsIn![from + q]!;
        nextPosition[r] = to + freq;
        from += freq;
      }
    }

    const postingBytes = new ByteWriter(count * 2 + 16);
    const positionBytes = positions ? new ByteWriter(positions.length + 16) : null;
    const encoder = new PostingsEncoder(postingBytes, positionBytes);
    const postingStart = new Float64Array(termCount + 1);
    const positionStart = positions ? new Float64Array(termCount + 1) : null;
    for (let r = 0, j = 0, q = 0; r < termCount; r++) {
      postingStart[r] = postingBytes.length;
      const end = j + termDocs[r]!;
      encoder.addTerm(docs, freqs, j, end);
      if (positions) {
        positionStart![r] = positionBytes!.length;
        encoder.beginPositions();
        for (; j < end; j++) {
          encoder.addPositions(positions, q, q + freqs[j]!);
          q += freqs[j]!;
        }
        encoder.endPositions();
      }
      j = end;
    }
    postingStart[termCount] = postingBytes.length;
    if (positionStart) positionStart[termCount] = positionBytes!.length;
    return new FtsSegment({
      docFragment: this.#fragments.toArray(),
      docOffset: this.#offsets.toArray(),
      docLength: this.#lengths.toArray(),
      terms: Object.freeze(sorted),
      termDocs,
      postingStart,
      postings: postingBytes.finish(),
      positionStart,
      positions: positionBytes?.finish() ?? null,
    });
  }

  /** Numbers a new term and makes room for it in the per-term scratch. */
  #intern(term: string): number {
    const id = this.#termNames.length;
    this.#termIds.set(term, id);
    this.#termNames.push(term);
    if (id === this.#seenIn.length) {
      const seenIn = new Uint32Array(id * 2).fill(NONE);
      seenIn.set(this.#seenIn);
      this.#seenIn = seenIn;
      const slot = new Uint32Array(id * 2);
      slot.set(this.#slot);
      this.#slot = slot;
    }
    return id;
  }
}

/** Orders strings by UTF-16 code units (the order of `terms` in a segment). */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
