/**
 * The syntax tree of Quiver's SQL filter and expression language. Nodes are plain
 * frozen objects with a `kind` discriminant, made by the `create...` factories below,
 * so a parsed filter can be stored in a frozen plan, compared and printed.
 *
 * @module
 */

/** How an identifier segment was written: bare, `` `backticked` `` or `"double quoted"`. */
export type IdentifierQuoting = "none" | "backtick" | "double";

/** An integer literal; kept as a bigint so Int64 columns compare exactly. */
export interface IntegerLiteral {
  readonly kind: "literal";
  readonly type: "integer";
  readonly value: bigint;
}

/** A literal with a fraction or an exponent (`1.5`, `2e3`), or an integer too large for Int64. */
export interface FloatLiteral {
  readonly kind: "literal";
  readonly type: "float";
  readonly value: number;
}

/** A single-quoted string literal. */
export interface StringLiteral {
  readonly kind: "literal";
  readonly type: "string";
  readonly value: string;
}

/** TRUE or FALSE. */
export interface BooleanLiteral {
  readonly kind: "literal";
  readonly type: "boolean";
  readonly value: boolean;
}

/** SQL NULL. */
export interface NullLiteral {
  readonly kind: "literal";
  readonly type: "null";
  readonly value: null;
}

/** `date '2024-01-31'`: `value` counts days since 1970-01-01. */
export interface DateLiteral {
  readonly kind: "literal";
  readonly type: "date";
  readonly value: number;
}

/** `timestamp '2024-01-31 10:00:00'`: `value` counts nanoseconds since 1970-01-01T00:00:00Z. */
export interface TimestampLiteral {
  readonly kind: "literal";
  readonly type: "timestamp";
  readonly value: bigint;
}

/** Any literal; `type` tells which. */
export type LiteralNode =
  | IntegerLiteral
  | FloatLiteral
  | StringLiteral
  | BooleanLiteral
  | NullLiteral
  | DateLiteral
  | TimestampLiteral;

/** A column, or a field inside struct columns when `path` has more than one segment (`meta.source`). */
export interface ColumnRef {
  readonly kind: "column";
  readonly path: readonly string[];
  /** One entry per path segment: unquoted segments also match a column name case-insensitively. */
  readonly quoting: readonly IdentifierQuoting[];
}

/** NOT, or arithmetic negation. */
export type UnaryOp = "not" | "-";

/** `NOT operand` or `-operand`. */
export interface UnaryNode {
  readonly kind: "unary";
  readonly op: UnaryOp;
  readonly operand: FilterExpr;
}

/** Arithmetic operators; `/` on two integers truncates, as in DataFusion. */
export type ArithmeticOp = "+" | "-" | "*" | "/" | "%";
/** Comparison operators. */
export type ComparisonOp = "=" | "!=" | "<" | "<=" | ">" | ">=";
/** Logical connectives. */
export type LogicalOp = "and" | "or";
/** `||` is string concatenation. `<>` and `==` are parsed as `!=` and `=`. */
export type BinaryOp = ArithmeticOp | ComparisonOp | LogicalOp | "||";

/** A binary operation. */
export interface BinaryNode {
  readonly kind: "binary";
  readonly op: BinaryOp;
  readonly left: FilterExpr;
  readonly right: FilterExpr;
}

/** `operand [NOT] IN (list...)`. */
export interface InListNode {
  readonly kind: "in";
  readonly operand: FilterExpr;
  readonly list: readonly FilterExpr[];
  readonly negated: boolean;
}

/** `operand [NOT] BETWEEN low AND high` (both bounds inclusive). */
export interface BetweenNode {
  readonly kind: "between";
  readonly operand: FilterExpr;
  readonly low: FilterExpr;
  readonly high: FilterExpr;
  readonly negated: boolean;
}

/** `operand IS [NOT] NULL`. */
export interface IsNullNode {
  readonly kind: "isNull";
  readonly operand: FilterExpr;
  readonly negated: boolean;
}

/** `operand IS [NOT] TRUE` / `IS [NOT] FALSE`: never NULL, unlike `= TRUE`. */
export interface IsBooleanNode {
  readonly kind: "isBoolean";
  readonly operand: FilterExpr;
  readonly value: boolean;
  readonly negated: boolean;
}

/** `operand [NOT] LIKE|ILIKE pattern [ESCAPE 'c']`: `%` matches any run, `_` one character. */
export interface LikeNode {
  readonly kind: "like";
  readonly operand: FilterExpr;
  readonly pattern: FilterExpr;
  readonly negated: boolean;
  readonly caseInsensitive: boolean;
  /** The escape character; `\` unless an ESCAPE clause names another. */
  readonly escape: string;
}

/** Target types of CAST; SQL names such as BIGINT or VARCHAR map onto these. */
export type CastType = "boolean" | "integer" | "float" | "string" | "date" | "timestamp";

/** `CAST(operand AS type)`. */
export interface CastNode {
  readonly kind: "cast";
  readonly operand: FilterExpr;
  readonly to: CastType;
}

/** The functions the language knows; aliases (`char_length`) are parsed to these names. */
export const FUNCTION_NAMES = ["abs", "coalesce", "length", "lower", "round", "upper", "make_array", "array_has", "array_has_any", "array_has_all"] as const;
/** A built-in function name. */
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** A call of a built-in function. */
export interface CallNode {
  readonly kind: "call";
  readonly name: FunctionName;
  readonly args: readonly FilterExpr[];
}

/** Any node of a parsed filter or SQL expression. */
export type FilterExpr =
  | LiteralNode
  | ColumnRef
  | UnaryNode
  | BinaryNode
  | InListNode
  | BetweenNode
  | IsNullNode
  | IsBooleanNode
  | LikeNode
  | CastNode
  | CallNode;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** An integer literal node; `value` must fit in Int64. */
export function createIntegerLiteral(value: bigint | number): IntegerLiteral {
  const big = typeof value === "bigint" ? value : BigInt(value);
  if (big < INT64_MIN || big > INT64_MAX) throw new RangeError(`integer literal ${big} does not fit in Int64`);
  return Object.freeze({ kind: "literal", type: "integer", value: big });
}

/** A float literal node. */
export function createFloatLiteral(value: number): FloatLiteral {
  return Object.freeze({ kind: "literal", type: "float", value });
}

/** A string literal node (the value without quotes). */
export function createStringLiteral(value: string): StringLiteral {
  return Object.freeze({ kind: "literal", type: "string", value });
}

/** TRUE or FALSE. */
export function createBooleanLiteral(value: boolean): BooleanLiteral {
  return Object.freeze({ kind: "literal", type: "boolean", value });
}

/** SQL NULL. */
export function createNullLiteral(): NullLiteral {
  return Object.freeze({ kind: "literal", type: "null", value: null });
}

/** A date literal from days since the Unix epoch. */
export function createDateLiteral(days: number): DateLiteral {
  return Object.freeze({ kind: "literal", type: "date", value: days });
}

/** A timestamp literal from nanoseconds since the Unix epoch (UTC). */
export function createTimestampLiteral(nanoseconds: bigint): TimestampLiteral {
  return Object.freeze({ kind: "literal", type: "timestamp", value: nanoseconds });
}

/** A column reference; `quoting` defaults to unquoted segments. */
export function createColumnRef(path: readonly string[], quoting?: readonly IdentifierQuoting[]): ColumnRef {
  if (path.length === 0) throw new RangeError("a column path needs at least one segment");
  const marks = quoting ?? path.map(() => "none" as const);
  if (marks.length !== path.length) throw new RangeError("quoting needs one entry per path segment");
  return Object.freeze({ kind: "column", path: Object.freeze([...path]), quoting: Object.freeze([...marks]) });
}

/** `NOT operand` or `-operand`. */
export function createUnary(op: UnaryOp, operand: FilterExpr): UnaryNode {
  return Object.freeze({ kind: "unary", op, operand });
}

/** `left op right`: arithmetic, comparison, AND / OR or `||`. */
export function createBinary(op: BinaryOp, left: FilterExpr, right: FilterExpr): BinaryNode {
  return Object.freeze({ kind: "binary", op, left, right });
}

/** `operand [NOT] IN (list)`. */
export function createInList(operand: FilterExpr, list: readonly FilterExpr[], negated = false): InListNode {
  return Object.freeze({ kind: "in", operand, list: Object.freeze([...list]), negated });
}

/** `operand [NOT] BETWEEN low AND high`. */
export function createBetween(operand: FilterExpr, low: FilterExpr, high: FilterExpr, negated = false): BetweenNode {
  return Object.freeze({ kind: "between", operand, low, high, negated });
}

/** `operand IS [NOT] NULL`. */
export function createIsNull(operand: FilterExpr, negated = false): IsNullNode {
  return Object.freeze({ kind: "isNull", operand, negated });
}

/** `operand IS [NOT] TRUE|FALSE`. */
export function createIsBoolean(operand: FilterExpr, value: boolean, negated = false): IsBooleanNode {
  return Object.freeze({ kind: "isBoolean", operand, value, negated });
}

/** Options of {@link createLike}. */
export interface LikeOptions {
  negated?: boolean;
  caseInsensitive?: boolean;
  escape?: string;
}

/** `operand [NOT] LIKE|ILIKE pattern [ESCAPE c]`; the escape defaults to a backslash. */
export function createLike(operand: FilterExpr, pattern: FilterExpr, options: LikeOptions = {}): LikeNode {
  const escape = options.escape ?? "\\";
  if ([...escape].length !== 1) throw new RangeError("a LIKE escape must be exactly one character");
  return Object.freeze({
    kind: "like",
    operand,
    pattern,
    negated: options.negated ?? false,
    caseInsensitive: options.caseInsensitive ?? false,
    escape,
  });
}

/** `CAST(operand AS to)`. */
export function createCast(operand: FilterExpr, to: CastType): CastNode {
  return Object.freeze({ kind: "cast", operand, to });
}

/** A call of a built-in function. */
export function createCall(name: FunctionName, args: readonly FilterExpr[]): CallNode {
  return Object.freeze({ kind: "call", name, args: Object.freeze([...args]) });
}

/** True for literal nodes. */
export function isLiteral(expr: FilterExpr): expr is LiteralNode {
  return expr.kind === "literal";
}

/** True for column references. */
export function isColumnRef(expr: FilterExpr): expr is ColumnRef {
  return expr.kind === "column";
}

/** The direct children of a node, in source order. */
export function childrenOf(expr: FilterExpr): readonly FilterExpr[] {
  switch (expr.kind) {
    case "literal":
    case "column":
      return [];
    case "unary":
    case "isNull":
    case "isBoolean":
    case "cast":
      return [expr.operand];
    case "binary":
      return [expr.left, expr.right];
    case "in":
      return [expr.operand, ...expr.list];
    case "between":
      return [expr.operand, expr.low, expr.high];
    case "like":
      return [expr.operand, expr.pattern];
    case "call":
      return expr.args;
  }
}
