import type { Reranker } from "../exec/rerankers/reranker.js";
import { isNode } from "./filter-node.js";

/**
 * The reranker of a hybrid search (`rerank(reranker)`); absent from a hybrid
 * plan means the default reciprocal-rank fusion.
 *
 * @internal
 */
export interface RerankNode {
  readonly kind: "RerankNode";
  readonly reranker: Reranker;
  /** For explainPlan, e.g. "RRFReranker(k=60)". */
  readonly description: string;
}

/** @internal */
export const RerankNode = Object.freeze({
  is(node: unknown): node is RerankNode {
    return isNode(node, "RerankNode");
  },

  create(reranker: Reranker): RerankNode {
    const described = (reranker as { describe?: () => string }).describe;
    const description = typeof described === "function" ? described.call(reranker) : (reranker.constructor?.name ?? "Reranker");
    return Object.freeze({ kind: "RerankNode", reranker, description });
  },
});
