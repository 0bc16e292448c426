import { type RecordBatch, type Schema, Table } from "apache-arrow";
import { InvalidArgumentError } from "../errors.js";
import { checkColumns } from "../filter/index.js";
import { type FullTextFallback, FullTextNode, QueryPlan as Plans, type QueryPlan } from "../plan/index.js";
import type { TableSnapshot } from "../storage/table-snapshot.js";
import { ExecutionContext, type ExecuteOptions } from "./execution-context.js";
import { type FullTextInput, prepareFullText, searchFullText } from "./full-text-search.js";
import { type HybridInput, prepareHybrid, searchHybrid } from "./hybrid-search.js";
import { type KnnInput, searchNearest } from "./knn.js";
import { type Projection, resolveProjection } from "./project.js";
import { scanFragments } from "./scan.js";
import { checkQueryDims, resolveVectorColumn } from "./vector-column.js";

/** A plan checked against a snapshot's schema, ready to run. */
export interface PreparedQuery {
  readonly plan: QueryPlan;
  readonly snapshot: TableSnapshot;
  readonly projection: Projection;
  /** Present for a vector search. */
  readonly knn?: KnnInput;
  /** Present for a full-text search. */
  readonly fullText?: FullTextInput;
  /** Present for a hybrid search: its two searches, prepared. */
  readonly hybrid?: HybridInput<PreparedQuery>;
}

/**
 * Checks a plan against the snapshot before reading any data: the columns
 * the filters and the projection name, the vector column and the query
 * vectors' dimension, the full-text indexes. Deferred query vectors
 * (promises, text to embed) are resolved here; a text query on a table
 * without an embedding function becomes a full-text search (auto mode).
 */
export async function prepareQuery(plan: QueryPlan, snapshot: TableSnapshot): Promise<PreparedQuery> {
  const { schema, tableName } = snapshot;
  for (const filter of plan.filters) {
    checkColumns(filter.expr, schema, { table: tableName, where: `where("${filter.text}")` });
  }
  if (plan.rerank && !(plan.knn && plan.fts)) {
    throw new InvalidArgumentError(
      `rerank on table '${tableName}': a reranker fuses the two result lists of a hybrid search, and this query has no ` +
        `${plan.knn ? "full-text" : "vector"} part. Add ${plan.knn ? ".fullTextSearch(text)" : ".nearestTo(vector)"}, or use search(text, "hybrid").`,
      "reranker",
    );
  }
  const projection = resolveProjection(plan, schema, tableName);
  if (plan.knn && plan.fts) {
    return { plan, snapshot, projection, hybrid: await prepareHybrid(plan, snapshot, (sub) => prepareQuery(sub, snapshot)) };
  }
  if (plan.fts) return { plan, snapshot, projection, fullText: prepareFullText(plan.fts, snapshot) };
  if (!plan.knn) return { plan, snapshot, projection };

  // Deferred vectors (text to embed) resolve first: one that embeds text may choose the column.
  let requested = plan.knn.column;
  const vectors: Float32Array[] = [];
  for (const node of plan.knn.vectors) {
    if (node.kind === "QueryVectorLiteral") {
      vectors.push(node.values);
      continue;
    }
    const resolved = await node.resolve({ schema, column: requested });
    if (isFullTextFallback(resolved)) {
      // Auto mode: no embedding function, so the text is searched as full text.
      const fts = FullTextNode.create(FullTextNode.fromText(resolved.text), { origin: "auto", text: resolved.text, columns: resolved.columns });
      return prepareQuery(Plans.cloneWith(plan, { knn: undefined, fts }), snapshot);
    }
    const values = resolved instanceof Float32Array ? resolved : resolved?.values;
    if (!(values instanceof Float32Array)) {
      throw new InvalidArgumentError(
        `vector search on table '${tableName}': the deferred query vector (${node.description}) did not resolve to a Float32Array.`,
        "vector",
      );
    }
    if (!(resolved instanceof Float32Array)) requested ??= resolved.column;
    vectors.push(values);
  }
  const column = resolveVectorColumn(schema, tableName, requested);
  for (const values of vectors) checkQueryDims(tableName, column, values.length, requested !== undefined);
  const queries = new Float32Array(vectors.length * column.dims);
  vectors.forEach((v, i) => queries.set(v, i * column.dims));
  const limit = Plans.effectiveLimit(plan)!;
  if (limit < 1) {
    throw new InvalidArgumentError(
      `vector search on table '${tableName}': k must be positive, the limit is ${limit}; use limit(n) with n ≥ 1.`,
      "limit",
    );
  }
  return { plan, snapshot, projection, knn: { column, queries, queryCount: vectors.length } };
}

function isFullTextFallback(value: unknown): value is FullTextFallback {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "FullTextFallback";
}

/**
 * Runs a plan against one snapshot and yields the result batches, all with
 * one schema. A scan streams fragment by fragment; a vector search yields
 * once all fragments are searched.
 */
export async function* executePlan(
  plan: QueryPlan,
  snapshot: TableSnapshot,
  options: ExecuteOptions = {},
): AsyncGenerator<RecordBatch> {
  const prepared = await prepareQuery(plan, snapshot);
  yield* executePrepared(prepared, options);
}

/** Runs a prepared query; see {@link executePlan}. */
export async function* executePrepared(prepared: PreparedQuery, options: ExecuteOptions = {}): AsyncGenerator<RecordBatch> {
  const { plan, snapshot, projection } = prepared;
  const context = new ExecutionContext(snapshot.tableName, options);
  try {
    if (prepared.knn || prepared.fullText || prepared.hybrid) {
      let result: RecordBatch | null;
      if (prepared.hybrid) {
        result = await searchHybrid(plan, prepared.hybrid, projection, context, (sub) => executePrepared(sub, { timeoutMs: context.timeoutMs }));
      } else if (prepared.fullText) {
        result = await searchFullText(plan, snapshot, prepared.fullText, projection, context);
      } else {
        result = await searchNearest(plan, snapshot, prepared.knn!, projection, context);
      }
      if (result) {
        const max = context.maxBatchLength;
        if (result.numRows <= max) yield result;
        else for (let start = 0; start < result.numRows; start += max) yield result.slice(start, Math.min(result.numRows, start + max));
      }
    } else {
      yield* scanFragments(plan, snapshot, projection, context);
    }
  } finally {
    context.finish();
  }
}

/** Runs a plan and collects the result as an Arrow table; its schema is the output schema even with no rows. */
export async function executeToTable(plan: QueryPlan, snapshot: TableSnapshot, options: ExecuteOptions = {}): Promise<Table> {
  const prepared = await prepareQuery(plan, snapshot);
  const batches: RecordBatch[] = [];
  for await (const batch of executePrepared(prepared, options)) batches.push(batch);
  return new Table(prepared.projection.schema, batches);
}

/** The schema a plan's results will have, without reading data. */
export async function planOutputSchema(plan: QueryPlan, snapshot: TableSnapshot): Promise<Schema> {
  return (await prepareQuery(plan, snapshot)).projection.schema;
}
