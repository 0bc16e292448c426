import { CorruptTableError } from "../../errors.js";
import type { IndexEntry } from "../../storage/manifest.js";
import type { FragmentSnapshot, TableSnapshot } from "../../storage/table-snapshot.js";
import { buildFtsSegment } from "./build-fts-segment.js";
import { FtsCorpus, type SegmentView } from "./fts-corpus.js";
import { decodeFtsParams, encodeFtsParams } from "./fts-options.js";
import { decodeFtsSegment } from "./fts-segment-codec.js";
import type { FtsSegment } from "./fts-segment.js";
import { createTokenizer } from "./tokenizer.js";

/**
 * The corpus of one full-text index in one table version: the stored segment
 * (decoded once per connection) with its deleted and vanished rows masked out,
 * plus a segment for each fragment the index does not cover — tokenized when
 * first searched and cached by the fragment's file, so later queries reuse it.
 * With `indexedOnly` (a query's `fastSearch()`), uncovered fragments are left out.
 */
export async function loadFtsCorpus(
  snapshot: TableSnapshot,
  entry: IndexEntry,
  options: { indexedOnly?: boolean } = {},
): Promise<FtsCorpus> {
  const params = decodeFtsParams(entry.parameters);
  const tokenizer = createTokenizer(params);
  const stored = await snapshot.cached(`_indices/${entry.uuid}#fts`, async () => {
    const segment = await readStoredSegment(snapshot, entry);
    return { value: segment, bytes: segment.byteSize };
  });

  const byId = new Map(snapshot.fragments.map((f) => [f.id, f]));
  const covered = new Set(entry.fragmentIds);
  const views: SegmentView[] = [{ segment: stored, live: await storedLiveMask(stored, byId) }];

  const paramsKey = JSON.stringify(encodeFtsParams(params));
  for (const fragment of options.indexedOnly ? [] : snapshot.fragments) {
    if (covered.has(fragment.id) || fragment.physicalRows - fragment.deletedRows <= 0) continue;
    const segment = await snapshot.cached(`${fragment.file}#fts:${entry.column}:${paramsKey}`, async () => {
      const built = await buildFtsSegment([fragment], entry.column, tokenizer, { skipDeleted: false });
      return { value: built, bytes: built.byteSize };
    });
    views.push({ segment, live: await fragmentLiveMask(segment, fragment) });
  }
  return new FtsCorpus(entry.column, entry.name, tokenizer, views);
}

async function readStoredSegment(snapshot: TableSnapshot, entry: IndexEntry): Promise<FtsSegment> {
  const files = new Map<string, Uint8Array>();
  for (const path of entry.files) files.set(path.slice(path.lastIndexOf("/") + 1), await snapshot.readFile(path));
  try {
    return decodeFtsSegment((name) => files.get(name));
  } catch (error) {
    const folder = `_indices/${entry.uuid}`;
    throw new CorruptTableError(
      `Table '${snapshot.tableName}' version ${snapshot.version}: the full-text index '${entry.name}' in ${folder} is unreadable: ` +
        `${(error as Error).message}. Rebuild it with table.createIndex("${entry.column}", {config: Index.fts(), replace: true}).`,
      folder,
      "a Quiver full-text index",
      "unreadable files",
      { cause: error },
    );
  }
}

/** Live documents of the stored segment: rows of fragments still present and not deleted since. */
async function storedLiveMask(segment: FtsSegment, fragments: ReadonlyMap<number, FragmentSnapshot>): Promise<Uint8Array | null> {
  const { docFragment, docOffset } = segment.data;
  const n = docFragment.length;
  // Fragments the index covers, as they are in this version.
  const masks = new Map<number, Uint8Array | null | undefined>();
  let allLive = true;
  for (let d = 0; d < n; ) {
    const id = docFragment[d]!;
    const fragment = fragments.get(id);
    const mask = fragment ? await fragment.deletionMask() : undefined;
    masks.set(id, mask);
    if (mask !== null) allLive = false;
    while (d < n && docFragment[d] === id) d++;
  }
  if (allLive) return null;
  const live = new Uint8Array(n);
  for (let d = 0; d < n; d++) {
    const mask = masks.get(docFragment[d]!);
    if (mask === undefined) continue; // the fragment is gone (deleted whole, or compacted away)
    live[d] = mask === null || mask[docOffset[d]!] !== 1 ? 1 : 0;
  }
  return live;
}

async function fragmentLiveMask(segment: FtsSegment, fragment: FragmentSnapshot): Promise<Uint8Array | null> {
  const deleted = await fragment.deletionMask();
  if (deleted === null) return null;
  const { docOffset } = segment.data;
  const live = new Uint8Array(docOffset.length);
  for (let d = 0; d < live.length; d++) live[d] = deleted[docOffset[d]!] === 1 ? 0 : 1;
  return live;
}
