import type { FtsSegment } from "../../../src/indices/fts/fts-segment.js";

/** Every term's decoded postings (and positions), for comparing segments. */
export function expandSegment(segment: FtsSegment) {
  const d = segment.data;
  return {
    docFragment: Array.from(d.docFragment),
    docOffset: Array.from(d.docOffset),
    docLength: Array.from(d.docLength),
    terms: d.terms.map((term, t) => {
      const postings = segment.postingsOf(t);
      const positions = segment.hasPositions ? segment.positionsOf(t, postings) : null;
      return {
        term,
        docs: Array.from(postings.docs),
        freqs: Array.from(postings.freqs),
        positions: positions && Array.from(postings.docs, (_, i) => Array.from(positions.values.subarray(positions.starts[i]!, positions.starts[i + 1]!))),
      };
    }),
  };
}
