/**
 * Prints a filter tree back as SQL text that {@link parseFilter} reads to the same
 * tree: for error messages, `explainPlan` output and sending filters to a server.
 *
 * @module
 */

import type { CastType, ColumnRef, FilterExpr, LiteralNode } from "./filter-ast.js";
import { formatDate, formatTimestamp } from "./temporal.js";

const PLAIN_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED = new Set(["AND", "OR", "NOT", "IN", "IS", "NULL", "TRUE", "FALSE", "BETWEEN", "LIKE", "ILIKE", "CAST"]);

const CAST_NAMES: Record<CastType, string> = {
  boolean: "BOOLEAN",
  integer: "BIGINT",
  float: "DOUBLE",
  string: "VARCHAR",
  date: "DATE",
  timestamp: "TIMESTAMP",
};

// Binding strength, loosest first; mirrors the parser's grammar levels.
const OR = 1;
const AND = 2;
const NOT = 3;
const COMPARE = 4;
const CONCAT = 5;
const ADD = 6;
const MUL = 7;
const UNARY = 8;
const ATOM = 9;

function precedenceOf(expr: FilterExpr): number {
  switch (expr.kind) {
    case "literal":
      return (expr.type === "integer" && expr.value < 0n) || (expr.type === "float" && expr.value < 0) ? UNARY : ATOM;
    case "column":
    case "call":
    case "cast":
      return ATOM;
    case "unary":
      return expr.op === "not" ? NOT : UNARY;
    case "binary":
      switch (expr.op) {
        case "or":
          return OR;
        case "and":
          return AND;
        case "||":
          return CONCAT;
        case "+":
        case "-":
          return ADD;
        case "*":
        case "/":
        case "%":
          return MUL;
        default:
          return COMPARE;
      }
    default:
      return COMPARE;
  }
}

/** Formats one identifier segment, quoting it when the bare form would not read back the same. */
function formatSegment(name: string, quoting: ColumnRef["quoting"][number]): string {
  if (quoting === "double") return `"${name.replace(/"/g, '""')}"`;
  if (quoting === "none" && PLAIN_IDENTIFIER.test(name) && !RESERVED.has(name.toUpperCase())) return name;
  return `\`${name.replace(/`/g, "``")}\``;
}

function formatLiteral(expr: LiteralNode): string {
  switch (expr.type) {
    case "integer":
      return String(expr.value);
    case "float": {
      if (!Number.isFinite(expr.value)) return expr.value > 0 ? "1e999" : "-1e999";
      const text = String(expr.value);
      return /[.e]/.test(text) ? text : `${text}.0`;
    }
    case "string":
      return `'${expr.value.replace(/'/g, "''")}'`;
    case "boolean":
      return expr.value ? "TRUE" : "FALSE";
    case "null":
      return "NULL";
    case "date":
      return `DATE '${formatDate(expr.value)}'`;
    case "timestamp":
      return `TIMESTAMP '${formatTimestamp(expr.value)}'`;
  }
}

/** Formats `expr`, adding parentheses when it binds looser than `min`. */
function formatAt(expr: FilterExpr, min: number): string {
  const text = formatNode(expr);
  return precedenceOf(expr) < min ? `(${text})` : text;
}

function formatNode(expr: FilterExpr): string {
  switch (expr.kind) {
    case "literal":
      return formatLiteral(expr);
    case "column":
      return expr.path.map((segment, i) => formatSegment(segment, expr.quoting[i]!)).join(".");
    case "unary": {
      if (expr.op === "not") return `NOT ${formatAt(expr.operand, NOT)}`;
      const operand = formatAt(expr.operand, UNARY);
      return operand.startsWith("-") ? `- ${operand}` : `-${operand}`;
    }
    case "binary": {
      const level = precedenceOf(expr);
      const op = expr.op === "and" || expr.op === "or" ? expr.op.toUpperCase() : expr.op;
      // Left-associative: the right operand needs parentheses at the same level.
      const rightMin = level === COMPARE ? CONCAT : level + 1;
      return `${formatAt(expr.left, level)} ${op} ${formatAt(expr.right, rightMin)}`;
    }
    case "in":
      return `${formatAt(expr.operand, COMPARE)} ${expr.negated ? "NOT IN" : "IN"} (${expr.list.map(formatNode).join(", ")})`;
    case "between":
      return (
        `${formatAt(expr.operand, COMPARE)} ${expr.negated ? "NOT BETWEEN" : "BETWEEN"} ` +
        `${formatAt(expr.low, CONCAT)} AND ${formatAt(expr.high, CONCAT)}`
      );
    case "isNull":
      return `${formatAt(expr.operand, COMPARE)} IS ${expr.negated ? "NOT " : ""}NULL`;
    case "isBoolean":
      return `${formatAt(expr.operand, COMPARE)} IS ${expr.negated ? "NOT " : ""}${expr.value ? "TRUE" : "FALSE"}`;
    case "like": {
      const word = `${expr.negated ? "NOT " : ""}${expr.caseInsensitive ? "ILIKE" : "LIKE"}`;
      const escape = expr.escape === "\\" ? "" : ` ESCAPE '${expr.escape.replace(/'/g, "''")}'`;
      return `${formatAt(expr.operand, COMPARE)} ${word} ${formatAt(expr.pattern, CONCAT)}${escape}`;
    }
    case "cast":
      return `CAST(${formatNode(expr.operand)} AS ${CAST_NAMES[expr.to]})`;
    case "call":
      return `${expr.name}(${expr.args.map(formatNode).join(", ")})`;
  }
}

/**
 * SQL text for a filter or expression tree; parsing the text gives an equal tree.
 *
 * @example formatFilter(parseFilter("a=1 and not b")) // "a = 1 AND NOT b"
 */
export function formatFilter(expr: FilterExpr): string {
  return formatNode(expr);
}
