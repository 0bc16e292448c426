import { Field, Schema, Struct, Table as ArrowTable } from "apache-arrow";
import { concatBatches } from "../arrow/concat-batches.js";
import type { IngestData } from "../arrow/index.js";
import type { PersistentEmbeddingCache } from "../embedding/persistent-embedding-cache.js";
import {
  ConnectionClosedError,
  InvalidArgumentError,
  NotSupportedError,
  ReadOnlyVersionError,
  VersionNotFoundError,
} from "../errors.js";
import { checkColumns, parseExpression, parseFilter, type FilterExpr } from "../filter/index.js";
import { emptyBatch } from "../exec/project.js";
import { type FullTextQuery, instanceOfFullTextQuery } from "../query/full-text-query.js";
import { Query } from "../query/query.js";
import type { VectorQuery } from "../query/vector-query.js";
import { Index, type IndexOptions } from "../indices/index-config.js";
import { indexTypeName } from "../indices/index-type-names.js";
import { countLiveRows, type Manifest } from "../storage/manifest.js";
import type { TableSnapshot } from "../storage/table-snapshot.js";
import type { TableStorage } from "../storage/table-storage.js";
import { MergeInsertBuilder, type MergeClauses } from "./merge-insert-builder.js";
import { tableEmbeddingCache } from "./embedding-cache-dir.js";
import { progressReporter } from "./write-progress.js";
import { embedTextQuery, type TextQueryMode } from "./embed-text-query.js";
import { prepareRows, type EmbeddingWriteOptions, type PrepareContext } from "./prepare-rows.js";
import { Table, type IntoVector } from "./table.js";
import type {
  AddColumnsResult,
  AddDataOptions,
  AddResult,
  AlterColumnsResult,
  ColumnAlteration,
  DeleteResult,
  DropColumnsResult,
  IndexConfig,
  IndexStatistics,
  IntoSql,
  MergeResult,
  NewColumns,
  OptimizeOptions,
  OptimizeStats,
  TableStatistics,
  UpdateOptions,
  UpdateResult,
  Version,
} from "./table-types.js";
import { requireColumn } from "./require-column.js";
import { appendRows } from "./write/append-rows.js";
import { addColumns, alterColumns, dropColumns } from "./write/column-changes.js";
import { cleanupVersions } from "./write/cleanup-versions.js";
import { compactFragments, TARGET_ROWS_PER_FRAGMENT } from "./write/compact-fragments.js";
import { createIndex } from "./write/create-index.js";
import { builderFor, defaultIndexFor, indexRefusal } from "./write/index-builders.js";
import { updateIndices } from "./write/update-indices.js";
import { deleteRows } from "./write/delete-rows.js";
import { matchRows } from "./write/match-rows.js";
import { mergeRows } from "./write/merge-rows.js";
import { literalUpdater, sqlUpdater } from "./write/update-values.js";
import { updateRows } from "./write/update-rows.js";

const SEVEN_DAYS_MS = 7 * 24 * 3600 * 1000;

/**
 * A table stored in a local folder or in memory. Reads always see the latest
 * committed version (checked on every call, so writes by other handles and
 * processes show up at once) unless the handle is pinned by `checkout`.
 */
export class LocalTable extends Table {
  #open = true;
  #pinned: number | undefined;
  #embeddingCache: PersistentEmbeddingCache | undefined;

  /** @internal */
  constructor(private readonly storage: TableStorage) {
    super();
  }

  get name(): string {
    return this.storage.tableName;
  }

  /** @internal the name under which queries report errors. */
  get tableName(): string {
    return this.storage.tableName;
  }

  isOpen(): boolean {
    return this.#open;
  }

  close(): void {
    this.#open = false;
  }

  display(): string {
    return `LocalTable(${this.name}, uri=${this.storage.store.location}/${this.storage.dir})`;
  }

  override toString(): string {
    return this.display();
  }

  /** @internal the version the read path runs against. */
  async snapshot(): Promise<TableSnapshot> {
    return this.storage.snapshot(await this.current());
  }

  async schema(): Promise<Schema> {
    return (await this.current()).schema;
  }

  async version(): Promise<number> {
    return (await this.current()).version;
  }

  async add(data: IngestData, options: Partial<AddDataOptions> = {}): Promise<AddResult> {
    this.checkWritable("add to");
    const mode = options.mode ?? "append";
    if (mode !== "append" && mode !== "overwrite") {
      throw new InvalidArgumentError(
        `add to table '${this.name}': mode must be "append" or "overwrite", got ${JSON.stringify(mode)}.`,
        "mode",
      );
    }
    const base = await this.storage.readLatest();
    const table = await prepareRows(data, base.schema, this.prepareContext("add"), options);
    const progress = progressReporter(options, table.numRows);
    const manifest = await appendRows(this.storage, base.schema, table.batches, {
      mode,
      onFileWritten: (file) => progress.written(file.rows),
    });
    progress.done();
    return { version: manifest.version };
  }

  async countRows(filter?: string): Promise<number> {
    const manifest = await this.current();
    if (filter === undefined || filter === null) return countLiveRows(manifest);
    const expr = this.parseFilterFor(filter, manifest.schema, "countRows");
    let count = 0;
    for (const fragment of this.storage.snapshot(manifest).fragments) {
      count += (await matchRows(fragment, expr)).matched;
    }
    return count;
  }

  async delete(predicate: string): Promise<DeleteResult> {
    this.checkWritable("delete from");
    const base = await this.storage.readLatest();
    const expr = this.parseFilterFor(predicate, base.schema, "delete");
    const { manifest, deleted } = await deleteRows(this.storage, expr, predicate);
    return { numDeletedRows: deleted, version: manifest.version };
  }

  async update(
    optsOrUpdates:
      | Map<string, string>
      | Record<string, string>
      | ({ values: Map<string, IntoSql> | Record<string, IntoSql> } & Partial<UpdateOptions>)
      | ({ valuesSql: Map<string, string> | Record<string, string> } & Partial<UpdateOptions>),
    options?: Partial<UpdateOptions>,
  ): Promise<UpdateResult> {
    this.checkWritable("update");
    const { values, valuesSql, where } = splitUpdateArguments(this.name, optsOrUpdates, options);
    const base = await this.storage.readLatest();
    const schema = base.schema;
    const filter = where === undefined ? undefined : this.parseFilterFor(where, schema, "update");
    const assigned = [...(values ?? valuesSql)!.keys()];
    if (assigned.length === 0) {
      throw new InvalidArgumentError(`update on table '${this.name}': give at least one column to change.`, "values");
    }
    for (const column of assigned) this.requireColumn(schema, column, "update");
    let updater;
    if (values) {
      updater = literalUpdater(schema, values, this.name);
    } else {
      const expressions = new Map<string, FilterExpr>();
      for (const [column, sql] of valuesSql!) {
        if (typeof sql !== "string") {
          throw new InvalidArgumentError(
            `update on table '${this.name}': valuesSql for column '${column}' must be an SQL string, got ${typeof sql}; ` +
              `pass literal values with update({values: {...}}) instead.`,
            "valuesSql",
          );
        }
        const expr = parseExpression(sql);
        checkColumns(expr, schema, { table: this.name, where: "update" });
        expressions.set(column, expr);
      }
      updater = sqlUpdater(schema, expressions, this.name);
    }
    const { manifest, updated } = await updateRows(this.storage, filter, updater, where ? { predicate: where } : {});
    return { rowsUpdated: updated, version: manifest.version };
  }

  mergeInsert(on: string | string[]): MergeInsertBuilder {
    this.checkOpen();
    const columns = typeof on === "string" ? [on] : on;
    if (!Array.isArray(columns) || columns.length === 0 || columns.some((c) => typeof c !== "string" || c === "")) {
      throw new InvalidArgumentError(
        `mergeInsert on table '${this.name}' takes a key column name or a non-empty list of them, got ${JSON.stringify(on)}.`,
        "on",
      );
    }
    return new MergeInsertBuilder(columns, (clauses, data, options) => this.runMerge(clauses, data, options));
  }

  private async runMerge(
    clauses: MergeClauses,
    data: IngestData,
    options: Partial<EmbeddingWriteOptions>,
  ): Promise<MergeResult> {
    this.checkWritable("mergeInsert into");
    const base = await this.storage.readLatest();
    const schema = base.schema;
    for (const column of clauses.on) this.requireColumn(schema, column, "mergeInsert");
    const source = await prepareRows(data, schema, this.prepareContext("mergeInsert"), options);
    const sourceBatch = concatBatches(schema, source.batches.length > 0 ? source.batches : []);
    const pairSchema = new Schema([
      new Field("target", new Struct(schema.fields), false),
      new Field("source", new Struct(schema.fields), false),
    ]);
    const matchedWhere = clauses.whenMatchedUpdateAll?.where;
    const bySourceWhere = clauses.whenNotMatchedBySourceDelete?.where;
    const matchedCondition = matchedWhere ? this.parseFilterFor(matchedWhere, pairSchema, "whenMatchedUpdateAll") : undefined;
    const bySourceCondition = bySourceWhere
      ? this.parseFilterFor(bySourceWhere, schema, "whenNotMatchedBySourceDelete")
      : undefined;
    const { manifest, counts } = await mergeRows(
      this.storage,
      source.batches.length > 0 ? sourceBatch : emptyBatch(schema),
      {
        on: clauses.on,
        whenMatchedUpdate: clauses.whenMatchedUpdateAll ? { condition: matchedCondition } : undefined,
        whenNotMatchedInsert: clauses.whenNotMatchedInsertAll,
        whenNotMatchedBySourceDelete: clauses.whenNotMatchedBySourceDelete ? { condition: bySourceCondition } : undefined,
      },
    );
    return {
      version: manifest.version,
      numInsertedRows: counts.inserted,
      numUpdatedRows: counts.updated,
      numDeletedRows: counts.deleted,
      numAttempts: counts.attempts,
      numRows: source.numRows,
    };
  }

  query(): Query {
    this.checkOpen();
    return new Query(this);
  }

  search(query: IntoVector | string, queryType?: "auto" | "vector" | "hybrid", ftsColumns?: string | string[]): VectorQuery;
  search(query: string | FullTextQuery, queryType: "fts", ftsColumns?: string | string[]): Query;
  search(query: FullTextQuery, queryType?: string, ftsColumns?: string | string[]): Query;
  search(query: IntoVector | string | FullTextQuery, queryType?: string, ftsColumns?: string | string[]): VectorQuery | Query;
  search(query: IntoVector | string | FullTextQuery, queryType: string = "auto", ftsColumns?: string | string[]): VectorQuery | Query {
    this.checkOpen();
    if (!["auto", "vector", "fts", "hybrid"].includes(queryType)) {
      throw new InvalidArgumentError(
        `search on table '${this.name}': queryType must be "auto", "vector", "fts" or "hybrid", got ${JSON.stringify(queryType)}.`,
        "queryType",
      );
    }
    const columns = ftsColumns === undefined || ftsColumns === null ? undefined : { columns: ftsColumns };
    if (instanceOfFullTextQuery(query)) {
      if (queryType === "vector" || queryType === "hybrid") {
        throw new InvalidArgumentError(
          `search on table '${this.name}': a ${query.constructor.name} is a full-text query and cannot run as "${queryType}"; ` +
            `use "fts" (or "auto"), or pass text for a ${queryType} search.`,
          "queryType",
        );
      }
      return this.query().fullTextSearch(query, columns);
    }
    if (typeof query !== "string") {
      if (queryType === "fts" || queryType === "hybrid") {
        throw new InvalidArgumentError(
          queryType === "fts"
            ? `Cannot perform full text search on a vector query: search on table '${this.name}' got a vector with queryType "fts"; ` +
                `pass text for a full-text search, or use "vector".`
            : `search on table '${this.name}' got a vector with queryType "hybrid", which needs text for its full-text part; ` +
                `use query().nearestTo(vector).fullTextSearch(text).`,
          "queryType",
        );
      }
      return this.vectorSearch(query);
    }
    if (queryType === "fts") return this.query().fullTextSearch(query, columns);
    const names = columns === undefined ? undefined : typeof columns.columns === "string" ? [columns.columns] : [...columns.columns];
    // "auto", "vector" and "hybrid": embed the text with the function of the searched column when the query runs.
    const mode = queryType as TextQueryMode;
    const vector = this.query().nearestToResolved(`embedding of ${JSON.stringify(query)}`, embedTextQuery(this.name, query, mode, names));
    return mode === "hybrid" ? vector.fullTextSearch(query, columns) : vector;
  }

  vectorSearch(vector: IntoVector): VectorQuery {
    return this.query().nearestTo(vector);
  }

  async addColumns(newColumnTransforms: NewColumns): Promise<AddColumnsResult> {
    this.checkWritable("add columns to");
    return { version: (await addColumns(this.storage, newColumnTransforms)).version };
  }

  async alterColumns(columnAlterations: ColumnAlteration[]): Promise<AlterColumnsResult> {
    this.checkWritable("alter columns of");
    return { version: (await alterColumns(this.storage, columnAlterations)).version };
  }

  async dropColumns(columnNames: string[]): Promise<DropColumnsResult> {
    this.checkWritable("drop columns of");
    return { version: (await dropColumns(this.storage, columnNames)).version };
  }

  async checkout(version: number | string): Promise<void> {
    this.checkOpen();
    if (typeof version === "string") {
      throw new NotSupportedError(`checkout("${version}") on table '${this.name}': tags are not supported yet; check out a version number.`);
    }
    if (!Number.isInteger(version) || version < 1) {
      throw new InvalidArgumentError(
        `checkout on table '${this.name}' takes a version number (an integer from 1), got ${String(version)}.`,
        "version",
      );
    }
    const manifest = await this.storage.readManifest(version);
    if (!manifest) throw new VersionNotFoundError(this.name, version, (await this.storage.readLatest()).version);
    this.#pinned = version;
  }

  async checkoutLatest(): Promise<void> {
    this.checkOpen();
    this.#pinned = undefined;
  }

  async listVersions(): Promise<Version[]> {
    this.checkOpen();
    const versions: Version[] = [];
    for (const number of await this.storage.listVersions()) {
      const manifest = await this.storage.readManifest(number);
      if (manifest) {
        versions.push({ version: manifest.version, timestamp: new Date(manifest.timestamp), metadata: { ...manifest.metadata } });
      }
    }
    return versions;
  }

  async restore(): Promise<void> {
    this.checkOpen();
    if (this.#pinned === undefined) return;
    const target = await this.current();
    await this.storage.commit(async (latest) => {
      const base = this.storage.requireBase(latest);
      return {
        draft: {
          schema: target.schema,
          fragments: target.fragments,
          // Ids only grow, so fragments written after the restored version never share an id with later ones.
          nextFragmentId: Math.max(base.nextFragmentId, target.nextFragmentId),
          metadata: { operation: "restore", restoredVersion: String(target.version) },
          indices: target.indices,
        },
      };
    });
    this.#pinned = undefined;
  }

  async optimize(options: Partial<OptimizeOptions> = {}): Promise<OptimizeStats> {
    this.checkWritable("optimize");
    const cleanupOlderThan = options.cleanupOlderThan ?? new Date(Date.now() - SEVEN_DAYS_MS);
    if (!(cleanupOlderThan instanceof Date) || Number.isNaN(cleanupOlderThan.getTime())) {
      throw new InvalidArgumentError(`optimize on table '${this.name}': cleanupOlderThan must be a valid Date.`, "cleanupOlderThan");
    }
    const { stats: compaction } = await compactFragments(this.storage);
    // Compaction gives rows new fragment ids, and rows added since an index was built are not in it: rebuild stale indexes.
    await updateIndices(this.storage);
    const prune = await cleanupVersions(this.storage, cleanupOlderThan, options.deleteUnverified ?? false);
    return { compaction, prune };
  }

  async toArrow(): Promise<ArrowTable> {
    return this.query().toArrow();
  }

  async stats(): Promise<TableStatistics> {
    const manifest = await this.current();
    let totalBytes = 0;
    for (const fragment of manifest.fragments) {
      totalBytes += (await this.storage.store.size(`${this.storage.dir}/${fragment.file}`)) ?? 0;
    }
    const lengths = manifest.fragments.map((f) => f.rows - (f.deletion?.rows ?? 0)).sort((a, b) => a - b);
    const at = (q: number) => (lengths.length === 0 ? 0 : lengths[Math.min(lengths.length - 1, Math.floor(q * lengths.length))]!);
    return {
      totalBytes,
      numRows: countLiveRows(manifest),
      numIndices: manifest.indices.length,
      fragmentStats: {
        numFragments: lengths.length,
        numSmallFragments: lengths.filter((n) => n < TARGET_ROWS_PER_FRAGMENT).length,
        lengths: {
          min: lengths[0] ?? 0,
          max: lengths[lengths.length - 1] ?? 0,
          mean: lengths.length === 0 ? 0 : lengths.reduce((a, b) => a + b, 0) / lengths.length,
          p25: at(0.25),
          p50: at(0.5),
          p75: at(0.75),
          p99: at(0.99),
        },
      },
    };
  }

  async createIndex(column: string, options: Partial<IndexOptions> = {}): Promise<void> {
    this.checkWritable("create an index on");
    if (typeof options !== "object" || options === null) {
      throw new InvalidArgumentError(`createIndex("${column}") on table '${this.name}' takes options such as {config: Index.fts()}.`, "options");
    }
    const field = this.requireColumn(await this.schema(), column, "createIndex");
    const config = options.config;
    if (config !== undefined && !(config instanceof Index)) {
      throw new InvalidArgumentError(
        `createIndex("${column}") on table '${this.name}': config must be made by Index, e.g. {config: Index.fts()}; got ${JSON.stringify(config)}.`,
        "config",
      );
    }
    const spec = config === undefined ? defaultIndexFor(field) : Index.specOf(config);
    if (spec === undefined) throw indexRefusal(this.name, field);
    const builder = builderFor(this.name, field, spec.kind);
    builder.check(this.name, field, spec);
    const name = options.name ?? `${column}_idx`;
    if (typeof name !== "string" || name.trim() === "") {
      throw new InvalidArgumentError(`createIndex("${column}") on table '${this.name}': name must be a non-empty string, got ${JSON.stringify(name)}.`, "name");
    }
    const replace = options.replace ?? true;
    if (typeof replace !== "boolean") {
      throw new InvalidArgumentError(`createIndex("${column}") on table '${this.name}': replace must be true or false, got ${JSON.stringify(replace)}.`, "replace");
    }
    const { signal, onProgress } = options;
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw new InvalidArgumentError(`createIndex("${column}") on table '${this.name}': signal must be an AbortSignal, got ${JSON.stringify(signal)}.`, "signal");
    }
    if (onProgress !== undefined && typeof onProgress !== "function") {
      throw new InvalidArgumentError(`createIndex("${column}") on table '${this.name}': onProgress must be a function (fractionDone) => void.`, "onProgress");
    }
    await createIndex(this.storage, builder, { column, name, spec }, replace, { signal, onProgress });
  }

  async listIndices(): Promise<IndexConfig[]> {
    const manifest = await this.current();
    return manifest.indices.map((index) => ({ name: index.name, indexType: indexTypeName(index.kind, "list"), columns: [index.column] }));
  }

  async indexStats(name: string): Promise<IndexStatistics | undefined> {
    const manifest = await this.current();
    const index = manifest.indices.find((i) => i.name === name);
    if (!index) return undefined;
    const covered = new Set(index.fragmentIds);
    let indexed = 0;
    let unindexed = 0;
    for (const fragment of manifest.fragments) {
      const live = fragment.rows - (fragment.deletion?.rows ?? 0);
      if (covered.has(fragment.id)) indexed += live;
      else unindexed += live;
    }
    const distanceType = typeof index.parameters.distance_type === "string" ? index.parameters.distance_type : undefined;
    return { numIndexedRows: indexed, numUnindexedRows: unindexed, indexType: indexTypeName(index.kind, "stats"), ...(distanceType ? { distanceType } : {}), numIndices: 1 };
  }

  async dropIndex(name: string): Promise<void> {
    this.checkWritable("drop an index of");
    const missing = (manifest: Manifest) =>
      new InvalidArgumentError(
        `dropIndex("${name}") on table '${this.name}': there is no index named '${name}'; listIndices() shows the indexes` +
          (manifest.indices.length > 0 ? ` (${manifest.indices.map((i) => `'${i.name}'`).join(", ")}).` : " (there are none)."),
        "name",
      );
    const latest = await this.current();
    if (!latest.indices.some((i) => i.name === name)) throw missing(latest);
    await this.storage.commit(async (base) => {
      const current = this.storage.requireBase(base);
      if (!current.indices.some((i) => i.name === name)) throw missing(current);
      return {
        draft: {
          schema: current.schema,
          fragments: current.fragments,
          nextFragmentId: current.nextFragmentId,
          metadata: { operation: "dropIndex", index: name },
          indices: current.indices.filter((i) => i.name !== name),
        },
      };
    });
  }

  /** The context for preparing rows of a write: this table's name and its own embedding cache. */
  private prepareContext(operation: string): PrepareContext {
    this.#embeddingCache ??= tableEmbeddingCache(this.storage);
    return { table: this.name, operation, defaultCache: this.#embeddingCache };
  }

  private async current(): Promise<Manifest> {
    this.checkOpen();
    if (this.#pinned === undefined) return this.storage.readLatest();
    const manifest = await this.storage.readManifest(this.#pinned);
    if (!manifest) throw new VersionNotFoundError(this.name, this.#pinned, (await this.storage.readLatest()).version);
    return manifest;
  }

  private checkOpen(): void {
    if (!this.#open) throw new ConnectionClosedError(`Table '${this.name}'`);
  }

  private checkWritable(operation: string): void {
    this.checkOpen();
    if (this.#pinned !== undefined) throw new ReadOnlyVersionError(this.name, this.#pinned, operation);
  }

  private parseFilterFor(filter: string, schema: Schema, where: string): FilterExpr {
    if (typeof filter !== "string" || filter.trim() === "") {
      throw new InvalidArgumentError(
        `${where} on table '${this.name}' takes a non-empty SQL filter such as "id > 10", got ${JSON.stringify(filter)}.`,
        "filter",
      );
    }
    const expr = parseFilter(filter);
    checkColumns(expr, schema, { table: this.name, where });
    return expr;
  }

  private requireColumn(schema: Schema, name: string, where: string): Field {
    return requireColumn(schema, name, this.name, where);
  }
}

function splitUpdateArguments(
  table: string,
  optsOrUpdates: unknown,
  options: Partial<UpdateOptions> | undefined,
): { values?: Map<string, unknown>; valuesSql?: Map<string, string>; where?: string } {
  const toMap = <T>(value: unknown, argument: string): Map<string, T> => {
    if (value instanceof Map) return new Map(value as Map<string, T>);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return new Map(Object.entries(value) as [string, T][]);
    throw new InvalidArgumentError(`update on table '${table}': ${argument} must be an object or a Map of column to value.`, argument);
  };
  if (typeof optsOrUpdates !== "object" || optsOrUpdates === null) {
    throw new InvalidArgumentError(
      `update on table '${table}' takes {values, where?} or {valuesSql, where?}; got ${JSON.stringify(optsOrUpdates)}.`,
      "update",
    );
  }
  const record = optsOrUpdates as Record<string, unknown>;
  const where = (record.where as string | undefined) ?? options?.where;
  if (!(optsOrUpdates instanceof Map) && ("values" in record || "valuesSql" in record)) {
    if ("values" in record && "valuesSql" in record) {
      throw new InvalidArgumentError(`update on table '${table}': give either values or valuesSql, not both.`, "update");
    }
    return "values" in record
      ? { values: toMap(record.values, "values"), where }
      : { valuesSql: toMap<string>(record.valuesSql, "valuesSql"), where };
  }
  // The older form: update({column: "sql"}, {where}).
  return { valuesSql: toMap<string>(optsOrUpdates, "updates"), where: options?.where };
}

