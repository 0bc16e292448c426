import { type FtsOptions, type FtsParams, resolveFtsOptions } from "./fts/fts-options.js";
import {
  type HnswPqOptions,
  type HnswSqOptions,
  type IvfFlatOptions,
  type IvfPqOptions,
  type VectorIndexKind,
  type VectorIndexParams,
  resolveVectorIndexOptions,
} from "./vector/vector-index-options.js";
import type { ScalarIndexKind, ScalarIndexParams } from "./scalar/scalar-index-kind.js";

/** The kinds of index LanceDB names; Quiver builds "fts" and "hnswSq" and refuses the others for now. */
export type IndexKind = "fts" | "ivfPq" | "ivfRq" | "ivfFlat" | "hnswPq" | "hnswSq" | "btree" | "bitmap" | "labelList" | "fm";

export type { HnswPqOptions, HnswSqOptions, IvfFlatOptions, IvfPqOptions } from "./vector/vector-index-options.js";

/** What an {@link Index} holds: its kind and checked options. @internal */
export type IndexSpec =
  | { readonly kind: "fts"; readonly params: FtsParams }
  | { readonly kind: VectorIndexKind; readonly params: VectorIndexParams }
  | { readonly kind: ScalarIndexKind; readonly params: ScalarIndexParams }
  | { readonly kind: Exclude<IndexKind, "fts" | VectorIndexKind | ScalarIndexKind>; readonly options: Readonly<Record<string, unknown>> };

/**
 * The kind of index to build and its options, passed to
 * `table.createIndex(column, {config})` (LanceDB's `Index`).
 *
 * `Index.fts()` builds a full-text index (BM25 ranking) over a string column,
 * which `search(text, "fts")` and `query().fullTextSearch(text)` use.
 * `Index.hnswSq()`, `Index.hnswPq()`, `Index.ivfFlat()` and `Index.ivfPq()` build
 * approximate vector indexes (see docs/vector-indexes.md).
 * `Index.btree()`, `Index.bitmap()` and `Index.labelList()` build scalar indexes that
 * speed up `where` filters (see docs/scalar-indexes.md). `Index.ivfRq()` and
 * `Index.fm()` exist so code written for LanceDB compiles; creating those
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

  /**
   * An IVF-PQ vector index: partitions of similar vectors, each vector stored
   * as product-quantization codes of its residual; `refineFactor(n)` re-ranks
   * with the full vectors. Options are checked now (a wrong one throws
   * InvalidArgumentError here).
   */
  static ivfPq(options?: Partial<IvfPqOptions>): Index {
    return Index.#vector("ivfPq", options);
  }

  /** An IVF-RQ vector index (not built by Quiver yet). */
  static ivfRq(options?: Record<string, unknown>): Index {
    return Index.#other("ivfRq", options);
  }

  /**
   * An IVF-Flat vector index: partitions of similar vectors, searched with full
   * vectors. Options are checked now.
   */
  static ivfFlat(options?: Partial<IvfFlatOptions>): Index {
    return Index.#vector("ivfFlat", options);
  }

  /**
   * An HNSW-PQ vector index: the graph of `Index.hnswSq()`, walked over
   * product-quantization codes (`numSubVectors` bytes per vector instead of
   * one byte per dimension); the `ef` best candidates are re-ranked with the
   * full vectors, so `_distance` is exact. Smaller than HNSW-SQ; needs a
   * larger `ef` for the same recall. Options are checked now.
   */
  static hnswPq(options?: Partial<HnswPqOptions>): Index {
    return Index.#vector("hnswPq", options);
  }

  /**
   * An HNSW-SQ vector index: a navigable graph (usearch) over 8-bit
   * scalar-quantized vectors; the best candidates are re-ranked with the
   * full vectors, so `_distance` is exact. Queries tune it with `ef(n)` and
   * `refineFactor(n)`. Options are checked now: a wrong one throws
   * InvalidArgumentError naming it.
   *
   * @example
   * await table.createIndex("vector", { config: Index.hnswSq({ distanceType: "cosine", m: 20, efConstruction: 300 }) });
   */
  static hnswSq(options?: Partial<HnswSqOptions>): Index {
    return Index.#vector("hnswSq", options);
  }

  /**
   * A B-tree scalar index: the column's sorted distinct values, each with its
   * rows. Speeds up `where` filters on the column (=, <, >, BETWEEN, IN,
   * IS NULL...) in scans, vector and full-text searches. For numbers,
   * strings, booleans, dates and timestamps; the default for such columns.
   * See docs/scalar-indexes.md.
   */
  static btree(): Index {
    return new Index({ kind: "btree", params: Object.freeze({}) });
  }

  /**
   * A bitmap scalar index: each distinct value with its set of rows; meant
   * for columns with few distinct values (a category, a status). Answers the
   * same filters as {@link Index.btree}.
   */
  static bitmap(): Index {
    return new Index({ kind: "bitmap", params: Object.freeze({}) });
  }

  /**
   * A label-list scalar index over a list column (`list<string>` or
   * `list<int>`): each label with the rows whose list holds it, for
   * `array_has_any`, `array_has_all` and `array_contains` filters.
   */
  static labelList(): Index {
    return new Index({ kind: "labelList", params: Object.freeze({}) });
  }

  /** An FM substring index (not built by Quiver yet). */
  static fm(): Index {
    return Index.#other("fm", {});
  }

  static #vector(kind: VectorIndexKind, options: unknown): Index {
    return new Index({ kind, params: resolveVectorIndexOptions(kind, options) });
  }

  static #other(kind: Exclude<IndexKind, "fts" | VectorIndexKind | ScalarIndexKind>, options: Record<string, unknown> | undefined): Index {
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
  /**
   * Quiver extension: called with the fraction of the build done (0 to 1,
   * never decreasing) while a vector index is built.
   */
  onProgress?: (fractionDone: number) => void;
  /**
   * Quiver extension: aborting stops the build with OperationAbortedError;
   * the table, its versions and its old indexes stay as they were.
   */
  signal?: AbortSignal;
}
