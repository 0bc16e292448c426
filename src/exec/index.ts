/**
 * Query execution: runs a frozen plan against a table snapshot.
 *
 * @internal
 * @module
 */
export { executePlan, executePrepared, executeToTable, planOutputSchema, prepareQuery, type PreparedQuery } from "./execute-plan.js";
export { type ExecuteOptions, type ExecutionStats, createExecutionStats } from "./execution-context.js";
export {
  type DistanceKernel,
  type KernelSearchRequest,
  type KernelSearchResult,
  createTypeScriptKernel,
  getDistanceKernel,
  loadNativeKernel,
} from "./distance-kernel.js";
export { takeRows, type RowRefs } from "./take-rows.js";
export { describeScalarIndexUse } from "./scalar-index-use.js";
export { DISTANCE, QUERY_INDEX, ROW_ID } from "./project.js";
