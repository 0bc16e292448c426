import type { Field } from "apache-arrow";
import type { IndexSpec } from "../../indices/index-config.js";
import type { IndexEntry } from "../../storage/manifest.js";
import type { TableSnapshot } from "../../storage/table-snapshot.js";
import type { TableStorage } from "../../storage/table-storage.js";

/** What to build: an index named `name` on `column`, of the kind and options in `spec`. */
export interface IndexRequest {
  readonly column: string;
  readonly name: string;
  readonly spec: IndexSpec;
}

/** Progress and cancellation of a build, passed through from createIndex. */
export interface IndexBuildControl {
  /** Stops the build; the table is left as it was and the partial files are removed. */
  readonly signal?: AbortSignal;
  /** Called with the fraction of the build done, between 0 and 1. */
  readonly onProgress?: (fractionDone: number) => void;
}

/**
 * One family of indexes (full-text, vector, scalar): how to check a column for
 * it and how to write its files. The generic create and optimize paths
 * (create-index.ts, update-indices.ts) do the committing, so a builder never
 * touches the manifest.
 */
export interface IndexBuilder {
  /** Two indexes of one family on one column clash: creating one replaces the other. */
  readonly family: "fts" | "vector" | "scalar";
  /** Throws a typed error, naming the table, the column and the fix, when `field` cannot hold this index. */
  check(table: string, field: Field, spec: IndexSpec): void;
  /**
   * Writes the index over every live row of `snapshot` under `_indices/<uuid>/`
   * and returns its entry; on failure removes what it wrote. The files belong to
   * no version until a manifest lists the entry. `previous` is an index of the
   * same column and parameters in this snapshot whose work may be reused
   * (optimize folds new rows into it).
   */
  write(storage: TableStorage, snapshot: TableSnapshot, request: IndexRequest, previous?: IndexEntry, control?: IndexBuildControl): Promise<IndexEntry>;
  /** The request that rebuilds `entry` with its stored parameters (optimize). */
  requestOf(entry: IndexEntry): IndexRequest;
}
