import { FtsSegment } from "./fts-segment.js";
import type { TokenList } from "./tokenizer.js";

interface TermPostings {
  docs: number[];
  freqs: number[];
  positions: number[] | null;
}

/**
 * Collects documents (in row-id order) into an {@link FtsSegment}: for every
 * term, the documents containing it, its frequency there and its positions.
 */
export class FtsSegmentBuilder {
  readonly #withPositions: boolean;
  readonly #fragments: number[] = [];
  readonly #offsets: number[] = [];
  readonly #lengths: number[] = [];
  readonly #terms = new Map<string, TermPostings>();
  #lastKey = -1;

  constructor(withPositions: boolean) {
    this.#withPositions = withPositions;
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
    const renumbered = new Int32Array(d.docFragment.length).fill(-1);
    for (let doc = 0; doc < d.docFragment.length; doc++) {
      if (live !== null && live[doc] !== 1) continue;
      renumbered[doc] = builder.#fragments.length;
      builder.#fragments.push(d.docFragment[doc]!);
      builder.#offsets.push(d.docOffset[doc]!);
      builder.#lengths.push(d.docLength[doc]!);
      builder.#lastKey = d.docFragment[doc]! * 4294967296 + d.docOffset[doc]!;
    }
    d.terms.forEach((term, t) => {
      let entry: TermPostings | undefined;
      for (let p = d.termStart[t]!; p < d.termStart[t + 1]!; p++) {
        const doc = renumbered[d.postingDoc[p]!]!;
        if (doc < 0) continue;
        entry ??= { docs: [], freqs: [], positions: d.positions ? [] : null };
        entry.docs.push(doc);
        entry.freqs.push(d.postingFreq[p]!);
        if (entry.positions) for (let q = d.positionStart![p]!; q < d.positionStart![p + 1]!; q++) entry.positions.push(d.positions![q]!);
      }
      if (entry) builder.#terms.set(term, entry);
    });
    return builder;
  }

  /** The row id (fragment · 2^32 + offset) of the last document added, or -1. */
  get lastRowKey(): number {
    return this.#lastKey;
  }

  /**
   * Adds one row's tokens. Rows must come in ascending row-id order (fragment
   * id, then offset), which keeps every postings list sorted.
   */
  addDocument(fragment: number, offset: number, tokens: TokenList): void {
    const key = fragment * 4294967296 + offset;
    if (key <= this.#lastKey) throw new RangeError(`documents must be added in row-id order: ${fragment}/${offset} came late`);
    this.#lastKey = key;
    const doc = this.#fragments.length;
    this.#fragments.push(fragment);
    this.#offsets.push(offset);
    this.#lengths.push(tokens.terms.length);
    const { terms, positions } = tokens;
    if (terms.length === 0) return;
    // Group this document's occurrences by term, keeping positions in order.
    const local = new Map<string, number[]>();
    for (let i = 0; i < terms.length; i++) {
      const list = local.get(terms[i]!);
      if (list) list.push(positions[i]!);
      else local.set(terms[i]!, [positions[i]!]);
    }
    for (const [term, at] of local) {
      let entry = this.#terms.get(term);
      if (!entry) {
        entry = { docs: [], freqs: [], positions: this.#withPositions ? [] : null };
        this.#terms.set(term, entry);
      }
      entry.docs.push(doc);
      entry.freqs.push(at.length);
      if (entry.positions) for (const p of at) entry.positions.push(p);
    }
  }

  /** The finished segment; the builder should not be used afterwards. */
  finish(): FtsSegment {
    const terms = [...this.#terms.keys()].sort(compareCodeUnits);
    let postings = 0;
    let positionCount = 0;
    for (const entry of this.#terms.values()) {
      postings += entry.docs.length;
      positionCount += entry.positions?.length ?? 0;
    }
    const termStart = new Uint32Array(terms.length + 1);
    const postingDoc = new Uint32Array(postings);
    const postingFreq = new Uint32Array(postings);
    const positionStart = this.#withPositions ? new Uint32Array(postings + 1) : null;
    const positions = this.#withPositions ? new Uint32Array(positionCount) : null;
    let p = 0;
    let q = 0;
    terms.forEach((term, t) => {
      termStart[t] = p;
      const entry = this.#terms.get(term)!;
      for (let i = 0; i < entry.docs.length; i++, p++) {
        postingDoc[p] = entry.docs[i]!;
        postingFreq[p] = entry.freqs[i]!;
        if (positionStart) {
          positionStart[p] = q;
          q += entry.freqs[i]!;
        }
      }
      if (positions && entry.positions) positions.set(entry.positions, positionStart![termStart[t]!]!);
    });
    termStart[terms.length] = p;
    if (positionStart) positionStart[p] = q;
    return new FtsSegment({
      docFragment: Uint32Array.from(this.#fragments),
      docOffset: Uint32Array.from(this.#offsets),
      docLength: Uint32Array.from(this.#lengths),
      terms,
      termStart,
      postingDoc,
      postingFreq,
      positionStart,
      positions,
    });
  }
}

/** Orders strings by UTF-16 code units (the order of `terms` in a segment). */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
