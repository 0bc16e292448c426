import type { RecordBatch } from "apache-arrow";

/**
 * Fuses the two result lists of a hybrid search into one (LanceDB's
 * `Reranker`). `vecResults` holds the vector search's rows, nearest first,
 * with `_distance` and `_rowid`; `ftsResults` the full-text search's rows,
 * best first, with `_score` and `_rowid`; both carry the query's selected
 * columns. The result holds each row once, with a `_relevance_score` column,
 * best first. Implement it to plug in your own fusion.
 */
export interface Reranker {
  rerankHybrid(query: string, vecResults: RecordBatch, ftsResults: RecordBatch): Promise<RecordBatch>;
}
