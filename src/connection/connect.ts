import { mkdir } from "node:fs/promises";
import { totalmem } from "node:os";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { InvalidArgumentError, NotSupportedError } from "../errors.js";
import { FragmentCache } from "../storage/fragment-cache.js";
import { LocalObjectStore } from "../storage/local-object-store.js";
import { MemoryObjectStore } from "../storage/memory-object-store.js";
import type { Connection } from "./connection.js";
import { LocalConnection } from "./local-connection.js";

export interface ConnectionOptions {
  /**
   * Accepted for compatibility with LanceDB. Quiver always reads the latest
   * committed version on every call (one cheap file check), so writes from other
   * handles and processes are seen at once.
   */
  readConsistencyInterval: number;
  /** Accepted for compatibility; local databases need none. */
  storageOptions: Record<string, string>;
  /** Bytes of decoded data files kept in memory for fast repeated queries. Default: a quarter of RAM, at most 4 GiB. */
  cacheSizeBytes: number;
}

/**
 * Opens a database: a local folder (created if missing; a path or a `file://` URI)
 * or `memory://` for one that lives as long as the connection.
 *
 * @example
 * const db = await connect("data/sample-db");
 * const mem = await connect("memory://");
 */
export async function connect(uri: string, options?: Partial<ConnectionOptions>): Promise<Connection>;
export async function connect(options: { uri: string } & Partial<ConnectionOptions>): Promise<Connection>;
export async function connect(
  uriOrOptions: string | ({ uri: string } & Partial<ConnectionOptions>),
  maybeOptions?: Partial<ConnectionOptions>,
): Promise<Connection> {
  const { uri, ...options } =
    typeof uriOrOptions === "string" ? { uri: uriOrOptions, ...maybeOptions } : (uriOrOptions ?? ({} as { uri: string }));
  if (typeof uri !== "string" || uri.trim() === "") {
    throw new InvalidArgumentError(
      `connect needs a database URI: a folder path such as "data/my-db", or "memory://"; got ${JSON.stringify(uri)}.`,
      "uri",
    );
  }
  const capacity = options.cacheSizeBytes ?? Math.min(4 * 1024 ** 3, Math.floor(totalmem() / 4));
  if (!Number.isFinite(capacity) || capacity < 0) {
    throw new InvalidArgumentError(`connect: cacheSizeBytes must be a non-negative number, got ${String(capacity)}.`, "cacheSizeBytes");
  }
  const cache = new FragmentCache(capacity);
  if (uri === "memory://" || uri.startsWith("memory://")) {
    return new LocalConnection(new MemoryObjectStore(), cache);
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(uri)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== "file") {
    throw new NotSupportedError(
      `connect("${uri}"): the ${scheme}:// scheme is not supported yet; use a local folder path or memory://.`,
    );
  }
  const path = scheme === "file" ? fileURLToPath(uri) : resolve(uri);
  await mkdir(path, { recursive: true });
  return new LocalConnection(new LocalObjectStore(path), cache);
}
