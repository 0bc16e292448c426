import type { IndexKind } from "./index-config.js";

/** The two `indexType` strings LanceDB reports for one kind of index. */
export interface IndexTypeNames {
  /** In `listIndices()`: the Rust enum variant's name ("IvfPq", "BTree"). */
  readonly list: string;
  /** In `indexStats()` (and Quiver's explainPlan): the upper-case name ("IVF_PQ", "BTREE"). */
  readonly stats: string;
}

/**
 * LanceDB's `indexType` of each kind Quiver builds, the one place these names
 * live. LanceDB's Node client formats the same enum two ways, so one index is
 * "IvfHnswSq" in `listIndices()` and "IVF_HNSW_SQ" in `indexStats()`; every
 * pair here was read back from @lancedb/lancedb 0.39 (listIndices and
 * indexStats of one index of each kind). Kinds Quiver never builds ("ivfRq",
 * "fm") are left out rather than guessed; they are reported by their kind.
 */
export const INDEX_TYPE_NAMES: Readonly<Partial<Record<IndexKind, IndexTypeNames>>> = Object.freeze({
  ivfPq: Object.freeze({ list: "IvfPq", stats: "IVF_PQ" }),
  ivfFlat: Object.freeze({ list: "IvfFlat", stats: "IVF_FLAT" }),
  hnswSq: Object.freeze({ list: "IvfHnswSq", stats: "IVF_HNSW_SQ" }),
  hnswPq: Object.freeze({ list: "IvfHnswPq", stats: "IVF_HNSW_PQ" }),
  btree: Object.freeze({ list: "BTree", stats: "BTREE" }),
  bitmap: Object.freeze({ list: "Bitmap", stats: "BITMAP" }),
  labelList: Object.freeze({ list: "LabelList", stats: "LABEL_LIST" }),
  fts: Object.freeze({ list: "FTS", stats: "FTS" }),
});

/** LanceDB's `indexType` of `kind` as `listIndices()` ("list") or `indexStats()` ("stats") reports it. */
export function indexTypeName(kind: IndexKind, where: keyof IndexTypeNames): string {
  return INDEX_TYPE_NAMES[kind]?.[where] ?? kind;
}
