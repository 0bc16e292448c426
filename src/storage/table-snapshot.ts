import type { RecordBatch, Schema } from "apache-arrow";
import type { IndexEntry } from "./manifest.js";

/**
 * One committed version of a table as the read path sees it: the schema and the
 * fragments, each able to load its rows and its deletion mask. Snapshots are
 * immutable: a query runs against one snapshot from start to end, so concurrent
 * writers never change what it sees.
 */
export interface TableSnapshot {
  /** The table's name, for error messages. */
  readonly tableName: string;
  /** The committed version this snapshot reads. */
  readonly version: number;
  /** The table's schema at this version, with its metadata (embedding functions live there). */
  readonly schema: Schema;
  /** Fragments in commit order; row order of a full scan follows this order. */
  readonly fragments: readonly FragmentSnapshot[];
  /** The indexes of this version. */
  readonly indices: readonly IndexEntry[];
  /** Reads a file of the table's folder (a table-relative path, e.g. an index file). */
  readFile(path: string): Promise<Uint8Array>;
  /**
   * The absolute local path of a table file when the table lives in a local
   * folder (so a native library can memory-map it); undefined otherwise.
   */
  localFile?(path: string): string | undefined;
  /**
   * A value derived from immutable files of the table (a decoded index, a
   * tokenized fragment), computed once and kept in the connection's cache.
   * `key` must name the files the value comes from, so it never goes stale.
   */
  cached<T>(key: string, compute: () => Promise<{ value: T; bytes: number }>): Promise<T>;
}

/** One immutable data file of a table plus the rows deleted from it as of the snapshot's version. */
export interface FragmentSnapshot {
  /** Stable id, unique within the table; `_rowid` = id * 2^32 + row offset in the fragment. */
  readonly id: number;
  /** The fragment's data file (table-relative); files are immutable, so it keys derived caches. */
  readonly file: string;
  /** Rows physically in the fragment, deleted ones included. */
  readonly physicalRows: number;
  /** Rows deleted from this fragment as of this version. */
  readonly deletedRows: number;
  /**
   * All rows of the fragment as one record batch whose schema equals the
   * snapshot's schema (columns added or dropped since the file was written are
   * already reconciled). Cached: repeated calls are cheap, and callers must not
   * mutate the result.
   */
  load(): Promise<RecordBatch>;
  /** A mask with 1 for each deleted row offset, or null when nothing is deleted. Cached; do not mutate. */
  deletionMask(): Promise<Uint8Array | null>;
  /**
   * What load() and deletionMask() would give, when both are already in
   * memory; undefined otherwise. Never reads storage. A search over many
   * small cached fragments thereby skips two promises per fragment.
   */
  cached?(): { readonly batch: RecordBatch; readonly deleted: Uint8Array | null } | undefined;
}

/** `_rowid` of a row: fragment id in the high 32 bits, offset in the low 32, as LanceDB numbers them. */
export function makeRowId(fragmentId: number, offset: number): bigint {
  return (BigInt(fragmentId) << 32n) | BigInt(offset);
}
