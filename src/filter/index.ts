/**
 * The SQL filter and expression language: parse, check columns, evaluate over Arrow.
 *
 * @module
 */

export { parseExpression, parseFilter } from "./parser.js";
export { formatFilter } from "./format-filter.js";
export { checkColumns, referencedColumns, type ColumnCheckContext } from "./check-columns.js";
export { evaluateExpression, evaluatePredicate, evaluateTruth } from "./evaluate.js";
export { bindExpression } from "./bind-expression.js";
export {
  childrenOf,
  createBetween,
  createBinary,
  createBooleanLiteral,
  createCall,
  createCast,
  createColumnRef,
  createDateLiteral,
  createFloatLiteral,
  createInList,
  createIntegerLiteral,
  createIsBoolean,
  createIsNull,
  createLike,
  createNullLiteral,
  createStringLiteral,
  createTimestampLiteral,
  createUnary,
  isColumnRef,
  isLiteral,
  FUNCTION_NAMES,
  type ArithmeticOp,
  type BetweenNode,
  type BinaryNode,
  type BinaryOp,
  type BooleanLiteral,
  type CallNode,
  type CastNode,
  type CastType,
  type ColumnRef,
  type ComparisonOp,
  type DateLiteral,
  type FilterExpr,
  type FloatLiteral,
  type FunctionName,
  type IdentifierQuoting,
  type InListNode,
  type IntegerLiteral,
  type IsBooleanNode,
  type IsNullNode,
  type LikeNode,
  type LikeOptions,
  type LiteralNode,
  type LogicalOp,
  type NullLiteral,
  type StringLiteral,
  type TimestampLiteral,
  type UnaryNode,
  type UnaryOp,
} from "./filter-ast.js";
