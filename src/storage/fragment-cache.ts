import type { RecordBatch } from "apache-arrow";

interface Entry {
  readonly value: unknown;
  readonly bytes: number;
  /** The value of `clock` when the entry was last moved to the recent end. */
  stamp: number;
}

/**
 * Decoded fragments and deletion masks (and values derived from immutable files,
 * such as decoded indexes), least recently used first out, bounded
 * by bytes. Entries never go stale: the files behind them are immutable.
 */
export class FragmentCache {
  private readonly entries = new Map<string, Entry>();
  private used = 0;
  private clock = 0;

  constructor(readonly capacityBytes: number) {}

  get<T = RecordBatch | Uint8Array>(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    // Marking an entry most recently used means re-inserting it (Map keeps insertion order), and that
    // delete + set was most of a cache hit: a search re-ranking candidates from many small fragments
    // hits the cache dozens of times per query. An entry moved within the last half of the cache's
    // turnover is still far from eviction, so it stays put: the order is LRU to within half the entries.
    if (this.clock - entry.stamp > this.entries.size >> 1) {
      this.entries.delete(key);
      this.entries.set(key, entry);
      entry.stamp = ++this.clock;
    }
    return entry.value as T;
  }

  set(key: string, value: unknown, bytes: number): void {
    const old = this.entries.get(key);
    if (old) {
      this.used -= old.bytes;
      this.entries.delete(key);
    }
    this.entries.set(key, { value, bytes, stamp: ++this.clock });
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
