import type { FilterNode } from "./filter-node.js";
import { FullTextNode } from "./full-text-node.js";
import type { KnnNode, QueryVectorNode } from "./knn-node.js";
import { ProjectionNode } from "./projection-node.js";
import { QueryPlan } from "./query-plan-node.js";

/** @internal */
export interface ExplainOptions {
  /** Adds index parameters and query vector previews. */
  readonly verbose?: boolean;
  /** Named in the scan line. */
  readonly tableName?: string;
  /** The scalar indexes the filters use (`cat_idx (Bitmap on cat)`), shown on the filter line. */
  readonly scalarIndices?: readonly string[];
  /**
   * The vector index a run searched (analyzePlan knows it; explainPlan reads
   * no data, so its vector search shows as "flat").
   */
  readonly vectorIndex?: string;
}

/**
 * Renders a plan as an indented tree, the last operation at the top (the way
 * LanceDB's `explainPlan` reads). Reads no data, so the vector column shows
 * as "auto" until a query runs against a table.
 *
 * @internal
 */
export function explainPlan(plan: QueryPlan, options: ExplainOptions = {}): string {
  const verbose = options.verbose ?? false;
  const lines: string[] = [];
  const knn = plan.knn;
  const limit = QueryPlan.effectiveLimit(plan);

  lines.push(`Projection: ${describeProjection(plan)}`);
  if (limit !== undefined || plan.offset > 0) {
    lines.push(`Limit: skip=${plan.offset}, fetch=${limit ?? "all"}${knn && knn.vectors.length > 1 ? " per query vector" : ""}`);
  }
  const fts = plan.fts;
  if (knn && fts) {
    // A hybrid search: both searches fetch candidates, then the reranker fuses them.
    const depth = QueryPlan.hybridCandidateDepth(plan);
    lines.push(`Rerank: ${plan.rerank?.description ?? "RRFReranker(k=60)"}, candidates=${depth} per search`);
    lines.push(describeKnn({ ...plan, offset: 0 }, knn, depth, verbose, options.vectorIndex));
    lines.push(describeFullText(fts, depth));
    if (plan.filters.length > 0) lines.push(`Filter: ${describeFilters(plan.filters)} (prefilter)`);
  } else if (knn) {
    if (knn.postfilter && plan.filters.length > 0) lines.push(`Filter: ${describeFilters(plan.filters)} (postfilter)`);
    lines.push(describeKnn(plan, knn, limit ?? 0, verbose, options.vectorIndex));
    if (!knn.postfilter && plan.filters.length > 0) lines.push(`Filter: ${describeFilters(plan.filters)} (prefilter)`);
  } else if (fts) {
    lines.push(describeFullText(fts, (limit ?? 0) + plan.offset));
    if (plan.filters.length > 0) lines.push(`Filter: ${describeFilters(plan.filters)} (prefilter)`);
  } else if (plan.filters.length > 0) {
    lines.push(`Filter: ${describeFilters(plan.filters)}`);
  }
  const scan = [`table=${options.tableName === undefined ? "?" : `'${options.tableName}'`}`, "deleted rows excluded"];
  if (plan.withRowId) scan.push("withRowId=true");
  if ((verbose || fts) && plan.fastSearch) scan.push("fastSearch=true");
  lines.push(`Scan: ${scan.join(", ")}`);

  const indices = options.scalarIndices ?? [];
  const shown = lines.map((line) => (indices.length > 0 && line.startsWith("Filter: ") ? `${line}, scalar index: ${indices.join(", ")}` : line));
  return shown.map((line, depth) => `${"  ".repeat(depth)}${line}`).join("\n") + "\n";
}

function describeFilters(filters: readonly FilterNode[]): string {
  if (filters.length === 1) return filters[0]!.text;
  return filters.map((f) => `(${f.text})`).join(" AND ");
}

function describeProjection(plan: QueryPlan): string {
  const names: string[] = [];
  if (plan.knn && !plan.fts && plan.knn.vectors.length > 1) names.push("query_index");
  if (plan.projection) {
    for (const column of plan.projection.columns) {
      names.push(column.kind === "ProjectedColumnRef" ? column.name : `${column.sql} AS ${column.alias}`);
    }
  } else {
    names.push("*");
  }
  const listed = new Set(plan.projection?.columns.map(ProjectionNode.outputName) ?? []);
  const score = plan.fts ? (plan.knn ? "_relevance_score" : "_score") : undefined;
  if (plan.knn && !plan.fts && !listed.has("_distance")) names.push("_distance");
  if (score && !listed.has(score)) names.push(score);
  if (plan.withRowId && !listed.has("_rowid")) names.push("_rowid");
  return `[${names.join(", ")}]`;
}

function describeKnn(plan: QueryPlan, knn: KnnNode, limit: number, verbose: boolean, vectorIndex: string | undefined): string {
  const parts = [
    `column=${knn.column ?? "auto"}`,
    `metric=${knn.distanceType}`,
    `k=${limit + plan.offset}`,
    `queries=${knn.vectors.length}${describeDims(knn.vectors)}`,
    vectorIndex === undefined ? "flat" : `index=${vectorIndex}`,
  ];
  if (knn.distanceRange) {
    const { lower, upper } = knn.distanceRange;
    parts.push(`distanceRange=[${lower ?? "-inf"}, ${upper ?? "+inf"})`);
  }
  if (verbose) {
    if (knn.minimumNprobes !== undefined) parts.push(`minimumNprobes=${knn.minimumNprobes}`);
    if (knn.maximumNprobes !== undefined) parts.push(`maximumNprobes=${knn.maximumNprobes}`);
    if (knn.refineFactor !== undefined) parts.push(`refineFactor=${knn.refineFactor}`);
    if (knn.ef !== undefined) parts.push(`ef=${knn.ef}`);
    if (knn.bypassVectorIndex) parts.push("bypassVectorIndex=true");
    parts.push(`vectors=[${knn.vectors.map(describeVector).join(", ")}]`);
  }
  return `KnnSearch: ${parts.join(", ")}`;
}

function describeFullText(fts: FullTextNode, k: number): string {
  const columns = fts.columns ? `[${fts.columns.join(", ")}]` : "auto";
  const origin = fts.origin === "auto" ? ", from a text query (no embedding function)" : "";
  return `FullTextSearch: query=${FullTextNode.describe(fts.query)}, columns=${columns}, k=${k}, BM25${origin}`;
}

function describeDims(vectors: readonly QueryVectorNode[]): string {
  const first = vectors[0];
  return first?.kind === "QueryVectorLiteral" ? ` (dims=${first.values.length})` : "";
}

function describeVector(vector: QueryVectorNode): string {
  if (vector.kind === "QueryVectorDeferred") return `<${vector.description}>`;
  const shown = Array.from(vector.values.subarray(0, 8), (v) => String(v));
  if (vector.values.length > 8) shown.push(`... ${vector.values.length - 8} more`);
  return `[${shown.join(", ")}]`;
}
