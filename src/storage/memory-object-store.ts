import { ObjectNotFoundError, type ByteRange, type ObjectStore } from "./object-store.js";

/**
 * A store in process memory, for `memory://` connections: same semantics as the
 * local store (folders must exist before files are written into them), gone when
 * the connection is.
 */
export class MemoryObjectStore implements ObjectStore {
  readonly location = "memory://";
  private readonly files = new Map<string, Uint8Array>();
  private readonly dirs = new Set<string>([""]);

  private parentOf(path: string): string {
    const cut = path.lastIndexOf("/");
    return cut < 0 ? "" : path.slice(0, cut);
  }

  async read(path: string): Promise<Uint8Array> {
    const bytes = this.files.get(path);
    if (bytes === undefined) throw new ObjectNotFoundError(path);
    return bytes;
  }

  async readSplit(path: string, ranges: readonly ByteRange[]): Promise<{ whole: Uint8Array; ranges: Uint8Array[] }> {
    const whole = await this.read(path);
    return { whole, ranges: ranges.map((r) => whole.slice(r.offset, r.offset + r.length)) };
  }

  async write(path: string, bytes: Uint8Array | readonly Uint8Array[]): Promise<void> {
    if (!this.dirs.has(this.parentOf(path))) throw new ObjectNotFoundError(this.parentOf(path));
    if (this.files.has(path)) throw new Error(`File exists: ${path}`);
    this.files.set(path, Array.isArray(bytes) ? Buffer.concat(bytes) : (bytes as Uint8Array).slice());
  }

  async putIfAbsent(path: string, bytes: Uint8Array): Promise<boolean> {
    if (!this.dirs.has(this.parentOf(path))) throw new ObjectNotFoundError(this.parentOf(path));
    if (this.files.has(path)) return false;
    this.files.set(path, bytes.slice());
    return true;
  }

  async exists(path: string): Promise<boolean> {
    return this.files.has(path) || this.dirs.has(path);
  }

  async list(dir: string): Promise<string[]> {
    const names = new Set<string>();
    const prefix = dir === "" ? "" : `${dir}/`;
    for (const key of [...this.files.keys(), ...this.dirs]) {
      if (key.startsWith(prefix) && key.length > prefix.length) {
        names.add(key.slice(prefix.length).split("/")[0]!);
      }
    }
    return [...names];
  }

  async makeDir(dir: string): Promise<void> {
    const parts = dir.split("/");
    for (let i = 1; i <= parts.length; i++) this.dirs.add(parts.slice(0, i).join("/"));
  }

  async remove(path: string): Promise<void> {
    this.files.delete(path);
  }

  async renameDir(from: string, to: string): Promise<void> {
    if (!this.dirs.has(from)) throw new ObjectNotFoundError(from);
    for (const map of [this.files]) {
      for (const [key, value] of [...map]) {
        if (key === from || key.startsWith(`${from}/`)) {
          map.delete(key);
          map.set(to + key.slice(from.length), value);
        }
      }
    }
    for (const key of [...this.dirs]) {
      if (key === from || key.startsWith(`${from}/`)) {
        this.dirs.delete(key);
        this.dirs.add(to + key.slice(from.length));
      }
    }
  }

  async removeDir(dir: string): Promise<void> {
    for (const key of [...this.files.keys()]) if (key.startsWith(`${dir}/`)) this.files.delete(key);
    for (const key of [...this.dirs]) if (key === dir || key.startsWith(`${dir}/`)) this.dirs.delete(key);
  }

  async size(path: string): Promise<number | undefined> {
    return this.files.get(path)?.byteLength;
  }
}
