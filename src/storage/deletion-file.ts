import { randomUUID } from "node:crypto";
import { Table, makeVector, tableFromIPC, tableToIPC } from "apache-arrow";
import type { ObjectStore } from "./object-store.js";
import { writeTableFile } from "./write-table-file.js";

/**
 * Deletion files: the row offsets deleted from one fragment as of some version,
 * as an Arrow IPC file with one uint32 column `offset`. A new deletion file holds
 * all deletions of its fragment (old and new), so a manifest points to at most
 * one per fragment and old versions keep their own.
 */

export const DELETIONS_DIR = "_deletions";

export async function writeDeletionFile(
  store: ObjectStore,
  tableDir: string,
  deleted: Uint8Array,
): Promise<{ file: string; rows: number }> {
  const offsets: number[] = [];
  for (let i = 0; i < deleted.length; i++) if (deleted[i]) offsets.push(i);
  const table = new Table({ offset: makeVector(Uint32Array.from(offsets)) });
  const file = `${DELETIONS_DIR}/${randomUUID()}.arrow`;
  await writeTableFile(store, tableDir, file, tableToIPC(table, "file"));
  return { file, rows: offsets.length };
}

/** A mask of `rows` entries with 1 at each deleted offset. */
export function decodeDeletionFile(bytes: Uint8Array, rows: number): Uint8Array {
  const table = tableFromIPC(bytes);
  const mask = new Uint8Array(rows);
  const column = table.getChild("offset");
  if (column) {
    for (const data of column.data) {
      const values = data.values as Uint32Array;
      for (let i = 0; i < data.length; i++) mask[values[i]!] = 1;
    }
  }
  return mask;
}

