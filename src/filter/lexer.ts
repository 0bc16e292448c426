/**
 * Splits filter text into tokens, each with its 0-based start position so the
 * parser can point at the exact place of a syntax error.
 *
 * @internal
 * @module
 */

import { createSyntaxError, type SqlTextKind } from "./syntax-error.js";

export type TokenKind = "identifier" | "quoted" | "string" | "number" | "operator" | "end";

/** One token of filter text. */
export interface Token {
  readonly kind: TokenKind;
  /** The token as written, including quotes. */
  readonly text: string;
  /**
   * identifier: the name as written; quoted: the name with its quotes removed and doubled
   * quotes collapsed; string: the unescaped value; number: the digits; operator: its
   * canonical spelling (`<>` becomes `!=`, `==` becomes `=`); end: "".
   */
  readonly value: string;
  /** For `quoted` tokens, which quote was used. */
  readonly quote?: "backtick" | "double";
  readonly start: number;
  readonly end: number;
}

const TWO_CHAR_OPERATORS: Record<string, string> = {
  "<=": "<=",
  ">=": ">=",
  "<>": "!=",
  "!=": "!=",
  "==": "=",
  "||": "||",
};
const ONE_CHAR_OPERATORS = new Set(["(", ")", ",", ".", "+", "-", "*", "/", "%", "=", "<", ">", "[", "]"]);
const IDENTIFIER_START = /[\p{L}_]/u;
const IDENTIFIER_PART = /[\p{L}\p{N}_$]/u;

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= "0" && ch <= "9";
}

/** True when `token` is the bare keyword `upperWord` (keywords are case-insensitive). */
export function isKeyword(token: Token, upperWord: string): boolean {
  return token.kind === "identifier" && token.value.toUpperCase() === upperWord;
}

/**
 * Tokenizes `text`; the last token is always `end`. Throws `FilterSyntaxError` for an
 * unterminated string or identifier, a malformed number or a character the language does not use.
 */
export function tokenize(text: string, kind: SqlTextKind = "filter"): Token[] {
  const tokens: Token[] = [];
  let pos = 0;

  const fail = (position: number, token: string, problem: string, expected: string): never => {
    throw createSyntaxError({ text, kind, position, token, problem, expected });
  };

  const readQuoted = (quote: string): string => {
    // The quote character doubled inside the quotes stands for itself: 'it''s'.
    let value = "";
    let i = pos + 1;
    for (;;) {
      const at = text.indexOf(quote, i);
      if (at < 0) {
        const what = quote === "'" ? "string" : "quoted identifier";
        return fail(pos, text.slice(pos), `unterminated ${what} starting`, `a closing ${quote}`);
      }
      value += text.slice(i, at);
      if (text[at + 1] === quote) {
        value += quote;
        i = at + 2;
      } else {
        pos = at + 1;
        return value;
      }
    }
  };

  while (pos < text.length) {
    const ch = text[pos]!;
    if (ch === " " || ch === "\t" || ch === "\n" || ch === "\r") {
      pos++;
      continue;
    }
    const start = pos;
    const previous = tokens[tokens.length - 1];
    const followsName =
      previous !== undefined &&
      (previous.kind === "identifier" || previous.kind === "quoted" || previous.value === ")");

    if (ch === "'") {
      const value = readQuoted("'");
      tokens.push({ kind: "string", text: text.slice(start, pos), value, start, end: pos });
      continue;
    }
    if (ch === '"' || ch === "`") {
      const value = readQuoted(ch);
      if (value === "") fail(start, text.slice(start, pos), "empty quoted identifier", "a column name between the quotes");
      const quote = ch === '"' ? "double" : "backtick";
      tokens.push({ kind: "quoted", text: text.slice(start, pos), value, quote, start, end: pos });
      continue;
    }
    // `.5` is a number, but `a.b` is a path, so a dot after a name is always the operator.
    if (isDigit(ch) || (ch === "." && isDigit(text[pos + 1]) && !followsName)) {
      while (isDigit(text[pos])) pos++;
      if (text[pos] === ".") {
        pos++;
        while (isDigit(text[pos])) pos++;
      }
      if (text[pos] === "e" || text[pos] === "E") {
        pos++;
        if (text[pos] === "+" || text[pos] === "-") pos++;
        if (!isDigit(text[pos])) {
          fail(start, text.slice(start, pos), "malformed number", "digits after the exponent 'e'");
        }
        while (isDigit(text[pos])) pos++;
      }
      const raw = text.slice(start, pos);
      tokens.push({ kind: "number", text: raw, value: raw, start, end: pos });
      continue;
    }
    if (IDENTIFIER_START.test(ch)) {
      pos++;
      while (pos < text.length && IDENTIFIER_PART.test(text[pos]!)) pos++;
      const raw = text.slice(start, pos);
      tokens.push({ kind: "identifier", text: raw, value: raw, start, end: pos });
      continue;
    }
    const pair = text.slice(pos, pos + 2);
    const two = TWO_CHAR_OPERATORS[pair];
    if (two !== undefined) {
      pos += 2;
      tokens.push({ kind: "operator", text: pair, value: two, start, end: pos });
      continue;
    }
    if (ONE_CHAR_OPERATORS.has(ch)) {
      pos++;
      tokens.push({ kind: "operator", text: ch, value: ch, start, end: pos });
      continue;
    }
    const shown = String.fromCodePoint(text.codePointAt(pos)!);
    fail(pos, shown, `unexpected character '${shown}'`, "an expression, an operator or a quoted name");
  }
  tokens.push({ kind: "end", text: "", value: "", start: text.length, end: text.length });
  return tokens;
}
