/**
 * A precedence-climbing parser for LanceDB-style SQL filters and expressions.
 * Precedence, loosest first: OR, AND, NOT, comparisons / IN / BETWEEN / LIKE / IS,
 * `||`, `+ -`, `* / %`, unary minus.
 *
 * @module
 */

import { FilterSyntaxError } from "../errors.js";
import {
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
  type BinaryOp,
  type CastType,
  type FilterExpr,
  type FunctionName,
  type IdentifierQuoting,
} from "./filter-ast.js";
import { isKeyword, tokenize, type Token } from "./lexer.js";
import { createSyntaxError, describeToken, type SqlTextKind } from "./syntax-error.js";
import { parseDateText, parseTimestampText } from "./temporal.js";

/** Words that cannot name a column unless quoted with backticks. */
const RESERVED = new Set(["AND", "OR", "NOT", "IN", "IS", "NULL", "TRUE", "FALSE", "BETWEEN", "LIKE", "ILIKE", "CAST"]);

const FUNCTION_ALIASES: Record<string, FunctionName> = {
  abs: "abs",
  coalesce: "coalesce",
  length: "length",
  char_length: "length",
  character_length: "length",
  lower: "lower",
  round: "round",
  upper: "upper",
  // List functions, with DataFusion's aliases: `[a, b]` is make_array(a, b).
  make_array: "make_array",
  make_list: "make_array",
  array_has: "array_has",
  array_contains: "array_has",
  list_has: "array_has",
  list_contains: "array_has",
  array_has_any: "array_has_any",
  list_has_any: "array_has_any",
  array_has_all: "array_has_all",
  list_has_all: "array_has_all",
};

/** Allowed argument counts, as [min, max]. */
const FUNCTION_ARITY: Record<FunctionName, readonly [number, number]> = {
  abs: [1, 1],
  coalesce: [1, Infinity],
  length: [1, 1],
  lower: [1, 1],
  round: [1, 2],
  upper: [1, 1],
  make_array: [0, Infinity],
  array_has: [2, 2],
  array_has_any: [2, 2],
  array_has_all: [2, 2],
};

const CAST_TYPES: Record<string, CastType> = {
  BOOLEAN: "boolean",
  BOOL: "boolean",
  TINYINT: "integer",
  SMALLINT: "integer",
  INT: "integer",
  INTEGER: "integer",
  BIGINT: "integer",
  INT8: "integer",
  INT16: "integer",
  INT32: "integer",
  INT64: "integer",
  FLOAT: "float",
  REAL: "float",
  DOUBLE: "float",
  FLOAT4: "float",
  FLOAT8: "float",
  FLOAT32: "float",
  FLOAT64: "float",
  DECIMAL: "float",
  NUMERIC: "float",
  VARCHAR: "string",
  CHAR: "string",
  TEXT: "string",
  STRING: "string",
  DATE: "date",
  TIMESTAMP: "timestamp",
};

const COMPARISON_OPS = new Set(["=", "!=", "<", "<=", ">", ">="]);
const MAX_DEPTH = 500;
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Parses a filter as passed to `where()`, `delete()`, `update({where})` or
 * `countRows()`. Throws `FilterSyntaxError` (code `FILTER_SYNTAX`) with the
 * 0-based position (in UTF-16 code units) and the token of the first error.
 *
 * @example parseFilter("price BETWEEN 10 AND 20 AND NOT archived")
 */
export function parseFilter(text: string): FilterExpr {
  return new Parser(text, "filter").parseAll();
}

/**
 * Parses a SQL value expression, as in `update({valuesSql})`, `addColumns([{valueSql}])`
 * or `select({alias: "price * 2"})`. Same grammar and errors as {@link parseFilter}.
 */
export function parseExpression(text: string): FilterExpr {
  return new Parser(text, "expression").parseAll();
}

class Parser {
  private readonly tokens: Token[];
  private index = 0;
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly kind: SqlTextKind,
  ) {
    if (text.trim() === "") {
      const what = kind === "filter" ? "filter" : "SQL expression";
      throw new FilterSyntaxError(
        `Invalid ${what} "${text}": the ${what} is empty; expected an expression such as "id > 10".` +
          (kind === "filter" ? " To match every row, leave the filter out." : ""),
        text,
        0,
        "",
      );
    }
    this.tokens = tokenize(text, kind);
  }

  parseAll(): FilterExpr {
    const expr = this.parseOr();
    const next = this.peek();
    if (next.kind !== "end") {
      const tail = next.value === ")" ? "an operator or the end of the text (this ')' has no matching '(')" : "an operator or the end of the text";
      this.fail(next, tail);
    }
    return expr;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)]!;
  }

  private advance(): Token {
    const token = this.peek();
    if (token.kind !== "end") this.index++;
    return token;
  }

  private isOperator(value: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token.kind === "operator" && token.value === value;
  }

  private acceptKeyword(word: string): boolean {
    if (!isKeyword(this.peek(), word)) return false;
    this.index++;
    return true;
  }

  private expectOperator(value: string, expected = `'${value}'`): Token {
    if (!this.isOperator(value)) this.fail(this.peek(), expected);
    return this.advance();
  }

  private expectKeyword(word: string, expected = word): void {
    if (!this.acceptKeyword(word)) this.fail(this.peek(), expected);
  }

  private fail(token: Token, expected: string, problem?: string): never {
    throw createSyntaxError({
      text: this.text,
      kind: this.kind,
      position: token.start,
      token: token.text,
      problem: problem ?? `unexpected ${describeToken(token.text)}`,
      expected,
    });
  }

  private nested<T>(parse: () => T): T {
    if (++this.depth > MAX_DEPTH) this.fail(this.peek(), `at most ${MAX_DEPTH} levels of nesting`, "expression nested too deeply");
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private parseOr(): FilterExpr {
    return this.nested(() => {
      let left = this.parseAnd();
      while (this.acceptKeyword("OR")) left = createBinary("or", left, this.parseAnd());
      return left;
    });
  }

  private parseAnd(): FilterExpr {
    let left = this.parseNot();
    while (this.acceptKeyword("AND")) left = createBinary("and", left, this.parseNot());
    return left;
  }

  private parseNot(): FilterExpr {
    if (isKeyword(this.peek(), "NOT")) {
      this.index++;
      return this.nested(() => createUnary("not", this.parseNot()));
    }
    return this.parseComparison();
  }

  private parseComparison(): FilterExpr {
    let left = this.parseConcat();
    for (;;) {
      const token = this.peek();
      if (token.kind === "operator" && COMPARISON_OPS.has(token.value)) {
        this.index++;
        left = createBinary(token.value as BinaryOp, left, this.parseConcat());
        continue;
      }
      if (isKeyword(token, "IS")) {
        this.index++;
        const negated = this.acceptKeyword("NOT");
        if (this.acceptKeyword("NULL")) left = createIsNull(left, negated);
        else if (this.acceptKeyword("TRUE")) left = createIsBoolean(left, true, negated);
        else if (this.acceptKeyword("FALSE")) left = createIsBoolean(left, false, negated);
        else this.fail(this.peek(), negated ? "NULL, TRUE or FALSE after IS NOT" : "NULL, NOT NULL, TRUE or FALSE after IS");
        continue;
      }
      let negated = false;
      if (isKeyword(token, "NOT")) {
        const after = this.peek(1);
        if (!["IN", "BETWEEN", "LIKE", "ILIKE"].some((word) => isKeyword(after, word))) {
          this.fail(after, "IN, BETWEEN, LIKE or ILIKE after NOT");
        }
        this.index++;
        negated = true;
      }
      const keyword = this.peek();
      if (isKeyword(keyword, "IN")) {
        this.index++;
        left = createInList(left, this.parseInList(), negated);
      } else if (isKeyword(keyword, "BETWEEN")) {
        this.index++;
        const low = this.parseConcat();
        this.expectKeyword("AND", "AND between the BETWEEN bounds");
        left = createBetween(left, low, this.parseConcat(), negated);
      } else if (isKeyword(keyword, "LIKE") || isKeyword(keyword, "ILIKE")) {
        this.index++;
        const pattern = this.parseConcat();
        let escape: string | undefined;
        if (this.acceptKeyword("ESCAPE")) {
          const escapeToken = this.peek();
          if (escapeToken.kind !== "string" || [...escapeToken.value].length !== 1) {
            this.fail(escapeToken, "a one-character string after ESCAPE, such as '!'");
          }
          this.index++;
          escape = escapeToken.value;
        }
        left = createLike(left, pattern, { negated, caseInsensitive: isKeyword(keyword, "ILIKE"), escape });
      } else {
        return left;
      }
    }
  }

  private parseInList(): FilterExpr[] {
    this.expectOperator("(", "'(' to open the IN list");
    const list: FilterExpr[] = [this.parseOr()];
    while (this.isOperator(",")) {
      this.index++;
      list.push(this.parseOr());
    }
    this.expectOperator(")", "',' or ')' to close the IN list");
    return list;
  }

  private parseConcat(): FilterExpr {
    let left = this.parseAdditive();
    while (this.isOperator("||")) {
      this.index++;
      left = createBinary("||", left, this.parseAdditive());
    }
    return left;
  }

  private parseAdditive(): FilterExpr {
    let left = this.parseMultiplicative();
    while (this.isOperator("+") || this.isOperator("-")) {
      const op = this.advance().value as BinaryOp;
      left = createBinary(op, left, this.parseMultiplicative());
    }
    return left;
  }

  private parseMultiplicative(): FilterExpr {
    let left = this.parseUnary();
    while (this.isOperator("*") || this.isOperator("/") || this.isOperator("%")) {
      const op = this.advance().value as BinaryOp;
      left = createBinary(op, left, this.parseUnary());
    }
    return left;
  }

  private parseUnary(): FilterExpr {
    if (this.isOperator("-")) {
      this.index++;
      // A minus before a number is part of the literal, so -9223372036854775808 fits Int64.
      if (this.peek().kind === "number") return this.parseNumber(this.advance(), true);
      return this.nested(() => createUnary("-", this.parseUnary()));
    }
    if (this.isOperator("+")) {
      this.index++;
      return this.nested(() => this.parseUnary());
    }
    return this.parsePrimary();
  }

  private parseNumber(token: Token, negative: boolean): FilterExpr {
    const digits = token.value;
    if (!/[.eE]/.test(digits)) {
      const value = negative ? -BigInt(digits) : BigInt(digits);
      if (value <= INT64_MAX && value >= -INT64_MAX - 1n) return createIntegerLiteral(value);
    }
    const value = Number(digits);
    return createFloatLiteral(negative ? -value : value);
  }

  private parsePrimary(): FilterExpr {
    const token = this.peek();
    switch (token.kind) {
      case "number":
        this.index++;
        return this.parseNumber(token, false);
      case "string":
        this.index++;
        return createStringLiteral(token.value);
      case "quoted":
        return this.parseColumnPath();
      case "identifier":
        return this.parseWord(token);
      case "operator":
        if (token.value === "(") {
          this.index++;
          const inner = this.parseOr();
          this.expectOperator(")", "')' to close the '(' at position " + token.start);
          return inner;
        }
        if (token.value === "[") {
          // An array literal, as DataFusion writes it: ['a', 'b'] is make_array('a', 'b').
          this.index++;
          const items: FilterExpr[] = [];
          if (!this.isOperator("]")) {
            items.push(this.parseOr());
            while (this.isOperator(",")) {
              this.index++;
              items.push(this.parseOr());
            }
          }
          this.expectOperator("]", "',' or ']' to close the array at position " + token.start);
          return createCall("make_array", items);
        }
        return this.fail(token, "an expression");
      case "end":
        return this.fail(token, "an expression");
    }
  }

  private parseWord(token: Token): FilterExpr {
    const upper = token.value.toUpperCase();
    const next = this.peek(1);
    if (upper === "TRUE" || upper === "FALSE") {
      this.index++;
      return createBooleanLiteral(upper === "TRUE");
    }
    if (upper === "NULL") {
      this.index++;
      return createNullLiteral();
    }
    if (upper === "CAST") return this.parseCast();
    if ((upper === "DATE" || upper === "TIMESTAMP") && next.kind === "string") {
      this.index += 2;
      if (upper === "DATE") {
        const days = parseDateText(next.value);
        if (days === undefined) this.fail(next, "a date written 'YYYY-MM-DD'", `invalid date '${next.value}'`);
        return createDateLiteral(days);
      }
      const nanos = parseTimestampText(next.value);
      if (nanos === undefined) {
        this.fail(next, "a timestamp written 'YYYY-MM-DD HH:MM:SS[.fff]'", `invalid timestamp '${next.value}'`);
      }
      return createTimestampLiteral(nanos);
    }
    if (RESERVED.has(upper)) return this.fail(token, "an expression");
    if (next.kind === "operator" && next.value === "(") return this.parseCall(token);
    return this.parseColumnPath();
  }

  private parseColumnPath(): FilterExpr {
    const path: string[] = [];
    const quoting: IdentifierQuoting[] = [];
    for (;;) {
      const token = this.peek();
      if (token.kind === "quoted") {
        path.push(token.value);
        quoting.push(token.quote!);
      } else if (token.kind === "identifier" && !RESERVED.has(token.value.toUpperCase())) {
        path.push(token.value);
        quoting.push("none");
      } else {
        this.fail(token, "a field name after '.'");
      }
      this.index++;
      if (!this.isOperator(".")) return createColumnRef(path, quoting);
      this.index++;
    }
  }

  private parseCall(nameToken: Token): FilterExpr {
    const name = FUNCTION_ALIASES[nameToken.value.toLowerCase()];
    if (name === undefined) {
      const known = Object.keys(FUNCTION_ALIASES).sort().join(", ");
      this.fail(nameToken, `one of the functions ${known}`, `unknown function '${nameToken.value}'`);
    }
    this.index += 2;
    const args: FilterExpr[] = [];
    if (!this.isOperator(")")) {
      args.push(this.parseOr());
      while (this.isOperator(",")) {
        this.index++;
        args.push(this.parseOr());
      }
    }
    this.expectOperator(")", `',' or ')' to close the arguments of ${nameToken.value}()`);
    const [min, max] = FUNCTION_ARITY[name];
    if (args.length < min || args.length > max) {
      const wanted = min === max ? `${min} argument${min === 1 ? "" : "s"}` : max === Infinity ? `at least ${min} argument` : `${min} to ${max} arguments`;
      this.fail(nameToken, `${nameToken.value}() with ${wanted}`, `${nameToken.value}() called with ${args.length} argument${args.length === 1 ? "" : "s"}`);
    }
    return createCall(name, args);
  }

  private parseCast(): FilterExpr {
    this.index++;
    this.expectOperator("(", "'(' after CAST");
    const operand = this.parseOr();
    this.expectKeyword("AS", "AS and a type in CAST(value AS type)");
    const typeToken = this.peek();
    const upper = typeToken.kind === "identifier" ? typeToken.value.toUpperCase() : "";
    const to = CAST_TYPES[upper];
    if (to === undefined) {
      this.fail(typeToken, "a type such as BIGINT, DOUBLE, VARCHAR, BOOLEAN, DATE or TIMESTAMP");
    }
    this.index++;
    // DOUBLE PRECISION and CHARACTER VARYING style suffixes, and (n) sizes, carry no meaning here.
    if (upper === "DOUBLE" && isKeyword(this.peek(), "PRECISION")) this.index++;
    if (this.isOperator("(")) {
      this.index++;
      while (this.peek().kind === "number" || this.isOperator(",")) this.index++;
      this.expectOperator(")", "')' to close the type size");
    }
    this.expectOperator(")", "')' to close CAST(");
    return createCast(operand, to);
  }
}
