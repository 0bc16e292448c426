/**
 * Frozen plan nodes: what a query builder records, read by the executor.
 * Everything here is internal to Quiver.
 *
 * @internal
 * @module
 */
export { FilterNode } from "./filter-node.js";
export { ProjectionNode, type ProjectedColumn, type ProjectedColumnRef, type ProjectedExpression } from "./projection-node.js";
export {
  KnnNode,
  DISTANCE_TYPES,
  type DistanceType,
  type DistanceRange,
  type QueryVectorNode,
  type QueryVectorLiteral,
  type QueryVectorDeferred,
  type DeferredVectorContext,
  type ResolvedQueryVector,
  type FullTextFallback,
} from "./knn-node.js";
export {
  FullTextNode,
  type FtsBooleanNode,
  type FtsMatchNode,
  type FtsMultiMatchNode,
  type FtsOccur,
  type FtsOperator,
  type FtsPhraseNode,
  type FtsQueryNode,
} from "./full-text-node.js";
export { RerankNode } from "./rerank-node.js";
export { QueryPlan, DEFAULT_VECTOR_LIMIT } from "./query-plan-node.js";
export { explainPlan, type ExplainOptions } from "./explain-plan.js";
