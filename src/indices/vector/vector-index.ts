import type { DistanceType } from "../../plan/knn-node.js";
import type { VectorIndexKind } from "./vector-index-options.js";

/** Query-time knobs of an index search, as LanceDB names them; each kind reads the ones it has. */
export interface VectorIndexSearchOptions {
  /** HNSW: candidates examined (usearch's expansion_search). */
  readonly ef?: number;
  /** IVF: fewest and most partitions probed. */
  readonly minimumNprobes?: number;
  readonly maximumNprobes?: number;
}

/** Candidates of one query, nearest first by the index's own (possibly approximate) distance. */
export interface VectorIndexHits {
  /** Row keys: fragment id × 2^32 + offset in the fragment. */
  readonly keys: Float64Array;
  readonly distances: Float32Array;
}

/**
 * A loaded vector index of one column, as the search path sees it. An index
 * only proposes candidates: the caller drops deleted and filtered-out rows,
 * re-ranks the rest with exact distances from the stored vectors
 * (`refineFactor` widens the candidate list), asks again for more when too
 * few survive, and searches rows the index does not cover exactly — so the
 * same caller serves HNSW and IVF indexes.
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
   * At least `k` candidates when the index holds that many (an HNSW search
   * returns every one of the `ef` it examined, which may be more).
   */
  search(query: Float32Array, k: number, options: VectorIndexSearchOptions): VectorIndexHits;
}
