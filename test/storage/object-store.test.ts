import { describe, expect, it } from "vitest";
import { LocalObjectStore } from "../../src/storage/local-object-store.js";
import { MemoryObjectStore } from "../../src/storage/memory-object-store.js";
import { ObjectNotFoundError, type ObjectStore } from "../../src/storage/object-store.js";
import { makeTempDir } from "../helpers/temp-dir.js";

const stores: [string, () => Promise<ObjectStore>][] = [
  ["LocalObjectStore", async () => new LocalObjectStore(await makeTempDir())],
  ["MemoryObjectStore", async () => new MemoryObjectStore()],
];

describe.each(stores)("%s", (_name, makeStore) => {
  const bytes = (text: string) => new TextEncoder().encode(text);

  it("writes, reads, sizes and lists files in folders", async () => {
    const store = await makeStore();
    await store.makeDir("t/data");
    await store.write("t/data/a.arrow", bytes("hello"));
    expect(new TextDecoder().decode(await store.read("t/data/a.arrow"))).toBe("hello");
    expect(await store.size("t/data/a.arrow")).toBe(5);
    expect(await store.list("t/data")).toEqual(["a.arrow"]);
    expect(await store.list("t/missing")).toEqual([]);
  });

  it("refuses to write into a folder that does not exist", async () => {
    const store = await makeStore();
    await expect(store.write("nope/a", bytes("x"))).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it("reading a missing file rejects with ObjectNotFoundError", async () => {
    const store = await makeStore();
    await expect(store.read("missing")).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it("putIfAbsent creates once and reports false for the loser of a race", async () => {
    const store = await makeStore();
    await store.makeDir("v");
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => store.putIfAbsent("v/1.json", bytes(`writer ${i}`))),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results.indexOf(true);
    expect(new TextDecoder().decode(await store.read("v/1.json"))).toBe(`writer ${winner}`);
    // No temporary files are left behind.
    expect(await store.list("v")).toEqual(["1.json"]);
  });

  it("renames and removes folders", async () => {
    const store = await makeStore();
    await store.makeDir("a/b");
    await store.write("a/b/f", bytes("1"));
    await store.renameDir("a", "c");
    expect(await store.exists("a/b/f")).toBe(false);
    expect(new TextDecoder().decode(await store.read("c/b/f"))).toBe("1");
    await store.removeDir("c");
    expect(await store.exists("c/b/f")).toBe(false);
    expect(await store.list("")).toEqual([]);
  });
});
