import { type FilterNode, isNode } from "./filter-node.js";
import type { FullTextNode } from "./full-text-node.js";
import type { KnnNode } from "./knn-node.js";
import type { ProjectionNode } from "./projection-node.js";
import type { RerankNode } from "./rerank-node.js";

/**
 * Everything a `Query` or `VectorQuery` builder has recorded, as one frozen
 * value. Builders replace their plan on every call; the executor reads it
 * against one table snapshot. Nothing in a plan touches data, so plans can be
 * inspected (`explainPlan`) and compared without a table.
 *
 * @internal
 */
export interface QueryPlan {
  readonly kind: "QueryPlan";
  /** Predicates joined with AND; empty for no filter. */
  readonly filters: readonly FilterNode[];
  /** Output columns; absent for all columns. */
  readonly projection?: ProjectionNode;
  /** Maximum rows (per query vector for a vector search); absent for no limit (10 for a vector, full-text or hybrid search). */
  readonly limit?: number;
  /** Rows to skip before returning any (per query vector for a vector search). */
  readonly offset: number;
  readonly withRowId: boolean;
  /** `fastSearch()`: skip data not covered by an index (full-text search, and vector search with a vector index). */
  readonly fastSearch: boolean;
  /** Present for a vector search. */
  readonly knn?: KnnNode;
  /** Present for a full-text search; with `knn` too, the plan is a hybrid search. */
  readonly fts?: FullTextNode;
  /** The reranker of a hybrid search (default: reciprocal-rank fusion). */
  readonly rerank?: RerankNode;
}

/** The default `limit` of a vector, full-text or hybrid search, as in LanceDB. */
export const DEFAULT_VECTOR_LIMIT = 10;

/** @internal */
export const QueryPlan = Object.freeze({
  is(node: unknown): node is QueryPlan {
    return isNode(node, "QueryPlan");
  },

  create(): QueryPlan {
    return Object.freeze({ kind: "QueryPlan", filters: Object.freeze([]), offset: 0, withRowId: false, fastSearch: false });
  },

  cloneWith(plan: QueryPlan, patch: Partial<Omit<QueryPlan, "kind">>): QueryPlan {
    return Object.freeze({ ...plan, ...patch, kind: "QueryPlan" });
  },

  cloneWithFilter(plan: QueryPlan, filter: FilterNode): QueryPlan {
    return Object.freeze({ ...plan, filters: Object.freeze([...plan.filters, filter]) });
  },

  /**
   * How many rows each side of a hybrid search fetches for the reranker: twice
   * the rows wanted (offset + limit), and at least 20. Deeper lists let a row
   * that one search ranks moderately but the other ranks well surface after
   * fusion (see docs/full-text-search.md for the measurement).
   */
  hybridCandidateDepth(plan: QueryPlan): number {
    const wanted = (plan.limit ?? DEFAULT_VECTOR_LIMIT) + plan.offset;
    return Math.max(2 * wanted, 20);
  },

  /** The limit the executor applies: the plan's, or 10 for a vector, full-text or hybrid search. */
  effectiveLimit(plan: QueryPlan): number | undefined {
    return plan.limit ?? (plan.knn || plan.fts ? DEFAULT_VECTOR_LIMIT : undefined);
  },
});

