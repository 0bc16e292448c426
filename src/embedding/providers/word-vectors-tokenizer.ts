/**
 * Turns text into vocabulary rows for the `word-vectors` function.
 *
 * 1. Raw tokens are runs of letters, marks and digits, joined by inner `-`,
 *    `_`, `.` or an apostrophe: `e-mail`, `snake_case`, `node.js`, `don't`, `3.14`.
 *    Everything else (spaces, punctuation, symbols) separates tokens.
 * 2. A raw token is looked up lower-cased as a whole (`e-mail`, `3.14`).
 * 3. If it is not in the vocabulary, it is split at the joiners and each part
 *    is looked up; `n't` becomes `not` and other clitics (`'s`, `'ll`, `'re`,
 *    `'ve`, `'d`, `'m`) are dropped.
 * 4. A part that is still unknown is split at case and digit boundaries
 *    (`parseArgs` -> parse, args; `XMLHttpRequest2` -> xml, http, request, 2)
 *    and each piece is looked up.
 * 5. A piece that is still unknown may be an inflection of a known word
 *    (`minifier` -> minify, `bundlers` -> bundle; see `word-vectors-stem.ts`):
 *    the first such base form in the vocabulary stands for it.
 * 6. A piece that is still unknown is out of vocabulary: reported to `onUnknown`.
 *
 * @internal
 * @module
 */

import { inflectionBases } from "./word-vectors-stem.js";

const RAW_TOKEN = /[\p{L}\p{M}\p{N}]+(?:['\u2019\-_.][\p{L}\p{M}\p{N}]+)*/gu;
const JOINERS = /['\u2019\-_.]/;
const CASE_PIECES = /\p{Lu}+(?=\p{Lu}\p{Ll})|\p{Lu}?[\p{Ll}\p{M}]+|\p{Lu}+[\p{M}]*|\p{N}+|[\p{L}\p{M}]+/gu;
const CLITICS = new Set(["s", "ll", "re", "ve", "d", "m"]);
const NEGATIONS: Readonly<Record<string, string>> = { can: "can", won: "will", shan: "shall", ain: "is" };

/** Calls `onWord` with the row of each known word of `text`, in order, and `onUnknown` with each unknown piece. */
export function forEachWord(
  text: string,
  index: ReadonlyMap<string, number>,
  onWord: (row: number) => void,
  onUnknown: (piece: string) => void,
): void {
  const normalised = isAscii(text) ? text : text.normalize("NFC");
  for (const match of normalised.matchAll(RAW_TOKEN)) {
    const token = match[0];
    const lower = token.toLowerCase();
    const whole = index.get(lower);
    if (whole !== undefined) {
      onWord(whole);
      continue;
    }
    if (!JOINERS.test(token)) {
      lookUpPieces(token, index, onWord, onUnknown);
      continue;
    }
    const parts = token.split(/(['\u2019])|[\-_.]/);
    // split() with a capture group interleaves the apostrophes (or undefined) between parts.
    for (let p = 0; p < parts.length; p += 2) {
      const part = parts[p]!;
      if (part === "") continue;
      const next = parts[p + 2];
      const apostropheAfter = parts[p + 1] !== undefined;
      if (apostropheAfter && next !== undefined && next.toLowerCase() === "t" && /n$/i.test(part)) {
        // don't -> do not, can't -> can not, won't -> will not
        const stem = part.slice(0, -1).toLowerCase();
        lookUpPieces(NEGATIONS[part.toLowerCase()] ?? stem, index, onWord, onUnknown);
        lookUpPieces("not", index, onWord, onUnknown);
        p += 2;
        continue;
      }
      const apostropheBefore = p > 0 && parts[p - 1] !== undefined;
      if (apostropheBefore && CLITICS.has(part.toLowerCase())) continue;
      const row = index.get(part.toLowerCase());
      if (row !== undefined) onWord(row);
      else lookUpPieces(part, index, onWord, onUnknown);
    }
  }
}

/** The raw tokens of `text` (for tests and docs). */
export function rawTokens(text: string): string[] {
  return Array.from((isAscii(text) ? text : text.normalize("NFC")).matchAll(RAW_TOKEN), (m) => m[0]);
}

function lookUpPieces(part: string, index: ReadonlyMap<string, number>, onWord: (row: number) => void, onUnknown: (piece: string) => void): void {
  const lower = part.toLowerCase();
  const row = index.get(lower);
  if (row !== undefined) {
    onWord(row);
    return;
  }
  const pieces = part.match(CASE_PIECES);
  if (pieces === null || pieces.length <= 1) {
    lookUpInflected(lower, index, onWord, onUnknown);
    return;
  }
  for (const piece of pieces) {
    const pieceLower = piece.toLowerCase();
    const pieceRow = index.get(pieceLower);
    if (pieceRow !== undefined) onWord(pieceRow);
    else lookUpInflected(pieceLower, index, onWord, onUnknown);
  }
}

/** The last resort for a piece that cannot be split further: a base form of it in the vocabulary. */
function lookUpInflected(lower: string, index: ReadonlyMap<string, number>, onWord: (row: number) => void, onUnknown: (piece: string) => void): void {
  for (const base of inflectionBases(lower)) {
    const row = index.get(base);
    if (row !== undefined) {
      onWord(row);
      return;
    }
  }
  onUnknown(lower);
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}
