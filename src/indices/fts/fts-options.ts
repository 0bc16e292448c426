import { InvalidArgumentError, NotSupportedError } from "../../errors.js";

/**
 * How the text is first cut into tokens (LanceDB's names). Quiver implements
 * "simple", "whitespace", "raw" and "ngram"; the dictionary-based ones ("icu",
 * "jieba/...", "lindera/...") are refused with NotSupportedError.
 */
export type BaseTokenizer = "simple" | "whitespace" | "raw" | "ngram" | "icu" | "icu/split" | `jieba/${string}` | `lindera/${string}`;

/**
 * Options of a full-text index (LanceDB's `FtsOptions`, same names and defaults).
 * They decide which tokens a text becomes, both when rows are indexed and when
 * a query is tokenized, so a query matches exactly the documents that share its
 * tokens after the same processing.
 */
export interface FtsOptions {
  /**
   * Store token positions (default true). Needed for phrase queries; without
   * them the index is smaller and faster to build.
   */
  withPosition?: boolean;
  /**
   * "simple" (default): split on every character that is not a letter or digit;
   * "whitespace": split on whitespace only; "raw": the whole text is one token;
   * "ngram": character n-grams of the text (see ngramMinLength/ngramMaxLength).
   */
  baseTokenizer?: BaseTokenizer;
  /** Language of stemming and stop words (default "English", the only one built in). */
  language?: string;
  /** Tokens longer than this many characters are dropped (default 40). */
  maxTokenLength?: number;
  /** Lowercase tokens (default true). */
  lowercase?: boolean;
  /** Reduce words to a stem, so "indexes" matches "indexing" (default true). */
  stem?: boolean;
  /** Drop very common words such as "the" and "of" (default true). */
  removeStopWords?: boolean;
  /** Stop words replacing the built-in list (only with removeStopWords; [] removes none). */
  customStopWords?: string[];
  /** Fold accented and other non-ASCII letters to ASCII, so "café" matches "cafe" (default true). */
  asciiFolding?: boolean;
  /** Shortest n-gram of the "ngram" tokenizer (default 3). */
  ngramMinLength?: number;
  /** Longest n-gram of the "ngram" tokenizer (default 3). */
  ngramMaxLength?: number;
  /** With "ngram": only the n-grams that start the text (default false). */
  prefixOnly?: boolean;
  /** Posting block size of LanceDB's format; accepted and ignored (Quiver's blocks are always 128 postings). */
  blockSize?: 128 | 256;
}

/** The options of a full-text index after defaults and checks: what the tokenizer runs on. */
export interface FtsParams {
  readonly baseTokenizer: "simple" | "whitespace" | "raw" | "ngram";
  readonly language: string;
  readonly withPosition: boolean;
  /** Longest kept token in characters; null keeps every token. */
  readonly maxTokenLength: number | null;
  readonly lowercase: boolean;
  readonly stem: boolean;
  readonly removeStopWords: boolean;
  /** Replaces the built-in stop words when set. */
  readonly customStopWords: readonly string[] | null;
  readonly asciiFolding: boolean;
  readonly ngramMinLength: number;
  readonly ngramMaxLength: number;
  readonly prefixOnly: boolean;
}

/** The defaults of LanceDB's `Index.fts()`. */
export const DEFAULT_FTS_PARAMS: FtsParams = Object.freeze({
  baseTokenizer: "simple",
  language: "English",
  withPosition: true,
  maxTokenLength: 40,
  lowercase: true,
  stem: true,
  removeStopWords: true,
  customStopWords: null,
  asciiFolding: true,
  ngramMinLength: 3,
  ngramMaxLength: 3,
  prefixOnly: false,
});

/** Languages with a built-in stemmer and stop-word list. */
export const FTS_LANGUAGES: readonly string[] = Object.freeze(["English"]);

const OPTION_NAMES: readonly string[] = [
  "withPosition",
  "baseTokenizer",
  "language",
  "maxTokenLength",
  "lowercase",
  "stem",
  "removeStopWords",
  "customStopWords",
  "asciiFolding",
  "ngramMinLength",
  "ngramMaxLength",
  "prefixOnly",
  "blockSize",
];

/**
 * Checks user options and fills in the defaults. Unknown options and wrong
 * types fail with InvalidArgumentError naming the option; features Quiver does
 * not have (other languages, dictionary tokenizers) with NotSupportedError.
 */
export function resolveFtsOptions(options: Partial<FtsOptions> | undefined): FtsParams {
  const given = (options ?? {}) as Record<string, unknown>;
  if (typeof given !== "object" || given === null || Array.isArray(given)) {
    throw new InvalidArgumentError(`Index.fts() takes an options object such as {stem: false}, got ${JSON.stringify(options)}.`, "options");
  }
  for (const key of Object.keys(given)) {
    if (!OPTION_NAMES.includes(key)) {
      throw new InvalidArgumentError(
        `Index.fts(): unknown option '${key}'; the options are ${OPTION_NAMES.join(", ")}.`,
        key,
      );
    }
  }
  const bool = (name: keyof FtsOptions, fallback: boolean): boolean => {
    const value = given[name];
    if (value === undefined) return fallback;
    if (typeof value !== "boolean") {
      throw new InvalidArgumentError(`Index.fts(): ${name} must be true or false, got ${JSON.stringify(value)}.`, name);
    }
    return value;
  };
  const positive = (name: keyof FtsOptions, fallback: number): number => {
    const value = given[name];
    if (value === undefined) return fallback;
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
      throw new InvalidArgumentError(`Index.fts(): ${name} must be a whole number of at least 1, got ${JSON.stringify(value)}.`, name);
    }
    return value;
  };

  const base = given.baseTokenizer ?? DEFAULT_FTS_PARAMS.baseTokenizer;
  if (typeof base !== "string") {
    throw new InvalidArgumentError(`Index.fts(): baseTokenizer must be a string such as "simple", got ${JSON.stringify(base)}.`, "baseTokenizer");
  }
  if (base !== "simple" && base !== "whitespace" && base !== "raw" && base !== "ngram") {
    throw new NotSupportedError(
      `Index.fts(): baseTokenizer "${base}" is not available in Quiver; it offers "simple", "whitespace", "raw" and "ngram". ` +
        `Use "simple" (the default) for text in languages that separate words with spaces or punctuation.`,
    );
  }
  const language = given.language ?? DEFAULT_FTS_PARAMS.language;
  if (typeof language !== "string" || language.trim() === "") {
    throw new InvalidArgumentError(`Index.fts(): language must be a name such as "English", got ${JSON.stringify(language)}.`, "language");
  }
  const canonical = FTS_LANGUAGES.find((l) => l.toLowerCase() === language.trim().toLowerCase()) ?? language.trim();
  const stem = bool("stem", DEFAULT_FTS_PARAMS.stem);
  const removeStopWords = bool("removeStopWords", DEFAULT_FTS_PARAMS.removeStopWords);
  let customStopWords: string[] | null = null;
  if (given.customStopWords !== undefined) {
    const words = given.customStopWords;
    if (!Array.isArray(words) || words.some((w) => typeof w !== "string")) {
      throw new InvalidArgumentError(`Index.fts(): customStopWords must be an array of strings, got ${JSON.stringify(words)}.`, "customStopWords");
    }
    customStopWords = [...(words as string[])];
  }
  const needsLanguage = stem || (removeStopWords && customStopWords === null);
  if (needsLanguage && !FTS_LANGUAGES.includes(canonical)) {
    throw new NotSupportedError(
      `Index.fts(): language "${language}" has no built-in stemmer or stop words in Quiver (it has ${FTS_LANGUAGES.join(", ")}). ` +
        `Pass {stem: false, removeStopWords: false}, or customStopWords with your own list, to index "${language}" text without them.`,
    );
  }
  let maxTokenLength: number | null = DEFAULT_FTS_PARAMS.maxTokenLength;
  if (given.maxTokenLength === null) maxTokenLength = null;
  else if (given.maxTokenLength !== undefined) maxTokenLength = positive("maxTokenLength", 40);
  const ngramMinLength = positive("ngramMinLength", DEFAULT_FTS_PARAMS.ngramMinLength);
  const ngramMaxLength = positive("ngramMaxLength", Math.max(ngramMinLength, DEFAULT_FTS_PARAMS.ngramMaxLength));
  if (ngramMaxLength < ngramMinLength) {
    throw new InvalidArgumentError(
      `Index.fts(): ngramMaxLength (${ngramMaxLength}) is below ngramMinLength (${ngramMinLength}); make the maximum at least the minimum.`,
      "ngramMaxLength",
    );
  }
  if (given.blockSize !== undefined && given.blockSize !== 128 && given.blockSize !== 256) {
    throw new InvalidArgumentError(`Index.fts(): blockSize must be 128 or 256, got ${JSON.stringify(given.blockSize)}.`, "blockSize");
  }
  return Object.freeze({
    baseTokenizer: base,
    language: canonical,
    withPosition: bool("withPosition", DEFAULT_FTS_PARAMS.withPosition),
    maxTokenLength,
    lowercase: bool("lowercase", DEFAULT_FTS_PARAMS.lowercase),
    stem,
    removeStopWords,
    customStopWords: customStopWords === null ? null : Object.freeze(customStopWords),
    asciiFolding: bool("asciiFolding", DEFAULT_FTS_PARAMS.asciiFolding),
    ngramMinLength,
    ngramMaxLength,
    prefixOnly: bool("prefixOnly", DEFAULT_FTS_PARAMS.prefixOnly),
  });
}

/**
 * The parameters as stored in a manifest, with the snake_case keys LanceDB's
 * inverted-index parameters use.
 */
export function encodeFtsParams(params: FtsParams): Record<string, unknown> {
  return {
    base_tokenizer: params.baseTokenizer,
    language: params.language,
    with_position: params.withPosition,
    max_token_length: params.maxTokenLength,
    lower_case: params.lowercase,
    stem: params.stem,
    remove_stop_words: params.removeStopWords,
    ...(params.customStopWords === null ? {} : { custom_stop_words: [...params.customStopWords] }),
    ascii_folding: params.asciiFolding,
    min_ngram_length: params.ngramMinLength,
    max_ngram_length: params.ngramMaxLength,
    prefix_only: params.prefixOnly,
  };
}

/** Reads stored parameters (snake_case, or the camelCase option names); missing keys take the defaults. */
export function decodeFtsParams(stored: Readonly<Record<string, unknown>>): FtsParams {
  const pick = <T>(snake: string, camel: string, fallback: T): T => {
    const value = stored[snake] ?? stored[camel];
    return value === undefined ? fallback : (value as T);
  };
  const d = DEFAULT_FTS_PARAMS;
  const custom = pick<string[] | null>("custom_stop_words", "customStopWords", null);
  return Object.freeze({
    baseTokenizer: pick("base_tokenizer", "baseTokenizer", d.baseTokenizer),
    language: pick("language", "language", d.language),
    withPosition: pick("with_position", "withPosition", d.withPosition),
    maxTokenLength: pick("max_token_length", "maxTokenLength", d.maxTokenLength),
    lowercase: pick("lower_case", "lowercase", d.lowercase),
    stem: pick("stem", "stem", d.stem),
    removeStopWords: pick("remove_stop_words", "removeStopWords", d.removeStopWords),
    customStopWords: custom === null ? null : Object.freeze([...custom]),
    asciiFolding: pick("ascii_folding", "asciiFolding", d.asciiFolding),
    ngramMinLength: pick("min_ngram_length", "ngramMinLength", d.ngramMinLength),
    ngramMaxLength: pick("max_ngram_length", "ngramMaxLength", d.ngramMaxLength),
    prefixOnly: pick("prefix_only", "prefixOnly", d.prefixOnly),
  });
}
