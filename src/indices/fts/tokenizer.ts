import { NotSupportedError } from "../../errors.js";
import { foldToAscii } from "./ascii-folding.js";
import { type BaseTokenizerFn, ngramSplitter, splitRaw, splitSimple, splitWhitespace } from "./base-tokenizer.js";
import { stemEnglish } from "./english-stemmer.js";
import type { FtsParams } from "./fts-options.js";
import { STOP_WORDS } from "./stop-words.js";

/** The tokens of one text: terms in text order with their positions (gaps where tokens were dropped). */
export interface TokenList {
  readonly terms: string[];
  readonly positions: number[];
}

/**
 * Turns text into index terms. The same tokenizer runs on stored rows and on
 * query text, so both sides agree on what a word is.
 */
export interface Tokenizer {
  readonly params: FtsParams;
  tokenize(text: string): TokenList;
  /** The same tokens as {@link tokenize}, handed over one by one (no arrays: the index build's path). */
  forEachToken(text: string, emit: (term: string, position: number) => void): void;
}

/**
 * Raw tokens whose processed form is remembered per tokenizer. Text repeats
 * its words (a Zipf law), so nearly every token is a hit and the chain of
 * lowercasing, folding, stop-word lookup and stemming — most of the cost of
 * tokenizing — runs once per distinct word. Past this many entries the memo
 * starts over, which bounds its memory on texts with unbounded vocabularies.
 */
const MEMO_LIMIT = 65536;

/**
 * The pipeline of a full-text index, in this order:
 * 1. the base tokenizer cuts the text and numbers the raw tokens;
 * 2. tokens longer than `maxTokenLength` characters are dropped;
 * 3. `lowercase`;
 * 4. `asciiFolding` ("Café" → "cafe"), before the word lists so they see plain letters;
 * 5. `removeStopWords` (the language's list, or `customStopWords`);
 * 6. `stem` (the language's stemmer).
 * A dropped token keeps its position, so phrase queries do not match across it.
 */
export function createTokenizer(params: FtsParams): Tokenizer {
  const split = baseTokenizer(params);
  const maxLength = params.maxTokenLength ?? Infinity;
  const stopWords = params.removeStopWords ? (params.customStopWords ? new Set(params.customStopWords) : STOP_WORDS.get(params.language)) : undefined;
  const stem = params.stem ? stemmerFor(params.language) : undefined;
  const { lowercase, asciiFolding } = params;
  /** The term of a raw token, or null when the token is dropped. */
  const process = (raw: string): string | null => {
    if (raw.length > maxLength) return null;
    let token = lowercase ? raw.toLowerCase() : raw;
    if (asciiFolding) token = foldToAscii(token);
    if (stopWords?.has(token)) return null;
    if (stem) token = stem(token);
    return token.length === 0 ? null : token;
  };
  const memo = new Map<string, string | null>();
  const termOf = (raw: string): string | null => {
    let term = memo.get(raw);
    if (term === undefined) {
      term = process(raw);
      if (memo.size >= MEMO_LIMIT) memo.clear();
      memo.set(raw, term);
    }
    return term;
  };
  const forEachToken = (text: string, emit: (term: string, position: number) => void): void => {
    split(text, (raw, position) => {
      const term = termOf(raw);
      if (term !== null) emit(term, position);
    });
  };
  return Object.freeze({
    params,
    forEachToken,
    tokenize(text: string): TokenList {
      const terms: string[] = [];
      const positions: number[] = [];
      forEachToken(text, (term, position) => {
        terms.push(term);
        positions.push(position);
      });
      return { terms, positions };
    },
  });
}

function baseTokenizer(params: FtsParams): BaseTokenizerFn {
  switch (params.baseTokenizer) {
    case "simple":
      return splitSimple;
    case "whitespace":
      return splitWhitespace;
    case "raw":
      return splitRaw;
    case "ngram":
      return ngramSplitter(params.ngramMinLength, params.ngramMaxLength, params.prefixOnly);
  }
}

function stemmerFor(language: string): (token: string) => string {
  if (language === "English") return stemEnglish;
  throw new NotSupportedError(
    `this full-text index stems "${language}" text, and Quiver has a stemmer for English only; ` +
      `recreate the index with createIndex(column, {config: Index.fts({stem: false})}).`,
  );
}
