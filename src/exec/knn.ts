import { type Data, type FixedSizeList, Float32, Int32, RecordBatch, type Schema, Struct, Uint64, makeData } from "apache-arrow";
import { type QueryPlan, QueryPlan as Plans } from "../plan/index.js";
import type { FragmentSnapshot, TableSnapshot } from "../storage/table-snapshot.js";
import type { ExecutionContext } from "./execution-context.js";
import { type FilterMasks, evaluateFilters, prepareFilterMasks } from "./filter-mask.js";
import { indexCoverage, liveFragmentsOf } from "./fragment-layout.js";
import { readFragments } from "./fragment-reader.js";
import { searchIndexed, usableVectorIndex } from "./indexed-knn.js";
import { type Candidates, KnnCandidates, exclusionMask } from "./knn-candidates.js";
import { searchTopK } from "./knn-search.js";
import { type Projection, type RowSource, projectRows } from "./project.js";
import { type RowRefs, takeRows } from "./take-rows.js";
import { VectorBlock } from "./vector-block.js";
import { type VectorColumn, unsearchableRows, vectorsAsFloat32 } from "./vector-column.js";

/** The resolved inputs of a vector search. */
export interface KnnInput {
  readonly column: VectorColumn;
  /** `queryCount × dims` values, starting at byte 0. */
  readonly queries: Float32Array;
  readonly queryCount: number;
}


/**
 * k-nearest-neighbour search over every fragment, then projection.
 *
 * Fragments covered by a vector index of the searched column built for the
 * query's metric are searched through it (indexed-knn.ts; not with
 * `bypassVectorIndex()`), the others exactly (not with `fastSearch()`), and
 * the hits merge by distance, so rows added after the index was built are
 * always found.
 *
 * Prefilter (the default): deleted rows, rows failing the filter and rows
 * with a null vector are excluded before the top-k, so k rows come back
 * whenever k rows qualify. Postfilter: the top (limit + offset) rows by
 * distance first, then the filter, which may leave fewer rows (as LanceDB).
 * Per-fragment top-k lists (one list per block of small fragments, see
 * vector-block.ts) merge into a global one ordered by distance, then row id. With several query vectors each gets its own limit and offset, and
 * their results follow one another, numbered by `query_index`.
 */
export async function searchNearest(
  plan: QueryPlan,
  snapshot: TableSnapshot,
  input: KnnInput,
  projection: Projection,
  context: ExecutionContext,
): Promise<RecordBatch | null> {
  const knn = plan.knn!;
  const limit = Plans.effectiveLimit(plan)!;
  const fetch = limit + plan.offset;
  const kernel = context.kernel;
  const stats = context.stats;
  stats.kernel = kernel.name;
  stats.fragments = snapshot.fragments.length;
  const { column, queries, queryCount } = input;
  const dims = column.dims;
  const prefilter = !knn.postfilter;

  const found = new KnnCandidates(queryCount);
  // Memoized: an indexed search evaluates the filter on covered fragments, and an exact fallback would again.
  const filters = memoizeFilterMasks(await prepareFilterMasks(prefilter ? plan.filters : [], snapshot));
  // Only a prefilter's scalar indexes can rule a fragment out unread; without one, the per-snapshot
  // lists serve as they are, so a search touches no per-fragment state it does not need.
  const prunes = prefilter && plan.filters.length > 0;
  const mayMatch = (fragments: readonly FragmentSnapshot[]) => (prunes ? fragments.filter((f) => filters.mayMatch(f)) : fragments);
  const everyQuery = Array.from({ length: queryCount }, (_, q) => q);
  const entry = knn.bypassVectorIndex ? undefined : usableVectorIndex(snapshot, column.name, knn.distanceType);
  if (entry === undefined) {
    await searchExactly(mayMatch(liveFragmentsOf(snapshot)), everyQuery);
  } else {
    const coverage = indexCoverage(snapshot, entry);
    const inIndex = mayMatch(coverage.covered);
    const exactQueries = await searchIndexed({ plan, snapshot, input, entry, coverage, fragments: inIndex, filters, fetch, context, found });
    if (exactQueries.length > 0) await searchExactly(inIndex, exactQueries);
    if (!plan.fastSearch) await searchExactly(mayMatch(coverage.uncovered), everyQuery);
  }

  /** Exact top-k of `fragments` for the queries numbered in `which`. */
  async function searchExactly(fragments: readonly FragmentSnapshot[], which: readonly number[]): Promise<void> {
    if (fragments.length === 0 || which.length === 0) return;
    const picked = which.length === queryCount ? queries : pickQueries(queries, dims, which);
    const topK = (dataset: Float32Array, rows: number, exclude: Uint8Array | null, excludedCount: number) =>
      searchTopK({
        dataset,
        rows,
        dims,
        queries: picked,
        queryCount: which.length,
        metric: knn.distanceType,
        k: fetch,
        exclude,
        excludedCount,
        lower: knn.distanceRange?.lower,
        upper: knn.distanceRange?.upper,
        kernel,
      });
    // Small fragments are searched together, one kernel call per block (vector-block.ts).
    const block = VectorBlock.forFragments(fragments, dims);
    const searchBlock = (b: VectorBlock) => {
      if (b.rows === 0) return;
      topK(b.vectors(), b.rows, null, 0).forEach((h, p) => {
        for (let i = 0; i < h.rows.length; i++) {
          const { fragment, batch, row } = b.origin(h.rows[i]!);
          found.add(which[p]!, found.slot(fragment, batch), row, h.distances[i]!);
        }
      });
      b.clear();
    };
    for await (const { fragment, batch, deleted } of readFragments(fragments, { readAhead: true })) {
      context.checkDeadline();
      stats.fragmentsRead++;
      stats.rowsScanned += batch.numRows;
      const vectorData = batch.data.children[column.index] as Data<FixedSizeList>;
      const rows = batch.numRows;
      const filter = filters.evaluate(fragment, batch);
      const { exclude, excludedCount } = exclusionMask(rows, deleted, filter, unsearchableRows(vectorData, dims));
      stats.rowsSelected += rows - excludedCount;
      if (excludedCount >= rows) continue;
      const vectors = vectorsAsFloat32(vectorData, dims);

      if (block !== null && block.takes(fragment)) {
        if (!block.accepts(fragment, rows - excludedCount)) searchBlock(block);
        block.add(fragment, batch, vectors, rows, exclude);
        continue;
      }
      const hits = topK(vectors, rows, exclude, excludedCount);
      const slot = found.slot(fragment, batch);
      hits.forEach((h, p) => {
        for (let i = 0; i < h.rows.length; i++) found.add(which[p]!, slot, h.rows[i]!, h.distances[i]!);
      });
    }
    if (block !== null) {
      searchBlock(block);
      block.release();
    }
  }

  // Merge: global order by (distance, row id); row id order is (fragment id, offset).
  const { loaded, perQuery } = found;
  const fragmentIds = loaded.map((l) => l.fragment.id);
  const picked: { fragment: number[]; row: number[]; distance: number[]; query: number[] } = {
    fragment: [],
    row: [],
    distance: [],
    query: [],
  };
  for (let q = 0; q < queryCount; q++) {
    const c = perQuery[q]!;
    const order = Array.from(c.row, (_, i) => i);
    order.sort(
      (a, b) =>
        c.distance[a]! - c.distance[b]! || fragmentIds[c.fragment[a]!]! - fragmentIds[c.fragment[b]!]! || c.row[a]! - c.row[b]!,
    );
    let top = order.slice(0, fetch);
    if (!prefilter && plan.filters.length > 0) top = postfilter(plan, loaded, c, top);
    for (const i of top.slice(plan.offset, plan.offset + limit)) {
      picked.fragment.push(c.fragment[i]!);
      picked.row.push(c.row[i]!);
      picked.distance.push(c.distance[i]!);
      picked.query.push(q);
    }
  }
  const length = picked.row.length;
  stats.rowsOutput = length;
  if (length === 0) return null;

  const refs: RowRefs = { sources: Uint32Array.from(picked.fragment), rows: Uint32Array.from(picked.row) };
  const batches = loaded.map((l) => l.batch);
  return projectRows(projection, snapshot.schema, resultSource(batches, fragmentIds, refs, picked.distance, picked.query));
}

/** Drops the candidates (already in distance order) that fail the filter, evaluating it on those rows only. */
function postfilter(
  plan: QueryPlan,
  loaded: readonly { batch: RecordBatch }[],
  candidates: Candidates,
  order: number[],
): number[] {
  if (order.length === 0) return order;
  const refs: RowRefs = {
    sources: Uint32Array.from(order, (i) => candidates.fragment[i]!),
    rows: Uint32Array.from(order, (i) => candidates.row[i]!),
  };
  const batch = gatherBatch(
    loaded.map((l) => l.batch),
    refs,
  );
  const mask = evaluateFilters(plan.filters, batch)!;
  return order.filter((_, i) => mask[i] === 1);
}

function gatherBatch(batches: readonly RecordBatch[], refs: RowRefs): RecordBatch {
  const schema: Schema = batches[0]!.schema;
  const children = schema.fields.map((f, c) =>
    takeRows(
      f.type,
      batches.map((b) => b.data.children[c]!),
      refs,
    ),
  );
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: refs.rows.length, nullCount: 0, children }));
}

function resultSource(
  batches: readonly RecordBatch[],
  fragmentIds: readonly number[],
  refs: RowRefs,
  distances: readonly number[],
  queryIndexes: readonly number[],
): RowSource {
  const cache = new Map<number, Data>();
  const length = refs.rows.length;
  return {
    length,
    tableColumn: (index) => {
      let data = cache.get(index);
      if (!data) {
        data = takeRows(
          batches[0]!.schema.fields[index]!.type,
          batches.map((b) => b.data.children[index]!),
          refs,
        );
        cache.set(index, data);
      }
      return data;
    },
    rowIds: () => {
      const values = new BigUint64Array(length);
      for (let i = 0; i < length; i++) {
        values[i] = (BigInt(fragmentIds[refs.sources![i]!]!) << 32n) | BigInt(refs.rows[i]!);
      }
      return makeData({ type: new Uint64(), length, nullCount: 0, data: values });
    },
    distances: () => makeData({ type: new Float32(), length, nullCount: 0, data: Float32Array.from(distances) }),
    queryIndexes: () => makeData({ type: new Int32(), length, nullCount: 0, data: Int32Array.from(queryIndexes) }),
  };
}

/** The query vectors numbered in `which`, packed at byte 0 of a new buffer. */
function pickQueries(queries: Float32Array, dims: number, which: readonly number[]): Float32Array {
  const out = new Float32Array(which.length * dims);
  which.forEach((q, i) => out.set(queries.subarray(q * dims, (q + 1) * dims), i * dims));
  return out;
}


/** `masks` with each fragment's filter result kept, so a fragment is filtered once per query. */
function memoizeFilterMasks(masks: FilterMasks): FilterMasks {
  const results = new Map<number, Uint8Array | null>();
  return {
    ...masks,
    mayMatch: (fragment) => masks.mayMatch(fragment),
    evaluate: (fragment, batch) => {
      if (!results.has(fragment.id)) results.set(fragment.id, masks.evaluate(fragment, batch));
      return results.get(fragment.id)!;
    },
  };
}
