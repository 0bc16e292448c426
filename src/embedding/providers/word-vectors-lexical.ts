/**
 * The lexical part of the `word-vectors` function: a hashed bag of the text's
 * words and of their character n-grams, weighted like TF-IDF, so that names
 * and technical words ("tsx", "minify", "regexp") count as themselves instead
 * of being blurred into an average of 100-dimensional vectors, or skipped when
 * out of vocabulary.
 *
 * - Each word is a feature: a known word by its base form when a more frequent
 *   one is in the vocabulary ("spawned", "spawns" -> "spawn"; see
 *   `word-vectors-stem.ts`), an unknown piece by its lower-cased spelling.
 * - Its weight is `sqrt(count) * idf`: a word said twice does not count twice
 *   as much, and `idf = -log p(word)` with `p` estimated from the word's
 *   frequency rank (the Zipf law of `word-vectors-sif.ts`): about 4 for "the",
 *   9 for a word of rank 1,000, 15 for the rarest. An unknown piece gets the
 *   weight of the rarest word: a name the vocabulary lacks is the most telling
 *   word of a text.
 * - Each word also adds its character 3- to 5-grams (of `<word>` as written,
 *   with the word's weight at each occurrence), so that "crawler" still meets "crawl" and "esbuild" meets
 *   "build": spellings a word list cannot relate. `ngramWeight` is their share.
 * - Words and n-grams land in `dims` buckets with a sign, both from a hash; the
 *   random sign makes collisions cancel out on average instead of adding up.
 *
 * @internal
 * @module
 */

import type { WordVectors } from "./word-vectors-cache.js";
import { zipfProbabilities } from "./word-vectors-sif.js";
import { inflectionBases } from "./word-vectors-stem.js";
import { fmix32 } from "../../util/hash.js";

const NGRAM_MIN = 3;
const NGRAM_MAX = 5;
const NGRAM_SEED = 0x9747b28c;
const BOUNDARY_START = 0x3c; // "<"
const BOUNDARY_END = 0x3e; // ">"

/**
 * The bag of one text at a time: {@link begin}, then {@link addRow} and
 * {@link addUnknown} per word, then {@link writeTo}. Per-word tables are filled
 * on first use of each word, so loading costs nothing for the 341k words.
 */
export class LexicalFeatures {
  readonly dims: number;
  readonly #ngramWeight: number;
  readonly #index: ReadonlyMap<string, number>;
  readonly #count: number;
  readonly #idf: Float32Array;
  readonly #unknownWeight: number;
  /** The feature row of each row (its base form's row), -1 until first used. */
  readonly #base: Int32Array;
  /** Hashes of each row's word and n-grams, filled on first use. */
  readonly #hashes: (Uint32Array | undefined)[];
  #words: string[] | undefined;
  /** This text's features: a feature row, or `count + hash` for an unknown piece. */
  #keys = new Float64Array(64);
  #size = 0;
  /** This text's n-gram bag, added to as words come. */
  readonly #grams: Float64Array;

  constructor(vectors: WordVectors, dims: number, ngramWeight: number) {
    this.dims = dims;
    this.#ngramWeight = ngramWeight;
    this.#index = vectors.index;
    this.#count = vectors.count;
    this.#idf = Float32Array.from(zipfProbabilities(vectors.count), (p) => -Math.log(p));
    this.#unknownWeight = this.#idf[vectors.count - 1] ?? 1;
    this.#base = new Int32Array(vectors.count).fill(-1);
    this.#hashes = new Array<Uint32Array | undefined>(vectors.count);
    this.#grams = new Float64Array(dims);
  }

  /** Starts a new text. */
  begin(): void {
    this.#size = 0;
    this.#grams.fill(0);
  }

  /** Adds known word `row`. */
  addRow(row: number): void {
    const feature = this.#featureOf(row);
    this.#push(feature);
    // N-grams of the word as written: its base form is already the word feature.
    addAll(this.#grams, this.#hashesOf(row), this.#idf[feature]!, this.dims);
  }

  /** Adds out-of-vocabulary `piece` (lower-case). */
  addUnknown(piece: string): void {
    const hashes = featureHashes(piece);
    this.#push(this.#count + hashes[0]!);
    addAll(this.#grams, hashes, this.#unknownWeight, this.dims);
  }

  /** Whether the text has no feature yet. */
  isEmpty(): boolean {
    return this.#size === 0;
  }

  /**
   * Writes the text's bag into `acc` (`dims` long, zeroed by the caller): words and n-grams
   * each scaled to unit length, mixed by `ngramWeight`. Returns the squared norm of the result.
   */
  writeTo(acc: Float64Array): number {
    const grams = this.#grams;
    const keys = this.#keys.subarray(0, this.#size).sort();
    for (let i = 0; i < keys.length; ) {
      const key = keys[i]!;
      let j = i + 1;
      while (j < keys.length && keys[j] === key) j++;
      const tf = j - i === 1 ? 1 : Math.sqrt(j - i);
      if (key < this.#count) addHashed(acc, this.#hashesOf(key)[0]!, this.#idf[key]! * tf, this.dims);
      else addHashed(acc, key - this.#count, this.#unknownWeight * tf, this.dims);
      i = j;
    }
    const words = squaredNorm(acc);
    const ngrams = squaredNorm(grams);
    if (words === 0) return 0;
    const wordScale = Math.sqrt(1 - this.#ngramWeight) / Math.sqrt(words);
    const gramScale = ngrams > 0 ? Math.sqrt(this.#ngramWeight) / Math.sqrt(ngrams) : 0;
    for (let k = 0; k < this.dims; k++) acc[k] = acc[k]! * wordScale + grams[k]! * gramScale;
    return squaredNorm(acc);
  }

  #push(key: number): void {
    if (this.#size === this.#keys.length) {
      const grown = new Float64Array(this.#keys.length * 2);
      grown.set(this.#keys);
      this.#keys = grown;
    }
    this.#keys[this.#size++] = key;
  }

  #hashesOf(feature: number): Uint32Array {
    let hashes = this.#hashes[feature];
    if (hashes === undefined) {
      hashes = featureHashes(this.#wordOf(feature));
      this.#hashes[feature] = hashes;
    }
    return hashes;
  }

  #featureOf(row: number): number {
    const known = this.#base[row]!;
    if (known >= 0) return known;
    // A base form stands for its inflections, so they are one feature with one weight. Only a
    // more frequent base counts: an inflection is rarer than its base, while a rarer "base" is
    // usually a name or a typo ("walking" -> "walke"). Bases are strictly more frequent, so the
    // recursion ends.
    let base = row;
    for (const form of inflectionBases(this.#wordOf(row))) {
      const found = this.#index.get(form);
      if (found !== undefined && found < row) {
        base = this.#featureOf(found);
        break;
      }
    }
    this.#base[row] = base;
    return base;
  }

  #wordOf(row: number): string {
    if (this.#words === undefined) {
      // Only the map is kept by the loader; the reverse list is built the first time a word is needed.
      const words = new Array<string>(this.#count).fill("");
      for (const [word, r] of this.#index) words[r] = word;
      this.#words = words;
    }
    return this.#words[row]!;
  }
}

/** The hash of `word`, then of each of its character n-grams (of `<word>`). */
export function featureHashes(word: string): Uint32Array {
  const total = word.length + 2;
  const out: number[] = [hashString(word)];
  for (let start = 0; start + NGRAM_MIN <= total; start++) {
    let h = NGRAM_SEED;
    const last = Math.min(total, start + NGRAM_MAX);
    for (let c = start; c < last; c++) {
      const code = c === 0 ? BOUNDARY_START : c === total - 1 ? BOUNDARY_END : word.charCodeAt(c - 1);
      h = Math.imul(h ^ code, 0x01000193);
      if (c - start + 1 >= NGRAM_MIN) out.push(fmix32(h));
    }
  }
  return Uint32Array.from(out);
}

/** 32-bit FNV-1a over UTF-16 code units, then finalised. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return fmix32(h);
}

function addHashed(acc: Float64Array, hash: number, weight: number, dims: number): void {
  acc[hash % dims]! += hash & 0x80000000 ? -weight : weight;
}

/** Adds the n-grams of one word (hashes after the first, the word's own). */
function addAll(acc: Float64Array, hashes: Uint32Array, weight: number, dims: number): void {
  for (let g = 1; g < hashes.length; g++) addHashed(acc, hashes[g]!, weight, dims);
}

function squaredNorm(v: Float64Array): number {
  let s = 0;
  for (let k = 0; k < v.length; k++) s += v[k]! * v[k]!;
  return s;
}
