import { type FtsOptions, type FtsParams, resolveFtsOptions } from "./fts/fts-options.js";

/** The kinds of index LanceDB names; Quiver builds "fts" and refuses the others for now. */
export type IndexKind = "fts" | "ivfPq" | "ivfRq" | "ivfFlat" | "hnswPq" | "hnswSq" | "btree" | "bitmap" | "labelList" | "fm";

/** What an {@link Index} holds: its kind and checked options. @internal */
export type IndexSpec = { readonly kind: "fts"; readonly params: FtsParams } | { readonly kind: Exclude<IndexKind, "fts">; readonly options: Readonly<Record<string, unknown>> };

/**
 * The kind of index to build and its options, passed to
 * `table.createIndex(column, {config})` (LanceDB's `Index`).
 *
 * `Index.fts()` builds a full-text index (BM25 ranking) over a string column,
 * which `search(text, "fts")` and `query().fullTextSearch(text)` use. The
 * other factories exist so code written for LanceDB compiles; creating those
 * indexes fails with NotSupportedError for now (vector search is exact and
 * filters scan, so results are the same without them).
 *
 * @example
 * await table.createIndex("text", { config: Index.fts({ withPosition: true, stem: true }) });
 */
export class Index {
  readonly #spec: IndexSpec;

  private constructor(spec: IndexSpec) {
    this.#spec = spec;
  }

  /**
   * A full-text index over a string column: the text is tokenized (see
   * {@link FtsOptions}) into an inverted index, and results are ranked by
   * BM25. Options are checked now: a wrong one throws here.
   */
  static fts(options?: Partial<FtsOptions>): Index {
    return new Index({ kind: "fts", params: resolveFtsOptions(options) });
  }

  /** An IVF-PQ vector index (not built by Quiver yet). */
  static ivfPq(options?: Record<string, unknown>): Index {
    return Index.#other("ivfPq", options);
  }

  /** An IVF-RQ vector index (not built by Quiver yet). */
  static ivfRq(options?: Record<string, unknown>): Index {
    return Index.#other("ivfRq", options);
  }

  /** An IVF-Flat vector index (not built by Quiver yet). */
  static ivfFlat(options?: Record<string, unknown>): Index {
    return Index.#other("ivfFlat", options);
  }

  /** An HNSW-PQ vector index (not built by Quiver yet). */
  static hnswPq(options?: Record<string, unknown>): Index {
    return Index.#other("hnswPq", options);
  }

  /** An HNSW-SQ vector index (not built by Quiver yet). */
  static hnswSq(options?: Record<string, unknown>): Index {
    return Index.#other("hnswSq", options);
  }

  /** A B-tree scalar index (not built by Quiver yet). */
  static btree(): Index {
    return Index.#other("btree", {});
  }

  /** A bitmap scalar index (not built by Quiver yet). */
  static bitmap(): Index {
    return Index.#other("bitmap", {});
  }

  /** A label-list scalar index (not built by Quiver yet). */
  static labelList(): Index {
    return Index.#other("labelList", {});
  }

  /** An FM substring index (not built by Quiver yet). */
  static fm(): Index {
    return Index.#other("fm", {});
  }

  static #other(kind: Exclude<IndexKind, "fts">, options: Record<string, unknown> | undefined): Index {
    return new Index({ kind, options: Object.freeze({ ...(options ?? {}) }) });
  }

  /** The kind and checked options. @internal */
  static specOf(index: Index): IndexSpec {
    return index.#spec;
  }
}

/** Options of `createIndex` (LanceDB's `IndexOptions`). */
export interface IndexOptions {
  /** The index to build, e.g. `Index.fts()`. */
  config?: Index;
  /**
   * Replace an existing index of the same name (or, for a full-text index, on
   * the same column). Default true, as in LanceDB; with false, an existing
   * index is an error.
   */
  replace?: boolean;
  /** Accepted for compatibility: Quiver builds the index before createIndex returns. */
  waitTimeoutSeconds?: number;
  /** The index's name; default `<column>_idx`. */
  name?: string;
  /** Accepted for compatibility; an index is always built from the table's rows. */
  train?: boolean;
}
