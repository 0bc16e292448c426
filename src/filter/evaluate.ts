/**
 * Runs parsed filters and SQL expressions over Arrow record batches, vectorised:
 * `evaluatePredicate` gives a 0/1 mask for `where()`, `delete()` and `countRows()`;
 * `evaluateExpression` gives a column for `select({alias: sql})`, `update({valuesSql})`
 * and `addColumns()`. Inside, SQL's three-valued logic holds (`NULL AND FALSE` is
 * false, `x = NULL` is NULL); the mask keeps only rows where the predicate is TRUE.
 *
 * Numeric results: ints stay Int64 (`7 / 2` is 3, as in DataFusion), any float operand
 * makes Float64 (`7.0 / 2` is 3.5). Integer division or modulo by zero throws.
 *
 * @module
 */

import type { RecordBatch, Vector } from "apache-arrow";
import { InvalidArgumentError } from "../errors.js";
import type { FilterExpr } from "./filter-ast.js";
import { bindExpression, describeOperand, typeNameOf } from "./bind-expression.js";
import { sourceOf, vectorOf } from "./column-source.js";
import { toTri, evaluateNode, type EvalContext } from "./evaluate-value.js";
import { formatFilter } from "./format-filter.js";
import { toVector } from "./to-vector.js";

function contextFor(expr: FilterExpr, batch: RecordBatch, kind: "filter" | "SQL"): EvalContext {
  return {
    batch,
    numRows: batch.numRows,
    fail: (detail) => {
      throw new InvalidArgumentError(`Error evaluating ${kind} expression ${formatFilter(expr)}: ${detail}`, kind === "filter" ? "filter" : "expression");
    },
  };
}

/**
 * One byte per row of `batch`: 1 where `expr` is TRUE, 0 where it is FALSE or NULL.
 * Throws `ColumnNotFoundError` for unknown columns, `InvalidArgumentError` for
 * comparisons of incompatible types (a string column with a number) or a filter that
 * is not boolean, and `NotSupportedError` for columns of types filters cannot compare.
 *
 * @example
 * const mask = evaluatePredicate(parseFilter("price BETWEEN 10 AND 20 AND NOT archived"), batch);
 */
export function evaluatePredicate(expr: FilterExpr, batch: RecordBatch): Uint8Array {
  const bound = bindExpression(expr, batch.schema);
  if (bound.type !== "bool" && bound.type !== "null") {
    const text = formatFilter(expr);
    throw new InvalidArgumentError(
      `Error resolving filter expression ${text}: a filter must be true or false for each row, but ` +
        `${describeOperand(bound)} is ${typeNameOf(bound)}. Compare it with a value, as in ${text} > 0, or test it with IS NOT NULL.`,
      "filter",
    );
  }
  const values = evaluateNode(bound, contextFor(expr, batch, "filter"));
  const n = batch.numRows;
  if (values.form === "scalar") return new Uint8Array(n).fill(values.value === true ? 1 : 0);
  // TRUE = 2, NULL = 1, FALSE = 0: one shift keeps only TRUE. The codes are this call's own array.
  const tri = toTri(values, n);
  for (let i = 0; i < n; i++) tri[i] = tri[i]! >> 1;
  return tri;
}

/**
 * Three-valued codes for every row of `batch`: 2 where `expr` is TRUE, 1 where it is
 * NULL, 0 where it is FALSE. Scalar indexes evaluate a predicate once per distinct
 * value with it and must tell NULL from FALSE, so that `NOT p` stays exact. Errors
 * as {@link evaluatePredicate}.
 *
 * @internal
 */
export function evaluateTruth(expr: FilterExpr, batch: RecordBatch): Uint8Array {
  const bound = bindExpression(expr, batch.schema);
  if (bound.type !== "bool" && bound.type !== "null") return evaluatePredicate(expr, batch);
  const values = evaluateNode(bound, contextFor(expr, batch, "filter"));
  // toTri may hand back the evaluator's own array; copy so callers may keep or change it.
  return Uint8Array.from(toTri(values, batch.numRows));
}

/**
 * The value of `expr` for every row of `batch`, as an Arrow vector of `batch.numRows`.
 * A bare column returns that column unchanged (its own type); computed values are
 * Int64, Float64, Utf8, Bool, Date32 or Timestamp(ns). Errors as {@link evaluatePredicate},
 * plus `InvalidArgumentError` for an integer division by zero or a failed CAST.
 *
 * @example
 * const doubled = evaluateExpression(parseExpression("price * 2"), batch);
 */
export function evaluateExpression(expr: FilterExpr, batch: RecordBatch): Vector {
  const bound = bindExpression(expr, batch.schema);
  if (bound.kind === "column") {
    if (bound.indices.length === 1) return batch.getChildAt(bound.indices[0]!)!;
    return vectorOf(sourceOf(batch, bound.indices));
  }
  return toVector(evaluateNode(bound, contextFor(expr, batch, "SQL")), batch.numRows);
}
