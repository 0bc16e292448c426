/**
 * Base tokenizers: the first step of the pipeline, cutting a text into raw
 * tokens and numbering them. Positions count every raw token, so when a later
 * step drops one (a stop word, an over-long token) the gap stays visible to
 * phrase queries.
 */

/** Receives each raw token and its position (0, 1, 2... in text order). */
export type EmitToken = (token: string, position: number) => void;

/** Cuts `text` into tokens. */
export type BaseTokenizerFn = (text: string, emit: EmitToken) => void;

const ASCII_WORD = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  ASCII_WORD[c] = /[A-Za-z0-9]/.test(ch) ? 1 : 0;
}
const WORD_CHAR = /^[\p{Alphabetic}\p{N}\p{M}]$/u;

function isWordChar(text: string, at: number): { word: boolean; width: number } {
  const code = text.charCodeAt(at);
  if (code < 128) return { word: ASCII_WORD[code] === 1, width: 1 };
  const point = text.codePointAt(at)!;
  const width = point > 0xffff ? 2 : 1;
  return { word: WORD_CHAR.test(String.fromCodePoint(point)), width };
}

/**
 * "simple": a token is a maximal run of letters and digits (any script), with
 * combining marks kept in their word; everything else separates tokens.
 * "don't" gives "don" and "t"; "C++17" gives "C" and "17".
 */
export const splitSimple: BaseTokenizerFn = (text, emit) => {
  let position = 0;
  let start = -1;
  const n = text.length;
  for (let i = 0; i < n; ) {
    const code = text.charCodeAt(i);
    let word: boolean;
    let width = 1;
    if (code < 128) word = ASCII_WORD[code] === 1;
    else ({ word, width } = isWordChar(text, i));
    if (word) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      emit(text.slice(start, i), position++);
      start = -1;
    }
    i += width;
  }
  if (start >= 0) emit(text.slice(start), position);
};

const WHITESPACE = /\s+/u;

/** "whitespace": tokens are the runs between whitespace; punctuation stays attached ("end." is one token). */
export const splitWhitespace: BaseTokenizerFn = (text, emit) => {
  let position = 0;
  for (const part of text.split(WHITESPACE)) {
    if (part.length > 0) emit(part, position++);
  }
};

/** "raw": the whole text is one token (for ids, tags and other exact values). */
export const splitRaw: BaseTokenizerFn = (text, emit) => {
  if (text.length > 0) emit(text, 0);
};

/**
 * "ngram": every run of `min`..`max` characters of the text (or, with
 * `prefixOnly`, only those starting the text), numbered in order. Suits
 * substring-like matching of short values such as names and codes.
 */
export function ngramSplitter(min: number, max: number, prefixOnly: boolean): BaseTokenizerFn {
  return (text, emit) => {
    const chars = Array.from(text);
    let position = 0;
    const starts = prefixOnly ? Math.min(1, chars.length) : chars.length;
    for (let start = 0; start < starts; start++) {
      for (let length = min; length <= max && start + length <= chars.length; length++) {
        emit(chars.slice(start, start + length).join(""), position++);
      }
    }
  };
}
