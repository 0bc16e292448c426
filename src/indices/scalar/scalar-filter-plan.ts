import type { Field, Schema } from "apache-arrow";
import { type FilterExpr, bindExpression, referencedColumns } from "../../filter/index.js";
import type { IndexEntry } from "../../storage/manifest.js";
import { isLabelListIndexable, isValueIndexable } from "./scalar-column.js";

/** Index kinds answered by evaluating a predicate once per distinct value. */
const VALUE_KINDS: ReadonlySet<string> = new Set(["btree", "bitmap"]);

/**
 * One conjunct of a filter, split into what scalar indexes can answer:
 * a `leaf` is a predicate on one indexed column alone (any predicate: its truth
 * depends only on the value, so the index evaluates it per distinct value);
 * AND / OR / NOT of parts combine as SQL's three-valued logic; `opaque` is
 * anything else, evaluated on the rows themselves.
 */
export type ScalarFilterPart =
  | { readonly kind: "leaf"; readonly expr: FilterExpr; readonly entry: IndexEntry; readonly field: Field }
  | { readonly kind: "labels"; readonly fn: LabelFunction; readonly labels: readonly (string | bigint)[]; readonly entry: IndexEntry; readonly field: Field }
  | { readonly kind: "and" | "or"; readonly left: ScalarFilterPart; readonly right: ScalarFilterPart }
  | { readonly kind: "not"; readonly operand: ScalarFilterPart }
  | { readonly kind: "opaque" };

/** The list functions a label-list index answers. */
export type LabelFunction = "array_has" | "array_has_any" | "array_has_all";

/** The conjuncts of a query's filters (their top-level ANDs flattened) with the index parts of each. */
export interface ScalarFilterPlan {
  readonly conjuncts: readonly { readonly expr: FilterExpr; readonly part: ScalarFilterPart }[];
  /** The scalar indexes some conjunct uses, in first-use order. */
  readonly entries: readonly IndexEntry[];
}

/**
 * Plans which parts of `filters` the scalar indexes of a version answer; reads
 * no data. Undefined when no index helps, or when the filter does not bind to
 * the schema (the direct evaluation then reports the error as it always does).
 */
export function planScalarFilter(filters: readonly FilterExpr[], schema: Schema, indices: readonly IndexEntry[]): ScalarFilterPlan | undefined {
  const byColumn = new Map<string, { entry: IndexEntry; field: Field }>();
  for (const entry of indices) {
    if (!VALUE_KINDS.has(entry.kind)) continue;
    const field = schema.fields.find((f) => f.name === entry.column);
    if (field && isValueIndexable(field.type)) byColumn.set(entry.column, { entry, field });
  }
  const byListColumn = new Map<string, { entry: IndexEntry; field: Field }>();
  for (const entry of indices) {
    const field = entry.kind === "labelList" ? schema.fields.find((f) => f.name === entry.column) : undefined;
    if (field && isLabelListIndexable(field)) byListColumn.set(entry.column, { entry, field });
  }
  if (byColumn.size === 0 && byListColumn.size === 0) return undefined;
  try {
    for (const filter of filters) bindExpression(filter, schema);
  } catch {
    return undefined;
  }
  const entries: IndexEntry[] = [];
  const split = (expr: FilterExpr): ScalarFilterPart => {
    const columns = referencedColumns(expr, schema);
    const labels = labelCall(expr);
    if (labels && columns.length === 1 && columns[0]!.length === 1) {
      const indexed = byListColumn.get(columns[0]![0]!);
      if (indexed) return { kind: "labels", ...labels, ...indexed };
    }
    if (columns.length === 1 && columns[0]!.length === 1) {
      const indexed = byColumn.get(columns[0]![0]!);
      if (indexed) {
        return { kind: "leaf", expr, entry: indexed.entry, field: indexed.field };
      }
    }
    if (expr.kind === "binary" && (expr.op === "and" || expr.op === "or")) {
      return combine(expr.op, split(expr.left), split(expr.right));
    }
    if (expr.kind === "unary" && expr.op === "not") {
      const operand = split(expr.operand);
      return operand.kind === "opaque" ? operand : { kind: "not", operand };
    }
    return { kind: "opaque" };
  };
  const conjuncts = flattenAnd(filters).map((expr) => ({ expr, part: split(expr) }));
  // Only leaves that survive (an OR with an unindexed side drops them) use their index.
  const collect = (part: ScalarFilterPart): void => {
    if ((part.kind === "leaf" || part.kind === "labels") && !entries.includes(part.entry)) entries.push(part.entry);
    else if (part.kind === "not") collect(part.operand);
    else if (part.kind === "and" || part.kind === "or") {
      collect(part.left);
      collect(part.right);
    }
  };
  for (const { part } of conjuncts) collect(part);
  if (entries.length === 0) return undefined;
  return { conjuncts, entries };
}

/** `array_has(c, v)`, `array_has_any(c, [..])`, `array_has_all(c, [..])` on a column with literal labels. */
function labelCall(expr: FilterExpr): { fn: LabelFunction; labels: (string | bigint)[] } | undefined {
  if (expr.kind !== "call" || (expr.name !== "array_has" && expr.name !== "array_has_any" && expr.name !== "array_has_all")) return undefined;
  const [list, second] = expr.args;
  if (list?.kind !== "column" || second === undefined) return undefined;
  const items = expr.name === "array_has" ? [second] : second.kind === "call" && second.name === "make_array" ? second.args : undefined;
  if (!items) return undefined;
  const labels: (string | bigint)[] = [];
  for (const item of items) {
    if (item.kind !== "literal" || (item.type !== "string" && item.type !== "integer")) return undefined;
    labels.push(item.value);
  }
  return { fn: expr.name, labels };
}

function combine(op: "and" | "or", left: ScalarFilterPart, right: ScalarFilterPart): ScalarFilterPart {
  // OR with an opaque side, or two opaque sides, bounds nothing.
  if (op === "or" && (left.kind === "opaque" || right.kind === "opaque")) return { kind: "opaque" };
  if (left.kind === "opaque" && right.kind === "opaque") return left;
  return { kind: op, left, right };
}

function flattenAnd(filters: readonly FilterExpr[]): FilterExpr[] {
  const out: FilterExpr[] = [];
  const visit = (expr: FilterExpr) => {
    if (expr.kind === "binary" && expr.op === "and") {
      visit(expr.left);
      visit(expr.right);
    } else {
      out.push(expr);
    }
  };
  filters.forEach(visit);
  return out;
}
