/**
 * A filter tree bound to a schema: columns resolved to field indices, every node
 * typed, literals coerced (a string compared with a date column is a date). The
 * evaluator runs bound trees; binding is where type errors are found.
 *
 * @internal
 * @module
 */

import type { DataType } from "apache-arrow";
import type { ArithmeticOp, CastType, ComparisonOp, FilterExpr, FunctionName } from "./filter-ast.js";
import type { Scalar, ValueType } from "./value-type.js";

interface BoundBase {
  readonly type: ValueType;
  /** True when the node reads no column, so it evaluates once to a scalar. */
  readonly constant: boolean;
  /** The node as parsed, for messages. */
  readonly source: FilterExpr;
}

export interface BoundConst extends BoundBase {
  readonly kind: "const";
  readonly value: Scalar;
  /** Set when a double-quoted name matched no column and was read as this string. */
  readonly fromDoubleQuoted?: boolean;
}

export interface BoundColumn extends BoundBase {
  readonly kind: "column";
  readonly indices: readonly number[];
  /** The dotted name as stored in the schema. */
  readonly name: string;
  readonly arrowType: DataType;
}

export interface BoundNot extends BoundBase {
  readonly kind: "not";
  readonly operand: BoundExpr;
}

export interface BoundNegate extends BoundBase {
  readonly kind: "negate";
  readonly operand: BoundExpr;
}

export interface BoundLogic extends BoundBase {
  readonly kind: "logic";
  readonly op: "and" | "or";
  readonly left: BoundExpr;
  readonly right: BoundExpr;
}

export interface BoundCompare extends BoundBase {
  readonly kind: "compare";
  readonly op: ComparisonOp;
  readonly left: BoundExpr;
  readonly right: BoundExpr;
  /** The type both sides are compared in. */
  readonly common: ValueType;
}

export interface BoundArith extends BoundBase {
  readonly kind: "arith";
  readonly op: ArithmeticOp;
  readonly left: BoundExpr;
  readonly right: BoundExpr;
}

/** `a || b`; both operands are strings (others are cast first). */
export interface BoundConcat extends BoundBase {
  readonly kind: "concat";
  readonly left: BoundExpr;
  readonly right: BoundExpr;
}

export interface BoundIn extends BoundBase {
  readonly kind: "in";
  readonly operand: BoundExpr;
  readonly list: readonly BoundExpr[];
  readonly negated: boolean;
  readonly common: ValueType;
}

export interface BoundBetween extends BoundBase {
  readonly kind: "between";
  readonly operand: BoundExpr;
  readonly low: BoundExpr;
  readonly high: BoundExpr;
  readonly negated: boolean;
  readonly common: ValueType;
}

export interface BoundIsNull extends BoundBase {
  readonly kind: "isNull";
  readonly operand: BoundExpr;
  readonly negated: boolean;
}

export interface BoundIsBoolean extends BoundBase {
  readonly kind: "isBoolean";
  readonly operand: BoundExpr;
  readonly value: boolean;
  readonly negated: boolean;
}

export interface BoundLike extends BoundBase {
  readonly kind: "like";
  readonly operand: BoundExpr;
  readonly pattern: BoundExpr;
  readonly negated: boolean;
  readonly caseInsensitive: boolean;
  readonly escape: string;
}

export interface BoundCast extends BoundBase {
  readonly kind: "cast";
  readonly operand: BoundExpr;
  readonly to: CastType;
}

export interface BoundCall extends BoundBase {
  readonly kind: "call";
  readonly name: FunctionName;
  readonly args: readonly BoundExpr[];
}

export type BoundExpr =
  | BoundConst
  | BoundColumn
  | BoundNot
  | BoundNegate
  | BoundLogic
  | BoundCompare
  | BoundArith
  | BoundConcat
  | BoundIn
  | BoundBetween
  | BoundIsNull
  | BoundIsBoolean
  | BoundLike
  | BoundCast
  | BoundCall;
