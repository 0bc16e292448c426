import type { FilterExpr } from "../filter/index.js";
import { isNode } from "./filter-node.js";

/**
 * One output column of a projection: either a column of the table (or one of
 * the virtual columns `_rowid` / `_distance`) taken as it is, or a named SQL
 * expression (`select({ double: "x * 2" })`).
 *
 * @internal
 */
export type ProjectedColumn = ProjectedColumnRef | ProjectedExpression;

/** @internal */
export interface ProjectedColumnRef {
  readonly kind: "ProjectedColumnRef";
  readonly name: string;
}

/** @internal */
export interface ProjectedExpression {
  readonly kind: "ProjectedExpression";
  /** The output column name (the key given to `select`). */
  readonly alias: string;
  /** The SQL text as written. */
  readonly sql: string;
  /** The parsed expression. */
  readonly expr: FilterExpr;
}

/**
 * The columns a query returns, in order. Absent from a plan means "every
 * column of the table".
 *
 * @internal
 */
export interface ProjectionNode {
  readonly kind: "ProjectionNode";
  readonly columns: readonly ProjectedColumn[];
}

/** @internal */
export const ProjectionNode = Object.freeze({
  is(node: unknown): node is ProjectionNode {
    return isNode(node, "ProjectionNode");
  },

  create(columns: readonly ProjectedColumn[]): ProjectionNode {
    return Object.freeze({ kind: "ProjectionNode", columns: Object.freeze([...columns]) });
  },

  createColumnRef(name: string): ProjectedColumnRef {
    return Object.freeze({ kind: "ProjectedColumnRef", name });
  },

  createExpression(alias: string, sql: string, expr: FilterExpr): ProjectedExpression {
    return Object.freeze({ kind: "ProjectedExpression", alias, sql, expr });
  },

  /** The output name of a projected column. */
  outputName(column: ProjectedColumn): string {
    return column.kind === "ProjectedColumnRef" ? column.name : column.alias;
  },
});
