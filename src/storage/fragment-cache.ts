import type { RecordBatch } from "apache-arrow";

/**
 * Decoded fragments and deletion masks (and values derived from immutable files,
 * such as decoded indexes), least recently used first out, bounded
 * by bytes. Entries never go stale: the files behind them are immutable.
 */
export class FragmentCache {
  private readonly entries = new Map<string, { value: unknown; bytes: number }>();
  private used = 0;

  constructor(readonly capacityBytes: number) {}

  get<T = RecordBatch | Uint8Array>(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    // Re-insert to mark as most recently used (Map keeps insertion order).
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value as T;
  }

  set(key: string, value: unknown, bytes: number): void {
    const old = this.entries.get(key);
    if (old) {
      this.used -= old.bytes;
      this.entries.delete(key);
    }
    this.entries.set(key, { value, bytes });
    this.used += bytes;
    for (const [oldestKey, oldest] of this.entries) {
      if (this.used <= this.capacityBytes || oldestKey === key) break;
      this.entries.delete(oldestKey);
      this.used -= oldest.bytes;
    }
  }

  /** Drops every entry whose key starts with `prefix` (a dropped or overwritten table). */
  evictPrefix(prefix: string): void {
    for (const [key, entry] of this.entries) {
      if (key.startsWith(prefix)) {
        this.entries.delete(key);
        this.used -= entry.bytes;
      }
    }
  }
}
