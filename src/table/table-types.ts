import type { DataType, Field, Schema } from "apache-arrow";
import type { EmbeddingWriteOptions } from "./prepare-rows.js";

/** Progress of a write, reported through `add(data, {progress})`. */
export interface WriteProgress {
  /** Rows written so far. */
  outputRows: number;
  /** Bytes of Arrow data written so far. */
  outputBytes: number;
  /** Rows the write will produce in all, when known. */
  totalRows?: number;
  /** Seconds since the write started. */
  elapsedSeconds: number;
  /** Write tasks running now (Quiver writes one fragment at a time). */
  activeTasks: number;
  /** Write tasks in all. */
  totalTasks: number;
  /** True for the final call, made once the version is committed. */
  done: boolean;
}

export interface AddDataOptions extends EmbeddingWriteOptions {
  /** "append" (default) adds rows; "overwrite" replaces every row of the table in one new version. */
  mode: "append" | "overwrite";
  /** Called after each fragment is written and once more with `done: true` after the commit. Errors it throws are ignored. */
  progress: (progress: WriteProgress) => void;
}

export interface UpdateOptions {
  /** SQL filter choosing the rows to update; all rows when absent. */
  where: string;
}

export interface OptimizeOptions {
  /** Remove versions older than this date (never the latest). Default: 7 days ago. */
  cleanupOlderThan: Date;
  /** Also remove files that no version references, however recent (only safe with no other writer running). */
  deleteUnverified: boolean;
}

/** One committed version of a table. */
export interface Version {
  version: number;
  timestamp: Date;
  metadata: Record<string, string>;
}

export interface ColumnAlteration {
  /** Name of the column to alter (top-level columns). */
  path: string;
  /** New name; must not clash with another column. */
  rename?: string;
  /** New type: an Arrow DataType or a name such as "int64", "float32", "string". Casts within one family only. */
  dataType?: string | DataType;
  /** Make the column nullable (a nullable column cannot be made non-nullable). */
  nullable?: boolean;
}

export interface AddColumnsSql {
  /** Name of the new column. */
  name: string;
  /** SQL expression computing it from the existing columns of each row, e.g. "price * 2" or "cast(NULL as string)". */
  valueSql: string;
}

export type NewColumns = AddColumnsSql[] | Field | Field[] | Schema;

export interface AddResult {
  version: number;
}
export interface DeleteResult {
  numDeletedRows: number;
  version: number;
}
export interface UpdateResult {
  rowsUpdated: number;
  version: number;
}
export interface AddColumnsResult {
  version: number;
}
export interface AlterColumnsResult {
  version: number;
}
export interface DropColumnsResult {
  version: number;
}
export interface MergeResult {
  version: number;
  numInsertedRows: number;
  numUpdatedRows: number;
  numDeletedRows: number;
  numAttempts: number;
  numRows: number;
}

export interface CompactionStats {
  fragmentsRemoved: number;
  fragmentsAdded: number;
  filesRemoved: number;
  filesAdded: number;
}
export interface RemovalStats {
  bytesRemoved: number;
  oldVersionsRemoved: number;
}
export interface OptimizeStats {
  compaction: CompactionStats;
  prune: RemovalStats;
}

export interface FragmentSummaryStats {
  min: number;
  max: number;
  mean: number;
  p25: number;
  p50: number;
  p75: number;
  p99: number;
}
export interface FragmentStatistics {
  numFragments: number;
  numSmallFragments: number;
  lengths: FragmentSummaryStats;
}
export interface TableStatistics {
  totalBytes: number;
  numRows: number;
  numIndices: number;
  fragmentStats: FragmentStatistics;
}

/** A value usable in `update({values})`: a literal of the column's type. */
export type IntoSql = string | number | boolean | null | Date | bigint | ArrayBufferLike | ArrayLike<number> | IntoSql[];

/** A built index, as `listIndices()` reports it. */
export interface IndexConfig {
  /** The index's name. */
  name: string;
  /** Its kind, e.g. "IvfPq", "BTree", "FTS". */
  indexType: string;
  /** The columns it covers. */
  columns: string[];
}

/** Statistics of one index, as `indexStats(name)` reports them. */
export interface IndexStatistics {
  numIndexedRows: number;
  numUnindexedRows: number;
  indexType: string;
  distanceType?: string;
  numIndices?: number;
}
