/**
 * Builds the {@link FilterSyntaxError} thrown by the lexer and the parser, so every
 * syntax error reads the same way: the text, the position, the offending token,
 * what was expected, then the text again with a caret under the position.
 *
 * @internal
 * @module
 */

import { FilterSyntaxError } from "../errors.js";

/** Which entry point read the text: it only changes the first word of the message. */
export type SqlTextKind = "filter" | "expression";

export interface SyntaxErrorDetails {
  readonly text: string;
  readonly kind: SqlTextKind;
  readonly position: number;
  /** The offending token as written, or "" at the end of the text. */
  readonly token: string;
  /** What went wrong, e.g. "unexpected token '>'". */
  readonly problem: string;
  /** What would have been valid there, e.g. "an expression". */
  readonly expected: string;
}

/** The error for a filter or SQL expression that does not parse. */
export function createSyntaxError(details: SyntaxErrorDetails): FilterSyntaxError {
  const { text, kind, position, token, problem, expected } = details;
  const label = kind === "filter" ? "Invalid filter" : "Invalid SQL expression";
  // Tabs and newlines would shift the caret, so the echoed line replaces them with spaces.
  const echoed = text.replace(/[\t\r\n]/g, " ");
  const message =
    `${label} "${text}": ${problem} at position ${position}; expected ${expected}.\n` +
    `  ${echoed}\n  ${" ".repeat(position)}^`;
  return new FilterSyntaxError(message, text, position, token);
}

/** How a token reads in a message: quoted text, or "end of input". */
export function describeToken(token: string): string {
  return token === "" ? "end of input" : `token '${token}'`;
}
