import type { Schema } from "apache-arrow";
import type { IngestData, SchemaLike } from "../arrow/index.js";
import type { EmbeddingFunctionConfig } from "../embedding/embedding-function.js";
import type { EmbeddingWriteOptions } from "../table/prepare-rows.js";
import type { Table } from "../table/table.js";
import type { WriteProgress } from "../table/table-types.js";

export interface CreateTableOptions extends EmbeddingWriteOptions {
  /** "create" (default) fails if the table exists; "overwrite" replaces it with a new version. */
  mode: "create" | "overwrite";
  /** With mode "create": open the existing table instead of failing. */
  existOk: boolean;
  /** The schema the data must fit (required for empty data); inferred from the rows otherwise. */
  schema: SchemaLike;
  /** Accepted for compatibility; local tables need no storage options. */
  storageOptions: Record<string, string>;
  /**
   * The embedding function that fills `vectorColumn` (default "vector") from
   * `sourceColumn`, on this write and every later one; stored in the schema so the
   * table embeds the same way when reopened. A schema made with `LanceSchema`
   * carries its functions already and takes precedence.
   */
  embeddingFunction: EmbeddingFunctionConfig;
  /** LanceDB's write progress callback (see `Table.add`). */
  progress: (progress: WriteProgress) => void;
}

export interface OpenTableOptions {
  /** Open the table pinned at this version (read-only until checkoutLatest). */
  version: number;
  /** Accepted for compatibility. */
  storageOptions: Record<string, string>;
  /** Accepted for compatibility. */
  indexCacheSize: number;
}

export interface TableNamesOptions {
  /** Only names sorting after this one (for paging). */
  startAfter: string;
  /** At most this many names. */
  limit: number;
}

/**
 * A database: a set of named tables. Get one with {@link connect}.
 *
 * @example
 * const db = await connect("data/my-db");
 * const table = await db.createTable("docs", [{ id: 1, vector: [0.1, 0.2] }]);
 * console.log(await db.tableNames()); // ["docs"]
 */
export abstract class Connection {
  /** False once {@link Connection.close} was called. */
  abstract isOpen(): boolean;
  /** Closes the connection; open tables stay usable, new calls on the connection fail. */
  abstract close(): void;
  /** A one-line description of the connection. */
  abstract display(): string;
  /** Table names in sorted order, optionally paged. */
  abstract tableNames(options?: Partial<TableNamesOptions>): Promise<string[]>;
  abstract tableNames(namespacePath?: string[], options?: Partial<TableNamesOptions>): Promise<string[]>;
  /** Opens an existing table. */
  abstract openTable(name: string, namespacePath?: string[], options?: Partial<OpenTableOptions>): Promise<Table>;
  /** Creates a table from rows, an Arrow table or record batches. */
  abstract createTable(options: { name: string; data: IngestData } & Partial<CreateTableOptions>): Promise<Table>;
  abstract createTable(name: string, data: IngestData, options?: Partial<CreateTableOptions>): Promise<Table>;
  /** Creates a table with no rows from a schema. */
  abstract createEmptyTable(name: string, schema: SchemaLike | Schema, options?: Partial<CreateTableOptions>): Promise<Table>;
  /** Drops a table and its data. */
  abstract dropTable(name: string, namespacePath?: string[]): Promise<void>;
  /** Drops every table of the database. */
  abstract dropAllTables(namespacePath?: string[]): Promise<void>;
}
