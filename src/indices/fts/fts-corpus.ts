import type { FtsSegment } from "./fts-segment.js";
import type { Tokenizer } from "./tokenizer.js";

/** A segment as one query sees it: which of its documents are live in the version searched. */
export interface SegmentView {
  readonly segment: FtsSegment;
  /** 1 for each live document; null when all are live. */
  readonly live: Uint8Array | null;
}

/**
 * Everything a query needs to search one column of one table version: the
 * column's tokenizer, its segments (the stored index, and one per fragment the
 * index does not cover) with their live documents, and the BM25 statistics of
 * the live documents — N and the mean document length — computed once.
 */
export class FtsCorpus {
  readonly docCount: number;
  readonly avgDocLength: number;
  readonly #docFreq = new Map<string, number>();

  constructor(
    /** The searched column. */
    readonly column: string,
    /** The name of the column's full-text index, for messages. */
    readonly indexName: string,
    readonly tokenizer: Tokenizer,
    readonly views: readonly SegmentView[],
  ) {
    let docs = 0;
    let tokens = 0;
    for (const { segment, live } of views) {
      const lengths = segment.data.docLength;
      for (let d = 0; d < lengths.length; d++) {
        if (live === null || live[d] === 1) {
          docs++;
          tokens += lengths[d]!;
        }
      }
    }
    this.docCount = docs;
    this.avgDocLength = docs === 0 ? 0 : tokens / docs;
  }

  /** True when every segment stores positions (phrase queries need them). */
  get hasPositions(): boolean {
    return this.views.every((v) => v.segment.hasPositions);
  }

  /** How many live documents contain `term`. */
  docFreq(term: string): number {
    let count = this.#docFreq.get(term);
    if (count !== undefined) return count;
    count = 0;
    for (const { segment, live } of this.views) {
      const t = segment.termId(term);
      if (t < 0) continue;
      if (live === null) {
        count += segment.data.termDocs[t]!;
        continue;
      }
      const { docs } = segment.postingsOf(t);
      for (let p = 0; p < docs.length; p++) if (live[docs[p]!] === 1) count++;
    }
    this.#docFreq.set(term, count);
    return count;
  }
}
