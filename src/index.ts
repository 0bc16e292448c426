// quiverdb: the public surface. Named re-exports only, grouped by module.

// Connection
export { connect, type ConnectionOptions } from "./connection/connect.js";
export { Connection, type CreateTableOptions, type OpenTableOptions, type TableNamesOptions } from "./connection/connection.js";

// Table
export { Table, type IntoVector } from "./table/table.js";
export { MergeInsertBuilder, type WriteExecutionOptions } from "./table/merge-insert-builder.js";
export type {
  AddColumnsResult,
  AddColumnsSql,
  AddDataOptions,
  AddResult,
  AlterColumnsResult,
  ColumnAlteration,
  CompactionStats,
  DeleteResult,
  DropColumnsResult,
  FragmentStatistics,
  FragmentSummaryStats,
  IndexConfig,
  IndexStatistics,
  IntoSql,
  MergeResult,
  OptimizeOptions,
  OptimizeStats,
  RemovalStats,
  TableStatistics,
  UpdateOptions,
  UpdateResult,
  Version,
  WriteProgress,
} from "./table/table-types.js";

// Embedding (also under quiverdb/embedding, as LanceDB's `embedding` namespace)
export * as embedding from "./embedding/index.js";
export type { EmbeddingWriteOptions } from "./table/prepare-rows.js";

// Query
export { QueryBase, type FullTextSearchOptions, type QueryExecutionOptions } from "./query/query-base.js";
export { Query } from "./query/query.js";
export { VectorQuery } from "./query/vector-query.js";
export {
  BooleanQuery,
  FullTextQueryType,
  MatchQuery,
  MultiMatchQuery,
  Occur,
  Operator,
  PhraseQuery,
  instanceOfFullTextQuery,
  type FullTextQuery,
} from "./query/full-text-query.js";

// Indexes
export { Index, type IndexOptions, type HnswPqOptions, type HnswSqOptions, type IvfFlatOptions, type IvfPqOptions } from "./indices/index-config.js";
export type { BaseTokenizer, FtsOptions } from "./indices/fts/fts-options.js";

// Rerankers (LanceDB's `rerankers` namespace)
export * as rerankers from "./exec/rerankers/index.js";

// Arrow input
export type { IngestData as Data, SchemaLike } from "./arrow/index.js";

// Errors
export {
  EmbeddingError,
  EmbeddingFunctionNotFoundError,
  EmbeddingMetadataError,
  OperationAbortedError,
  RegistryError,
  SecretInConfigError,
  VariableNotSetError,
  ColumnNotFoundError,
  CommitConflictError,
  ConnectionClosedError,
  CorruptTableError,
  FilterSyntaxError,
  IndexNotFoundError,
  InvalidArgumentError,
  NotSupportedError,
  QuiverError,
  ReadOnlyVersionError,
  SchemaMismatchError,
  TableExistsError,
  TableNotFoundError,
  VersionNotFoundError,
  type QuiverErrorCode,
} from "./errors.js";
