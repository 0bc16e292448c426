/**
 * `hashing`: Quiver's built-in offline embedding function. No download, no
 * network, no native code: it hashes the words and character n-grams of a text
 * into a fixed number of buckets.
 *
 * It is LEXICAL, not semantic: two texts are close when they share words and
 * spellings ("vector database" ~ "vector databases"), not when they mean the
 * same thing ("car" is not close to "automobile"). Use it for tests, demos,
 * offline search over code and docs, and as a baseline; use a model-based
 * provider when meaning matters.
 *
 * @module
 */

import { Float, Float32 } from "apache-arrow";
import { InvalidArgumentError } from "../../errors.js";
import type { EmbeddingBatch, EmbeddingVector } from "../embedding-function.js";
import { BUILT_IN_NAME } from "../function-names.js";
import { TextEmbeddingFunction } from "../text-embedding-function.js";
import { fmix32 } from "../../util/hash.js";

// 1. Registry name (the catalogue in built-in-functions.ts maps it to this class).
/** The registry name of {@link HashingEmbeddingFunction}. */
export const HASHING_FUNCTION_NAME = "hashing";

const DEFAULTS = {
  ndims: 384,
  charNgramMin: 3,
  charNgramMax: 5,
  wordWeight: 0.5,
  lowercase: true,
  foldAccents: true,
} as const;

const LIMITS = { ndimsMin: 2, ndimsMax: 65_536, ngramMax: 16 } as const;

// 2. Options.
/**
 * Options of the `hashing` function (all optional; saved with the table).
 * Values may be `$var:` references; numbers and booleans given as strings
 * ("256", "false") are accepted.
 */
export type HashingOptions = {
  /** Vector width (number of hash buckets). Default 384. */
  ndims?: number | string;
  /** Shortest character n-gram, counting the word-boundary markers. Default 3. */
  charNgramMin?: number | string;
  /** Longest character n-gram. Default 5. */
  charNgramMax?: number | string;
  /** Share of whole-word features vs character n-grams, 0..1. Default 0.5. */
  wordWeight?: number | string;
  /** Compare case-insensitively. Default true. */
  lowercase?: boolean | string;
  /** Ignore accents ("café" = "cafe"). Default true. */
  foldAccents?: boolean | string;
};

const OPTION_NAMES = ["ndims", "charNgramMin", "charNgramMax", "wordWeight", "lowercase", "foldAccents"] as const;
const COMBINING_MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;

// Hashing constants: 32-bit FNV-1a over UTF-8 bytes, then murmur3's finaliser.
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const WORD_SEED = fnvByte(FNV_OFFSET, 0x01);
const NGRAM_SEED = fnvByte(FNV_OFFSET, 0x02);
const FALLBACK_SEED = fnvByte(FNV_OFFSET, 0x03);
const BOUNDARY_START = 0x3c; // "<"
const BOUNDARY_END = 0x3e; // ">"

// 3. The class.
/**
 * Feature-hashing text embeddings: word unigrams and character n-grams (3 to 5
 * characters of each word wrapped in `<` `>` markers), each hashed with a fixed
 * 32-bit hash (FNV-1a over UTF-8, murmur3 finaliser) to a bucket and a sign
 * (signed hashing, so collisions cancel out on average instead of piling up),
 * weighted by sublinear term frequency (the square root of the count), the
 * word part and the n-gram part each normalised and mixed by `wordWeight`, and
 * the result L2-normalised — ready for cosine or dot-product search.
 *
 * Deterministic across processes, machines and platforms: the same text and
 * options always give the same bits (integer hashing; only `sqrt` and
 * additions, which IEEE 754 rounds the same everywhere). ASCII text depends on
 * nothing else; other text also goes through Unicode normalisation and case
 * mapping, whose tables only grow with new Unicode versions (characters that
 * exist today keep their mapping).
 *
 * Text handling: NFKC-normalised, lower-cased and accent-folded ("Café" =
 * "cafe"), each switchable; words are runs of letters and
 * digits (punctuation and symbols separate words; a text with none, e.g. "?!",
 * is hashed as its non-space runs). Every text with a non-space character gets a
 * unit vector, never a zero vector. Null, empty and whitespace-only sources get
 * a null vector from the ingest stage and are never sent here. Scripts written
 * without spaces (Chinese, Japanese) are matched through their character
 * n-grams only.
 *
 * Lexical, not semantic: see the module notes.
 *
 * @example
 * ```ts
 * const fn = getRegistry().get("hashing")!.create({ ndims: 256 });
 * const [a, b] = await fn.computeSourceEmbeddings(["vector database", "vector databases"]);
 * ```
 */
export class HashingEmbeddingFunction extends TextEmbeddingFunction<HashingOptions> {
  /** @internal the built-in registry name, an own property of this class only. */
  static readonly [BUILT_IN_NAME] = HASHING_FUNCTION_NAME;

  readonly #ndims: number;
  readonly #ngramMin: number;
  readonly #ngramMax: number;
  readonly #wordWeight: number;
  readonly #lowercase: boolean;
  readonly #foldAccents: boolean;

  // Scratch buffers, reused across texts.
  #bytes: Uint8Array = new Uint8Array(1024);
  #wordFeatures: Uint32Array = new Uint32Array(256);
  #ngramFeatures: Uint32Array = new Uint32Array(2048);
  #charStarts: Int32Array = new Int32Array(256);
  readonly #wordAcc: Float64Array;
  readonly #ngramAcc: Float64Array;
  readonly #encoder = new TextEncoder();

  constructor(options: HashingOptions = {}) {
    super();
    const resolved = this.resolveVariables(options);
    for (const key of Object.keys(resolved)) {
      if (!(OPTION_NAMES as readonly string[]).includes(key)) {
        throw optionError(key, `is not an option of "hashing"; the options are ${OPTION_NAMES.join(", ")}`);
      }
    }
    this.#ndims = intOption(resolved.ndims, "ndims", DEFAULTS.ndims, LIMITS.ndimsMin, LIMITS.ndimsMax);
    this.#ngramMin = intOption(resolved.charNgramMin, "charNgramMin", DEFAULTS.charNgramMin, 1, LIMITS.ngramMax);
    this.#ngramMax = intOption(resolved.charNgramMax, "charNgramMax", DEFAULTS.charNgramMax, 1, LIMITS.ngramMax);
    if (this.#ngramMax < this.#ngramMin) {
      throw optionError("charNgramMax", `(${this.#ngramMax}) must be at least charNgramMin (${this.#ngramMin})`);
    }
    this.#wordWeight = numberOption(resolved.wordWeight, "wordWeight", DEFAULTS.wordWeight, 0, 1);
    this.#lowercase = boolOption(resolved.lowercase, "lowercase", DEFAULTS.lowercase);
    this.#foldAccents = boolOption(resolved.foldAccents, "foldAccents", DEFAULTS.foldAccents);
    this.#wordAcc = new Float64Array(this.#ndims);
    this.#ngramAcc = new Float64Array(this.#ndims);
  }

  /** Hashing a text is cheaper than looking it up, so its output is never cached. */
  override worthCaching(): boolean {
    return false;
  }

  override ndims(): number {
    return this.#ndims;
  }

  override embeddingDataType(): Float {
    return new Float32();
  }

  /** The embeddings of `texts`: views into one Float32Array, one per text. */
  async generateEmbeddings(texts: string[]): Promise<EmbeddingBatch> {
    return this.embedBatchSync(texts);
  }

  override async computeQueryEmbeddings(data: string): Promise<EmbeddingVector> {
    return this.embedSync(data);
  }

  /** The embedding of one text, synchronously. */
  embedSync(text: string): Float32Array {
    const out = new Float32Array(this.#ndims);
    this.#embedInto(String(text), out, 0);
    return out;
  }

  /** The embeddings of `texts`, synchronously: views into one Float32Array. */
  embedBatchSync(texts: readonly string[]): Float32Array[] {
    const d = this.#ndims;
    const all = new Float32Array(texts.length * d);
    const out: Float32Array[] = new Array<Float32Array>(texts.length);
    for (let i = 0; i < texts.length; i++) {
      this.#embedInto(String(texts[i]), all, i * d);
      out[i] = all.subarray(i * d, (i + 1) * d);
    }
    return out;
  }

  #embedInto(text: string, out: Float32Array, offset: number): void {
    let byteLength = this.#encode(this.#lowercase ? text.toLowerCase() : text);
    if (byteLength !== text.length) {
      // Not pure ASCII: fold compatibility forms (ligatures, full-width letters) and, by default, accents.
      const normalised = this.#foldAccents
        ? text.normalize("NFKD").replace(COMBINING_MARKS, "").normalize("NFC")
        : text.normalize("NFKC");
      byteLength = this.#encode(this.#lowercase ? normalised.toLowerCase() : normalised);
    }
    const bytes = this.#bytes;
    let wordCount = 0;
    let ngramCount = 0;

    // Pass 1: words are runs of letters and digits; pass 2 (only when there are
    // none): runs of anything but white space.
    for (let pass = 0; pass < 2 && wordCount === 0; pass++) {
      let i = 0;
      while (i < byteLength) {
        // Skip separators.
        let cpLength = 1;
        while (i < byteLength) {
          cpLength = utf8Length(bytes[i]!);
          if (isWordAt(bytes, i, cpLength, pass)) break;
          i += cpLength;
        }
        if (i >= byteLength) break;
        const start = i;
        let chars = 0;
        while (i < byteLength) {
          cpLength = utf8Length(bytes[i]!);
          if (!isWordAt(bytes, i, cpLength, pass)) break;
          if (chars >= this.#charStarts.length) this.#charStarts = grow32(this.#charStarts, chars + 1);
          this.#charStarts[chars++] = i;
          i += cpLength;
        }
        const end = Math.min(i, byteLength);
        // Word unigram.
        let h = WORD_SEED;
        for (let b = start; b < end; b++) h = Math.imul(h ^ bytes[b]!, FNV_PRIME);
        if (wordCount >= this.#wordFeatures.length) this.#wordFeatures = growU32(this.#wordFeatures, wordCount + 1);
        this.#wordFeatures[wordCount++] = h >>> 0;
        // Character n-grams of "<word>": chars 0 and chars+1 are the markers.
        const total = chars + 2;
        const needed = ngramCount + total * (this.#ngramMax - this.#ngramMin + 1);
        if (needed > this.#ngramFeatures.length) this.#ngramFeatures = growU32(this.#ngramFeatures, needed);
        const features = this.#ngramFeatures;
        const starts = this.#charStarts;
        for (let s = 0; s + this.#ngramMin <= total; s++) {
          let g = NGRAM_SEED;
          const last = Math.min(total, s + this.#ngramMax);
          for (let c = s; c < last; c++) {
            if (c === 0) g = Math.imul(g ^ BOUNDARY_START, FNV_PRIME);
            else if (c === total - 1) g = Math.imul(g ^ BOUNDARY_END, FNV_PRIME);
            else {
              const from = starts[c - 1]!;
              const to = c < chars ? starts[c]! : end;
              for (let b = from; b < to; b++) g = Math.imul(g ^ bytes[b]!, FNV_PRIME);
            }
            if (c - s + 1 >= this.#ngramMin) features[ngramCount++] = g >>> 0;
          }
        }
      }
    }

    const d = this.#ndims;
    const wordAcc = this.#wordAcc;
    const ngramAcc = this.#ngramAcc;
    const wordNorm = accumulate(this.#wordFeatures, wordCount, wordAcc, d);
    const ngramNorm = accumulate(this.#ngramFeatures, ngramCount, ngramAcc, d);
    const wordScale = wordNorm > 0 ? this.#wordWeight / wordNorm : 0;
    const ngramScale = ngramNorm > 0 ? (1 - this.#wordWeight) / ngramNorm : 0;
    let sumSquares = 0;
    for (let k = 0; k < d; k++) {
      const v = wordAcc[k]! * wordScale + ngramAcc[k]! * ngramScale;
      wordAcc[k] = v;
      sumSquares += v * v;
    }
    if (sumSquares > 0) {
      const inv = 1 / Math.sqrt(sumSquares);
      for (let k = 0; k < d; k++) out[offset + k] = wordAcc[k]! * inv;
    } else {
      // Every feature cancelled out (or there were none): one deterministic bucket, so
      // the vector is still a unit vector that cosine distance can use.
      let h = FALLBACK_SEED;
      for (let b = 0; b < byteLength; b++) h = Math.imul(h ^ bytes[b]!, FNV_PRIME);
      out.fill(0, offset, offset + d);
      out[offset + ((fmix32(h) & 0x7fffffff) % d)] = 1;
    }
    wordAcc.fill(0);
    ngramAcc.fill(0);
  }

  /** UTF-8 of `text` into the scratch buffer; returns the byte length. */
  #encode(text: string): number {
    if (this.#bytes.length < text.length * 3) this.#bytes = new Uint8Array(Math.max(text.length * 3, this.#bytes.length * 2));
    return this.#encoder.encodeInto(text, this.#bytes).written;
  }
}

/**
 * Adds the features to `acc` with sublinear tf (sqrt of the count) and a
 * hash-derived sign; returns the L2 norm of the result.
 */
function accumulate(features: Uint32Array, count: number, acc: Float64Array, d: number): number {
  if (count === 0) return 0;
  const sorted = features.subarray(0, count).sort();
  let i = 0;
  while (i < count) {
    const h = sorted[i]!;
    let j = i + 1;
    while (j < count && sorted[j] === h) j++;
    const mixed = fmix32(h);
    const bucket = (mixed & 0x7fffffff) % d;
    const weight = j - i === 1 ? 1 : Math.sqrt(j - i);
    acc[bucket]! += mixed & 0x80000000 ? -weight : weight;
    i = j;
  }
  let sumSquares = 0;
  for (let k = 0; k < d; k++) sumSquares += acc[k]! * acc[k]!;
  return Math.sqrt(sumSquares);
}

function fnvByte(h: number, byte: number): number {
  return Math.imul(h ^ byte, FNV_PRIME) >>> 0;
}

/** Bytes in the UTF-8 sequence starting with `lead` (1 for stray continuation bytes). */
function utf8Length(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xf0) return 4;
  if (lead >= 0xe0) return 3;
  if (lead >= 0xc0) return 2;
  return 1;
}

/** Whether the code point at `i` belongs to a word (pass 0: letters and digits; pass 1: not white space). */
function isWordAt(bytes: Uint8Array, i: number, length: number, pass: number): boolean {
  const b = bytes[i]!;
  if (length === 1) {
    if (pass === 1) return b > 0x20 && b !== 0x7f;
    return (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a) || b >= 0x80;
  }
  let cp: number;
  if (length === 2) cp = ((b & 0x1f) << 6) | (bytes[i + 1]! & 0x3f);
  else if (length === 3) cp = ((b & 0x0f) << 12) | ((bytes[i + 1]! & 0x3f) << 6) | (bytes[i + 2]! & 0x3f);
  else cp = ((b & 0x07) << 18) | ((bytes[i + 1]! & 0x3f) << 12) | ((bytes[i + 2]! & 0x3f) << 6) | (bytes[i + 3]! & 0x3f);
  return pass === 1 ? !isSpace(cp) : isWordCodePoint(cp);
}

/** Letters, digits and other word characters outside ASCII: everything but the punctuation, symbol and space blocks. */
function isWordCodePoint(cp: number): boolean {
  if (cp <= 0xbf) return cp === 0xaa || cp === 0xb5 || cp === 0xba || cp === 0xb2 || cp === 0xb3 || cp === 0xb9;
  if (cp === 0xd7 || cp === 0xf7) return false;
  if (cp >= 0x2000 && cp <= 0x2bff) return false; // punctuation, arrows, maths, technical, box drawing, symbols
  if (cp >= 0x2e00 && cp <= 0x2e7f) return false; // supplemental punctuation
  if (cp >= 0x3000 && cp <= 0x303f) return false; // CJK symbols and punctuation
  if (cp >= 0xfe10 && cp <= 0xfe1f) return false; // vertical forms
  if (cp >= 0xfe30 && cp <= 0xfe4f) return false; // CJK compatibility forms
  if (cp === 0xfeff) return false;
  if (cp >= 0xff00 && cp <= 0xff0f) return false; // full-width punctuation
  if (cp >= 0xff1a && cp <= 0xff20) return false;
  if (cp >= 0xff3b && cp <= 0xff40) return false;
  if (cp >= 0xff5b && cp <= 0xff65) return false;
  return true;
}

function isSpace(cp: number): boolean {
  return (
    cp === 0x85 || cp === 0xa0 || cp === 0x1680 || (cp >= 0x2000 && cp <= 0x200b) ||
    cp === 0x2028 || cp === 0x2029 || cp === 0x202f || cp === 0x205f || cp === 0x3000 || cp === 0xfeff
  );
}

function growU32(a: Uint32Array, min: number): Uint32Array {
  const next = new Uint32Array(Math.max(min, a.length * 2));
  next.set(a);
  return next;
}

function grow32(a: Int32Array, min: number): Int32Array {
  const next = new Int32Array(Math.max(min, a.length * 2));
  next.set(a);
  return next;
}

function optionError(option: string, problem: string): InvalidArgumentError {
  return new InvalidArgumentError(
    `Embedding function "${HASHING_FUNCTION_NAME}": option "${option}" ${problem}. ` +
      `Fix the options passed to getRegistry().get("hashing").create(...) (or new HashingEmbeddingFunction(...)).`,
    option,
  );
}

function toNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "") return Number(value);
  return Number.NaN;
}

function intOption(value: unknown, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined || value === null) return fallback;
  const n = toNumber(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw optionError(name, `must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

function numberOption(value: unknown, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined || value === null) return fallback;
  const n = toNumber(value);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw optionError(name, `must be a number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

function boolOption(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  if (value === true || value === "true") return true;
  if (value === false || value === "false") return false;
  throw optionError(name, `must be true or false, got ${JSON.stringify(value)}`);
}
