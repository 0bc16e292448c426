/**
 * An embedding cache kept as files in an {@link ObjectStore} folder (for a
 * table: a folder beside its data), so content embedded once is not embedded
 * again by a later write, in this process or another.
 *
 * Layout: `<folder>/<function key>/<time>-<uuid>.qvec`, one immutable segment
 * file per write of new entries. A segment is
 *
 *     "QVEC" | u32 version=2 | u32 width | u32 count      (little-endian)
 *     count x 16-byte content hashes
 *     count x width float32 values
 *     8 bytes: u32 CRC-32 of everything before | u32 that length (mod 2^32)
 *
 * The checksum detects damaged and foreign files, not tampering: a cache holds
 * only what the same user's functions computed, and CRC-32 is many times faster
 * than a cryptographic digest over tens of megabytes of vectors.
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

import { randomUUID } from "node:crypto";
import { crc32 } from "node:zlib";
import { isObjectNotFound, joinPath, type ObjectStore } from "../storage/object-store.js";
import { LocalObjectStore } from "../storage/local-object-store.js";
import type { EmbeddingCache, EmbeddingCacheEntry } from "./embedding-cache.js";

const MAGIC = 0x43455651; // "QVEC" read as little-endian u32
const VERSION = 2;
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
      const segment = encodeSegment(width, items);
      await this.store.putIfAbsent(joinPath(dir, name), segment);
      if (known) {
        known.files.add(name);
        // Views into the segment just written (it is never modified): no copy per vector.
        const floatsAt = HEADER_BYTES + items.length * HASH_BYTES;
        items.forEach(([hash], r) => known.vectors.set(hash, segmentVector(segment, floatsAt, r, width)));
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
    bytes.set(Buffer.from(hash, "hex").subarray(0, HASH_BYTES), at);
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
  view.setUint32(body, crc32(bytes.subarray(0, body)), true);
  view.setUint32(body + 4, body >>> 0, true);
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
  if (view.getUint32(body, true) !== crc32(bytes.subarray(0, body)) || view.getUint32(body + 4, true) !== body >>> 0) {
    return undefined;
  }
  const out: [string, Float32Array][] = [];
  const floatsAt = HEADER_BYTES + count * HASH_BYTES;
  const hashes = Buffer.from(bytes.buffer, bytes.byteOffset + HEADER_BYTES, count * HASH_BYTES);
  for (let r = 0; r < count; r++) {
    const hash = hashes.toString("hex", r * HASH_BYTES, (r + 1) * HASH_BYTES);
    out.push([hash, segmentVector(bytes, floatsAt, r, width)]);
  }
  return out;
}

/** Row `r` of a segment's vectors, as a view when the platform is little-endian and the offset aligned. */
function segmentVector(segment: Uint8Array, floatsAt: number, r: number, width: number): Float32Array {
  const start = segment.byteOffset + floatsAt + r * width * 4;
  if (LITTLE_ENDIAN && start % 4 === 0) return new Float32Array(segment.buffer, start, width);
  const view = new DataView(segment.buffer, segment.byteOffset, segment.byteLength);
  const vector = new Float32Array(width);
  for (let k = 0; k < width; k++) vector[k] = view.getFloat32(floatsAt + (r * width + k) * 4, true);
  return vector;
}
