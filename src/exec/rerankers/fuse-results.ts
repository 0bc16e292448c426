import { type Data, Field, Float32, RecordBatch, Schema, Struct, makeData } from "apache-arrow";
import { InvalidArgumentError } from "../../errors.js";
import { DISTANCE, RELEVANCE_SCORE, ROW_ID, SCORE } from "../project.js";
import { takeRows } from "../take-rows.js";

/** Reads a result batch's `_rowid` column as numbers (exact while fragment ids stay below 2^21). */
export function rowIdsOf(batch: RecordBatch, argument: string, reranker: string): Float64Array {
  const column = batch.getChild(ROW_ID);
  if (!column) {
    throw new InvalidArgumentError(
      `${reranker}.rerankHybrid: ${argument} has no '${ROW_ID}' column, which matches rows of the two searches. ` +
        `Run both searches with withRowId().`,
      argument,
    );
  }
  const out = new Float64Array(batch.numRows);
  for (let i = 0; i < out.length; i++) out[i] = Number(column.get(i) as bigint);
  return out;
}

/** A numeric column of a result batch as numbers (nulls as NaN). */
export function numbersOf(batch: RecordBatch, name: string, argument: string, reranker: string): Float64Array {
  const column = batch.getChild(name);
  if (!column) {
    throw new InvalidArgumentError(`${reranker}.rerankHybrid: ${argument} has no '${name}' column.`, argument);
  }
  const out = new Float64Array(batch.numRows);
  for (let i = 0; i < out.length; i++) {
    const v = column.get(i);
    out[i] = v === null || v === undefined ? Number.NaN : Number(v);
  }
  return out;
}

/** One fused row: its relevance and where it comes from (vector results first when a row is in both). */
export interface FusedRow {
  readonly id: number;
  readonly relevance: number;
  /** Row in the vector results, or -1. */
  readonly vecRow: number;
  /** Row in the full-text results, or -1. */
  readonly ftsRow: number;
}

/**
 * Builds a reranker's output: the rows in the given order, each once, with the
 * columns both inputs share (their selected columns and `_rowid`; not
 * `_distance` or `_score`) and a `_relevance_score` column (float32). A row in
 * both inputs takes its values from the vector results.
 */
export function fuseResults(vecResults: RecordBatch, ftsResults: RecordBatch, rows: readonly FusedRow[]): RecordBatch {
  const shared = vecResults.schema.fields.filter(
    (f) => f.name !== DISTANCE && f.name !== SCORE && f.name !== RELEVANCE_SCORE && ftsResults.schema.fields.some((g) => g.name === f.name),
  );
  const sources = new Uint32Array(rows.length);
  const offsets = new Uint32Array(rows.length);
  rows.forEach((r, i) => {
    sources[i] = r.vecRow >= 0 ? 0 : 1;
    offsets[i] = r.vecRow >= 0 ? r.vecRow : r.ftsRow;
  });
  // A record batch holds each column as one chunk.
  const children: Data[] = shared.map((field) =>
    takeRows(field.type, [vecResults.getChild(field.name)!.data[0]!, ftsResults.getChild(field.name)!.data[0]!], { sources, rows: offsets }),
  );
  const relevance = Float32Array.from(rows, (r) => r.relevance);
  const fields = [...shared, new Field(RELEVANCE_SCORE, new Float32(), true)];
  children.push(makeData({ type: new Float32(), length: rows.length, nullCount: 0, data: relevance }));
  const schema = new Schema(fields);
  return new RecordBatch(schema, makeData({ type: new Struct(fields), length: rows.length, nullCount: 0, children }));
}

/** Orders fused rows best first: relevance descending, then row id ascending. */
export function byRelevance(a: FusedRow, b: FusedRow): number {
  return b.relevance - a.relevance || a.id - b.id;
}
