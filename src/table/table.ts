import type { Schema, Table as ArrowTable } from "apache-arrow";
import type { IngestData } from "../arrow/index.js";
import type { IndexOptions } from "../indices/index-config.js";
import type { FullTextQuery } from "../query/full-text-query.js";
import type { Query } from "../query/query.js";
import type { VectorQuery } from "../query/vector-query.js";
import type { MergeInsertBuilder } from "./merge-insert-builder.js";
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
  NewColumns,
  OptimizeOptions,
  OptimizeStats,
  TableStatistics,
  UpdateOptions,
  UpdateResult,
  Version,
} from "./table-types.js";

/** A query vector: numbers, a typed array of floats. */
export type IntoVector = number[] | Float32Array | Float64Array;

/**
 * A table: a versioned collection of rows with one schema. Every mutating call
 * commits one new version atomically or changes nothing. The handle always reads
 * the latest committed version (another process's writes included), unless it was
 * pinned with {@link Table.checkout}.
 *
 * @example
 * const table = await db.openTable("docs");
 * await table.add([{ id: 3, text: "hello", vector: [0.1, 0.2, 0.3] }]);
 * const hits = await table.search([0.1, 0.2, 0.3]).limit(5).toArray();
 */
export abstract class Table {
  /** The table's name. */
  abstract get name(): string;
  /** False once {@link Table.close} was called. */
  abstract isOpen(): boolean;
  /** Releases the handle; later calls fail with ConnectionClosedError. */
  abstract close(): void;
  /** A one-line description, e.g. `LocalTable(docs, uri=/data/db/docs.quiver)`. */
  abstract display(): string;
  /** The Arrow schema of the version this handle reads, with its metadata. */
  abstract schema(): Promise<Schema>;
  /** Appends rows (or replaces all rows with `{mode: "overwrite"}`). */
  abstract add(data: IngestData, options?: Partial<AddDataOptions>): Promise<AddResult>;
  /** Changes the rows matching `where` to literal `values` or SQL `valuesSql`. */
  abstract update(
    optsOrUpdates:
      | Map<string, string>
      | Record<string, string>
      | ({ values: Map<string, IntoSql> | Record<string, IntoSql> } & Partial<UpdateOptions>)
      | ({ valuesSql: Map<string, string> | Record<string, string> } & Partial<UpdateOptions>),
    options?: Partial<UpdateOptions>,
  ): Promise<UpdateResult>;
  /** Rows in the table, or matching an SQL filter. */
  abstract countRows(filter?: string): Promise<number>;
  /** Deletes the rows matching an SQL filter. */
  abstract delete(predicate: string): Promise<DeleteResult>;
  /** Starts an upsert keyed on `on`; finish it with `execute(data)`. */
  abstract mergeInsert(on: string | string[]): MergeInsertBuilder;
  /** A query over all rows: add `where`, `select`, `limit`... */
  abstract query(): Query;
  /**
   * A search for `query`, as LanceDB's `search`:
   * - a vector: a nearest-neighbour search;
   * - text, `queryType` "auto" (default): on a table whose vector column has an
   *   embedding function, the text is embedded and searched as a vector; on a
   *   table without one, it is a full-text search of `ftsColumns` (default:
   *   every column with a full-text index) — decided when the query runs;
   * - text, "vector": always embedded (the table needs an embedding function);
   * - text or a {@link FullTextQuery}, "fts": a full-text search (BM25, `_score`);
   * - text, "hybrid": both, fused by a reranker (`_relevance_score`); needs an
   *   embedding function and a full-text index.
   */
  abstract search(query: IntoVector | string, queryType?: "auto" | "vector" | "hybrid", ftsColumns?: string | string[]): VectorQuery;
  abstract search(query: string | FullTextQuery, queryType: "fts", ftsColumns?: string | string[]): Query;
  abstract search(query: FullTextQuery, queryType?: string, ftsColumns?: string | string[]): Query;
  abstract search(query: IntoVector | string | FullTextQuery, queryType?: string, ftsColumns?: string | string[]): VectorQuery | Query;
  /** A nearest-neighbour search for `vector`. */
  abstract vectorSearch(vector: IntoVector): VectorQuery;
  /** Adds columns computed by SQL from each row, or all-null columns from Arrow fields. */
  abstract addColumns(newColumnTransforms: NewColumns): Promise<AddColumnsResult>;
  /** Renames columns, changes their type within a family, or makes them nullable. */
  abstract alterColumns(columnAlterations: ColumnAlteration[]): Promise<AlterColumnsResult>;
  /** Removes columns. */
  abstract dropColumns(columnNames: string[]): Promise<DropColumnsResult>;
  /** The version this handle reads. */
  abstract version(): Promise<number>;
  /** Pins the handle to an older version (read-only) until {@link Table.checkoutLatest}. */
  abstract checkout(version: number | string): Promise<void>;
  /** Unpins the handle: it reads (and may write) the latest version again. */
  abstract checkoutLatest(): Promise<void>;
  /** Every committed version still on disk, oldest first. */
  abstract listVersions(): Promise<Version[]>;
  /** Makes the checked-out version the latest, as a new version. */
  abstract restore(): Promise<void>;
  /** Compacts small fragments and removes old versions. */
  abstract optimize(options?: Partial<OptimizeOptions>): Promise<OptimizeStats>;
  /** All rows as one Arrow table. */
  abstract toArrow(): Promise<ArrowTable>;
  /** Sizes and fragment statistics. */
  abstract stats(): Promise<TableStatistics>;
  /**
   * Builds an index on a column and commits it as a new version. Quiver builds
   * full-text indexes (`{config: Index.fts()}`) on string columns; `replace`
   * (default true) rebuilds an existing one. Rows added later are searched
   * without the index until `optimize()` brings it up to date.
   */
  abstract createIndex(column: string, options?: Partial<IndexOptions>): Promise<void>;
  /** The indexes of the table. */
  abstract listIndices(): Promise<IndexConfig[]>;
  /** Statistics of one index, or undefined if there is no index of that name. */
  abstract indexStats(name: string): Promise<IndexStatistics | undefined>;
  /** Removes an index. */
  abstract dropIndex(name: string): Promise<void>;
}
