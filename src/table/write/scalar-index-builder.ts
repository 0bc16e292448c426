import type { Field } from "apache-arrow";
import { SchemaMismatchError } from "../../errors.js";
import type { IndexSpec } from "../../indices/index-config.js";
import { buildLabelListIndex } from "../../indices/scalar/build-label-list-index.js";
import { buildValueIndex } from "../../indices/scalar/build-value-index.js";
import { isLabelListIndexable, isValueIndexable } from "../../indices/scalar/scalar-column.js";
import { SCALAR_INDEX_LIST_NAMES, type ScalarIndexKind, isScalarIndexKind } from "../../indices/scalar/scalar-index-kind.js";
import { encodeValueIndex } from "../../indices/scalar/value-index-codec.js";
import type { IndexBuilder } from "./index-builder.js";
import { writeIndexFolder } from "./index-folder.js";

/**
 * Btree, bitmap and label-list indexes (`family: "scalar"`). A rebuild (optimize) reads
 * the column again rather than merging the old index: one column is cheap to
 * read and sort next to a table's vectors, and the result is the same.
 */
const builder: IndexBuilder = {
  family: "scalar",

  check(table, field, spec) {
    const kind = scalarKindOf(spec);
    const fits = kind === "labelList" ? isLabelListIndexable(field) : isValueIndexable(field.type);
    if (fits) return;
    const expected = kind === "labelList" ? "a list of strings or integers" : "a number, string, boolean, date or timestamp";
    throw new SchemaMismatchError(
      `A ${SCALAR_INDEX_LIST_NAMES[kind]} index cannot be created on the field \`${field.name}\` which has data type ${String(field.type)}: ` +
        `createIndex("${field.name}", {config: Index.${kind}()}) on table '${table}' needs ${expected} column. ${fixFor(field, kind)}`,
      { table, column: field.name, expected, actual: String(field.type) },
    );
  },

  async write(storage, snapshot, request, _previous, control) {
    const kind = scalarKindOf(request.spec);
    const head = { name: request.name, kind, column: request.column, parameters: {} };
    return writeIndexFolder(storage, snapshot, head, async () => {
      const field = snapshot.schema.fields.find((f) => f.name === request.column)!;
      const build = kind === "labelList" ? buildLabelListIndex : buildValueIndex;
      const index = await build(snapshot.fragments, field, control?.signal);
      control?.onProgress?.(1);
      return encodeValueIndex(index);
    });
  },

  requestOf(entry) {
    const kind = entry.kind;
    if (!isScalarIndexKind(kind)) throw new TypeError(`scalarIndexBuilder cannot rebuild a ${kind} index`);
    return { column: entry.column, name: entry.name, spec: { kind, params: Object.freeze({}) } };
  },
};

function scalarKindOf(spec: IndexSpec): ScalarIndexKind {
  if (!isScalarIndexKind(spec.kind)) throw new TypeError(`scalarIndexBuilder cannot build a ${spec.kind} index`);
  return spec.kind;
}

/** What to do instead, by what the column holds. */
function fixFor(field: Field, kind: ScalarIndexKind): string {
  if (kind === "labelList") return `Index a List<Utf8> or List<Int> column, or use Index.btree() / Index.bitmap() for a column of single values.`;
  if (isLabelListIndexable(field)) return `For a list column use Index.labelList().`;
  return `Scalar indexes hold numbers, strings, booleans, dates and timestamps; search vectors with a vector index and text with Index.fts().`;
}

export const scalarIndexBuilder: IndexBuilder = Object.freeze(builder);
