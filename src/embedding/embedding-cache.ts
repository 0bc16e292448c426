/**
 * Content-addressed caches of embeddings: (function key, text hash) -> vector.
 * The function key names the function and everything that changes its output
 * (registry name, saved options, resolved variable values), so two
 * configurations never share entries.
 *
 * @module
 */

import * as nodeCrypto from "node:crypto";
import { canonicalJson } from "./canonical-json.js";
import { resolvedConfigFingerprint, type EmbeddingFunction } from "./embedding-function.js";
import { displayNameOf } from "./function-names.js";

/** One cached embedding. */
export interface EmbeddingCacheEntry {
  /** {@link hashSource} of the embedded value. */
  hash: string;
  vector: Float32Array;
}

/**
 * Where the ingest stage looks up embeddings before calling a function, and
 * stores the ones it computed. Implementations must tolerate concurrent use;
 * losing an entry is fine (it is recomputed), returning a wrong one is not.
 */
export interface EmbeddingCache {
  /** The cached vectors for `hashes` (same order), `undefined` for a miss. */
  get(functionKey: string, hashes: readonly string[]): Promise<(Float32Array | undefined)[]>;
  /** Stores vectors; may drop them (a cache is allowed to forget). */
  set(functionKey: string, entries: readonly EmbeddingCacheEntry[]): Promise<void>;
}

/**
 * The cache key of a function: `<registry name>-<hash>`, the hash covering the
 * saved options (canonical JSON) and the resolved option values (so a `$var:`
 * that now points elsewhere misses).
 */
export function functionCacheKey(fn: EmbeddingFunction): string {
  const name = displayNameOf(fn);
  const hash = nodeCrypto.createHash("sha256")
    .update(name)
    .update("\0")
    .update(canonicalJson(fn.toJSON()))
    .update("\0")
    .update(resolvedConfigFingerprint(fn) ?? "")
    .update("\0")
    .update(String(fn.ndims() ?? ""))
    .digest("hex")
    .slice(0, 32);
  const safeName = name.replace(/[^A-Za-z0-9_-]+/g, "_").slice(0, 48) || "function";
  return `${safeName}-${hash}`;
}

/** The dedup key of a source value (the value itself for text). @internal */
export function sourceKey(value: unknown): string {
  if (typeof value === "string") return `s${value}`;
  if (value instanceof Uint8Array) return `b${nodeCrypto.createHash("sha256").update(value).digest("base64")}`;
  return `j${canonicalJson(value)}`;
}

/** 128-bit content hash (32 hex chars) of a source value, as cache keys use it. */
export function hashSource(value: unknown): string {
  return hashSourceKey(sourceKey(value));
}

/** @internal */
export function hashSourceKey(key: string): string {
  // One-shot hashing avoids a Hash object per text (it is on the ingest path of every cached write).
  return (oneShotHash ? oneShotHash("sha256", key, "hex") : nodeCrypto.createHash("sha256").update(key).digest("hex")).slice(0, 32);
}

/** `crypto.hash` (Node 20.12+), when present. */
const oneShotHash = (nodeCrypto as { hash?: (algorithm: string, data: string, encoding: "hex") => string }).hash;

/** Options of {@link MemoryEmbeddingCache}. */
export interface MemoryEmbeddingCacheOptions {
  /** Most entries kept (all functions together); the least recently used go first. Default 100000. */
  maxEntries?: number;
}

/**
 * An in-process cache, least recently used entries dropped beyond
 * `maxEntries`. Vectors are copied in and out, so callers cannot change it.
 *
 * @example
 * ```ts
 * const cache = new MemoryEmbeddingCache({ maxEntries: 50_000 });
 * await table.add(rows, { embeddingCache: cache });
 * ```
 */
export class MemoryEmbeddingCache implements EmbeddingCache {
  readonly #entries = new Map<string, Float32Array>();
  readonly #maxEntries: number;
  #hits = 0;
  #misses = 0;

  constructor(options: MemoryEmbeddingCacheOptions = {}) {
    this.#maxEntries = Math.max(1, options.maxEntries ?? 100_000);
  }

  async get(functionKey: string, hashes: readonly string[]): Promise<(Float32Array | undefined)[]> {
    return hashes.map((hash) => {
      const key = `${functionKey}/${hash}`;
      const vector = this.#entries.get(key);
      if (vector === undefined) {
        this.#misses++;
        return undefined;
      }
      this.#hits++;
      this.#entries.delete(key);
      this.#entries.set(key, vector);
      return vector.slice();
    });
  }

  async set(functionKey: string, entries: readonly EmbeddingCacheEntry[]): Promise<void> {
    for (const { hash, vector } of entries) {
      const key = `${functionKey}/${hash}`;
      this.#entries.delete(key);
      this.#entries.set(key, Float32Array.from(vector));
    }
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  /** Entries held. */
  get size(): number {
    return this.#entries.size;
  }

  /** Lookups answered and missed since creation. */
  stats(): { hits: number; misses: number; entries: number } {
    return { hits: this.#hits, misses: this.#misses, entries: this.#entries.size };
  }

  clear(): void {
    this.#entries.clear();
  }
}
