import type { Field } from "apache-arrow";
import { CorruptTableError } from "../../errors.js";
import type { IndexEntry } from "../../storage/manifest.js";
import type { TableSnapshot } from "../../storage/table-snapshot.js";
import { decodeValueIndex } from "./value-index-codec.js";
import { type ValueIndex, valueIndexBytes } from "./value-index.js";

/**
 * The decoded btree or bitmap index of `entry`, read when a query first needs
 * it and then kept in the connection's cache under the index's uuid (its files
 * never change, so the cached copy never goes stale).
 */
export async function loadValueIndex(snapshot: TableSnapshot, entry: IndexEntry, field: Field): Promise<ValueIndex> {
  return snapshot.cached(`_indices/${entry.uuid}#value`, async () => {
    const files = new Map<string, Uint8Array>();
    for (const path of entry.files) files.set(path.slice(path.lastIndexOf("/") + 1), await snapshot.readFile(path));
    try {
      const index = decodeValueIndex(field, (name) => files.get(name));
      return { value: index, bytes: valueIndexBytes(index) };
    } catch (error) {
      const folder = `_indices/${entry.uuid}`;
      throw new CorruptTableError(
        `Table '${snapshot.tableName}' version ${snapshot.version}: the ${entry.kind} index '${entry.name}' in ${folder} is unreadable: ` +
          `${(error as Error).message}. Rebuild it with table.createIndex("${entry.column}", {config: Index.${entry.kind}(), replace: true}).`,
        folder,
        `a Quiver ${entry.kind} index`,
        "unreadable files",
        { cause: error },
      );
    }
  });
}
