import { PersistentEmbeddingCache } from "../embedding/persistent-embedding-cache.js";
import type { TableStorage } from "../storage/table-storage.js";

/**
 * The folder, inside a table's folder, of its persistent embedding cache. It is
 * not part of any version: cleanup leaves it alone and dropping the table removes it.
 */
export const EMBEDDING_CACHE_DIR = "_embedding_cache";

/** The persistent embedding cache kept beside a table's data. */
export function tableEmbeddingCache(storage: TableStorage): PersistentEmbeddingCache {
  return new PersistentEmbeddingCache(storage.store, `${storage.dir}/${EMBEDDING_CACHE_DIR}`);
}
