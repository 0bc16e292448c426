import { randomUUID } from "node:crypto";
import { constants } from "node:fs";
import { link, mkdir, open, readdir, readFile, rename, rm, stat, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ObjectNotFoundError, type ObjectStore } from "./object-store.js";

function isNoEntry(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

/** A table store on the local file system. Writes are fsynced; commits use hard links for exclusive create. */
export class LocalObjectStore implements ObjectStore {
  constructor(readonly location: string) {}

  private abs(path: string): string {
    return join(this.location, path);
  }

  async read(path: string): Promise<Uint8Array> {
    try {
      return await readFile(this.abs(path));
    } catch (error) {
      if (isNoEntry(error)) throw new ObjectNotFoundError(path, { cause: error });
      throw error;
    }
  }

  async write(path: string, bytes: Uint8Array): Promise<void> {
    try {
      await writeDurably(this.abs(path), bytes, "wx");
    } catch (error) {
      if (isNoEntry(error)) throw new ObjectNotFoundError(dirname(path), { cause: error });
      throw error;
    }
  }

  async putIfAbsent(path: string, bytes: Uint8Array): Promise<boolean> {
    const target = this.abs(path);
    // Write the whole file under a private name first, then link it into place:
    // link() fails if the target exists, so readers never see a half-written
    // manifest and two writers can never both win the same name.
    const temp = join(dirname(target), `.tmp-${randomUUID()}`);
    try {
      await writeDurably(temp, bytes, "wx");
    } catch (error) {
      if (isNoEntry(error)) throw new ObjectNotFoundError(dirname(path), { cause: error });
      throw error;
    }
    try {
      await link(temp, target);
      await syncDir(dirname(target));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
      if (isNoEntry(error)) throw new ObjectNotFoundError(dirname(path), { cause: error });
      throw error;
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  }

  async exists(path: string): Promise<boolean> {
    try {
      await stat(this.abs(path));
      return true;
    } catch (error) {
      if (isNoEntry(error)) return false;
      throw error;
    }
  }

  async list(dir: string): Promise<string[]> {
    try {
      return await readdir(this.abs(dir));
    } catch (error) {
      if (isNoEntry(error)) return [];
      throw error;
    }
  }

  async makeDir(dir: string): Promise<void> {
    await mkdir(this.abs(dir), { recursive: true });
  }

  async remove(path: string): Promise<void> {
    await rm(this.abs(path), { force: true });
  }

  async renameDir(from: string, to: string): Promise<void> {
    try {
      await rename(this.abs(from), this.abs(to));
    } catch (error) {
      if (isNoEntry(error)) throw new ObjectNotFoundError(from, { cause: error });
      throw error;
    }
  }

  async removeDir(dir: string): Promise<void> {
    await rm(this.abs(dir), { recursive: true, force: true });
  }

  async size(path: string): Promise<number | undefined> {
    try {
      return (await stat(this.abs(path))).size;
    } catch (error) {
      if (isNoEntry(error)) return undefined;
      throw error;
    }
  }
}

async function writeDurably(path: string, bytes: Uint8Array, flag: "wx" | "w"): Promise<void> {
  const handle = await open(path, flag === "wx" ? constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY : "w");
  try {
    let written = 0;
    while (written < bytes.byteLength) {
      const { bytesWritten } = await handle.write(bytes, written, bytes.byteLength - written);
      written += bytesWritten;
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDir(dir: string): Promise<void> {
  // Makes the new directory entry itself durable; some file systems refuse, which is harmless.
  try {
    const handle = await open(dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* directory fsync is best effort (not supported everywhere) */
  }
}
