import { type Data, Float32, RecordBatch, Struct, makeData, util } from "apache-arrow";
import { concatBatches } from "../arrow/concat-batches.js";
import { InvalidArgumentError, NotSupportedError, QuiverError } from "../errors.js";
import { ProjectionNode, type QueryPlan, QueryPlan as Plans } from "../plan/index.js";
import type { TableSnapshot } from "../storage/table-snapshot.js";
import type { ExecutionContext } from "./execution-context.js";
import { DISTANCE, RELEVANCE_SCORE, ROW_ID, SCORE, emptyBatch } from "./project.js";
import type { Projection } from "./project.js";
import { numbersOf } from "./rerankers/fuse-results.js";
import type { Reranker } from "./rerankers/reranker.js";
import { RRFReranker } from "./rerankers/rrf-reranker.js";
import { takeRows } from "./take-rows.js";

/** The two sub-searches of a hybrid search, each prepared like a query of its own. */
export interface HybridInput<P> {
  readonly vector: P;
  readonly fullText: P;
  readonly reranker: Reranker;
  /** The query text handed to the reranker. */
  readonly text: string;
}

/**
 * Splits a hybrid plan (a vector search with a full-text part) into its
 * vector and full-text searches: both keep the filters and the selected
 * columns (minus the score columns), fetch `QueryPlan.hybridCandidateDepth` rows
 * with row ids, and are prepared with `prepare` — which resolves the query
 * vector (embedding the text) and checks the full-text index.
 */
export async function prepareHybrid<P extends { readonly knn?: unknown; readonly fullText?: unknown }>(
  plan: QueryPlan,
  snapshot: TableSnapshot,
  prepare: (plan: QueryPlan) => Promise<P>,
): Promise<HybridInput<P>> {
  const knn = plan.knn!;
  const fts = plan.fts!;
  const table = snapshot.tableName;
  if (knn.vectors.length > 1) {
    throw new NotSupportedError(
      `hybrid search on table '${table}': a hybrid search takes one query vector, and this one has ${knn.vectors.length} ` +
        `(addQueryVector). Run one hybrid search per vector.`,
    );
  }
  const columns = plan.projection?.columns.filter((c) => ![SCORE, RELEVANCE_SCORE, DISTANCE, ROW_ID].includes(ProjectionNode.outputName(c)));
  const shared = {
    projection: columns === undefined ? undefined : ProjectionNode.create(columns),
    limit: Plans.hybridCandidateDepth(plan),
    offset: 0,
    withRowId: true,
    rerank: undefined,
  };
  const vector = await prepare(Plans.cloneWith(plan, { ...shared, fts: undefined }));
  if (!vector.knn) {
    throw new NotSupportedError(
      `hybrid search "${fts.text}" on table '${table}': the table has no embedding function, so the text cannot be searched as a vector. ` +
        `Hybrid search needs both an embedding function and a full-text index: create the table with ` +
        `{embeddingFunction: {function, sourceColumn}}, pass a vector with query().nearestTo(vector).fullTextSearch(text), ` +
        `or run search(text, "fts") alone.`,
    );
  }
  const fullText = await prepare(Plans.cloneWith(plan, { ...shared, knn: undefined }));
  return { vector, fullText, reranker: plan.rerank?.reranker ?? new RRFReranker(), text: fts.text };
}

/**
 * Runs both searches, hands their results to the reranker, orders its rows by
 * `_relevance_score` (best first; a stable sort, so a reranker's own order
 * breaks ties), applies offset and limit and shapes the rows like
 * `projection`: the selected columns, `_relevance_score`, and `_rowid` when
 * asked for.
 */
export async function searchHybrid<P extends { readonly projection: Projection }>(
  plan: QueryPlan,
  input: HybridInput<P>,
  projection: Projection,
  context: ExecutionContext,
  run: (prepared: P) => AsyncGenerator<RecordBatch>,
): Promise<RecordBatch | null> {
  const collect = async (prepared: P): Promise<RecordBatch> => {
    const batches: RecordBatch[] = [];
    for await (const batch of run(prepared)) batches.push(batch);
    const schema = prepared.projection.schema;
    return batches.length === 0 ? emptyBatch(schema) : concatBatches(schema, batches);
  };
  const vecResults = await collect(input.vector);
  context.checkDeadline();
  const ftsResults = await collect(input.fullText);
  context.checkDeadline();

  const reranker = input.reranker;
  const name = reranker.constructor?.name ?? "reranker";
  let fused: RecordBatch;
  try {
    fused = await reranker.rerankHybrid(input.text, vecResults, ftsResults);
  } catch (error) {
    if (error instanceof QuiverError) throw error;
    throw new QuiverError(`hybrid search on table '${context.tableName}': ${name}.rerankHybrid failed: ${(error as Error)?.message ?? String(error)}`, {
      cause: error,
    });
  }
  if (!(fused instanceof RecordBatch) && !isRecordBatchLike(fused)) {
    throw new InvalidArgumentError(`hybrid search on table '${context.tableName}': ${name}.rerankHybrid must return an Arrow RecordBatch.`, "reranker");
  }
  const relevance = numbersOf(fused, RELEVANCE_SCORE, "its result", name);
  const order = Array.from(relevance, (_, i) => i).sort((a, b) => relevanceOf(relevance, b) - relevanceOf(relevance, a));
  const limit = Plans.effectiveLimit(plan)!;
  const picked = Uint32Array.from(order.slice(plan.offset, plan.offset + limit));
  context.stats.rowsOutput = picked.length;
  if (picked.length === 0) return null;

  const children: Data[] = projection.outputs.map((output) => {
    if (output.kind === "score") {
      return makeData({ type: new Float32(), length: picked.length, nullCount: 0, data: Float32Array.from(picked, (i) => relevance[i]!) });
    }
    const column = fused.getChild(output.field.name);
    if (!column) {
      throw new InvalidArgumentError(
        `hybrid search on table '${context.tableName}': ${name}.rerankHybrid returned no '${output.field.name}' column; a reranker keeps the selected columns and '${ROW_ID}'.`,
        "reranker",
      );
    }
    if (!util.compareTypes(column.type, output.field.type)) {
      throw new InvalidArgumentError(
        `hybrid search on table '${context.tableName}': ${name}.rerankHybrid changed the type of '${output.field.name}' from ${String(output.field.type)} to ${String(column.type)}.`,
        "reranker",
      );
    }
    // A record batch holds each column as one chunk.
    return takeRows(output.field.type, [column.data[0]!], { sources: null, rows: picked });
  });
  return new RecordBatch(projection.schema, makeData({ type: new Struct(projection.schema.fields), length: picked.length, nullCount: 0, children }));
}

function relevanceOf(values: Float64Array, i: number): number {
  const v = values[i]!;
  return Number.isNaN(v) ? -Infinity : v;
}

function isRecordBatchLike(value: unknown): value is RecordBatch {
  return typeof value === "object" && value !== null && typeof (value as RecordBatch).getChild === "function" && typeof (value as RecordBatch).numRows === "number";
}
