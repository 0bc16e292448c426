import { ObjectNotFoundError, type ObjectStore } from "./object-store.js";

/**
 * Writes `file` (a path inside one of the table folder's sub-folders, such as
 * `data/` or `_deletions/`). A table folder copied by a tool that drops empty
 * folders (git, some archivers) can lack one of them; it is then created, but
 * only while the table's `_versions/` exists, so a write never brings back a
 * table that another process dropped.
 */
export async function writeTableFile(store: ObjectStore, tableDir: string, file: string, bytes: Uint8Array | readonly Uint8Array[]): Promise<void> {
  const path = `${tableDir}/${file}`;
  try {
    await store.write(path, bytes);
  } catch (error) {
    if (!(error instanceof ObjectNotFoundError) || !(await store.exists(`${tableDir}/_versions`))) throw error;
    await store.makeDir(path.slice(0, path.lastIndexOf("/")));
    await store.write(path, bytes);
  }
}
