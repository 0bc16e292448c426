import { describe, expect, test } from "vitest";
import { FilterSyntaxError } from "../../src/errors.js";
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
} from "../../src/filter/filter-ast.js";
import { parseExpression, parseFilter } from "../../src/filter/parser.js";
import { expectQuiverError } from "../helpers/expect-error.js";

const col = (...path: string[]) => createColumnRef(path);
const int = (v: number | bigint) => createIntegerLiteral(v);
const str = (v: string) => createStringLiteral(v);

describe("parseFilter()", () => {
  describe("literals", () => {
    test("integers are bigints, decimals and exponents are floats", () => {
      expect(parseFilter("x = 42")).toEqual(createBinary("=", col("x"), int(42n)));
      expect(parseFilter("x = 4.5")).toEqual(createBinary("=", col("x"), createFloatLiteral(4.5)));
      expect(parseFilter("x = 1e3")).toEqual(createBinary("=", col("x"), createFloatLiteral(1000)));
      expect(parseFilter("x = .25")).toEqual(createBinary("=", col("x"), createFloatLiteral(0.25)));
    });

    test("a minus before a number is part of the literal, so Int64's minimum fits", () => {
      expect(parseFilter("x = -9223372036854775808")).toEqual(createBinary("=", col("x"), int(-(2n ** 63n))));
      expect(parseFilter("x > -1.5")).toEqual(createBinary(">", col("x"), createFloatLiteral(-1.5)));
    });

    test("an integer beyond Int64 becomes a float", () => {
      expect(parseFilter("x < 9223372036854775808")).toEqual(createBinary("<", col("x"), createFloatLiteral(2 ** 63)));
    });

    test("strings, booleans and NULL in any case", () => {
      expect(parseFilter("s = 'it''s'")).toEqual(createBinary("=", col("s"), str("it's")));
      expect(parseFilter("b = true OR b = False")).toEqual(
        createBinary("or", createBinary("=", col("b"), createBooleanLiteral(true)), createBinary("=", col("b"), createBooleanLiteral(false))),
      );
      expect(parseFilter("x = null")).toEqual(createBinary("=", col("x"), createNullLiteral()));
    });

    test("date and timestamp literals are read as days and nanoseconds since the epoch", () => {
      expect(parseFilter("d = date '1970-01-02'")).toEqual(createBinary("=", col("d"), createDateLiteral(1)));
      expect(parseFilter("t > TIMESTAMP '1970-01-01 00:00:01.5'")).toEqual(
        createBinary(">", col("t"), createTimestampLiteral(1_500_000_000n)),
      );
      expect(parseFilter("t > timestamp '2024-01-01T10:00:00Z'")).toEqual(
        createBinary(">", col("t"), createTimestampLiteral(BigInt(Date.UTC(2024, 0, 1, 10)) * 1_000_000n)),
      );
    });

    test("DATE and TIMESTAMP not followed by a string are column names", () => {
      expect(parseFilter("date > '2024-01-01'")).toEqual(createBinary(">", col("date"), str("2024-01-01")));
      expect(parseFilter("timestamp IS NULL")).toEqual(createIsNull(col("timestamp")));
    });
  });

  describe("column references", () => {
    test("dotted paths name struct fields", () => {
      expect(parseFilter("meta.source = 'x'")).toEqual(createBinary("=", col("meta", "source"), str("x")));
    });

    test("backquoted and double-quoted names keep their spelling and record how they were quoted", () => {
      const expr = parseFilter('`Weird Name`.`a.b` = "x"');
      expect(expr).toEqual(
        createBinary("=", createColumnRef(["Weird Name", "a.b"], ["backtick", "backtick"]), createColumnRef(["x"], ["double"])),
      );
    });

    test("a reserved word can name a column when backquoted", () => {
      expect(parseFilter("`and` = 1")).toEqual(createBinary("=", createColumnRef(["and"], ["backtick"]), int(1)));
    });
  });

  describe("precedence", () => {
    test("AND binds tighter than OR", () => {
      expect(parseFilter("a = 1 OR b = 2 AND c = 3")).toEqual(
        createBinary("or", createBinary("=", col("a"), int(1)), createBinary("and", createBinary("=", col("b"), int(2)), createBinary("=", col("c"), int(3)))),
      );
    });

    test("NOT binds tighter than AND and looser than comparisons", () => {
      expect(parseFilter("NOT a = 1 AND b")).toEqual(createBinary("and", createUnary("not", createBinary("=", col("a"), int(1))), col("b")));
      expect(parseFilter("NOT NOT a")).toEqual(createUnary("not", createUnary("not", col("a"))));
    });

    test("* / % bind tighter than + -, which bind tighter than comparisons", () => {
      expect(parseFilter("a + b * 2 > c - 1")).toEqual(
        createBinary(">", createBinary("+", col("a"), createBinary("*", col("b"), int(2))), createBinary("-", col("c"), int(1))),
      );
      expect(parseFilter("a % 2 = 0")).toEqual(createBinary("=", createBinary("%", col("a"), int(2)), int(0)));
    });

    test("arithmetic is left-associative", () => {
      expect(parseExpression("a - b - c")).toEqual(createBinary("-", createBinary("-", col("a"), col("b")), col("c")));
      expect(parseExpression("a / b * c")).toEqual(createBinary("*", createBinary("/", col("a"), col("b")), col("c")));
    });

    test("unary minus binds tighter than *", () => {
      expect(parseExpression("-a * 2")).toEqual(createBinary("*", createUnary("-", col("a")), int(2)));
      expect(parseExpression("a - -2")).toEqual(createBinary("-", col("a"), int(-2)));
      expect(parseExpression("+a")).toEqual(col("a"));
    });

    test("parentheses override precedence", () => {
      expect(parseExpression("(a + b) * 2")).toEqual(createBinary("*", createBinary("+", col("a"), col("b")), int(2)));
      expect(parseFilter("(a OR b) AND c")).toEqual(createBinary("and", createBinary("or", col("a"), col("b")), col("c")));
    });

    test("|| binds tighter than comparisons and looser than +", () => {
      expect(parseFilter("a || b = 'xy'")).toEqual(createBinary("=", createBinary("||", col("a"), col("b")), str("xy")));
      expect(parseExpression("a || b + 1")).toEqual(createBinary("||", col("a"), createBinary("+", col("b"), int(1))));
    });

    test("keywords are case-insensitive", () => {
      expect(parseFilter("a = 1 and b = 2 oR not c")).toEqual(
        createBinary("or", createBinary("and", createBinary("=", col("a"), int(1)), createBinary("=", col("b"), int(2))), createUnary("not", col("c"))),
      );
    });

    test("comparisons chain left to right", () => {
      expect(parseFilter("a = 'x' = true")).toEqual(createBinary("=", createBinary("=", col("a"), str("x")), createBooleanLiteral(true)));
    });
  });

  describe("predicates", () => {
    test("comparison operators, with <> and == as synonyms", () => {
      for (const [text, op] of [
        ["=", "="],
        ["==", "="],
        ["!=", "!="],
        ["<>", "!="],
        ["<", "<"],
        ["<=", "<="],
        [">", ">"],
        [">=", ">="],
      ] as const) {
        expect(parseFilter(`a ${text} 1`)).toEqual(createBinary(op, col("a"), int(1)));
      }
    });

    test("IN and NOT IN lists", () => {
      expect(parseFilter("id IN (1, 2, 3)")).toEqual(createInList(col("id"), [int(1), int(2), int(3)]));
      expect(parseFilter("c NOT IN ('a')")).toEqual(createInList(col("c"), [str("a")], true));
    });

    test("BETWEEN takes the next AND as its own, and later ones as logic", () => {
      expect(parseFilter("price BETWEEN 10 AND 20 AND NOT archived")).toEqual(
        createBinary("and", createBetween(col("price"), int(10), int(20)), createUnary("not", col("archived"))),
      );
      expect(parseFilter("x NOT BETWEEN a + 1 AND b * 2")).toEqual(
        createBetween(col("x"), createBinary("+", col("a"), int(1)), createBinary("*", col("b"), int(2)), true),
      );
    });

    test("IS [NOT] NULL and IS [NOT] TRUE / FALSE", () => {
      expect(parseFilter("x IS NULL")).toEqual(createIsNull(col("x")));
      expect(parseFilter("x is not null")).toEqual(createIsNull(col("x"), true));
      expect(parseFilter("x IS TRUE")).toEqual(createIsBoolean(col("x"), true));
      expect(parseFilter("x IS NOT FALSE")).toEqual(createIsBoolean(col("x"), false, true));
    });

    test("LIKE, NOT LIKE, ILIKE and ESCAPE", () => {
      expect(parseFilter("name LIKE 'a%'")).toEqual(createLike(col("name"), str("a%")));
      expect(parseFilter("name NOT LIKE '%z'")).toEqual(createLike(col("name"), str("%z"), { negated: true }));
      expect(parseFilter("name ILIKE 'A%'")).toEqual(createLike(col("name"), str("A%"), { caseInsensitive: true }));
      expect(parseFilter("name LIKE 'a!%%' ESCAPE '!'")).toEqual(createLike(col("name"), str("a!%%"), { escape: "!" }));
    });

    test("CAST with SQL type names", () => {
      expect(parseExpression("CAST(price AS int)")).toEqual(createCast(col("price"), "integer"));
      expect(parseExpression("cast(x AS DOUBLE PRECISION)")).toEqual(createCast(col("x"), "float"));
      expect(parseExpression("CAST(x AS VARCHAR(10))")).toEqual(createCast(col("x"), "string"));
      expect(parseExpression("CAST(x AS boolean)")).toEqual(createCast(col("x"), "boolean"));
      expect(parseExpression("CAST('2024-01-01' AS DATE)")).toEqual(createCast(str("2024-01-01"), "date"));
      expect(parseExpression("CAST(x AS TIMESTAMP)")).toEqual(createCast(col("x"), "timestamp"));
    });

    test("function calls, case-insensitive, with char_length read as length", () => {
      expect(parseFilter("LOWER(name) = 'a'")).toEqual(createBinary("=", createCall("lower", [col("name")]), str("a")));
      expect(parseExpression("char_length(name)")).toEqual(createCall("length", [col("name")]));
      expect(parseExpression("character_length(name)")).toEqual(createCall("length", [col("name")]));
      expect(parseExpression("coalesce(a, b, 0)")).toEqual(createCall("coalesce", [col("a"), col("b"), int(0)]));
      expect(parseExpression("round(x, 2)")).toEqual(createCall("round", [col("x"), int(2)]));
      expect(parseExpression("abs(upper(x))")).toEqual(createCall("abs", [createCall("upper", [col("x")])]));
    });
  });

  test("returns frozen nodes", () => {
    const expr = parseFilter("id IN (1, 2) AND meta.a = 'x'");
    expect(Object.isFrozen(expr)).toBe(true);
    if (expr.kind !== "binary" || expr.left.kind !== "in" || expr.right.kind !== "binary" || expr.right.left.kind !== "column") {
      throw new Error("unexpected shape");
    }
    expect(Object.isFrozen(expr.left.list)).toBe(true);
    expect(Object.isFrozen(expr.right.left.path)).toBe(true);
  });

  describe("syntax errors", () => {
    test("names the text, position and token, says what was expected and draws a caret", async () => {
      const error = await expectQuiverError(
        () => parseFilter("price >> 3"),
        FilterSyntaxError,
        "FILTER_SYNTAX",
        `Invalid filter "price >> 3": unexpected token '>' at position 7; expected an expression.`,
      );
      expect(error.filter).toBe("price >> 3");
      expect(error.position).toBe(7);
      expect(error.token).toBe(">");
      expect(error.message.split("\n").slice(1)).toEqual(["  price >> 3", "         ^"]);
    });

    test("an empty or blank filter is a syntax error with a clear message", async () => {
      for (const text of ["", "   "]) {
        const error = await expectQuiverError(() => parseFilter(text), FilterSyntaxError, "FILTER_SYNTAX", "the filter is empty");
        expect(error.position).toBe(0);
        expect(error.token).toBe("");
      }
    });

    test("an incomplete filter reports the end of input", async () => {
      const error = await expectQuiverError(
        () => parseFilter("price >"),
        FilterSyntaxError,
        "FILTER_SYNTAX",
        "unexpected end of input at position 7; expected an expression",
      );
      expect(error.token).toBe("");
    });

    test("tokens after a complete filter are refused", async () => {
      const error = await expectQuiverError(
        () => parseFilter("a = 1 2"),
        FilterSyntaxError,
        "FILTER_SYNTAX",
        "unexpected token '2' at position 6; expected an operator or the end of the text",
      );
      expect(error.position).toBe(6);
    });

    test("an unmatched parenthesis is reported where it is", async () => {
      await expectQuiverError(() => parseFilter("(a = 1"), FilterSyntaxError, "FILTER_SYNTAX", "expected ')' to close the '(' at position 0");
      const extra = await expectQuiverError(() => parseFilter("a = 1)"), FilterSyntaxError, "FILTER_SYNTAX", "has no matching '('");
      expect(extra.position).toBe(5);
    });

    test("an empty IN list is refused at its closing parenthesis", async () => {
      const error = await expectQuiverError(() => parseFilter("id IN ()"), FilterSyntaxError, "FILTER_SYNTAX", "unexpected token ')'");
      expect(error.position).toBe(7);
    });

    test("NOT must be followed by IN, BETWEEN, LIKE or ILIKE after an operand", async () => {
      const error = await expectQuiverError(() => parseFilter("a NOT b"), FilterSyntaxError, "FILTER_SYNTAX", "expected IN, BETWEEN, LIKE or ILIKE after NOT");
      expect(error.position).toBe(6);
    });

    test("IS must be followed by NULL, TRUE or FALSE", async () => {
      await expectQuiverError(() => parseFilter("a IS 5"), FilterSyntaxError, "FILTER_SYNTAX", "expected NULL, NOT NULL, TRUE or FALSE after IS");
    });

    test("BETWEEN without AND is refused", async () => {
      await expectQuiverError(() => parseFilter("a BETWEEN 1 OR 2"), FilterSyntaxError, "FILTER_SYNTAX", "expected AND between the BETWEEN bounds");
    });

    test("an unknown function is named, with the known ones", async () => {
      const error = await expectQuiverError(() => parseFilter("foo(x) = 1"), FilterSyntaxError, "FILTER_SYNTAX", "unknown function 'foo' at position 0", "lower");
      expect(error.token).toBe("foo");
    });

    test("a function with the wrong number of arguments is refused", async () => {
      await expectQuiverError(() => parseFilter("lower(a, b) = 'x'"), FilterSyntaxError, "FILTER_SYNTAX", "lower() called with 2 arguments");
      await expectQuiverError(() => parseExpression("coalesce()"), FilterSyntaxError, "FILTER_SYNTAX", "coalesce() called with 0 arguments");
    });

    test("an invalid date or timestamp literal is refused at the string", async () => {
      const error = await expectQuiverError(() => parseFilter("d = date '2024-02-30'"), FilterSyntaxError, "FILTER_SYNTAX", "invalid date '2024-02-30'", "'YYYY-MM-DD'");
      expect(error.position).toBe(9);
      await expectQuiverError(() => parseFilter("t = timestamp '2024-01-01 25:00'"), FilterSyntaxError, "FILTER_SYNTAX", "invalid timestamp");
    });

    test("a reserved word where a column is expected is refused", async () => {
      const error = await expectQuiverError(() => parseFilter("and = 1"), FilterSyntaxError, "FILTER_SYNTAX", "unexpected token 'and' at position 0");
      expect(error.token).toBe("and");
    });

    test("a dot must be followed by a field name", async () => {
      await expectQuiverError(() => parseFilter("meta. = 1"), FilterSyntaxError, "FILTER_SYNTAX", "expected a field name after '.'");
    });

    test("ESCAPE needs a one-character string", async () => {
      await expectQuiverError(() => parseFilter("a LIKE 'x' ESCAPE 'ab'"), FilterSyntaxError, "FILTER_SYNTAX", "one-character string after ESCAPE");
    });

    test("CAST to an unknown type is refused", async () => {
      await expectQuiverError(() => parseExpression("CAST(a AS blob)"), FilterSyntaxError, "FILTER_SYNTAX", "expected a type such as BIGINT");
    });

    test("deep nesting fails with a syntax error rather than a stack overflow", async () => {
      const text = `${"(".repeat(5000)}a${")".repeat(5000)}`;
      await expectQuiverError(() => parseFilter(text), FilterSyntaxError, "FILTER_SYNTAX", "nested too deeply");
    });

    test("a newline in the filter does not shift the caret", async () => {
      const error = await expectQuiverError(() => parseFilter("a = 1\nAND >"), FilterSyntaxError, "FILTER_SYNTAX", "position 10");
      expect(error.message.split("\n").slice(-2)).toEqual(["  a = 1 AND >", `  ${" ".repeat(10)}^`]);
    });
  });
});

describe("parseExpression()", () => {
  test("parses value expressions with the filter grammar", () => {
    expect(parseExpression("price * 2")).toEqual(createBinary("*", col("price"), int(2)));
    expect(parseExpression("'x'")).toEqual(str("x"));
  });

  test("syntax errors say SQL expression rather than filter", async () => {
    const error = await expectQuiverError(() => parseExpression("price *"), FilterSyntaxError, "FILTER_SYNTAX", 'Invalid SQL expression "price *"');
    expect(error.position).toBe(7);
    await expectQuiverError(() => parseExpression(""), FilterSyntaxError, "FILTER_SYNTAX", "the SQL expression is empty");
  });
});
