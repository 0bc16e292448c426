import type { FilterExpr } from "../filter/index.js";

/**
 * One `where(...)` clause of a query: the text the user wrote and its parsed
 * form. A query holds a list of these; rows must pass all of them (repeated
 * `where` calls are joined with AND, as LanceDB does).
 *
 * @internal
 */
export interface FilterNode {
  readonly kind: "FilterNode";
  /** The predicate as written, for messages and `explainPlan`. */
  readonly text: string;
  /** The parsed predicate. */
  readonly expr: FilterExpr;
}

/** @internal */
export const FilterNode = Object.freeze({
  is(node: unknown): node is FilterNode {
    return isNode(node, "FilterNode");
  },

  create(text: string, expr: FilterExpr): FilterNode {
    return Object.freeze({ kind: "FilterNode", text, expr });
  },
});

/** @internal */
export function isNode(node: unknown, kind: string): boolean {
  return typeof node === "object" && node !== null && (node as { kind?: unknown }).kind === kind;
}
