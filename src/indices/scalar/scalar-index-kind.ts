import { indexTypeName } from "../index-type-names.js";

/** The scalar index kinds Quiver builds, by LanceDB's names. */
export type ScalarIndexKind = "btree" | "bitmap" | "labelList";

/** The stored parameters of a scalar index: none yet (LanceDB's `Index.btree()` etc. take no options). */
export type ScalarIndexParams = Readonly<Record<string, never>>;

/** True for the kinds that are scalar indexes. */
export function isScalarIndexKind(kind: string): kind is ScalarIndexKind {
  return kind === "btree" || kind === "bitmap" || kind === "labelList";
}

/** LanceDB's `indexType` of each scalar kind in `indexStats()` (and in explainPlan); from the one table in index-type-names.ts. */
export const SCALAR_INDEX_TYPE_NAMES: Readonly<Record<ScalarIndexKind, string>> = Object.freeze({
  btree: indexTypeName("btree", "stats"),
  bitmap: indexTypeName("bitmap", "stats"),
  labelList: indexTypeName("labelList", "stats"),
});

/** LanceDB's `indexType` of each scalar kind in `listIndices()`; from the one table in index-type-names.ts. */
export const SCALAR_INDEX_LIST_NAMES: Readonly<Record<ScalarIndexKind, string>> = Object.freeze({
  btree: indexTypeName("btree", "list"),
  bitmap: indexTypeName("bitmap", "list"),
  labelList: indexTypeName("labelList", "list"),
});
