import { describe, expect, test } from "vitest";
import { FilterSyntaxError } from "../../src/errors.js";
import { isKeyword, tokenize } from "../../src/filter/lexer.js";
import { expectQuiverError } from "../helpers/expect-error.js";

const kinds = (text: string) => tokenize(text).map((t) => `${t.kind}:${t.value}`);

describe("tokenize()", () => {
  test("splits a filter into tokens with their start and end positions", () => {
    const tokens = tokenize("price >= 10.5");
    expect(tokens.map((t) => [t.kind, t.text, t.start, t.end])).toEqual([
      ["identifier", "price", 0, 5],
      ["operator", ">=", 6, 8],
      ["number", "10.5", 9, 13],
      ["end", "", 13, 13],
    ]);
  });

  test("canonicalises <> to != and == to =", () => {
    expect(kinds("a <> 1 AND b == 2 OR c != 3")).toEqual([
      "identifier:a",
      "operator:!=",
      "number:1",
      "identifier:AND",
      "identifier:b",
      "operator:=",
      "number:2",
      "identifier:OR",
      "identifier:c",
      "operator:!=",
      "number:3",
      "end:",
    ]);
  });

  test("keeps >> as two > tokens so the parser can point at the second", () => {
    expect(tokenize("a >> 3").map((t) => [t.value, t.start])).toEqual([
      ["a", 0],
      [">", 2],
      [">", 3],
      ["3", 5],
      ["", 6],
    ]);
  });

  test("reads single-quoted strings with '' as an escaped quote", () => {
    const [token] = tokenize("'it''s ok'");
    expect(token).toMatchObject({ kind: "string", value: "it's ok", text: "'it''s ok'", start: 0, end: 10 });
  });

  test("reads an empty string literal", () => {
    expect(tokenize("''")[0]).toMatchObject({ kind: "string", value: "" });
  });

  test("reads double-quoted and backquoted identifiers as written, with doubled quotes collapsed", () => {
    const tokens = tokenize('"Weird ""Name""" `my``col`');
    expect(tokens[0]).toMatchObject({ kind: "quoted", quote: "double", value: 'Weird "Name"' });
    expect(tokens[1]).toMatchObject({ kind: "quoted", quote: "backtick", value: "my`col" });
  });

  test("reads integers, decimals, exponents and leading-dot decimals", () => {
    expect(kinds("1 23.5 1e3 2.5E-2 .5 7.")).toEqual([
      "number:1",
      "number:23.5",
      "number:1e3",
      "number:2.5E-2",
      "number:.5",
      "number:7.",
      "end:",
    ]);
  });

  test("reads a dot after a name as a path separator, not a number", () => {
    expect(kinds("a.b.c `x`.y")).toEqual([
      "identifier:a",
      "operator:.",
      "identifier:b",
      "operator:.",
      "identifier:c",
      "quoted:x",
      "operator:.",
      "identifier:y",
      "end:",
    ]);
  });

  test("accepts letters beyond ASCII in identifiers", () => {
    expect(kinds("prix_é = 1")[0]).toBe("identifier:prix_é");
  });

  test("skips tabs and newlines", () => {
    expect(kinds("a\n=\t1")).toEqual(["identifier:a", "operator:=", "number:1", "end:"]);
  });

  test("an unterminated string fails at its opening quote", async () => {
    const error = await expectQuiverError(
      () => tokenize("name = 'abc"),
      FilterSyntaxError,
      "FILTER_SYNTAX",
      "unterminated string starting at position 7",
      "expected a closing '",
    );
    expect(error.position).toBe(7);
    expect(error.token).toBe("'abc");
  });

  test("an unterminated quoted identifier fails at its opening quote", async () => {
    const error = await expectQuiverError(() => tokenize('"abc = 1'), FilterSyntaxError, "FILTER_SYNTAX", "unterminated quoted identifier");
    expect(error.position).toBe(0);
  });

  test("an empty quoted identifier is refused", async () => {
    await expectQuiverError(() => tokenize("`` = 1"), FilterSyntaxError, "FILTER_SYNTAX", "empty quoted identifier");
  });

  test("a character the language does not use fails with its position", async () => {
    const error = await expectQuiverError(() => tokenize("a = $1"), FilterSyntaxError, "FILTER_SYNTAX", "unexpected character '$' at position 4");
    expect(error.position).toBe(4);
    expect(error.token).toBe("$");
  });

  test("a lone ! or | is refused", async () => {
    await expectQuiverError(() => tokenize("!a"), FilterSyntaxError, "FILTER_SYNTAX", "unexpected character '!'");
    await expectQuiverError(() => tokenize("a | b"), FilterSyntaxError, "FILTER_SYNTAX", "unexpected character '|'");
  });

  test("an exponent without digits is a malformed number", async () => {
    const error = await expectQuiverError(() => tokenize("x > 1e+"), FilterSyntaxError, "FILTER_SYNTAX", "malformed number");
    expect(error.position).toBe(4);
  });
});

describe("isKeyword()", () => {
  test("matches bare words case-insensitively but never quoted names", () => {
    const [bare, quoted] = tokenize("aNd `and`");
    expect(isKeyword(bare!, "AND")).toBe(true);
    expect(isKeyword(quoted!, "AND")).toBe(false);
  });
});
