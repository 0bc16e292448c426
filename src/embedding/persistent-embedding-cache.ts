/**
 * An embedding cache kept as files in an {@link ObjectStore} folder (for a
 * table: a folder beside its data), so content embedded once is not embedded
 * again by a later write, in this process or another.
 *
 * Layout: `<folder>/<function key>/<time>-<uuid>.qvec`, one immutable segment
 * file per write of new entries. A segment is
 *
 *     "QVEC" | u32 version=1 | u32 width | u32 count      (little-endian)
 *     count x 16-byte content hashes
 *     count x width float32 values
 *     8 bytes: the first 8 bytes of SHA-256 of everything before
 *
 * Segments are created with the store's atomic `putIfAbsent` under fresh names,
 * so two processes writing at once never touch the same file and never see a
 * partial one; a segment that fails its checksum (a foreign or damaged file) is
 * ignored. A lost update (two processes embedding the same text) only costs a
 * duplicate entry. Segments of a function are read the first time that function
 * is looked up, and new segments (from other processes) on later lookups.
 *
 * @module
 */

import { createHash, randomUUID } from "node:crypto";
import { isObjectNotFound, joinPath, type ObjectStore } from "../storage/object-store.js";
import { LocalObjectStore } from "../storage/local-object-store.js";
import type { EmbeddingCache, EmbeddingCacheEntry } from "./embedding-cache.js";

const MAGIC = 0x43455651; // "QVEC" read as little-endian u32
const VERSION = 1;
const HEADER_BYTES = 16;
const HASH_BYTES = 16;
const CHECKSUM_BYTES = 8;
const SEGMENT_SUFFIX = ".qvec";
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

interface FunctionEntries {
  vectors: Map<string, Float32Array>;
  /** Segment names already read. */
  files: Set<string>;
  /** Serialises refreshes of this function's folder. */
  refreshing: Promise<void>;
}

/**
 * A persistent {@link EmbeddingCache} over an object store folder.
 *
 * @example
 * ```ts
 * const cache = PersistentEmbeddingCache.atPath("/data/embedding-cache");
 * await embedMissingVectors(table, pairs, { cache });
 * ```
 */
export class PersistentEmbeddingCache implements EmbeddingCache {
  readonly #functions = new Map<string, FunctionEntries>();

  /**
   * @param store - where the files live (a table's store, a local folder...)
   * @param folder - the folder inside `store`, e.g. `"_embedding_cache"`
   */
  constructor(
    readonly store: ObjectStore,
    readonly folder: string,
  ) {}

  /** A cache in a local directory (created when first written). */
  static atPath(directory: string): PersistentEmbeddingCache {
    return new PersistentEmbeddingCache(new LocalObjectStore(directory), "");
  }

  async get(functionKey: string, hashes: readonly string[]): Promise<(Float32Array | undefined)[]> {
    const entries = await this.#refresh(functionKey);
    return hashes.map((hash) => entries.vectors.get(hash)?.slice());
  }

  async set(functionKey: string, entries: readonly EmbeddingCacheEntry[]): Promise<void> {
    checkFunctionKey(functionKey);
    const fresh = new Map<string, Float32Array>();
    const known = this.#functions.get(functionKey);
    for (const { hash, vector } of entries) {
      if (!/^[0-9a-f]{32}$/.test(hash)) throw new Error(`PersistentEmbeddingCache: a content hash must be 32 hex characters, got "${hash}".`);
      if (known?.vectors.has(hash) || fresh.has(hash)) continue;
      fresh.set(hash, vector);
    }
    if (fresh.size === 0) return;
    // One segment per width (a function has one width; this guards odd callers).
    const byWidth = new Map<number, [string, Float32Array][]>();
    for (const item of fresh) {
      const list = byWidth.get(item[1].length) ?? [];
      list.push(item);
      byWidth.set(item[1].length, list);
    }
    const dir = joinPath(this.folder, functionKey);
    await this.store.makeDir(dir);
    for (const [width, items] of byWidth) {
      const name = `${Date.now().toString(36).padStart(9, "0")}-${randomUUID()}${SEGMENT_SUFFIX}`;
      await this.store.putIfAbsent(joinPath(dir, name), encodeSegment(width, items));
      if (known) {
        known.files.add(name);
        for (const [hash, vector] of items) known.vectors.set(hash, Float32Array.from(vector));
      }
    }
  }

  /**
   * Merges a function's segments into one new segment and removes the merged
   * ones (segments written meanwhile by others are kept). Returns the number of
   * entries in the merged segment.
   */
  async compact(functionKey: string): Promise<number> {
    const entries = await this.#refresh(functionKey);
    const files = [...entries.files];
    if (files.length <= 1) return entries.vectors.size;
    const byWidth = new Map<number, [string, Float32Array][]>();
    for (const item of entries.vectors) {
      const list = byWidth.get(item[1].length) ?? [];
      list.push(item);
      byWidth.set(item[1].length, list);
    }
    const dir = joinPath(this.folder, functionKey);
    entries.files.clear();
    for (const [width, items] of byWidth) {
      const name = `${Date.now().toString(36).padStart(9, "0")}-${randomUUID()}${SEGMENT_SUFFIX}`;
      await this.store.putIfAbsent(joinPath(dir, name), encodeSegment(width, items));
      entries.files.add(name);
    }
    for (const file of files) await this.store.remove(joinPath(dir, file));
    return entries.vectors.size;
  }

  /** Forgets what was loaded (the files stay). */
  clearMemory(): void {
    this.#functions.clear();
  }

  async #refresh(functionKey: string): Promise<FunctionEntries> {
    checkFunctionKey(functionKey);
    let entries = this.#functions.get(functionKey);
    if (entries === undefined) {
      entries = { vectors: new Map(), files: new Set(), refreshing: Promise.resolve() };
      this.#functions.set(functionKey, entries);
    }
    const target = entries;
    const run = target.refreshing.then(() => this.#readNewSegments(functionKey, target));
    target.refreshing = run.catch(() => undefined);
    await run;
    return target;
  }

  async #readNewSegments(functionKey: string, entries: FunctionEntries): Promise<void> {
    const dir = joinPath(this.folder, functionKey);
    const names = (await this.store.list(dir)).filter((n) => n.endsWith(SEGMENT_SUFFIX) && !entries.files.has(n)).sort();
    for (const name of names) {
      let bytes: Uint8Array;
      try {
        bytes = await this.store.read(joinPath(dir, name));
      } catch (error) {
        if (isObjectNotFound(error)) continue; // compacted away by another process meanwhile
        throw error;
      }
      entries.files.add(name);
      const decoded = decodeSegment(bytes);
      if (decoded === undefined) continue; // damaged or foreign file: ignored, never trusted
      for (const [hash, vector] of decoded) if (!entries.vectors.has(hash)) entries.vectors.set(hash, vector);
    }
  }
}

function checkFunctionKey(functionKey: string): void {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(functionKey)) {
    throw new Error(`PersistentEmbeddingCache: a function key must be 1-128 letters, digits, "_" or "-", got "${functionKey}".`);
  }
}

/** @internal */
export function encodeSegment(width: number, items: readonly (readonly [string, Float32Array])[]): Uint8Array {
  const count = items.length;
  const body = HEADER_BYTES + count * HASH_BYTES + count * width * 4;
  const bytes = new Uint8Array(body + CHECKSUM_BYTES);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, width, true);
  view.setUint32(12, count, true);
  let at = HEADER_BYTES;
  for (const [hash] of items) {
    for (let i = 0; i < HASH_BYTES; i++) bytes[at + i] = parseInt(hash.slice(i * 2, i * 2 + 2), 16);
    at += HASH_BYTES;
  }
  if (LITTLE_ENDIAN) {
    const floats = new Float32Array(bytes.buffer, at, count * width);
    items.forEach(([, vector], i) => floats.set(vector.subarray(0, width), i * width));
  } else {
    for (const [, vector] of items) {
      for (let k = 0; k < width; k++) view.setFloat32(at + k * 4, vector[k]!, true);
      at += width * 4;
    }
  }
  bytes.set(createHash("sha256").update(bytes.subarray(0, body)).digest().subarray(0, CHECKSUM_BYTES), body);
  return bytes;
}

/** The entries of a segment, or undefined when it is not a valid segment. @internal */
export function decodeSegment(bytes: Uint8Array): [string, Float32Array][] | undefined {
  if (bytes.byteLength < HEADER_BYTES + CHECKSUM_BYTES) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC || view.getUint32(4, true) !== VERSION) return undefined;
  const width = view.getUint32(8, true);
  const count = view.getUint32(12, true);
  const body = HEADER_BYTES + count * HASH_BYTES + count * width * 4;
  if (width === 0 || bytes.byteLength !== body + CHECKSUM_BYTES) return undefined;
  const sum = createHash("sha256").update(bytes.subarray(0, body)).digest();
  for (let i = 0; i < CHECKSUM_BYTES; i++) if (sum[i] !== bytes[body + i]) return undefined;
  const out: [string, Float32Array][] = [];
  const floatsAt = HEADER_BYTES + count * HASH_BYTES;
  for (let r = 0; r < count; r++) {
    const hash = Buffer.from(bytes.subarray(HEADER_BYTES + r * HASH_BYTES, HEADER_BYTES + (r + 1) * HASH_BYTES)).toString("hex");
    const vector = new Float32Array(width);
    const start = floatsAt + r * width * 4;
    if (LITTLE_ENDIAN) {
      new Uint8Array(vector.buffer).set(bytes.subarray(start, start + width * 4));
    } else {
      for (let k = 0; k < width; k++) vector[k] = view.getFloat32(start + k * 4, true);
    }
    out.push([hash, vector]);
  }
  return out;
}
