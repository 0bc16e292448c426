import type { RecordBatch, Schema, Table as ArrowTable } from "apache-arrow";
import { InvalidArgumentError, NotSupportedError } from "../errors.js";
import { createExecutionStats, describeScalarIndexUse, executePlan, executeToTable, planOutputSchema } from "../exec/index.js";
import { parseExpression, parseFilter } from "../filter/index.js";
import { FilterNode, ProjectionNode, type ProjectedColumn, QueryPlan, explainPlan } from "../plan/index.js";
import { type FullTextQuery, toFullTextNode } from "./full-text-query.js";
import type { QuerySource } from "./query-source.js";
import { describeValue, requireInteger, requireNonEmptyString } from "./validate-arguments.js";

/** Options of one execution of a query. */
export interface QueryExecutionOptions {
  /**
   * The maximum number of rows in one batch. Batches may have fewer rows
   * when the data is stored in smaller pieces.
   */
  maxBatchLength?: number;
  /** Fail the query when it runs longer than this many milliseconds. */
  timeoutMs?: number;
}

/** Sort order for `orderBy` (LanceDB's shape). */
export interface ColumnOrdering {
  columnName: string;
  ascending?: boolean;
  nullsFirst?: boolean;
}

/** Options of `fullTextSearch` (LanceDB's shape). */
export interface FullTextSearchOptions {
  /**
   * The columns to search (each needs a full-text index); default: every
   * column that has one. With several, a row's scores in each add up.
   */
  columns?: string | string[];
}

/**
 * Methods shared by every query: the columns to return, row ids, and the
 * terminal calls that run the query.
 *
 * Builders change themselves and return `this`, as LanceDB's do, so both
 * `q.where(f); await q.toArray()` and chained calls work. Use `clone()` to
 * branch a query. Each method checks its argument immediately and throws
 * `InvalidArgumentError` there, not when the query runs.
 *
 * @hideconstructor
 */
export class QueryBase implements AsyncIterable<RecordBatch> {
  /** @internal */
  protected readonly source: QuerySource;
  /** @internal */
  protected plan: QueryPlan;

  /** @hidden */
  protected constructor(source: QuerySource, plan: QueryPlan) {
    this.source = source;
    this.plan = plan;
  }

  /**
   * Returns only the given columns, or computed ones.
   *
   * Pass column names to pick columns (in the order given), or a `Map` /
   * object of `{outputName: sqlExpression}` to compute columns:
   *
   * @example
   * await table.query().select(["id", "text"]).toArray();
   * await table.query().select(new Map([["double_x", "x * 2"], ["id", "id"]])).toArray();
   *
   * A vector search always returns `_distance` too (after the selected
   * columns, unless you select it at a position of your choice), and
   * `_rowid` may be selected by name.
   */
  select(columns: string[] | Map<string, string> | Record<string, string> | string): this {
    this.plan = QueryPlan.cloneWith(this.plan, { projection: toProjection(columns) });
    return this;
  }

  /**
   * Adds a `_rowid` column (Uint64): the fragment id in the high 32 bits and
   * the row's offset in the low 32. Row ids let you match rows across
   * queries, for example to fuse a vector search with a full-text search.
   */
  withRowId(): this {
    this.plan = QueryPlan.cloneWith(this.plan, { withRowId: true });
    return this;
  }

  /**
   * Runs the query and yields its results as Arrow record batches.
   */
  protected execute(options?: Partial<QueryExecutionOptions>): AsyncGenerator<RecordBatch> {
    const checked = checkExecutionOptions(options);
    const plan = this.plan;
    const source = this.source;
    return (async function* run() {
      yield* executePlan(plan, await source.snapshot(), checked);
    })();
  }

  /** Iterates over the result batches: `for await (const batch of query) ...`. */
  [Symbol.asyncIterator](): AsyncIterator<RecordBatch> {
    return this.execute();
  }

  /**
   * Runs the query and collects the result as an Arrow table. The table's
   * schema is the query's output schema even when no row matches.
   */
  async toArrow(options?: Partial<QueryExecutionOptions>): Promise<ArrowTable> {
    const checked = checkExecutionOptions(options);
    return executeToTable(this.plan, await this.source.snapshot(), checked);
  }

  /**
   * Runs the query and returns the rows as objects (Arrow `StructRow`s, as
   * LanceDB returns them: read fields by name, or spread into plain objects).
   */
  // `any[]` as in LanceDB's signature, so code written for it compiles unchanged.
  async toArray(options?: Partial<QueryExecutionOptions>): Promise<any[]> {
    const table = await this.toArrow(options);
    return table.toArray();
  }

  /**
   * Describes what the query will do, as an indented tree with the last
   * step on top. Reads no data.
   *
   * @param verbose - also show index parameters and the query vectors.
   */
  async explainPlan(verbose = false): Promise<string> {
    const scalarIndices = this.plan.filters.length > 0 ? describeScalarIndexUse(this.plan, await this.source.snapshot()) : [];
    return explainPlan(this.plan, { verbose, tableName: this.source.tableName, scalarIndices });
  }

  /**
   * Runs the query and returns its plan followed by what the run did:
   * fragments and rows read, rows selected and returned, the distance kernel
   * used, and the time taken. The result rows are discarded.
   */
  async analyzePlan(): Promise<string> {
    const stats = createExecutionStats();
    const snapshot = await this.source.snapshot();
    for await (const batch of executePlan(this.plan, snapshot, { stats })) void batch;
    const metrics = [
      `fragments=${stats.fragments}`,
      `fragments_read=${stats.fragmentsRead}`,
      `rows_scanned=${stats.rowsScanned}`,
      `rows_selected=${stats.rowsSelected}`,
      `output_rows=${stats.rowsOutput}`,
      ...(stats.kernel ? [`kernel=${stats.kernel}`] : []),
      ...(stats.vectorIndex ? [`index_candidates=${stats.indexCandidates ?? 0}`] : []),
      `elapsed=${stats.elapsedMs.toFixed(3)}ms`,
    ];
    const scalarIndices = describeScalarIndexUse(this.plan, snapshot);
    const vectorIndex = stats.vectorIndex;
    return `${explainPlan(this.plan, { verbose: true, tableName: this.source.tableName, scalarIndices, vectorIndex })}Metrics: ${metrics.join(", ")}\n`;
  }

  /**
   * The schema of the results, checked against the table: unknown columns
   * and mismatched vector dimensions fail here without reading data.
   */
  async outputSchema(): Promise<Schema> {
    return planOutputSchema(this.plan, await this.source.snapshot());
  }

  /**
   * The frozen plan this builder holds.
   *
   * @internal
   */
  toPlan(): QueryPlan {
    return this.plan;
  }
}

/**
 * Methods of queries that read table rows (`Query` and `VectorQuery`):
 * filtering, limits and pagination.
 *
 * @hideconstructor
 */
export class StandardQueryBase extends QueryBase {
  /**
   * Keeps only rows for which the SQL predicate holds, e.g. `x > 10`,
   * `category = 'shoes' AND price < 100`. Calling it again adds another
   * predicate joined with AND (as LanceDB does). The predicate is parsed
   * now: a syntax error throws `FilterSyntaxError` here.
   */
  where(predicate: string): this {
    const text = requireNonEmptyString("where", "predicate", predicate, "Pass an SQL predicate such as \"price < 100\".");
    this.plan = QueryPlan.cloneWithFilter(this.plan, FilterNode.create(text, parseFilter(text)));
    return this;
  }

  /**
   * @see where
   * @deprecated Use `where` instead
   */
  filter(predicate: string): this {
    return this.where(predicate);
  }

  /**
   * Sets the maximum number of rows to return. A plain query returns every
   * matching row unless limited; a vector search returns 10 unless limited.
   */
  limit(limit: number): this {
    const fix = this.plan.knn
      ? "A vector search returns at least one row per query vector (k must be positive); pass e.g. limit(10)."
      : "Pass a whole number of rows, e.g. limit(10).";
    const value = requireInteger("limit", "limit", limit, this.plan.knn ? 1 : 0, fix);
    this.plan = QueryPlan.cloneWith(this.plan, { limit: value });
    return this;
  }

  /** Skips this many rows before returning any; with `limit`, pages through results. */
  offset(offset: number): this {
    const value = requireInteger("offset", "offset", offset, 0, "Pass the number of rows to skip, e.g. offset(20).");
    this.plan = QueryPlan.cloneWith(this.plan, { offset: value });
    return this;
  }

  /**
   * Skips data not covered by an index. A full-text search then searches only
   * the rows its index covers (rows added since it was built are left out
   * until `optimize()`); so does a vector search with a vector index on its
   * column. A vector search without a usable index searches every row.
   */
  fastSearch(): this {
    this.plan = QueryPlan.cloneWith(this.plan, { fastSearch: true });
    return this;
  }

  /**
   * Makes this a full-text search: rows whose text matches `query`, ranked by
   * BM25 relevance, best first, with a `_score` column (10 rows unless
   * `limit` says otherwise). `query` is text — words, any of which may match;
   * a part in double quotes is a phrase — or a {@link FullTextQuery} such as
   * `MatchQuery`, `PhraseQuery` or `BooleanQuery`. The searched columns need a
   * full-text index (`createIndex(column, {config: Index.fts()})`); rows added
   * since it was built are searched too. `where` filters apply before ranking.
   *
   * On a vector search (`nearestTo(v).fullTextSearch(text)`) it makes a hybrid
   * search: both searches run and a reranker fuses them (see `rerank`).
   *
   * @example
   * await table.query().fullTextSearch("vector database", { columns: "text" }).where("year > 2020").limit(5).toArray();
   */
  fullTextSearch(query: string | FullTextQuery, options?: Partial<FullTextSearchOptions>): this {
    this.plan = QueryPlan.cloneWith(this.plan, { fts: toFullTextNode("fullTextSearch", query, options?.columns) });
    return this;
  }

  /** Not available yet: results come in table order (plain queries) or distance order (vector searches). */
  orderBy(ordering: ColumnOrdering | ColumnOrdering[]): this {
    void ordering;
    throw new NotSupportedError(
      `orderBy on table '${this.source.tableName}': sorting query results is not supported yet. ` +
        "Sort the rows returned by toArray() instead.",
    );
  }

  /**
   * MemWAL routing. Quiver tables have no MemWAL: `useLsm(false)` is
   * accepted and changes nothing; `useLsm(true)` fails, as LanceDB fails for a
   * table without a MemWAL write spec.
   */
  useLsm(enable: boolean): this {
    if (enable === true) {
      throw new NotSupportedError(
        `useLsm(true) on table '${this.source.tableName}': the table has no MemWAL write spec; Quiver reads the table itself. Drop the call or pass false.`,
      );
    }
    if (enable !== false) {
      throw new InvalidArgumentError(`useLsm(${describeValue(enable)}): expected true or false.`, "enable");
    }
    return this;
  }
}

function toProjection(columns: unknown): ProjectionNode {
  const fix = 'Pass column names (select(["id", "text"])) or a Map of output names to SQL expressions.';
  if (typeof columns === "string") columns = [columns];
  const out: ProjectedColumn[] = [];
  const seen = new Set<string>();
  const addName = (name: string): void => {
    if (seen.has(name)) {
      throw new InvalidArgumentError(`select: duplicate column name '${name}'; each output column needs its own name.`, "columns");
    }
    seen.add(name);
  };
  if (Array.isArray(columns)) {
    if (columns.length === 0) {
      throw new InvalidArgumentError(`select([]): expected at least one column. ${fix} Omit select() for all columns.`, "columns");
    }
    columns.forEach((name, i) => {
      if (typeof name !== "string" || name.length === 0) {
        throw new InvalidArgumentError(`select: column ${i} is ${describeValue(name)}; expected a non-empty column name. ${fix}`, "columns");
      }
      addName(name);
      out.push(ProjectionNode.createColumnRef(name));
    });
    return ProjectionNode.create(out);
  }
  let entries: [unknown, unknown][];
  if (columns instanceof Map) entries = [...columns.entries()];
  else if (typeof columns === "object" && columns !== null && !ArrayBuffer.isView(columns)) entries = Object.entries(columns);
  else throw new InvalidArgumentError(`select(${describeValue(columns)}): expected column names or a Map. ${fix}`, "columns");
  if (entries.length === 0) {
    throw new InvalidArgumentError(`select: the mapping is empty; expected at least one output column. ${fix}`, "columns");
  }
  for (const [alias, sql] of entries) {
    if (typeof alias !== "string" || alias.length === 0) {
      throw new InvalidArgumentError(`select: output name ${describeValue(alias)} is not a non-empty string. ${fix}`, "columns");
    }
    if (typeof sql !== "string" || sql.trim().length === 0) {
      throw new InvalidArgumentError(
        `select: the expression for '${alias}' is ${describeValue(sql)}; expected SQL text such as "price * 2" or a column name.`,
        "columns",
      );
    }
    addName(alias);
    out.push(ProjectionNode.createExpression(alias, sql, parseExpression(sql)));
  }
  return ProjectionNode.create(out);
}

function checkExecutionOptions(options: Partial<QueryExecutionOptions> | undefined): QueryExecutionOptions {
  if (options === undefined || options === null) return {};
  const out: QueryExecutionOptions = {};
  if (options.maxBatchLength !== undefined) {
    out.maxBatchLength = requireInteger("maxBatchLength", "maxBatchLength", options.maxBatchLength, 1, "Pass a number of rows per batch, e.g. 1024.");
  }
  if (options.timeoutMs !== undefined) {
    const t = options.timeoutMs;
    if (typeof t !== "number" || !(t > 0)) {
      throw new InvalidArgumentError(`timeoutMs: expected a positive number of milliseconds, got ${describeValue(t)}.`, "timeoutMs");
    }
    out.timeoutMs = t;
  }
  return out;
}
