import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MemoryEmbeddingCache, PersistentEmbeddingCache, functionCacheKey, getRegistry, hashSource } from "quiverdb/embedding";
import { decodeSegment, encodeSegment } from "../../src/embedding/persistent-embedding-cache.js";
import { MemoryObjectStore } from "../../src/storage/memory-object-store.js";
import { makeTempDir } from "../helpers/temp-dir.js";
import { ScriptedFunction } from "./fake-functions.js";

const KEY = "fake-0123456789abcdef";
const v = (...xs: number[]): Float32Array => new Float32Array(xs);

describe("hashSource()", () => {
  it("is a stable 128-bit hex hash of the content", () => {
    expect(hashSource("hello")).toMatch(/^[0-9a-f]{32}$/);
    expect(hashSource("hello")).toBe(hashSource("hello"));
    expect(hashSource("hello")).not.toBe(hashSource("hello "));
    expect(hashSource(new Uint8Array([1, 2]))).not.toBe(hashSource("\u0001\u0002"));
  });
});

describe("functionCacheKey()", () => {
  it("differs between functions and configurations, and is a safe folder name", () => {
    const hashing = getRegistry().get("hashing")!;
    const a = functionCacheKey(hashing.create({ ndims: 8 }));
    expect(a).toMatch(/^hashing-[0-9a-f]{32}$/);
    expect(functionCacheKey(hashing.create({ ndims: 8 }))).toBe(a);
    expect(functionCacheKey(hashing.create({ ndims: 16 }))).not.toBe(a);
    expect(functionCacheKey(new ScriptedFunction())).toMatch(/^ScriptedFunction-/);
  });

  it("follows $var: values: the same saved config under another variable value is another key", () => {
    const hashing = getRegistry().get("hashing")!;
    getRegistry().setVar("cache_key_dims", "8");
    const before = functionCacheKey(hashing.create({ ndims: "$var:cache_key_dims" }));
    getRegistry().setVar("cache_key_dims", "12");
    expect(functionCacheKey(hashing.create({ ndims: "$var:cache_key_dims" }))).not.toBe(before);
  });
});

describe("MemoryEmbeddingCache", () => {
  it("returns copies of stored vectors and undefined for misses", async () => {
    const cache = new MemoryEmbeddingCache();
    const stored = v(1, 2);
    await cache.set(KEY, [{ hash: hashSource("a"), vector: stored }]);
    stored[0] = 99;
    const [hit, miss] = await cache.get(KEY, [hashSource("a"), hashSource("b")]);
    expect(Array.from(hit!)).toEqual([1, 2]);
    expect(miss).toBeUndefined();
    hit![0] = 42;
    expect(Array.from((await cache.get(KEY, [hashSource("a")]))[0]!)).toEqual([1, 2]);
    expect(await cache.get("other-key", [hashSource("a")])).toEqual([undefined]);
  });

  it("drops the least recently used entries beyond maxEntries", async () => {
    const cache = new MemoryEmbeddingCache({ maxEntries: 2 });
    await cache.set(KEY, [{ hash: hashSource("a"), vector: v(1) }, { hash: hashSource("b"), vector: v(2) }]);
    await cache.get(KEY, [hashSource("a")]);
    await cache.set(KEY, [{ hash: hashSource("c"), vector: v(3) }]);
    const [a, b, c] = await cache.get(KEY, [hashSource("a"), hashSource("b"), hashSource("c")]);
    expect([a !== undefined, b !== undefined, c !== undefined]).toEqual([true, false, true]);
    expect(cache.size).toBe(2);
  });
});

describe("PersistentEmbeddingCache", () => {
  it("keeps entries across instances (processes) in segment files", async () => {
    const dir = await makeTempDir();
    await PersistentEmbeddingCache.atPath(dir).set(KEY, [{ hash: hashSource("a"), vector: v(0.5, -1) }]);
    const other = PersistentEmbeddingCache.atPath(dir);
    const [hit] = await other.get(KEY, [hashSource("a")]);
    expect(Array.from(hit!)).toEqual([0.5, -1]);
    expect((await readdir(join(dir, KEY))).filter((n) => n.endsWith(".qvec"))).toHaveLength(1);
  });

  it("sees segments another instance writes later, on the next lookup", async () => {
    const store = new MemoryObjectStore();
    const reader = new PersistentEmbeddingCache(store, "_cache");
    const writer = new PersistentEmbeddingCache(store, "_cache");
    expect(await reader.get(KEY, [hashSource("late")])).toEqual([undefined]);
    await writer.set(KEY, [{ hash: hashSource("late"), vector: v(7) }]);
    expect(Array.from((await reader.get(KEY, [hashSource("late")]))[0]!)).toEqual([7]);
  });

  it("stays correct with concurrent writers: every segment is whole, none is lost or corrupted", async () => {
    const dir = await makeTempDir();
    const writers = Array.from({ length: 6 }, () => PersistentEmbeddingCache.atPath(dir));
    await Promise.all(
      writers.map((cache, w) =>
        Promise.all(
          Array.from({ length: 5 }, (_, round) =>
            cache.set(KEY, Array.from({ length: 20 }, (_, i) => ({ hash: hashSource(`w${w} r${round} i${i}`), vector: v(w, round, i) }))),
          ),
        ),
      ),
    );
    const reader = PersistentEmbeddingCache.atPath(dir);
    const hashes: string[] = [];
    const expected: number[][] = [];
    for (let w = 0; w < 6; w++) {
      for (let round = 0; round < 5; round++) {
        for (let i = 0; i < 20; i++) {
          hashes.push(hashSource(`w${w} r${round} i${i}`));
          expected.push([w, round, i]);
        }
      }
    }
    const found = await reader.get(KEY, hashes);
    expect(found.map((f) => (f === undefined ? null : Array.from(f)))).toEqual(expected);
    const files = await readdir(join(dir, KEY));
    expect(files.filter((n) => n.startsWith(".tmp"))).toEqual([]);
  });

  it("ignores a damaged or foreign segment instead of trusting it", async () => {
    const dir = await makeTempDir();
    await PersistentEmbeddingCache.atPath(dir).set(KEY, [{ hash: hashSource("good"), vector: v(1, 2) }]);
    const bad = encodeSegment(2, [[hashSource("bad"), v(3, 4)]]);
    bad[bad.length - 20] ^= 0xff; // flip bits inside the vectors: the checksum no longer matches
    await writeFile(join(dir, KEY, "zzzz-damaged.qvec"), bad);
    await writeFile(join(dir, KEY, "zzzz-foreign.qvec"), "not a segment");
    await writeFile(join(dir, KEY, "zzzz-truncated.qvec"), encodeSegment(2, [[hashSource("cut"), v(5, 6)]]).subarray(0, 30));
    const [good, damaged, cut] = await PersistentEmbeddingCache.atPath(dir).get(KEY, [hashSource("good"), hashSource("bad"), hashSource("cut")]);
    expect(Array.from(good!)).toEqual([1, 2]);
    expect(damaged).toBeUndefined();
    expect(cut).toBeUndefined();
  });

  it("compacts a function's segments into one without losing entries", async () => {
    const dir = await makeTempDir();
    const cache = PersistentEmbeddingCache.atPath(dir);
    for (let i = 0; i < 4; i++) await cache.set(KEY, [{ hash: hashSource(`c${i}`), vector: v(i) }]);
    expect(await readdir(join(dir, KEY))).toHaveLength(4);
    expect(await cache.compact(KEY)).toBe(4);
    expect(await readdir(join(dir, KEY))).toHaveLength(1);
    const fresh = PersistentEmbeddingCache.atPath(dir);
    expect((await fresh.get(KEY, [0, 1, 2, 3].map((i) => hashSource(`c${i}`)))).map((x) => x?.[0])).toEqual([0, 1, 2, 3]);
  });

  it("encodes and decodes segments symmetrically", () => {
    const items: [string, Float32Array][] = [
      [hashSource("x"), v(1.5, -2.25, 3)],
      [hashSource("y"), v(0, 0, 0)],
    ];
    expect(decodeSegment(encodeSegment(3, items))).toEqual(items);
  });
});
