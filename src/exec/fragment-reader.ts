import type { RecordBatch } from "apache-arrow";
import type { FragmentSnapshot } from "../storage/table-snapshot.js";

/** A fragment's rows and deletion mask, loaded together. */
export interface LoadedFragment {
  readonly fragment: FragmentSnapshot;
  readonly batch: RecordBatch;
  readonly deleted: Uint8Array | null;
}

async function loadFragment(fragment: FragmentSnapshot): Promise<LoadedFragment> {
  const [batch, deleted] = await Promise.all([fragment.load(), fragment.deletedRows > 0 ? fragment.deletionMask() : null]);
  return { fragment, batch, deleted };
}

/**
 * Loads fragments in order. With `readAhead`, the next fragment's load starts
 * while the current one is being processed, so storage reads overlap the
 * search; without it nothing is loaded before it is asked for (a scan with a
 * limit must not read fragments it will not use).
 */
export async function* readFragments(
  fragments: readonly FragmentSnapshot[],
  options: { readAhead: boolean },
): AsyncGenerator<LoadedFragment> {
  let next: Promise<LoadedFragment> | null = null;
  for (let i = 0; i < fragments.length; i++) {
    const current: Promise<LoadedFragment> = next ?? loadFragment(fragments[i]!);
    next = null;
    if (options.readAhead && i + 1 < fragments.length) {
      next = loadFragment(fragments[i + 1]!);
      // Observed when awaited; until then, a failure must not surface as an unhandled rejection.
      next.catch(() => undefined);
    }
    yield await current;
  }
}
