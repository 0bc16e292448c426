/**
 * The byte store a table lives in. Paths are relative, `/`-separated. Two
 * implementations: a local directory and process memory (`memory://`). The
 * commit protocol needs exactly one special operation, {@link ObjectStore.putIfAbsent},
 * which object stores with conditional writes also offer.
 */
export interface ObjectStore {
  /** A human-readable location for messages (a directory path or `memory://`). */
  readonly location: string;
  /** The bytes of a file; rejects with {@link ObjectNotFoundError} if it does not exist. */
  read(path: string): Promise<Uint8Array>;
  /**
   * The bytes of a file with some ranges read into allocations of their own
   * (each starting at byte 0 of its own buffer); in `whole` those ranges are left
   * unfilled. Native kernels that ignore a view's byte offset need such buffers,
   * and getting them here avoids copying large vector columns after the read.
   */
  readSplit(path: string, ranges: readonly ByteRange[]): Promise<{ whole: Uint8Array; ranges: Uint8Array[] }>;
  /**
   * Writes a new file durably (fsync) from one buffer or several pieces written
   * in order (no join needed). Parent folders must exist (see {@link ObjectStore.makeDir}).
   */
  write(path: string, bytes: Uint8Array | readonly Uint8Array[]): Promise<void>;
  /** Creates `path` with `bytes` only if nothing is there; false when it already exists. Atomic. */
  putIfAbsent(path: string, bytes: Uint8Array): Promise<boolean>;
  exists(path: string): Promise<boolean>;
  /** Names (not paths) of the entries directly inside `dir`; empty if `dir` does not exist. */
  list(dir: string): Promise<string[]>;
  /** Creates a folder and its parents; no error if it exists. */
  makeDir(dir: string): Promise<void>;
  /** Removes a file; no error if it is missing. */
  remove(path: string): Promise<void>;
  /** Atomically moves a folder to a new name (used to drop a table in one step). */
  renameDir(from: string, to: string): Promise<void>;
  /** Removes a folder and everything in it; no error if it is missing. */
  removeDir(dir: string): Promise<void>;
  /** Size in bytes of a file, or undefined when missing. */
  size(path: string): Promise<number | undefined>;
  /** The absolute path of a file on the local file system, for stores that are local folders (memory-mapping). */
  localPath?(path: string): string;
}

/** A byte range of a file. */
export interface ByteRange {
  readonly offset: number;
  readonly length: number;
}

/** Raised by stores for a missing file or folder; the table layer turns it into a typed Quiver error. */
export class ObjectNotFoundError extends Error {
  constructor(readonly path: string, options?: { cause?: unknown }) {
    super(`No such file: ${path}`, options);
    this.name = "ObjectNotFoundError";
  }
}

export function isObjectNotFound(error: unknown): error is ObjectNotFoundError {
  return error instanceof ObjectNotFoundError;
}

/** Joins relative store paths with `/`. */
export function joinPath(...parts: string[]): string {
  return parts.filter((p) => p.length > 0).join("/");
}
