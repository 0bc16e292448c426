/**
 * Finds the schema field a column reference names: exact names first, then a unique
 * case-insensitive match for unquoted segments (DataFusion lowercases unquoted
 * identifiers, yet users write camelCase names unquoted), walking into struct fields
 * for dotted paths. Shared by {@link checkColumns} and the evaluator so both agree.
 *
 * @internal
 * @module
 */

import { DataType, type Field, type Schema } from "apache-arrow";
import { ColumnNotFoundError, InvalidArgumentError, QuiverError } from "../errors.js";
import type { ColumnRef } from "./filter-ast.js";

/** A reference that names a field: child indices from the schema root, and the names as stored. */
export interface ResolvedColumn {
  readonly indices: readonly number[];
  readonly names: readonly string[];
  readonly field: Field;
}

export type ColumnResolution =
  | { readonly ok: true; readonly column: ResolvedColumn }
  | {
      readonly ok: false;
      readonly reason: "missing" | "ambiguous" | "not-struct";
      /** Index of the path segment that failed. */
      readonly segment: number;
      /** The fields at that level, as dotted paths. */
      readonly available: readonly string[];
      /** For "ambiguous": the names that match ignoring case. */
      readonly candidates: readonly string[];
    };

/** Resolves `ref` against `schema`. */
export function resolveColumn(schema: Schema, ref: ColumnRef): ColumnResolution {
  let fields: readonly Field[] = schema.fields;
  const indices: number[] = [];
  const names: string[] = [];
  for (let s = 0; s < ref.path.length; s++) {
    const name = ref.path[s]!;
    const prefix = names.length > 0 ? `${names.join(".")}.` : "";
    const available = fields.map((f) => prefix + f.name);
    let index = fields.findIndex((f) => f.name === name);
    if (index < 0 && ref.quoting[s] === "none") {
      const lower = name.toLowerCase();
      const matches = fields.flatMap((f, i) => (f.name.toLowerCase() === lower ? [i] : []));
      if (matches.length > 1) {
        const candidates = matches.map((i) => prefix + fields[i]!.name);
        return { ok: false, reason: "ambiguous", segment: s, available, candidates };
      }
      index = matches[0] ?? -1;
    }
    if (index < 0) return { ok: false, reason: "missing", segment: s, available, candidates: [] };
    const field = fields[index]!;
    indices.push(index);
    names.push(field.name);
    if (s === ref.path.length - 1) return { ok: true, column: { indices, names, field } };
    if (!DataType.isStruct(field.type)) {
      // Nothing lives below a non-struct field, so list the level the user can pick from.
      return { ok: false, reason: "not-struct", segment: s + 1, available, candidates: [] };
    }
    fields = field.type.children;
  }
  throw new RangeError("a column reference has at least one segment");
}

/**
 * True when a failed reference is read as a string instead: LanceDB's SQL dialect takes
 * `"text"` as a string literal, so `meta.source = "x"` works there; Quiver takes a
 * double-quoted name as a column when one matches and as a string otherwise.
 */
export function isStringFallback(ref: ColumnRef, resolution: ColumnResolution): boolean {
  return !resolution.ok && resolution.reason === "missing" && ref.path.length === 1 && ref.quoting[0] === "double";
}

/** The error for a reference that names no column. */
export function columnResolutionError(
  ref: ColumnRef,
  resolution: Extract<ColumnResolution, { ok: false }>,
  context: { table?: string; where?: string },
): QuiverError {
  const written = ref.path.join(".");
  if (resolution.reason === "ambiguous") {
    const first = resolution.candidates[0]!;
    return new InvalidArgumentError(
      `${context.where ? `${context.where}: ` : ""}column '${written}' is ambiguous` +
        `${context.table ? ` in table '${context.table}'` : ""}: it matches ${resolution.candidates
          .map((c) => `'${c}'`)
          .join(" and ")} when case is ignored. Quote the exact name with backticks, such as \`${first}\`.`,
      "filter",
    );
  }
  return new ColumnNotFoundError(written, resolution.available, context.table, context.where);
}
