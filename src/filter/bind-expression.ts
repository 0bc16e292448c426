/**
 * Binds a parsed filter to a schema: resolves columns, types every node, coerces
 * string literals compared with date and timestamp columns, and rejects comparisons
 * LanceDB's engine rejects (a string column with a number, a bool with an int...)
 * with an `InvalidArgumentError` before any row is read.
 *
 * @internal
 * @module
 */

import type { Schema } from "apache-arrow";
import { InvalidArgumentError, NotSupportedError, QuiverError } from "../errors.js";
import type { CastType, ColumnRef, FilterExpr, LiteralNode } from "./filter-ast.js";
import type { BoundColumn, BoundConst, BoundExpr } from "./bound-expr.js";
import { formatFilter } from "./format-filter.js";
import { isListFunction, listElementType } from "./list-functions.js";
import { columnResolutionError, isStringFallback, resolveColumn } from "./resolve-column.js";
import { formatDate, formatTimestamp, parseDateText, parseTimestampText } from "./temporal.js";
import {
  commonCompareType,
  describeValueType,
  isNumeric,
  isTemporal,
  valueTypeOf,
  type Scalar,
  type ValueType,
} from "./value-type.js";

const CAST_RESULT: Record<CastType, ValueType> = {
  boolean: "bool",
  integer: "int",
  float: "float",
  string: "string",
  date: "date",
  timestamp: "timestamp",
};

/** Binds `expr` to `schema`; throws the typed errors described in the module comment. */
export function bindExpression(expr: FilterExpr, schema: Schema): BoundExpr {
  return new Binder(expr, schema).bind(expr);
}

/** The Arrow-style type name of a bound node, for messages. */
export function typeNameOf(node: BoundExpr): string {
  return node.kind === "column" ? String(node.arrowType) : describeValueType(node.type);
}

/** How a bound node reads in a message: `column 'name' (Utf8)`, `Int64(3)`, `'lower(x)' (Utf8)`. */
export function describeOperand(node: BoundExpr): string {
  if (node.kind === "column") return `column '${node.name}' (${String(node.arrowType)})`;
  if (node.kind === "const") return describeLiteral(node);
  return `'${formatFilter(node.source)}' (${describeValueType(node.type)})`;
}

function describeLiteral(node: BoundConst): string {
  const value = node.value;
  switch (node.type) {
    case "int":
      return `Int64(${String(value)})`;
    case "float":
      return `Float64(${String(value)})`;
    case "string":
      return `Utf8(${JSON.stringify(value)})`;
    case "bool":
      return `Boolean(${String(value)})`;
    case "date":
      return `Date32("${formatDate(value as number)}")`;
    case "timestamp":
      return `Timestamp(Nanosecond, "${formatTimestamp(value as bigint)}")`;
    default:
      return "NULL";
  }
}

function literalScalar(node: LiteralNode): { type: ValueType; value: Scalar } {
  switch (node.type) {
    case "integer":
      return { type: "int", value: node.value };
    case "float":
      return { type: "float", value: node.value };
    case "string":
      return { type: "string", value: node.value };
    case "boolean":
      return { type: "bool", value: node.value };
    case "null":
      return { type: "null", value: null };
    case "date":
      return { type: "date", value: node.value };
    case "timestamp":
      return { type: "timestamp", value: node.value };
  }
}

function canCast(from: ValueType, to: ValueType): boolean {
  if (from === "other") return false;
  if (from === "null" || from === to || from === "string" || to === "string") return true;
  const scalarLike = (t: ValueType) => t === "int" || t === "float" || t === "bool";
  if (scalarLike(from) && scalarLike(to)) return true;
  return isTemporal(from) && isTemporal(to);
}

class Binder {
  constructor(
    private readonly root: FilterExpr,
    private readonly schema: Schema,
  ) {}

  /** The filter as text, for messages only: printing it on every bind would cost each batch. */
  private get filterText(): string {
    return formatFilter(this.root);
  }

  bind(expr: FilterExpr): BoundExpr {
    switch (expr.kind) {
      case "literal": {
        const { type, value } = literalScalar(expr);
        return { kind: "const", type, value, constant: true, source: expr };
      }
      case "column":
        return this.bindColumn(expr);
      case "unary": {
        const operand = this.bind(expr.operand);
        if (expr.op === "not") {
          this.requireBoolean(operand, "NOT");
          return { kind: "not", type: "bool", operand, constant: operand.constant, source: expr };
        }
        if (!isNumeric(operand.type) && operand.type !== "null") {
          throw this.operandError(operand, "unary '-'", "a number");
        }
        return { kind: "negate", type: operand.type, operand, constant: operand.constant, source: expr };
      }
      case "binary": {
        const left = this.bind(expr.left);
        const right = this.bind(expr.right);
        const constant = left.constant && right.constant;
        switch (expr.op) {
          case "and":
          case "or":
            this.requireBoolean(left, expr.op.toUpperCase());
            this.requireBoolean(right, expr.op.toUpperCase());
            return { kind: "logic", op: expr.op, type: "bool", left, right, constant, source: expr };
          case "||": {
            const l = this.toStringOperand(left, "||");
            const r = this.toStringOperand(right, "||");
            return { kind: "concat", type: "string", left: l, right: r, constant, source: expr };
          }
          case "+":
          case "-":
          case "*":
          case "/":
          case "%": {
            for (const side of [left, right]) {
              if (!isNumeric(side.type) && side.type !== "null") {
                throw this.error(
                  `cannot apply '${expr.op}' to ${describeOperand(left)} and ${describeOperand(right)}: arithmetic needs numbers. ` +
                    `Convert a side with CAST(value AS DOUBLE) if it holds numbers as text.`,
                  side,
                );
              }
            }
            const type: ValueType =
              left.type === "float" || right.type === "float"
                ? "float"
                : left.type === "int" || right.type === "int"
                  ? "int"
                  : "null";
            return { kind: "arith", op: expr.op, type, left, right, constant, source: expr };
          }
          default: {
            const [l, r, common] = this.coercePair(left, right);
            return { kind: "compare", op: expr.op, type: "bool", left: l, right: r, common, constant, source: expr };
          }
        }
      }
      case "in": {
        let operand = this.bind(expr.operand);
        const list: BoundExpr[] = [];
        let common: ValueType = operand.type;
        for (const item of expr.list) {
          const [o, i, c] = this.coercePair(operand, this.bind(item));
          operand = o;
          list.push(i);
          const next = commonCompareType(common, c);
          if (next === undefined) throw this.compareError(operand, i);
          common = next;
        }
        const constant = operand.constant && list.every((i) => i.constant);
        return { kind: "in", type: "bool", operand, list, negated: expr.negated, common, constant, source: expr };
      }
      case "between": {
        const operand = this.bind(expr.operand);
        const [o1, low, c1] = this.coercePair(operand, this.bind(expr.low));
        const [, high, c2] = this.coercePair(o1, this.bind(expr.high));
        const common = commonCompareType(c1, c2);
        if (common === undefined) throw this.compareError(low, high);
        const constant = o1.constant && low.constant && high.constant;
        return { kind: "between", type: "bool", operand: o1, low, high, negated: expr.negated, common, constant, source: expr };
      }
      case "isNull": {
        const operand = this.bind(expr.operand);
        return { kind: "isNull", type: "bool", operand, negated: expr.negated, constant: operand.constant, source: expr };
      }
      case "isBoolean": {
        const operand = this.bind(expr.operand);
        this.requireBoolean(operand, `IS ${expr.negated ? "NOT " : ""}${expr.value ? "TRUE" : "FALSE"}`);
        return {
          kind: "isBoolean",
          type: "bool",
          operand,
          value: expr.value,
          negated: expr.negated,
          constant: operand.constant,
          source: expr,
        };
      }
      case "like": {
        const operand = this.bind(expr.operand);
        const pattern = this.bind(expr.pattern);
        const word = expr.caseInsensitive ? "ILIKE" : "LIKE";
        for (const side of [operand, pattern]) {
          if (side.type !== "string" && side.type !== "null") {
            throw this.operandError(side, word, "text on both sides (a string column and a quoted pattern such as 'a%')");
          }
        }
        return {
          kind: "like",
          type: "bool",
          operand,
          pattern,
          negated: expr.negated,
          caseInsensitive: expr.caseInsensitive,
          escape: expr.escape,
          constant: operand.constant && pattern.constant,
          source: expr,
        };
      }
      case "cast": {
        const operand = this.bind(expr.operand);
        const to = CAST_RESULT[expr.to];
        if (operand.type === "other") throw this.unsupported(operand);
        if (!canCast(operand.type, to)) {
          throw this.error(`cannot CAST ${describeOperand(operand)} to ${describeValueType(to)}.`, operand);
        }
        return { kind: "cast", type: to, operand, to: expr.to, constant: operand.constant, source: expr };
      }
      case "call":
        return this.bindCall(expr);
    }
  }

  private bindColumn(ref: ColumnRef): BoundExpr {
    const resolution = resolveColumn(this.schema, ref);
    if (resolution.ok) {
      const { field, indices, names } = resolution.column;
      const column: BoundColumn = {
        kind: "column",
        type: valueTypeOf(field.type),
        indices,
        name: names.join("."),
        arrowType: field.type,
        constant: false,
        source: ref,
      };
      return column;
    }
    if (isStringFallback(ref, resolution)) {
      return { kind: "const", type: "string", value: ref.path[0]!, fromDoubleQuoted: true, constant: true, source: ref };
    }
    throw columnResolutionError(ref, resolution, {});
  }

  private bindCall(expr: Extract<FilterExpr, { kind: "call" }>): BoundExpr {
    if (isListFunction(expr.name)) return this.bindListCall(expr);
    let args = expr.args.map((a) => this.bind(a));
    const constant = args.every((a) => a.constant);
    const first = args[0]!;
    let type: ValueType;
    switch (expr.name) {
      case "lower":
      case "upper":
        if (first.type !== "string" && first.type !== "null") throw this.operandError(first, `${expr.name}()`, "a string");
        type = "string";
        break;
      case "length":
        // DataFusion measures the text form of numbers too: length(123) = 3.
        args = [this.toStringOperand(first, "length()")];
        type = "int";
        break;
      case "abs":
        if (!isNumeric(first.type) && first.type !== "null") throw this.operandError(first, "abs()", "a number");
        type = first.type;
        break;
      case "round": {
        if (!isNumeric(first.type) && first.type !== "null") throw this.operandError(first, "round()", "a number");
        const digits = args[1];
        if (digits !== undefined && !(digits.kind === "const" && digits.type === "int")) {
          throw this.operandError(digits, "round()'s second argument", "an integer literal (the number of decimals)");
        }
        type = first.type;
        break;
      }
      case "coalesce": {
        type = "null";
        for (let i = 0; i < args.length; i++) {
          for (let j = 0; j < args.length; j++) {
            if (i !== j) args[j] = this.coerceLiteralTo(args[i]!, args[j]!);
          }
        }
        for (const arg of args) {
          const next = commonCompareType(type, arg.type);
          if (next === undefined) {
            throw this.error(
              `coalesce() needs arguments of one type, but ${args.map(describeOperand).join(", ")} differ.`,
              arg,
            );
          }
          type = next;
        }
        break;
      }
      default:
        // The list functions returned through bindListCall above.
        throw new TypeError(`unexpected function ${expr.name}()`);
    }
    return { kind: "call", type, name: expr.name, args, constant, source: expr };
  }

  /**
   * array_has(list, value), array_has_any(list, [values]), array_has_all(list, [values]):
   * the list is a column of strings or integers, the values non-null literals of the
   * element type. Bound as a call whose first argument is the column and whose other
   * arguments are the values.
   */
  private bindListCall(expr: Extract<FilterExpr, { kind: "call" }>): BoundExpr {
    const name = expr.name;
    if (name === "make_array") {
      throw new InvalidArgumentError(
        `Error resolving filter expression ${this.filterText}: an array such as ${formatFilter(expr)} is only supported as the second argument of array_has_any() or array_has_all().`,
        "filter",
      );
    }
    const list = this.bind(expr.args[0]!);
    const element = list.kind === "column" ? listElementType(list.arrowType) : undefined;
    if (list.kind !== "column" || element === undefined) {
      throw new InvalidArgumentError(
        `Error resolving filter expression ${this.filterText}: ${name}() needs a list column of strings or integers as its first argument, but ${describeOperand(list)} is ${typeNameOf(list)}.`,
        "filter",
      );
    }
    const second = expr.args[1]!;
    let items: readonly FilterExpr[];
    if (name === "array_has") items = [second];
    else if (second.kind === "call" && second.name === "make_array") items = second.args;
    else {
      throw new InvalidArgumentError(
        `Error resolving filter expression ${this.filterText}: ${name}() needs an array of values as its second argument, such as ${name}(${list.name}, ['a', 'b']).`,
        "filter",
      );
    }
    const values = items.map((item) => {
      const bound = this.bind(item);
      if (bound.kind !== "const" || bound.type !== element) {
        throw new InvalidArgumentError(
          `Error resolving filter expression ${this.filterText}: ${name}() looks for ${element === "string" ? "strings" : "integers"} in ${describeOperand(list)}, ` +
            `but ${describeOperand(bound)} is not a non-null ${element === "string" ? "string" : "integer"} literal.`,
          "filter",
        );
      }
      return bound;
    });
    return { kind: "call", type: "bool", name, args: [list, ...values], constant: false, source: expr };
  }

  /** Coerces literals between a pair and checks they compare: returns both and their common type. */
  private coercePair(left: BoundExpr, right: BoundExpr): [BoundExpr, BoundExpr, ValueType] {
    const l = this.coerceLiteralTo(right, left);
    const r = this.coerceLiteralTo(l, right);
    const common = commonCompareType(l.type, r.type);
    if (common === undefined) throw this.compareError(l, r);
    return [l, r, common];
  }

  /** A string literal next to a date or timestamp becomes a date or timestamp, as users expect. */
  private coerceLiteralTo(other: BoundExpr, node: BoundExpr): BoundExpr {
    if (node.kind !== "const" || node.type !== "string" || !isTemporal(other.type)) return node;
    const text = node.value as string;
    if (other.type === "date") {
      const days = parseDateText(text);
      if (days !== undefined) return { ...node, type: "date", value: days };
    }
    const nanos = parseTimestampText(text);
    if (nanos !== undefined) return { ...node, type: "timestamp", value: nanos };
    return node;
  }

  private toStringOperand(node: BoundExpr, what: string): BoundExpr {
    if (node.type === "string" || node.type === "null") return node;
    if (node.type === "other") throw this.unsupported(node);
    if (what === "length()" && !isNumeric(node.type)) throw this.operandError(node, what, "a string");
    return { kind: "cast", type: "string", operand: node, to: "string", constant: node.constant, source: node.source };
  }

  private requireBoolean(node: BoundExpr, what: string): void {
    if (node.type === "bool" || node.type === "null") return;
    if (node.type === "other") throw this.unsupported(node);
    throw this.operandError(node, what, "a boolean, such as a comparison (price > 10) or a bool column");
  }

  private error(detail: string, node: BoundExpr): QuiverError {
    if (node.type === "other") return this.unsupported(node);
    return new InvalidArgumentError(`Error resolving filter expression ${this.filterText}: ${detail}`, "filter");
  }

  private unsupported(node: BoundExpr): QuiverError {
    return new NotSupportedError(
      `Error resolving filter expression ${this.filterText}: ${describeOperand(node)} cannot be compared or computed ` +
        `in a filter; filters work on numbers, strings, booleans, dates, timestamps and struct fields of those. ` +
        `Filter on another column, or test it with IS NULL / IS NOT NULL.`,
    );
  }

  private operandError(node: BoundExpr, what: string, expected: string): QuiverError {
    return this.error(`${what} needs ${expected}, but ${describeOperand(node)} is ${typeNameOf(node)}.`, node);
  }

  private compareError(left: BoundExpr, right: BoundExpr): QuiverError {
    if (left.type === "other") return this.unsupported(left);
    if (right.type === "other") return this.unsupported(right);
    const quoted = [left, right].find((n): n is BoundConst => n.kind === "const" && n.fromDoubleQuoted === true);
    const quotedHint =
      quoted === undefined
        ? ""
        : ` "${String(quoted.value)}" is read as a string because no column has that name;` +
          ` quote column names with backticks, as in \`${String(quoted.value)}\`.`;
    const literal = right.kind === "const" ? right : left.kind === "const" ? left : undefined;
    const target = literal === right ? left : right;
    if (literal === undefined || target.kind === "const") {
      return this.error(
        `cannot compare ${describeOperand(left)} with ${describeOperand(right)}; convert one side with CAST(value AS type).${quotedHint}`,
        left,
      );
    }
    // LanceDB's wording first, as users match on it; then what the column holds and the fix.
    const subject = target.kind === "column" ? `Column '${target.name}'` : `The expression '${formatFilter(target.source)}'`;
    let hint: string;
    switch (target.type) {
      case "string":
        hint = `${subject} holds text: quote the literal, as in '${String(literal.value)}'.`;
        break;
      case "int":
      case "float":
        hint =
          literal.type === "string" && (literal.value as string).trim() !== "" && Number.isFinite(Number(literal.value))
            ? `${subject} holds numbers: write the number without quotes, as in ${(literal.value as string).trim()}.`
            : `${subject} holds numbers: compare it with a number.`;
        break;
      case "bool":
        hint = `${subject} holds booleans: compare it with TRUE or FALSE, or use it alone as the filter.`;
        break;
      case "date":
        hint = `${subject} holds dates: write the literal as 'YYYY-MM-DD' or DATE 'YYYY-MM-DD'.`;
        break;
      default:
        hint = `${subject} holds timestamps: write the literal as 'YYYY-MM-DD HH:MM:SS' or TIMESTAMP 'YYYY-MM-DD HH:MM:SS'.`;
    }
    return this.error(
      `Received literal ${describeLiteral(literal)} and could not convert to literal of type '${typeNameOf(target)}'. ${hint}${quotedHint}`,
      target,
    );
  }
}
