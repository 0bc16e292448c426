import { describe, expect, it } from "vitest";
import { connect } from "../../src/index.js";
import { FragmentCache } from "../../src/storage/fragment-cache.js";
import { LocalObjectStore } from "../../src/storage/local-object-store.js";
import { TableStorage } from "../../src/storage/table-storage.js";
import { makeTempDir } from "../helpers/temp-dir.js";

describe("TableStorage", () => {
  it("loads vector values into buffers of their own (byte offset 0), equal to what was written", async () => {
    const dir = await makeTempDir();
    const rows = Array.from({ length: 50 }, (_, i) => ({ id: i, text: `t${i}`, vector: [i, i + 0.5, -i] }));
    await (await connect(dir)).createTable("t", rows);
    const storage = new TableStorage(new LocalObjectStore(dir), "t", "t.quiver", new FragmentCache(1 << 30));
    const manifest = await storage.readLatest();
    expect(manifest.fragments[0]!.vectors).toEqual([expect.objectContaining({ column: "vector" })]);
    const batch = await storage.snapshot(manifest).fragments[0]!.load();
    const values = batch.getChild("vector")!.data[0]!.children[0]!.values as Float32Array;
    expect(values.byteOffset).toBe(0);
    expect(Array.from(values.subarray(3 * 7, 3 * 7 + 3))).toEqual([7, 7.5, -7]);
    expect(batch.getChild("text")!.get(49)).toBe("t49");
  });

  it("finds the latest version written by another process's storage object", async () => {
    const dir = await makeTempDir();
    const table = await (await connect(dir)).createTable("t", [{ id: 1 }]);
    const storage = new TableStorage(new LocalObjectStore(dir), "t", "t.quiver", new FragmentCache(1 << 20));
    expect(await storage.latestVersion()).toBe(1);
    await table.add([{ id: 2 }]);
    await table.add([{ id: 3 }]);
    expect(await storage.latestVersion()).toBe(3);
  });
});
