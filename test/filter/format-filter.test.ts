import { describe, expect, test } from "vitest";
import { createBinary, createColumnRef, createFloatLiteral, createIntegerLiteral, createUnary } from "../../src/filter/filter-ast.js";
import { formatFilter } from "../../src/filter/format-filter.js";
import { parseExpression, parseFilter } from "../../src/filter/parser.js";

describe("formatFilter()", () => {
  test.each([
    "a = 1 AND NOT b",
    "a = 1 OR b = 2 AND c = 3",
    "(a = 1 OR b = 2) AND c = 3",
    "NOT (a AND b)",
    "price BETWEEN 10 AND 20 AND NOT archived",
    "x NOT BETWEEN a + 1 AND b * 2",
    "id IN (1, 2, 3) OR c NOT IN ('a', 'b''c')",
    "name LIKE 'a%' AND name NOT ILIKE '%Z' AND x LIKE 'a!%' ESCAPE '!'",
    "x IS NULL OR y IS NOT NULL OR z IS TRUE OR w IS NOT FALSE",
    "(a + b) * c > a - (b - c)",
    "-(a + b) < - -3",
    "a || b = 'xy'",
    "meta.source = 'x' AND `Weird Name` = 1 AND \"quoted\" = 2 AND `a``b`.c = 3",
    "CAST(price AS BIGINT) = 10 AND lower(name) = 'a' AND coalesce(a, b, 0) > 1",
    "d = DATE '2024-01-31' AND t > TIMESTAMP '2024-01-01T10:00:00.5'",
    "x = -9223372036854775808 AND y = 1.5 AND z = 2.0 AND w = 1e+21",
    "a = 'x' = TRUE",
    "(a = 'x') IS NULL",
  ])("reads back to the same tree: %s", (text) => {
    const expr = parseFilter(text);
    expect(parseFilter(formatFilter(expr))).toEqual(expr);
  });

  test("prints keywords in upper case and drops redundant parentheses", () => {
    expect(formatFilter(parseFilter("((a = 1)) and (not (b))"))).toBe("a = 1 AND NOT b");
    expect(formatFilter(parseExpression("a - (b - c)"))).toBe("a - (b - c)");
    expect(formatFilter(parseExpression("(a - b) - c"))).toBe("a - b - c");
  });

  test("quotes names that would not read back bare", () => {
    const expr = createBinary("=", createColumnRef(["my col", "and"]), createIntegerLiteral(1));
    expect(formatFilter(expr)).toBe("`my col`.`and` = 1");
  });

  test("keeps a float literal a float", () => {
    expect(formatFilter(createFloatLiteral(3))).toBe("3.0");
    expect(formatFilter(createUnary("-", createFloatLiteral(-2.5)))).toBe("- -2.5");
  });
});
