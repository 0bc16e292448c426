import { describe, expect, it } from "vitest";
import { FragmentCache } from "../../src/storage/fragment-cache.js";

describe("FragmentCache", () => {
  it("evicts the least recently used entries first once over capacity", () => {
    const cache = new FragmentCache(300);
    cache.set("a", "A", 100);
    cache.set("b", "B", 100);
    cache.set("c", "C", 100);
    expect(cache.get("a")).toBe("A"); // a is now the most recently used
    cache.set("d", "D", 100);
    expect(cache.get("b")).toBeUndefined();
    expect([cache.get("a"), cache.get("c"), cache.get("d")]).toEqual(["A", "C", "D"]);
  });

  it("keeps entries that are hit often, whatever else passes through", () => {
    const cache = new FragmentCache(1000);
    cache.set("hot", "H", 100);
    for (let i = 0; i < 200; i++) {
      cache.set(`cold${i}`, i, 100);
      expect(cache.get("hot")).toBe("H");
    }
    expect(cache.get("cold199")).toBe(199);
    expect(cache.get("cold0")).toBeUndefined();
  });

  it("keeps an entry larger than the capacity until the next one arrives", () => {
    const cache = new FragmentCache(100);
    cache.set("big", "B", 500);
    expect(cache.get("big")).toBe("B");
    cache.set("small", "S", 10);
    expect(cache.get("big")).toBeUndefined();
    expect(cache.get("small")).toBe("S");
  });
});
