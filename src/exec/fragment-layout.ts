import type { IndexEntry } from "../storage/manifest.js";
import type { FragmentSnapshot, TableSnapshot } from "../storage/table-snapshot.js";

/**
 * Which live fragments of a snapshot an index covers. A snapshot serves every
 * query of its version, so this is worked out once per snapshot and index,
 * not once per query: on a table built by many small appends, rebuilding
 * these sets and maps was a large share of an indexed search.
 */
export interface IndexCoverage {
  /** Fragments with live rows that the index covers, in commit order. */
  readonly covered: readonly FragmentSnapshot[];
  /** Fragments with live rows that the index does not cover (added after it was built), in commit order. */
  readonly uncovered: readonly FragmentSnapshot[];
  /** `covered` by fragment id. */
  readonly byId: ReadonlyMap<number, FragmentSnapshot>;
  /** Live rows in `covered`. */
  readonly liveRows: number;
  /** True when some fragment in `covered` has deleted rows. */
  readonly hasDeletions: boolean;
}

const liveFragments = new WeakMap<TableSnapshot, readonly FragmentSnapshot[]>();
const coverages = new WeakMap<TableSnapshot, Map<IndexEntry, IndexCoverage>>();

/** The snapshot's fragments that have at least one live row, in commit order. */
export function liveFragmentsOf(snapshot: TableSnapshot): readonly FragmentSnapshot[] {
  let live = liveFragments.get(snapshot);
  if (live === undefined) {
    live = Object.freeze(snapshot.fragments.filter((f) => f.physicalRows - f.deletedRows > 0));
    liveFragments.set(snapshot, live);
  }
  return live;
}

/** How `entry` (an index of `snapshot`) covers the snapshot's live fragments. */
export function indexCoverage(snapshot: TableSnapshot, entry: IndexEntry): IndexCoverage {
  let perEntry = coverages.get(snapshot);
  if (perEntry === undefined) {
    perEntry = new Map();
    coverages.set(snapshot, perEntry);
  }
  let coverage = perEntry.get(entry);
  if (coverage === undefined) {
    coverage = computeCoverage(liveFragmentsOf(snapshot), entry);
    perEntry.set(entry, coverage);
  }
  return coverage;
}

function computeCoverage(live: readonly FragmentSnapshot[], entry: IndexEntry): IndexCoverage {
  const ids = new Set(entry.fragmentIds);
  const covered: FragmentSnapshot[] = [];
  const uncovered: FragmentSnapshot[] = [];
  const byId = new Map<number, FragmentSnapshot>();
  let liveRows = 0;
  let hasDeletions = false;
  for (const fragment of live) {
    if (!ids.has(fragment.id)) {
      uncovered.push(fragment);
      continue;
    }
    covered.push(fragment);
    byId.set(fragment.id, fragment);
    liveRows += fragment.physicalRows - fragment.deletedRows;
    hasDeletions ||= fragment.deletedRows > 0;
  }
  return Object.freeze({ covered: Object.freeze(covered), uncovered: Object.freeze(uncovered), byId, liveRows, hasDeletions });
}
