import type { Data, RecordBatch, Schema } from "apache-arrow";
import type { QueryPlan } from "../plan/index.js";
import type { FragmentSnapshot, TableSnapshot } from "../storage/table-snapshot.js";
import type { ExecutionContext } from "./execution-context.js";
import { prepareFilterMasks, selectionMask } from "./filter-mask.js";
import { readFragments } from "./fragment-reader.js";
import { type Projection, type RowSource, makeRowIdData, makeRowIdRange, projectRows } from "./project.js";
import { takeRows } from "./take-rows.js";

/**
 * Below this average run length, selected rows are gathered into one new
 * batch instead of being yielded as many zero-copy slices.
 */
const MIN_AVERAGE_RUN = 32;

/**
 * A plain scan: fragments in commit order, deleted rows and rows failing the
 * filter dropped, then `offset` and `limit` applied across fragments, then
 * projected. Reads fragments lazily, one at a time, skips fragments that the
 * offset covers entirely when it can tell without reading them, and stops as
 * soon as the limit is met.
 */
export async function* scanFragments(
  plan: QueryPlan,
  snapshot: TableSnapshot,
  projection: Projection,
  context: ExecutionContext,
): AsyncGenerator<RecordBatch> {
  let toSkip = plan.offset;
  let remaining = plan.limit ?? Infinity;
  const stats = context.stats;
  stats.fragments = snapshot.fragments.length;
  if (remaining <= 0) return;
  const hasFilter = plan.filters.length > 0;
  const filters = await prepareFilterMasks(plan.filters, snapshot);

  // Fragments the offset covers entirely are skipped unread when no filter can change their row count.
  const toRead: FragmentSnapshot[] = [];
  for (const fragment of snapshot.fragments) {
    const live = fragment.physicalRows - fragment.deletedRows;
    // Fragments the scalar indexes prove empty are never read.
    if (live <= 0 || !filters.mayMatch(fragment)) continue;
    if (!hasFilter && toSkip >= live && toRead.length === 0) {
      toSkip -= live;
      continue;
    }
    toRead.push(fragment);
  }
  // Read ahead only when every fragment will be read anyway (no limit).
  for await (const { fragment, batch, deleted } of readFragments(toRead, { readAhead: plan.limit === undefined })) {
    context.checkDeadline();
    stats.fragmentsRead++;
    stats.rowsScanned += batch.numRows;
    const selected = selectionMask(batch.numRows, deleted, filters.evaluate(fragment, batch));

    // Walk the selected rows as runs, skipping `toSkip` and taking at most `remaining`.
    const runs: number[] = [];
    let taken = 0;
    const n = batch.numRows;
    let i = 0;
    while (i < n && taken < remaining) {
      if (selected !== null) while (i < n && selected[i] !== 1) i++;
      let end = i;
      if (selected === null) end = n;
      else while (end < n && selected[end] === 1) end++;
      if (end === i) break;
      let start = i;
      if (toSkip > 0) {
        const skip = Math.min(toSkip, end - start);
        toSkip -= skip;
        start += skip;
      }
      const take = Math.min(end - start, remaining - taken);
      if (take > 0) {
        runs.push(start, start + take);
        taken += take;
      }
      i = end;
    }
    stats.rowsSelected += taken;
    remaining -= taken;
    if (taken > 0) {
      for (const out of produceBatches(batch, fragment.id, runs, taken, projection, snapshot.schema, context)) {
        stats.rowsOutput += out.numRows;
        yield out;
      }
    }
    if (remaining <= 0) break;
  }
}

function* produceBatches(
  batch: RecordBatch,
  fragmentId: number,
  runs: readonly number[],
  taken: number,
  projection: Projection,
  schema: Schema,
  context: ExecutionContext,
): Generator<RecordBatch> {
  const runCount = runs.length / 2;
  const max = context.maxBatchLength;
  if (runCount === 1 || taken / runCount >= MIN_AVERAGE_RUN) {
    // Long runs: zero-copy slices of the fragment, cut at maxBatchLength.
    for (let r = 0; r < runs.length; r += 2) {
      for (let start = runs[r]!; start < runs[r + 1]!; start += max) {
        const end = Math.min(runs[r + 1]!, start + max);
        yield projectRows(projection, schema, sliceSource(batch, fragmentId, start, end - start));
      }
    }
    return;
  }
  // Short scattered runs: gather the rows once, then cut.
  const offsets = new Uint32Array(taken);
  let at = 0;
  for (let r = 0; r < runs.length; r += 2) for (let row = runs[r]!; row < runs[r + 1]!; row++) offsets[at++] = row;
  for (let start = 0; start < taken; start += max) {
    const part = start === 0 && taken <= max ? offsets : offsets.subarray(start, Math.min(taken, start + max));
    yield projectRows(projection, schema, gatherSource(batch, fragmentId, part));
  }
}

/** Rows `start .. start + length` of a fragment, as zero-copy slices. */
function sliceSource(batch: RecordBatch, fragmentId: number, start: number, length: number): RowSource {
  const whole = start === 0 && length === batch.numRows;
  return {
    length,
    tableColumn: (index) => {
      const data = batch.data.children[index]!;
      return whole ? data : data.slice(start, length);
    },
    rowIds: () => makeRowIdRange(fragmentId, start, length),
    distances: () => {
      throw new RangeError("a scan has no distances");
    },
    queryIndexes: () => {
      throw new RangeError("a scan has no query index");
    },
  };
}

/** Arbitrary rows of a fragment, copied. */
function gatherSource(batch: RecordBatch, fragmentId: number, offsets: Uint32Array): RowSource {
  const cache = new Map<number, Data>();
  const refs = { sources: null, rows: offsets };
  return {
    length: offsets.length,
    tableColumn: (index) => {
      let data = cache.get(index);
      if (!data) {
        data = takeRows(batch.schema.fields[index]!.type, [batch.data.children[index]!], refs);
        cache.set(index, data);
      }
      return data;
    },
    rowIds: () => makeRowIdData(fragmentId, offsets),
    distances: () => {
      throw new RangeError("a scan has no distances");
    },
    queryIndexes: () => {
      throw new RangeError("a scan has no query index");
    },
  };
}
