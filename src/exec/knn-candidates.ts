import type { RecordBatch } from "apache-arrow";
import type { FragmentSnapshot } from "../storage/table-snapshot.js";

/** Candidates of one query: parallel arrays, one entry per hit. */
export interface Candidates {
  fragment: number[]; // index into KnnCandidates.loaded
  row: number[];
  distance: number[];
}

/**
 * The hits of a vector search gathered from every source (exact search of
 * fragments, index searches), with the loaded fragments they point into.
 * Each fragment is registered once, whichever source found rows in it.
 */
export class KnnCandidates {
  readonly loaded: { fragment: FragmentSnapshot; batch: RecordBatch }[] = [];
  readonly perQuery: Candidates[];
  readonly #slots = new Map<number, number>();

  constructor(queryCount: number) {
    this.perQuery = Array.from({ length: queryCount }, () => ({ fragment: [], row: [], distance: [] }));
  }

  /** The index of `fragment` in {@link loaded}, registering it on first use. */
  slot(fragment: FragmentSnapshot, batch: RecordBatch): number {
    let slot = this.#slots.get(fragment.id);
    if (slot === undefined) {
      slot = this.loaded.length;
      this.loaded.push({ fragment, batch });
      this.#slots.set(fragment.id, slot);
    }
    return slot;
  }

  add(query: number, slot: number, row: number, distance: number): void {
    const c = this.perQuery[query]!;
    c.fragment.push(slot);
    c.row.push(row);
    c.distance.push(distance);
  }
}

/** Rows a prefiltered search must skip: deleted, filtered out, or without a vector. */
export function exclusionMask(
  rows: number,
  deleted: Uint8Array | null,
  filter: Uint8Array | null,
  unsearchable: Uint8Array | null,
): { exclude: Uint8Array | null; excludedCount: number } {
  if (deleted === null && filter === null && unsearchable === null) return { exclude: null, excludedCount: 0 };
  const exclude = new Uint8Array(rows);
  let count = 0;
  for (let i = 0; i < rows; i++) {
    const out = (deleted !== null && deleted[i] === 1) || (filter !== null && filter[i] !== 1) || (unsearchable !== null && unsearchable[i] === 1);
    if (out) {
      exclude[i] = 1;
      count++;
    }
  }
  return { exclude, excludedCount: count };
}
