import { InvalidArgumentError } from "../errors.js";
import type { Reranker } from "../exec/rerankers/reranker.js";
import { DISTANCE_TYPES, type DistanceType, type KnnNode, KnnNode as Knn, QueryPlan, RerankNode } from "../plan/index.js";
import { StandardQueryBase } from "./query-base.js";
import type { QuerySource } from "./query-source.js";
import { type IntoVector, toQueryVectorNode } from "./query-vector.js";
import { describeValue, requireInteger, requireNonEmptyString } from "./validate-arguments.js";

/**
 * A vector search, made by `table.search(vector)` or
 * `table.query().nearestTo(vector)`. Rows come back nearest first, with a
 * `_distance` column; 10 of them unless `limit` says otherwise.
 *
 * With no vector index the search is exact: every row's vector is compared.
 * With a vector index on the column built for the query's `distanceType`,
 * indexed rows are searched through it (HNSW-SQ: `ef`, `refineFactor`; IVF:
 * `nprobes`, `refineFactor`) and rows added since are searched exactly and
 * merged. `_distance` is exact except from IVF-PQ without `refineFactor`,
 * which returns quantized distances as LanceDB does.
 *
 * @example
 * const hits = await table.search(queryVector).where("lang = 'en'").distanceType("cosine").limit(5).toArray();
 *
 * @hideconstructor
 */
export class VectorQuery extends StandardQueryBase {
  /** @hidden */
  constructor(source: QuerySource, plan: QueryPlan) {
    super(source, plan);
    if (!plan.knn) throw new RangeError("VectorQuery needs a plan with a query vector");
  }

  get #knn(): KnnNode {
    return this.plan.knn!;
  }

  #update(patch: Partial<Omit<KnnNode, "kind">>): this {
    this.plan = QueryPlan.cloneWith(this.plan, { knn: Knn.cloneWith(this.#knn, patch) });
    return this;
  }

  /**
   * Sets how many IVF partitions to search (minimum and maximum alike). Used
   * by an IVF index (default 20); other searches ignore it.
   */
  nprobes(nprobes: number): VectorQuery {
    const value = requireInteger("nprobes", "nprobes", nprobes, 1, "Pass the number of partitions to probe, e.g. nprobes(20).");
    return this.#update({ minimumNprobes: value, maximumNprobes: value });
  }

  /** Sets the fewest IVF partitions to search (default 20). Used by an IVF index; other searches ignore it. */
  minimumNprobes(minimumNprobes: number): VectorQuery {
    const value = requireInteger("minimumNprobes", "minimumNprobes", minimumNprobes, 1, "minimum_nprobes must be greater than 0.");
    const max = this.#knn.maximumNprobes;
    if (max !== undefined && max !== 0 && max < value) {
      throw new InvalidArgumentError(
        `minimumNprobes(${value}): maximum_nprobes must be greater than or equal to minimum_nprobes; maximumNprobes is ${max}. ` +
          "Raise maximumNprobes first, or lower the minimum.",
        "minimumNprobes",
      );
    }
    return this.#update({ minimumNprobes: value });
  }

  /**
   * Sets the most IVF partitions to search when the minimum held too few rows
   * that pass the filter; 0 (the default) means no maximum. Used by an IVF
   * index; other searches ignore it.
   */
  maximumNprobes(maximumNprobes: number): VectorQuery {
    const value = requireInteger("maximumNprobes", "maximumNprobes", maximumNprobes, 0, "Pass a number of partitions, or 0 for no maximum.");
    const min = this.#knn.minimumNprobes;
    if (value !== 0 && min !== undefined && value < min) {
      throw new InvalidArgumentError(
        `maximumNprobes(${value}): maximum_nprobes must be greater than or equal to minimum_nprobes, which is ${min}. ` +
          "Pass a larger maximum, or 0 for no maximum.",
        "maximumNprobes",
      );
    }
    return this.#update({ maximumNprobes: value });
  }

  /**
   * Keeps only rows whose distance lies in [lowerBound, upperBound): lower
   * bound inclusive, upper exclusive; `undefined` leaves that side open. The
   * range applies before the limit, so rows closer than `lowerBound` do not
   * use up the limit.
   */
  distanceRange(lowerBound?: number, upperBound?: number): VectorQuery {
    const check = (name: string, value: unknown): number | undefined => {
      if (value === undefined || value === null) return undefined;
      if (typeof value !== "number" || Number.isNaN(value)) {
        throw new InvalidArgumentError(
          `distanceRange: ${name} must be a number or undefined, got ${describeValue(value)}.`,
          name,
        );
      }
      return value;
    };
    const lower = check("lowerBound", lowerBound);
    const upper = check("upperBound", upperBound);
    if (lower !== undefined && upper !== undefined && lower > upper) {
      throw new InvalidArgumentError(
        `distanceRange(${lower}, ${upper}): the lower bound is above the upper bound, so no row could match. ` +
          "Swap the bounds: distanceRange(lower, upper) keeps lower ≤ distance < upper.",
        "lowerBound",
      );
    }
    const range = lower === undefined && upper === undefined ? undefined : Object.freeze({ lower, upper });
    return this.#update({ distanceRange: range });
  }

  /**
   * Sets how many candidates an HNSW index examines (default 64): higher gives
   * better recall and slower queries. Searches without an HNSW index ignore it.
   */
  ef(ef: number): VectorQuery {
    const value = requireInteger("ef", "ef", ef, 1, "Pass a number of candidates, e.g. ef(64).");
    return this.#update({ ef: value });
  }

  /**
   * Picks the vector column to search. Needed when the table has more than
   * one vector column (a fixed-size list of floats).
   */
  column(column: string): VectorQuery {
    const name = requireNonEmptyString("column", "column", column, "Pass the name of a vector column, e.g. column(\"vector\").");
    return this.#update({ column: name });
  }

  /**
   * Sets the distance metric: "l2" (squared Euclidean, the default),
   * "cosine" (1 − cosine similarity) or "dot" (1 − dot product). With a
   * vector index it must match the index's metric.
   */
  distanceType(distanceType: DistanceType | "hamming"): VectorQuery {
    const name = typeof distanceType === "string" ? distanceType.toLowerCase() : distanceType;
    if (!DISTANCE_TYPES.includes(name as DistanceType)) {
      const hint =
        name === "hamming"
          ? " Hamming distance compares binary (uint8) vectors, which Quiver does not support yet."
          : "";
      throw new InvalidArgumentError(
        `Invalid distance type ${describeValue(distanceType)}. Must be one of l2, cosine or dot.${hint} ` +
          'Pass one of them, e.g. distanceType("cosine").',
        "distanceType",
      );
    }
    return this.#update({ distanceType: name as DistanceType });
  }

  /**
   * Sets how many candidates a vector index re-ranks with full vectors: at
   * least limit × refineFactor (an HNSW search re-ranks at least `ef` anyway).
   * Without an index it changes nothing: distances are always exact.
   */
  refineFactor(refineFactor: number): VectorQuery {
    const value = requireInteger("refineFactor", "refineFactor", refineFactor, 1, "Pass a multiplier, e.g. refineFactor(5).");
    return this.#update({ refineFactor: value });
  }

  /**
   * Filters after the vector search instead of before: the nearest
   * (limit + offset) rows are found first, then the filter drops rows, so
   * fewer than `limit` rows (or none) may come back. The default, prefilter,
   * always returns `limit` rows when that many match.
   */
  postfilter(): VectorQuery {
    return this.#update({ postfilter: true });
  }

  /** Skips any vector index and compares every row (an exact search). Without an index that is what happens anyway. */
  bypassVectorIndex(): VectorQuery {
    return this.#update({ bypassVectorIndex: true });
  }

  /**
   * Adds another query vector. Each vector is searched on its own (same
   * filter, limit and offset), and the results follow one another with a
   * leading `query_index` column (0 for the first vector).
   */
  addQueryVector(vector: IntoVector): VectorQuery {
    const node = toQueryVectorNode(vector, "addQueryVector");
    const first = this.#knn.vectors.find((v) => v.kind === "QueryVectorLiteral");
    if (node.kind === "QueryVectorLiteral" && first?.kind === "QueryVectorLiteral" && first.values.length !== node.values.length) {
      throw new InvalidArgumentError(
        `addQueryVector: every query vector needs the same dimension; the first has ${first.values.length} values, this one ${node.values.length}.`,
        "vector",
      );
    }
    this.plan = QueryPlan.cloneWith(this.plan, { knn: Knn.cloneWithVector(this.#knn, node) });
    return this;
  }

  /**
   * Sets how a hybrid search (`nearestTo(v).fullTextSearch(text)`, or
   * `search(text, "hybrid")`) fuses its vector and full-text results: a
   * `rerankers.RRFReranker` (the default, k = 60), a
   * `rerankers.LinearCombinationReranker`, or your own {@link Reranker}.
   * Results carry `_relevance_score`, best first. Without a full-text part
   * the query fails when it runs.
   *
   * @example
   * const rrf = await rerankers.RRFReranker.create(30);
   * await table.search("fast vector search", "hybrid").rerank(rrf).limit(5).toArray();
   */
  rerank(reranker: Reranker): VectorQuery {
    if (typeof reranker !== "object" || reranker === null || typeof (reranker as Partial<Reranker>).rerankHybrid !== "function") {
      throw new InvalidArgumentError(
        `rerank(${describeValue(reranker)}): expected a reranker with a rerankHybrid(query, vecResults, ftsResults) method, ` +
          "such as await rerankers.RRFReranker.create().",
        "reranker",
      );
    }
    this.plan = QueryPlan.cloneWith(this.plan, { rerank: RerankNode.create(reranker) });
    return this;
  }

  /** An independent copy of this query: changing one does not change the other. */
  clone(): VectorQuery {
    return new VectorQuery(this.source, this.plan);
  }
}
