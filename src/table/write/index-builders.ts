import type { Field } from "apache-arrow";
import { NotSupportedError } from "../../errors.js";
import type { IndexKind, IndexSpec } from "../../indices/index-config.js";
import { isTextType } from "../../indices/fts/text-column.js";
import type { IndexEntry } from "../../storage/manifest.js";
import { isVectorType } from "../../exec/vector-column.js";
import { resolveVectorIndexOptions } from "../../indices/vector/vector-index-options.js";
import { ftsIndexBuilder } from "./fts-index-builder.js";
import { isValueIndexable } from "../../indices/scalar/scalar-column.js";
import { scalarIndexBuilder } from "./scalar-index-builder.js";
import type { IndexBuilder } from "./index-builder.js";
import { hnswPqIndexBuilder } from "./hnsw-pq-index-builder.js";
import { ivfIndexBuilder } from "./ivf-index-builder.js";
import { vectorIndexBuilder } from "./vector-index-builder.js";

/** The builder of each index kind Quiver can build; a kind missing here is refused with NotSupportedError. */
const BUILDERS: Partial<Record<IndexKind, IndexBuilder>> = {
  fts: ftsIndexBuilder,
  btree: scalarIndexBuilder,
  bitmap: scalarIndexBuilder,
  labelList: scalarIndexBuilder,
  hnswSq: vectorIndexBuilder,
  hnswPq: hnswPqIndexBuilder,
  ivfFlat: ivfIndexBuilder,
  ivfPq: ivfIndexBuilder,
};

/** The builder for `kind` on `field`; throws {@link indexRefusal} for a kind not built. */
export function builderFor(table: string, field: Field, kind: IndexKind): IndexBuilder {
  const builder = BUILDERS[kind];
  if (builder) return builder;
  throw indexRefusal(table, field, kind);
}

/** The error for an index kind (or, with none, a default index) this version does not build. */
export function indexRefusal(table: string, field: Field, kind?: IndexKind): NotSupportedError {
  const what = kind === undefined ? `no default index for a column of type ${String(field.type)} is` : `${kind} indexes are`;
  return new NotSupportedError(
    `createIndex("${field.name}") on table '${table}': ${what} not built yet by this version of Quiver ` +
      `(it builds ${Object.keys(BUILDERS).join(", ")}). Searches and filters are exact without an index.` +
      (isTextType(field.type) ? ` For keyword search on the text column '${field.name}', build a full-text index: createIndex("${field.name}", {config: Index.fts()}).` : "") +
      (isVectorType(field.type) && kind !== undefined ? ` For approximate vector search, build an HNSW-SQ index: createIndex("${field.name}", {config: Index.hnswSq()}).` : ""),
  );
}

/** The builder that rebuilds a stored index (optimize). */
export function builderOfEntry(table: string, entry: IndexEntry): IndexBuilder {
  const builder = BUILDERS[entry.kind];
  if (builder) return builder;
  throw new NotSupportedError(`optimize on table '${table}': the ${entry.kind} index '${entry.name}' was written by a newer Quiver; this version cannot rebuild it.`);
}

/**
 * The index `createIndex(column)` builds when no config is given, as LanceDB
 * chooses by the column's type; undefined when Quiver has no default for it.
 */
export function defaultIndexFor(field: Field): IndexSpec | undefined {
  // A vector column gets HNSW-SQ: no training step, good recall at small and large sizes (docs/vector-indexes.md).
  if (isVectorType(field.type)) return { kind: "hnswSq", params: resolveVectorIndexOptions("hnswSq", {}) };
  // Numbers, strings, booleans, dates and timestamps get a btree, as LanceDB's Index.auto does (strings too: full-text is opt-in).
  if (isValueIndexable(field.type)) return { kind: "btree", params: Object.freeze({}) };
  return undefined;
}

/** The family of a kind: two indexes of one family on one column clash. */
export function familyOf(kind: IndexKind): IndexBuilder["family"] {
  if (kind === "fts") return "fts";
  if (kind === "btree" || kind === "bitmap" || kind === "labelList" || kind === "fm") return "scalar";
  return "vector";
}
