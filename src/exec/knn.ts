import { type Data, type FixedSizeList, Float32, Int32, RecordBatch, type Schema, Struct, Uint64, makeData } from "apache-arrow";
import { type QueryPlan, QueryPlan as Plans } from "../plan/index.js";
import type { FragmentSnapshot, TableSnapshot } from "../storage/table-snapshot.js";
import type { ExecutionContext } from "./execution-context.js";
import { evaluateFilters } from "./filter-mask.js";
import { readFragments } from "./fragment-reader.js";
import { searchTopK } from "./knn-search.js";
import { type Projection, type RowSource, projectRows } from "./project.js";
import { type RowRefs, takeRows } from "./take-rows.js";
import { type VectorColumn, unsearchableRows, vectorsAsFloat32 } from "./vector-column.js";

/** The resolved inputs of a vector search. */
export interface KnnInput {
  readonly column: VectorColumn;
  /** `queryCount × dims` values, starting at byte 0. */
  readonly queries: Float32Array;
  readonly queryCount: number;
}

/** Candidates of one query: parallel arrays, one entry per hit. */
interface Candidates {
  fragment: number[]; // index into the loaded fragments
  row: number[];
  distance: number[];
}

/**
 * Exact k-nearest-neighbour search over every fragment, then projection.
 *
 * Prefilter (the default): deleted rows, rows failing the filter and rows
 * with a null vector are excluded before the top-k, so k rows come back
 * whenever k rows qualify. Postfilter: the top (limit + offset) rows by
 * distance first, then the filter, which may leave fewer rows (as LanceDB).
 * Per-fragment top-k lists merge into a global one ordered by distance, then
 * row id. With several query vectors each gets its own limit and offset, and
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

  const loaded: { fragment: FragmentSnapshot; batch: RecordBatch }[] = [];
  const perQuery: Candidates[] = Array.from({ length: queryCount }, () => ({ fragment: [], row: [], distance: [] }));

  const searched = snapshot.fragments.filter((f) => f.physicalRows - f.deletedRows > 0);
  for await (const { fragment, batch, deleted } of readFragments(searched, { readAhead: true })) {
    context.checkDeadline();
    stats.fragmentsRead++;
    stats.rowsScanned += batch.numRows;
    const vectorData = batch.data.children[column.index] as Data<FixedSizeList>;
    const rows = batch.numRows;
    const filter = prefilter ? evaluateFilters(plan.filters, batch) : null;
    const { exclude, excludedCount } = exclusionMask(rows, deleted, filter, unsearchableRows(vectorData, dims));
    stats.rowsSelected += rows - excludedCount;
    if (excludedCount >= rows) continue;

    const hits = searchTopK({
      dataset: vectorsAsFloat32(vectorData, dims),
      rows,
      dims,
      queries,
      queryCount,
      metric: knn.distanceType,
      k: fetch,
      exclude,
      excludedCount,
      lower: knn.distanceRange?.lower,
      upper: knn.distanceRange?.upper,
      kernel,
    });
    const f = loaded.length;
    loaded.push({ fragment, batch });
    hits.forEach((h, q) => {
      const c = perQuery[q]!;
      for (let i = 0; i < h.rows.length; i++) {
        c.fragment.push(f);
        c.row.push(h.rows[i]!);
        c.distance.push(h.distances[i]!);
      }
    });
  }

  // Merge: global order by (distance, row id); row id order is (fragment id, offset).
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

/** Rows a prefiltered search must skip: deleted, filtered out, or without a vector. */
function exclusionMask(
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
