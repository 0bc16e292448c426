import type { Data, FixedSizeList, RecordBatch } from "apache-arrow";
import { DEFAULT_EF } from "../indices/vector/hnsw/hnsw-index.js";
import { loadVectorIndex } from "../indices/vector/load-vector-index.js";
import type { AllowedRows, VectorIndex, VectorIndexHits, VectorIndexSearchOptions } from "../indices/vector/vector-index.js";
import { decodeVectorIndexParams } from "../indices/vector/vector-index-options.js";
import type { DistanceType, QueryPlan } from "../plan/index.js";
import type { IndexEntry } from "../storage/manifest.js";
import type { FragmentSnapshot, TableSnapshot } from "../storage/table-snapshot.js";
import type { ExecutionContext } from "./execution-context.js";
import type { FilterMasks } from "./filter-mask.js";
import type { IndexCoverage } from "./fragment-layout.js";
import { readFragments } from "./fragment-reader.js";
import { type KnnCandidates, exclusionMask } from "./knn-candidates.js";
import type { KnnInput } from "./knn.js";
import { unsearchableRows, vectorsAsFloat32 } from "./vector-column.js";

/** Index kinds this version can search. */
const SEARCHABLE_KINDS: ReadonlySet<string> = new Set(["hnswSq", "hnswPq", "ivfFlat", "ivfPq"]);

/**
 * With a filter, below this many qualifying rows an exact search of them is
 * cheaper than walking the graph, and it always finds k.
 */
const EXACT_ROWS = 1024;
/**
 * Cost of one HNSW candidate in exact-distance units: each examined node
 * costs about 2·m 8-bit distances plus graph bookkeeping and the exact
 * re-rank. A filtered search goes exact when the qualifying rows cost less
 * to scan than the candidates the graph would need.
 */
const HNSW_CANDIDATE_COST = 16;
/** Past this share of the index, asking the graph for more candidates costs more than an exact search. */
const MAX_INDEX_SHARE = 0.5;
/** Each retry asks the index for this many times more candidates. */
const GROWTH = 4;
const TWO_32 = 4294967296;

/**
 * The vector index of `column` that a search with `distanceType` can use:
 * as in LanceDB, an index built for one metric is not used for another (the
 * search is then exact).
 */
export function usableVectorIndex(snapshot: TableSnapshot, column: string, distanceType: DistanceType): IndexEntry | undefined {
  return snapshot.indices.find(
    (i) => i.column === column && SEARCHABLE_KINDS.has(i.kind) && decodeVectorIndexParams(i.parameters).distanceType === distanceType,
  );
}

/** One indexed search: the fragments the index covers, searched through it. */
export interface IndexedSearch {
  readonly plan: QueryPlan;
  readonly snapshot: TableSnapshot;
  readonly input: KnnInput;
  readonly entry: IndexEntry;
  /** The live fragments the index covers, worked out once per snapshot. */
  readonly coverage: IndexCoverage;
  /** Live fragments the index covers that the filters may match (`coverage.covered` without a prefilter). */
  readonly fragments: readonly FragmentSnapshot[];
  /** The prefilter (no filters for a postfiltered search). */
  readonly filters: FilterMasks;
  /** Results wanted per query: limit + offset. */
  readonly fetch: number;
  readonly context: ExecutionContext;
  readonly found: KnnCandidates;
}

/**
 * Searches the fragments an index covers through it and adds the hits to
 * `found`. Candidates from the index are re-ranked with exact distances from
 * the stored vectors (so `_distance` is what an exact search reports; an
 * IVF-PQ index only with `refineFactor`, as in LanceDB, and its quantized
 * distances otherwise), deleted and filtered-out rows are dropped (an IVF
 * index skips them itself while scanning), and the index is asked again for
 * more candidates until `fetch` rows survive. Returns the queries for which an
 * exact search of the covered fragments is the better or the only complete
 * answer: a very selective filter, or an index that ran out of candidates
 * before `fetch` qualifying rows were found — so a prefiltered search never
 * returns fewer rows than qualify.
 */
export async function searchIndexed(search: IndexedSearch): Promise<number[]> {
  const { plan, snapshot, input, entry, coverage, fragments, filters, fetch, context, found } = search;
  const knn = plan.knn!;
  const stats = context.stats;
  const { column, queries, queryCount } = input;
  const dims = column.dims;
  const everyQuery = Array.from({ length: queryCount }, (_, q) => q);
  if (fragments.length === 0) return [];

  // Which rows may be returned. With a prefilter every covered fragment is read and filtered up front;
  // without one nothing per fragment is touched until a candidate lands in it (see CoveredFragments).
  const prefiltered = !knn.postfilter && plan.filters.length > 0;
  const covered = new CoveredFragments(prefiltered ? null : coverage.byId);
  let allowed = 0;
  if (prefiltered) {
    for await (const { fragment, batch, deleted } of readFragments(fragments, { readAhead: true })) {
      context.checkDeadline();
      stats.fragmentsRead++;
      stats.rowsScanned += batch.numRows;
      const vectorData = batch.data.children[column.index] as Data<FixedSizeList>;
      const { exclude, excludedCount } = exclusionMask(batch.numRows, deleted, filters.evaluate(fragment, batch), unsearchableRows(vectorData, dims));
      allowed += batch.numRows - excludedCount;
      covered.add(fragment, exclude);
    }
  } else {
    allowed = coverage.liveRows;
  }
  stats.rowsSelected += allowed;
  if (allowed === 0) return [];

  const index = await loadVectorIndex(snapshot, entry);
  const size = index.size;
  const filtersInside = index.filtersCandidates === true;
  // An index that skips excluded rows itself needs every fragment's mask up front.
  const allowedRows = !filtersInside ? undefined : prefiltered ? covered.masks() : await deletionMasks(coverage);
  const selectivity = Math.min(1, allowed / Math.max(1, size));
  const exactDistances = index.rerank !== "onRefineFactor" || knn.refineFactor !== undefined;
  const want = fetch * (knn.refineFactor ?? 1);
  // An index that skips excluded rows itself returns `want` allowed rows; a graph must be asked for more.
  const firstAsk = filtersInside ? want : Math.ceil(want / selectivity);
  if (prefiltered && allowed <= exactSearchBelow(index, firstAsk, knn.ef)) return everyQuery;

  stats.vectorIndex = entry.name;
  stats.indexCandidates ??= 0;
  const options: VectorIndexSearchOptions = {
    ef: knn.ef,
    minimumNprobes: knn.minimumNprobes,
    maximumNprobes: knn.maximumNprobes,
    ...(allowedRows ? { allowed: allowedRows } : {}),
  };
  // IVF with a probe cap (nprobes(n) sets maximumNprobes = n): when those partitions hold fewer qualifying
  // rows than wanted, probing on, nearest partition first, completes the answer for a fraction of an exact scan.
  const capped = filtersInside && knn.maximumNprobes !== undefined && knn.maximumNprobes > 0;
  const uncapped: VectorIndexSearchOptions = { ...options, maximumNprobes: 0 };
  const exact: number[] = [];
  for (let q = 0; q < queryCount; q++) {
    // The kernel needs the query at byte 0 of its own buffer.
    const query = queries.slice(q * dims, (q + 1) * dims);
    let ask = firstAsk;
    let capLifted = false;
    for (;;) {
      context.checkDeadline();
      const hits = index.search(query, ask, capLifted ? uncapped : options);
      stats.indexCandidates += hits.keys.length;
      const refined = await refine(hits, covered, query, dims, column.index, knn.distanceType, knn.distanceRange, context, exactDistances);
      const exhausted = hits.keys.length < ask || ask >= size;
      if (refined.rows.length >= fetch || refined.reachedUpper || exhausted) {
        if (refined.rows.length < Math.min(fetch, allowed) && knn.distanceRange === undefined) {
          if (capped && !capLifted) {
            // The probe cap, not the index, stopped the scan short: ask again without it (once).
            capLifted = true;
            continue;
          }
          // An index that ran dry while enough rows qualify (an unreachable part of the graph, rows missing
          // from an IVF index): only an exact search is complete.
          exact.push(q);
          break;
        }
        for (let i = 0; i < refined.rows.length && i < fetch; i++) {
          found.add(q, found.slot(refined.fragments[i]!, refined.batches[i]!), refined.rows[i]!, refined.distances[i]!);
        }
        break;
      }
      if (ask >= size * MAX_INDEX_SHARE) {
        exact.push(q);
        break;
      }
      ask = Math.min(size, ask * GROWTH);
    }
  }
  return exact;
}

interface CoveredFragment {
  readonly fragment: FragmentSnapshot;
  /**
   * 1 for each row that must not be returned; null: none; undefined: not read
   * yet (a deletion mask is read when a candidate first lands in the fragment).
   */
  exclude: Uint8Array | null | undefined;
}

/**
 * The exclusion state of one query's covered fragments. With a prefilter,
 * every fragment is added with its mask as it is filtered. Without one, a
 * fragment's state is made when a candidate first lands in it: rows without
 * a vector were never put in the index, so only deletions can exclude a row,
 * and a per-query map of every fragment made each query cost O(fragments)
 * on a table built by many small appends.
 */
class CoveredFragments {
  readonly #states = new Map<number, CoveredFragment>();

  constructor(private readonly lazily: ReadonlyMap<number, FragmentSnapshot> | null) {}

  add(fragment: FragmentSnapshot, exclude: Uint8Array | null): void {
    this.#states.set(fragment.id, { fragment, exclude });
  }

  get(fragmentId: number): CoveredFragment | undefined {
    let state = this.#states.get(fragmentId);
    if (state === undefined && this.lazily !== null) {
      const fragment = this.lazily.get(fragmentId);
      if (fragment === undefined) return undefined;
      state = { fragment, exclude: fragment.deletedRows > 0 ? undefined : null };
      this.#states.set(fragmentId, state);
    }
    return state;
  }

  /** The masks of the fragments added (a prefiltered search, where every mask is known). */
  masks(): AllowedRows {
    return new Map(Array.from(this.#states, ([id, c]) => [id, c.exclude ?? null] as const));
  }
}

/**
 * Every covered fragment's deletion mask, for an index that skips excluded
 * rows itself. Kept per snapshot and index: the masks never change within a
 * version, and collecting them cost each query O(fragments).
 */
const deletionMaskSets = new WeakMap<IndexCoverage, Promise<AllowedRows>>();

function deletionMasks(coverage: IndexCoverage): Promise<AllowedRows> {
  let masks = deletionMaskSets.get(coverage);
  if (masks === undefined) {
    masks = (async () => {
      const loaded = await Promise.all(coverage.covered.map(async (f) => [f.id, f.deletedRows > 0 ? await f.deletionMask() : null] as const));
      return new Map(loaded);
    })();
    // A failed read must not stick to the snapshot: the next query tries again.
    masks.catch(() => deletionMaskSets.delete(coverage));
    deletionMaskSets.set(coverage, masks);
  }
  return masks;
}

/**
 * Below this many qualifying rows a prefiltered search is exact. A graph
 * search costs about HNSW_CANDIDATE_COST exact distances per candidate; an
 * IVF scan skips excluded rows at the cost of a byte test, so only tiny
 * filtered sets are cheaper to scan exactly.
 */
function exactSearchBelow(index: VectorIndex, firstAsk: number, ef: number | undefined): number {
  if (index.filtersCandidates === true) return EXACT_ROWS;
  return Math.max(EXACT_ROWS, Math.max(firstAsk, ef ?? DEFAULT_EF) * HNSW_CANDIDATE_COST);
}

/** Re-ranked candidates (or, see `exact` of refine, the index's own distances), nearest first. */
interface Refined {
  fragments: FragmentSnapshot[];
  batches: RecordBatch[];
  rows: number[];
  distances: number[];
  /** A candidate at or beyond the distance range's upper bound was seen: farther ones would be too. */
  reachedUpper: boolean;
}

/**
 * Drops excluded candidates and computes the exact distance of the rest with
 * the same kernel as an exact search, so equal rows get equal `_distance`.
 * With `exact` false (IVF-PQ without refineFactor) the index's approximate
 * distances and order are kept, as LanceDB returns them.
 */
async function refine(
  hits: VectorIndexHits,
  covered: CoveredFragments,
  query: Float32Array,
  dims: number,
  columnIndex: number,
  metric: DistanceType,
  range: { readonly lower?: number; readonly upper?: number } | undefined,
  context: ExecutionContext,
  exact: boolean,
): Promise<Refined> {
  // Candidates land in many fragments on a table built by small appends: deletion masks and batches of
  // all of them are read at once, not one await after another (each a trip to storage when not cached).
  const states: (CoveredFragment | undefined)[] = new Array(hits.keys.length);
  const unread = new Set<CoveredFragment>();
  for (let i = 0; i < hits.keys.length; i++) {
    const state = covered.get(Math.floor(hits.keys[i]! / TWO_32));
    states[i] = state;
    if (state?.exclude === undefined && state !== undefined) unread.add(state);
  }
  if (unread.size > 0) {
    await Promise.all(Array.from(unread, async (state) => (state.exclude = await state.fragment.deletionMask())));
  }
  const keep: { fragment: FragmentSnapshot; row: number; distance: number }[] = [];
  const loading = new Map<number, Promise<RecordBatch>>();
  for (let i = 0; i < hits.keys.length; i++) {
    const state = states[i];
    if (state === undefined) continue;
    const row = hits.keys[i]! % TWO_32;
    if (state.exclude?.[row] === 1) continue;
    keep.push({ fragment: state.fragment, row, distance: hits.distances[i]! });
    if (!loading.has(state.fragment.id)) loading.set(state.fragment.id, state.fragment.load());
  }
  const out: Refined = { fragments: [], batches: [], rows: [], distances: [], reachedUpper: false };
  if (keep.length === 0) return out;
  const loaded = await Promise.all(loading.values());
  const batches = new Map(Array.from(loading.keys(), (id, i) => [id, loaded[i]!] as const));

  const gathered = exact ? new Float32Array(keep.length * dims) : null;
  // Candidates cluster in few fragments: resolve each fragment's vectors once, not once per candidate.
  let lastFragment = -1;
  let vectors: Float32Array | null = null;
  for (let i = 0; gathered !== null && i < keep.length; i++) {
    const { fragment, row } = keep[i]!;
    if (fragment.id !== lastFragment || vectors === null) {
      vectors = vectorsAsFloat32(batches.get(fragment.id)!.data.children[columnIndex] as Data<FixedSizeList>, dims);
      lastFragment = fragment.id;
    }
    gathered.set(vectors.subarray(row * dims, (row + 1) * dims), i * dims);
  }
  const result =
    gathered === null
      ? { rows: Uint32Array.from(keep, (_, i) => i), distances: Float32Array.from(keep, (k) => k.distance) }
      : context.kernel.search({ dataset: gathered, rows: keep.length, dims, queries: query, queryCount: 1, count: keep.length, metric });
  const lower = range?.lower ?? -Infinity;
  const upper = range?.upper ?? Infinity;
  for (let i = 0; i < keep.length; i++) {
    const d = result.distances[i]!;
    if (d !== d) continue; // NaN: no distance, never a result (as in the exact search)
    if (d >= upper) {
      out.reachedUpper = true;
      break;
    }
    if (d < lower) continue;
    const { fragment, row } = keep[result.rows[i]!]!;
    out.fragments.push(fragment);
    out.batches.push(batches.get(fragment.id)!);
    out.rows.push(row);
    out.distances.push(d);
  }
  return out;
}
