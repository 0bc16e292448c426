import type { DistanceType } from "../../plan/knn-node.js";
import type { VectorIndexKind } from "./vector-index-options.js";

/**
 * Rows a search may return: fragment id → a mask over the fragment's row
 * offsets (1 = must not be returned), or null when every row of it may.
 * Rows of fragments that are not listed must not be returned.
 */
export type AllowedRows = ReadonlyMap<number, Uint8Array | null>;

/** Query-time knobs of an index search, as LanceDB names them; each kind reads the ones it has. */
export interface VectorIndexSearchOptions {
  /** HNSW: candidates examined (usearch's expansion_search). */
  readonly ef?: number;
  /** IVF: fewest and most partitions probed (LanceDB's defaults when absent: 20, and no maximum). */
  readonly minimumNprobes?: number;
  readonly maximumNprobes?: number;
  /** The rows that may be returned; honoured by indexes that set {@link VectorIndex.filtersCandidates}. */
  readonly allowed?: AllowedRows;
}

/** Candidates of one query, nearest first by the index's own (possibly approximate) distance. */
export interface VectorIndexHits {
  /** Row keys: fragment id × 2^32 + offset in the fragment. */
  readonly keys: Float64Array;
  readonly distances: Float32Array;
}

/**
 * How the caller turns candidates into results. "always": every candidate is
 * re-ranked with exact distances from the stored vectors (HNSW-SQ, whose
 * graph distances are quantized; IVF-Flat, whose distances are exact already
 * and are recomputed by the same kernel as an exact search so equal rows get
 * equal `_distance`). "onRefineFactor": the index's distances are approximate
 * and, as in LanceDB, returned as they are unless the query sets
 * `refineFactor`, which re-ranks limit × refineFactor candidates (IVF-PQ).
 */
export type RerankMode = "always" | "onRefineFactor";

/**
 * A loaded vector index of one column, as the search path sees it. An index
 * only proposes candidates: the caller drops deleted and filtered-out rows,
 * re-ranks the rest with exact distances from the stored vectors (see
 * {@link RerankMode}; `refineFactor` widens the candidate list), asks again
 * for more when too few survive, and searches rows the index does not cover
 * exactly — so the same caller serves HNSW and IVF indexes.
 *
 * @internal
 */
export interface VectorIndex {
  readonly kind: VectorIndexKind;
  readonly distanceType: DistanceType;
  readonly dims: number;
  /** Vectors the index holds (rows deleted after the build included). */
  readonly size: number;
  /**
   * True when search() returns only rows that `options.allowed` admits
   * (IVF skips the others while scanning a partition), so the caller asks
   * for the rows it wants, not more to make up for filtered-out ones.
   * Absent: false.
   */
  readonly filtersCandidates?: boolean;
  /** Absent: "always". */
  readonly rerank?: RerankMode;
  /**
   * At least `k` candidates when the index holds that many (an HNSW search
   * returns every one of the `ef` it examined, which may be more; an IVF
   * search returns fewer when the partitions it may probe hold fewer).
   */
  search(query: Float32Array, k: number, options: VectorIndexSearchOptions): VectorIndexHits;
}
