/**
 * Okapi BM25, with the constants and the idf form of Lance and Tantivy:
 *
 *   idf(t)      = ln(1 + (N − n(t) + 0.5) / (n(t) + 0.5))
 *   score(t, d) = idf(t) · tf · (k1 + 1) / (tf + k1 · (1 − b + b · |d| / avgdl))
 *
 * N is the number of documents, n(t) how many contain t, tf how often t occurs
 * in d, |d| the number of tokens of d and avgdl the mean of |d|. A query's
 * score is the sum over its terms. Quiver counts N, n(t) and avgdl over the
 * live rows of the version being searched (deleted rows excluded, rows not yet
 * indexed included), so a score does not depend on when the index was built.
 */
export const BM25_K1 = 1.2;
export const BM25_B = 0.75;

/** Inverse document frequency of a term found in `docFreq` of `docCount` documents. */
export function bm25Idf(docFreq: number, docCount: number): number {
  return Math.log(1 + (docCount - docFreq + 0.5) / (docFreq + 0.5));
}

/** The BM25 weight of a term occurring `termFreq` times in a document of `docLength` tokens. */
export function bm25Weight(idf: number, termFreq: number, docLength: number, avgDocLength: number): number {
  const norm = avgDocLength > 0 ? docLength / avgDocLength : 0;
  return (idf * termFreq * (BM25_K1 + 1)) / (termFreq + BM25_K1 * (1 - BM25_B + BM25_B * norm));
}
