// Table files land in their sub-folder even when a copy of the table lost its
// empty folders, and never bring back a dropped table.
import { mkdir, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { connect } from "../../src/index.js";
import { LocalObjectStore } from "../../src/storage/local-object-store.js";
import { ObjectNotFoundError } from "../../src/storage/object-store.js";
import { writeTableFile } from "../../src/storage/write-table-file.js";
import { makeTempDir } from "../helpers/temp-dir.js";

describe("writeTableFile", () => {
  it("creates a missing sub-folder of a table that exists", async () => {
    const root = await makeTempDir();
    await mkdir(join(root, "t.quiver", "_versions"), { recursive: true });
    await writeTableFile(new LocalObjectStore(root), "t.quiver", "_deletions/a.arrow", new Uint8Array([1, 2]));
    expect(await readdir(join(root, "t.quiver", "_deletions"))).toEqual(["a.arrow"]);
  });

  it("refuses to write into a table folder that is gone", async () => {
    const root = await makeTempDir();
    await expect(writeTableFile(new LocalObjectStore(root), "t.quiver", "data/a.arrow", new Uint8Array([1]))).rejects.toBeInstanceOf(ObjectNotFoundError);
    expect(await readdir(root)).toEqual([]);
  });

  it("lets delete and add work on a table whose empty folders were not copied", async () => {
    const root = await makeTempDir();
    const db = await connect(root);
    const table = await db.createTable("t", [{ id: 1 }, { id: 2 }]);
    await rm(join(root, "t.quiver", "_deletions"), { recursive: true, force: true });
    await table.delete("id = 1");
    await table.add([{ id: 3 }]);
    expect((await table.query().toArray()).map((r) => r.id)).toEqual([2, 3]);
  });
});
