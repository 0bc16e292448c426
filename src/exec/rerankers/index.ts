/**
 * Rerankers fuse the vector and full-text results of a hybrid search
 * (LanceDB's `rerankers` namespace).
 *
 * @module
 */
export type { Reranker } from "./reranker.js";
export { RRFReranker } from "./rrf-reranker.js";
export { LinearCombinationReranker } from "./linear-combination-reranker.js";
