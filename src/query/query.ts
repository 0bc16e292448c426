import { InvalidArgumentError } from "../errors.js";
import {
  KnnNode,
  QueryPlan,
  type DeferredVectorContext,
  type FullTextFallback,
  type QueryVectorNode,
  type ResolvedQueryVector,
} from "../plan/index.js";
import type { FullTextQuery } from "./full-text-query.js";
import { StandardQueryBase } from "./query-base.js";
import type { QuerySource } from "./query-source.js";
import { type IntoVector, toDeferredVectorNode, toQueryVectorNode } from "./query-vector.js";
import { VectorQuery } from "./vector-query.js";

/**
 * A query over a table's rows: filter, pick columns, page. Turn it into a
 * vector search with {@link Query.nearestTo}.
 *
 * @example
 * const rows = await table.query().where("price < 100").select(["id", "name"]).limit(20).toArray();
 *
 * @hideconstructor
 */
export class Query extends StandardQueryBase {
  /** @hidden */
  constructor(source: QuerySource, plan: QueryPlan = QueryPlan.create()) {
    super(source, plan);
  }

  /**
   * Finds the rows whose vectors are nearest to `vector`, turning this query
   * into a {@link VectorQuery}; filters, columns, limit and offset set so far
   * carry over. The vector is an array of numbers or a typed array (or a
   * promise of one). With a single vector column it is found automatically;
   * otherwise pick one with `.column(name)`.
   *
   * A vector search returns 10 rows unless `limit` says otherwise. With no
   * vector index, every row is compared (an exact, "flat" search).
   */
  nearestTo(vector: IntoVector): VectorQuery {
    return this.#toVectorQuery(toQueryVectorNode(vector, "nearestTo"));
  }

  /**
   * Starts a vector search whose query vector is computed when the query
   * runs: the table layer uses it to embed query text lazily, so the builder
   * stays synchronous and embedding errors surface from `toArray()`.
   *
   * @internal
   */
  nearestToDeferred(description: string, compute: () => Promise<unknown>): VectorQuery {
    return this.#toVectorQuery(toDeferredVectorNode(description, compute, "nearestTo"));
  }

  /**
   * A vector search whose query vector is computed when the query runs, for the
   * snapshot it runs on (the table layer embeds text this way, so the builder
   * stays synchronous and the function bound to the searched column is used).
   *
   * @internal
   */
  nearestToResolved(
    description: string,
    resolve: (context: DeferredVectorContext) => Promise<ResolvedQueryVector | FullTextFallback>,
  ): VectorQuery {
    return this.#toVectorQuery(KnnNode.createDeferred(description, resolve));
  }

  /**
   * A full-text search for `query` in `columns` (default: every column with a
   * full-text index); the same as `fullTextSearch(query, {columns})`.
   */
  nearestToText(query: string | FullTextQuery, columns?: string[]): Query {
    return this.fullTextSearch(query, columns === undefined ? undefined : { columns });
  }

  /** An independent copy of this query: changing one does not change the other. */
  clone(): Query {
    return new Query(this.source, this.plan);
  }

  #toVectorQuery(vector: QueryVectorNode): VectorQuery {
    if (this.plan.limit === 0) {
      throw new InvalidArgumentError(
        "nearestTo: this query has limit(0), and a vector search returns at least one row (k must be positive). " +
          "Set limit(n) with n ≥ 1, or drop the limit to get 10 rows.",
        "limit",
      );
    }
    return new VectorQuery(this.source, QueryPlan.cloneWith(this.plan, { knn: KnnNode.create(vector) }));
  }
}
