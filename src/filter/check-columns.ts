/**
 * Checks the columns a filter names against a schema before any data is read, and
 * lists them so a scan can read only those columns.
 *
 * @module
 */

import type { Schema } from "apache-arrow";
import { childrenOf, type ColumnRef, type FilterExpr } from "./filter-ast.js";
import { columnResolutionError, isStringFallback, resolveColumn } from "./resolve-column.js";

/** Where a filter is used, for error messages: `{table: "docs", where: "delete()"}`. */
export interface ColumnCheckContext {
  table?: string;
  where?: string;
}

function collectRefs(expr: FilterExpr, out: ColumnRef[]): void {
  if (expr.kind === "column") {
    out.push(expr);
    return;
  }
  for (const child of childrenOf(expr)) collectRefs(child, out);
}

/**
 * Throws `ColumnNotFoundError` naming the first column `expr` refers to that `schema`
 * lacks, and the columns that exist (for `a.b`, the fields of struct `a`). Unquoted
 * names also match a unique column that differs only in case; an ambiguous match
 * throws `InvalidArgumentError`. A double-quoted name that matches no column is a
 * string, as in LanceDB (`meta.source = "x"`), so it is not an error here.
 */
export function checkColumns(expr: FilterExpr, schema: Schema, context: ColumnCheckContext = {}): void {
  const refs: ColumnRef[] = [];
  collectRefs(expr, refs);
  for (const ref of refs) {
    const resolution = resolveColumn(schema, ref);
    if (resolution.ok || isStringFallback(ref, resolution)) continue;
    throw columnResolutionError(ref, resolution, context);
  }
}

/**
 * The distinct column paths `expr` refers to, in order of first use. Without a schema the
 * paths are as written; with one they are the stored names (case resolved), and
 * double-quoted names that match no column (strings, see {@link checkColumns}) are left out.
 */
export function referencedColumns(expr: FilterExpr, schema?: Schema): string[][] {
  const refs: ColumnRef[] = [];
  collectRefs(expr, refs);
  const seen = new Set<string>();
  const paths: string[][] = [];
  for (const ref of refs) {
    let path = [...ref.path];
    if (schema !== undefined) {
      const resolution = resolveColumn(schema, ref);
      if (resolution.ok) path = [...resolution.column.names];
      else if (isStringFallback(ref, resolution)) continue;
    }
    // JSON keeps ["a.b"] and ["a", "b"] apart, which a dotted join would not.
    const key = JSON.stringify(path);
    if (seen.has(key)) continue;
    seen.add(key);
    paths.push(path);
  }
  return paths;
}
