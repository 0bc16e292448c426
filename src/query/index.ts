/**
 * Query builders: LanceDB's `Query` / `VectorQuery` surface over frozen plans.
 *
 * @module
 */
export { QueryBase, StandardQueryBase, type QueryExecutionOptions, type ColumnOrdering, type FullTextSearchOptions } from "./query-base.js";
export { Query } from "./query.js";
export { VectorQuery } from "./vector-query.js";
export {
  BooleanQuery,
  FullTextQueryType,
  MatchQuery,
  MultiMatchQuery,
  Occur,
  Operator,
  PhraseQuery,
  instanceOfFullTextQuery,
  type FullTextQuery,
} from "./full-text-query.js";
export type { QuerySource } from "./query-source.js";
export type { IntoVector } from "./query-vector.js";
export type { DistanceType } from "../plan/index.js";
