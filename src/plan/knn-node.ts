import type { Schema } from "apache-arrow";
import { isNode } from "./filter-node.js";

/** The distance metrics of a vector search, with LanceDB's names and definitions. */
export type DistanceType = "l2" | "cosine" | "dot";

/** The accepted distance types, in the order error messages list them. */
export const DISTANCE_TYPES: readonly DistanceType[] = Object.freeze(["l2", "cosine", "dot"]);

/**
 * A query vector known when the query was built. `values` is a private copy:
 * nothing writes to it after the node is made.
 *
 * @internal
 */
export interface QueryVectorLiteral {
  readonly kind: "QueryVectorLiteral";
  readonly values: Float32Array;
}

/**
 * A query vector that becomes known when the query runs: a promise given to
 * `nearestTo`, or text that the table layer embeds at execution time. The
 * builder stays synchronous; `resolve` is called once per execution.
 *
 * @internal
 */
export interface QueryVectorDeferred {
  readonly kind: "QueryVectorDeferred";
  /** What the vector will be, for `explainPlan` ("embedding of 'red shoes'"). */
  readonly description: string;
  /**
   * Computes the vector for the snapshot being queried. `column` is the vector
   * column chosen with `.column()`, if any; a resolver that embeds text may pick
   * the column itself (the one its embedding function fills) and say which.
   */
  readonly resolve: (context: DeferredVectorContext) => Promise<Float32Array | ResolvedQueryVector | FullTextFallback>;
}

/**
 * What a text resolver returns instead of a vector when the table has no
 * embedding function and the search was "auto": run `text` as a full-text
 * search (LanceDB's auto mode).
 *
 * @internal
 */
export interface FullTextFallback {
  readonly kind: "FullTextFallback";
  readonly text: string;
  /** The columns to search (search's `ftsColumns`); absent: every column with a full-text index. */
  readonly columns?: readonly string[];
}

/** What a deferred query vector knows when it is resolved. @internal */
export interface DeferredVectorContext {
  readonly schema: Schema;
  readonly column: string | undefined;
}

/** A resolved query vector with the vector column it belongs to. @internal */
export interface ResolvedQueryVector {
  readonly values: Float32Array;
  readonly column: string;
}

/** @internal */
export type QueryVectorNode = QueryVectorLiteral | QueryVectorDeferred;

/** Bounds of `distanceRange`: lower inclusive, upper exclusive; absent means unbounded. */
export interface DistanceRange {
  readonly lower?: number;
  readonly upper?: number;
}

/**
 * The vector-search part of a plan. Index tuning knobs (nprobes, refineFactor,
 * ef, bypassVectorIndex) are recorded as given; with no vector index they do
 * not change results.
 *
 * @internal
 */
export interface KnnNode {
  readonly kind: "KnnNode";
  /** One or more query vectors; with several, results carry a `query_index` column. */
  readonly vectors: readonly QueryVectorNode[];
  /** The vector column; absent means "the table's only vector column", resolved at execution. */
  readonly column?: string;
  readonly distanceType: DistanceType;
  /** Filter after the top-k instead of before (LanceDB's `postfilter()`). */
  readonly postfilter: boolean;
  readonly minimumNprobes?: number;
  readonly maximumNprobes?: number;
  readonly refineFactor?: number;
  readonly ef?: number;
  readonly bypassVectorIndex: boolean;
  readonly distanceRange?: DistanceRange;
}

/** @internal */
export const KnnNode = Object.freeze({
  is(node: unknown): node is KnnNode {
    return isNode(node, "KnnNode");
  },

  create(vector: QueryVectorNode): KnnNode {
    return Object.freeze({
      kind: "KnnNode",
      vectors: Object.freeze([vector]),
      distanceType: "l2",
      postfilter: false,
      bypassVectorIndex: false,
    });
  },

  cloneWith(node: KnnNode, patch: Partial<Omit<KnnNode, "kind">>): KnnNode {
    return Object.freeze({ ...node, ...patch, kind: "KnnNode" });
  },

  cloneWithVector(node: KnnNode, vector: QueryVectorNode): KnnNode {
    return Object.freeze({ ...node, vectors: Object.freeze([...node.vectors, vector]) });
  },

  createLiteral(values: Float32Array): QueryVectorLiteral {
    return Object.freeze({ kind: "QueryVectorLiteral", values });
  },

  createDeferred(
    description: string,
    resolve: (context: DeferredVectorContext) => Promise<Float32Array | ResolvedQueryVector | FullTextFallback>,
  ): QueryVectorDeferred {
    return Object.freeze({ kind: "QueryVectorDeferred", description, resolve });
  },
});
