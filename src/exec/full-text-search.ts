import { type Data, Float32, type RecordBatch, Uint64, makeData } from "apache-arrow";
import { ColumnNotFoundError, IndexNotFoundError, formatList } from "../errors.js";
import { ftsQueryColumns, evaluateFtsQuery } from "../indices/fts/evaluate-fts-query.js";
import { loadFtsCorpus } from "../indices/fts/load-fts-corpus.js";
import { splitRowKey, type RowScores } from "../indices/fts/row-scores.js";
import { isTextType } from "../indices/fts/text-column.js";
import { type FtsQueryNode, type FullTextNode, type QueryPlan, QueryPlan as Plans } from "../plan/index.js";
import type { IndexEntry } from "../storage/manifest.js";
import type { FragmentSnapshot, TableSnapshot } from "../storage/table-snapshot.js";
import type { ExecutionContext } from "./execution-context.js";
import { type FilterMasks, prepareFilterMasks } from "./filter-mask.js";
import { type Projection, type RowSource, projectRows } from "./project.js";
import { type RowRefs, takeRows } from "./take-rows.js";

/** A full-text search checked against a snapshot: the query and the index of every column it reads. */
export interface FullTextInput {
  readonly query: FtsQueryNode;
  /** Columns searched by query parts that name none. */
  readonly defaultColumns: readonly string[];
  /** The full-text index of each column the query reads. */
  readonly indices: ReadonlyMap<string, IndexEntry>;
}

/**
 * Checks a full-text search against the snapshot without reading data: the
 * columns it names exist and have a full-text index. The error for a text
 * query that fell back from a vector search (auto mode) names both ways out:
 * a full-text index or an embedding function.
 */
export function prepareFullText(node: FullTextNode, snapshot: TableSnapshot): FullTextInput {
  const { schema, tableName } = snapshot;
  const byColumn = new Map<string, IndexEntry>();
  for (const index of snapshot.indices) if (index.kind === "fts") byColumn.set(index.column, index);
  const stringColumns = schema.fields.filter((f) => isTextType(f.type)).map((f) => f.name);
  const example = stringColumns[0] ?? "text";
  if (byColumn.size === 0) {
    if (node.origin === "auto") {
      throw new IndexNotFoundError(
        `search("${node.text}") on table '${tableName}': the table has neither an embedding function nor a full-text index, ` +
          `so a text query can run neither as a vector search nor as a full-text search. Add one of them: ` +
          `a full-text index for keyword search — await table.createIndex("${example}", {config: Index.fts()}) — ` +
          `or an embedding function to search by meaning (create the table with {embeddingFunction: {function, sourceColumn}}); ` +
          `or search with a vector.`,
        tableName,
      );
    }
    throw new IndexNotFoundError(
      `Cannot perform full text search unless an INVERTED index has been created on at least one column: ` +
        `table '${tableName}' has no full-text index. Create one on the column to search: ` +
        `await table.createIndex("${example}", {config: Index.fts()}).`,
      tableName,
    );
  }
  const defaultColumns = node.columns ?? schema.fields.map((f) => f.name).filter((name) => byColumn.has(name));
  const indices = new Map<string, IndexEntry>();
  for (const column of ftsQueryColumns(node.query, defaultColumns)) {
    if (!schema.fields.some((f) => f.name === column)) {
      throw new ColumnNotFoundError(column, schema.fields.map((f) => f.name), tableName, "fullTextSearch");
    }
    const index = byColumn.get(column);
    if (!index) {
      throw new IndexNotFoundError(
        `full-text search on table '${tableName}': column '${column}' has no full-text index ` +
          `(the columns with one are ${formatList([...byColumn.keys()])}). ` +
          `Create it with await table.createIndex("${column}", {config: Index.fts()}), or search another column.`,
        tableName,
        column,
      );
    }
    indices.set(column, index);
  }
  return { query: node.query, defaultColumns, indices };
}

/**
 * Runs a full-text search: scores every live row matching the query (BM25
 * over the stored index and, unless `fastSearch`, the rows it does not cover
 * yet), drops rows failing the `where` filters (prefilter: evaluated on the
 * fragments holding matches), keeps the best (offset + limit) by score — ties
 * by row id — and projects them with a `_score` column.
 */
export async function searchFullText(
  plan: QueryPlan,
  snapshot: TableSnapshot,
  input: FullTextInput,
  projection: Projection,
  context: ExecutionContext,
): Promise<RecordBatch | null> {
  const stats = context.stats;
  stats.fragments = snapshot.fragments.length;
  const corpora = new Map<string, Awaited<ReturnType<typeof loadFtsCorpus>>>();
  for (const [column, entry] of input.indices) {
    context.checkDeadline();
    corpora.set(column, await loadFtsCorpus(snapshot, entry, { indexedOnly: plan.fastSearch }));
  }
  const scores = evaluateFtsQuery(input.query, {
    table: snapshot.tableName,
    defaultColumns: input.defaultColumns,
    corpus: (column) => corpora.get(column)!,
  });
  stats.rowsScanned = scores.keys.length;
  context.checkDeadline();

  const fragments = new Map(snapshot.fragments.map((f) => [f.id, f]));
  const batches = new Map<number, RecordBatch>();
  const batchOf = async (fragment: FragmentSnapshot): Promise<RecordBatch> => {
    let batch = batches.get(fragment.id);
    if (!batch) {
      batch = await fragment.load();
      batches.set(fragment.id, batch);
      stats.fragmentsRead++;
    }
    return batch;
  };

  let candidates: Uint32Array | null = null;
  if (plan.filters.length > 0) candidates = await passingFilters(await prepareFilterMasks(plan.filters, snapshot), scores, fragments, batchOf);
  stats.rowsSelected = candidates ? candidates.length : scores.keys.length;
  const limit = Plans.effectiveLimit(plan)!;
  const picked = topByScore(scores, candidates, plan.offset + limit).slice(plan.offset);
  stats.rowsOutput = picked.length;
  if (picked.length === 0) return null;

  // Gather the picked rows from their fragments.
  const loaded: RecordBatch[] = [];
  const fragmentIds: number[] = [];
  const slot = new Map<number, number>();
  const sources = new Uint32Array(picked.length);
  const rows = new Uint32Array(picked.length);
  const values = new Float32Array(picked.length);
  for (let i = 0; i < picked.length; i++) {
    const { fragment, offset } = splitRowKey(scores.keys[picked[i]!]!);
    let s = slot.get(fragment);
    if (s === undefined) {
      s = loaded.length;
      slot.set(fragment, s);
      loaded.push(await batchOf(fragments.get(fragment)!));
      fragmentIds.push(fragment);
    }
    sources[i] = s;
    rows[i] = offset;
    values[i] = scores.scores[picked[i]!]!;
  }
  return projectRows(projection, snapshot.schema, scoredSource(loaded, fragmentIds, { sources, rows }, values));
}

/** Indexes (into `scores`) of the rows passing the plan's filters, evaluated per fragment on whole batches. */
async function passingFilters(
  filters: FilterMasks,
  scores: RowScores,
  fragments: ReadonlyMap<number, FragmentSnapshot>,
  batchOf: (fragment: FragmentSnapshot) => Promise<RecordBatch>,
): Promise<Uint32Array> {
  const out = new Uint32Array(scores.keys.length);
  let n = 0;
  let currentFragment = -1;
  let mask: Uint8Array | null = null;
  const masks = new Map<number, Uint8Array | null>();
  for (let i = 0; i < scores.keys.length; i++) {
    const { fragment, offset } = splitRowKey(scores.keys[i]!);
    if (fragment !== currentFragment) {
      currentFragment = fragment;
      if (!masks.has(fragment)) {
        const snapshot = fragments.get(fragment)!;
        // A fragment the scalar indexes prove empty is not read.
        masks.set(fragment, filters.mayMatch(snapshot) ? filters.evaluate(snapshot, await batchOf(snapshot)) : new Uint8Array(snapshot.physicalRows));
      }
      mask = masks.get(fragment)!;
    }
    if (mask === null || mask[offset] === 1) out[n++] = i;
  }
  return out.subarray(0, n);
}

/** The `count` best entries by score (descending), ties by row id (ascending); among `candidates` when given. */
export function topByScore(scores: RowScores, candidates: Uint32Array | null, count: number): number[] {
  const total = candidates ? candidates.length : scores.keys.length;
  const at = (i: number) => (candidates ? candidates[i]! : i);
  const better = (a: number, b: number) =>
    scores.scores[a]! > scores.scores[b]! || (scores.scores[a] === scores.scores[b] && scores.keys[a]! < scores.keys[b]!);
  if (count <= 0 || total === 0) return [];
  // A min-heap (worst on top) of the best `count` seen so far.
  const heap: number[] = [];
  const siftUp = (i: number) => {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!better(heap[parent]!, heap[i]!)) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  };
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < heap.length && better(heap[worst]!, heap[l]!)) worst = l;
      if (r < heap.length && better(heap[worst]!, heap[r]!)) worst = r;
      if (worst === i) break;
      [heap[worst], heap[i]] = [heap[i]!, heap[worst]!];
      i = worst;
    }
  };
  for (let j = 0; j < total; j++) {
    const i = at(j);
    if (heap.length < count) {
      heap.push(i);
      siftUp(heap.length - 1);
    } else if (better(i, heap[0]!)) {
      heap[0] = i;
      siftDown(0);
    }
  }
  return heap.sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0));
}

function scoredSource(batches: readonly RecordBatch[], fragmentIds: readonly number[], refs: RowRefs, scores: Float32Array): RowSource {
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
      for (let i = 0; i < length; i++) values[i] = (BigInt(fragmentIds[refs.sources![i]!]!) << 32n) | BigInt(refs.rows[i]!);
      return makeData({ type: new Uint64(), length, nullCount: 0, data: values });
    },
    distances: () => {
      throw new RangeError("a full-text search has no distances");
    },
    queryIndexes: () => {
      throw new RangeError("a full-text search has no query index");
    },
    scores: () => makeData({ type: new Float32(), length, nullCount: 0, data: scores }),
  };
}
