/**
 * The embedding stage of a write: fills the vector columns of an Arrow table
 * from their source columns through the table's embedding functions, before
 * anything is written.
 *
 * - Exactly the rows whose vector is missing (null, or the column absent) are
 *   embedded, also when other rows of the same write carry vectors; given
 *   vectors are kept bit for bit.
 * - A null, empty or whitespace-only source gives a null vector and is never
 *   sent to the function.
 * - Identical sources within one call are embedded once; with a cache, content
 *   embedded before (by the same function and configuration) is not embedded again.
 * - Sources go to the function in batches of `batchSize` (never more than the
 *   function's own `maxBatchSize()`), up to `concurrency` batches at once, each
 *   retried on transient failures with exponential backoff and full jitter.
 * - Every returned vector is checked (count, width, finite values); a bad one
 *   fails the whole stage with an `EmbeddingError` naming function, column, row,
 *   expected and actual. Nothing is truncated or padded.
 * - If embedding fails, the stage throws and returns nothing: the caller
 *   writes nothing.
 *
 * @module
 */

import {
  DataType,
  Field,
  FixedSizeList,
  Float,
  Precision,
  RecordBatch,
  Schema,
  Struct,
  Table as ArrowTable,
  makeData,
  util,
  type Data,
  type Vector,
} from "apache-arrow";
import { describeFailure, describeType } from "../arrow/ingest-errors.js";
import { EmbeddingError, InvalidArgumentError, QuiverError, SchemaMismatchError } from "../errors.js";
import type { EmbeddingFunction } from "./embedding-function.js";
import { functionCacheKey, hashSourceKey, sourceKey, type EmbeddingCache, type EmbeddingCacheEntry } from "./embedding-cache.js";
import { displayNameOf, registeredNameOf } from "./function-names.js";
import { RETRY_DEFAULTS, RetryExhaustedError, throwIfAborted, withRetry } from "./retry.js";
import { runConcurrently } from "./run-concurrently.js";

/** One (source column -> vector column) binding the stage fills. */
export interface EmbeddingPair {
  sourceColumn: string;
  vectorColumn: string;
  function: EmbeddingFunction;
}

/** Progress of the embedding phase of a write. */
export interface EmbeddingPhaseProgress {
  phase: "embedding";
  /** Rows whose vector has been computed (or found in a cache) so far, over all vector columns. */
  rowsEmbedded: number;
  /** Rows to embed in all (rows with a missing vector and a non-empty source, summed over vector columns). */
  rowsTotal: number;
  /** Of `rowsEmbedded`, rows answered by the cache or by a duplicate in the same write. */
  rowsReused: number;
  /** The vector column the last step filled. */
  vectorColumn: string;
  /** Seconds since the stage started. */
  elapsedSeconds: number;
}

/** Progress of the writing phase of a write (reported by the table layer). */
export interface WritingPhaseProgress {
  phase: "writing";
  /** Rows written so far. */
  rowsWritten: number;
  /** Rows to write in all, when known. */
  rowsTotal?: number;
  /** Seconds since the write started. */
  elapsedSeconds?: number;
}

/** A progress event of an ingest: embedding first, then writing. */
export type IngestProgress = EmbeddingPhaseProgress | WritingPhaseProgress;

/** Defaults of {@link EmbedOptions}. */
export const EMBED_DEFAULTS = { batchSize: 64, concurrency: 4, ...RETRY_DEFAULTS } as const;

/** Options of {@link embedMissingVectors}. */
export interface EmbedOptions {
  /** Sources per function call; capped by the function's `maxBatchSize()`. Default 64. */
  batchSize?: number;
  /** Batches in flight at once. Default 4. */
  concurrency?: number;
  /** Retries of a failed batch (0 = none). Default 3. */
  maxRetries?: number;
  /** Backoff base in milliseconds. Default 250. */
  retryBaseDelayMs?: number;
  /** Backoff cap in milliseconds. Default 20000. */
  retryMaxDelayMs?: number;
  /**
   * Where computed embeddings are looked up and stored; no cache when absent.
   * Used for registered functions only (their name and options identify their output).
   */
  cache?: EmbeddingCache | undefined;
  /** Called as rows are embedded. */
  onProgress?: ((progress: IngestProgress) => void) | undefined;
  /** Cancels the stage (it throws `OperationAbortedError`). */
  signal?: AbortSignal | undefined;
  /** The table, for messages. */
  table?: string | undefined;
  /** The public operation ("add", "createTable", "mergeInsert"), for messages. */
  operation?: string | undefined;
}

/** Statistics of one stage run (also available to tests and benchmarks). */
export interface EmbedStats {
  /** Rows filled with a computed vector. */
  rowsEmbedded: number;
  /** Distinct sources sent to functions. */
  sourcesSent: number;
  /** Distinct sources answered by the cache. */
  cacheHits: number;
  /** Rows served by a duplicate source in the same call. */
  duplicateRows: number;
  /** Function calls made (retries included). */
  calls: number;
  /** Rows left null (null, empty or whitespace-only source). */
  nullRows: number;
}

interface PairPlan {
  readonly pair: EmbeddingPair;
  readonly name: string;
  readonly model: string | undefined;
  readonly present: boolean;
  readonly elementType: Float;
  width: number | undefined;
  /** Per row of the table: the unique source index to fill it from, or -1. */
  readonly rowSource: Int32Array;
  readonly values: unknown[];
  readonly firstRow: number[];
  readonly rowsPerValue: number[];
  readonly rowsToEmbed: number;
  readonly nullRows: number;
  /** Per record batch: whether any row of it gets a vector. */
  readonly batchTouched: boolean[];
}

interface StageContext {
  readonly options: EmbedOptions;
  readonly started: number;
  readonly rowsTotal: number;
  rowsEmbedded: number;
  rowsReused: number;
  readonly stats: EmbedStats;
  readonly signal: AbortSignal;
}

/**
 * Fills the missing vectors of `table` for each pair and returns the new table
 * (the input is not changed; it is returned as it is when nothing is missing).
 * A vector column absent from `table` is added at the end, typed
 * `FixedSizeList(ndims, embeddingDataType())` (the width comes from the first
 * vector when `ndims()` is undefined); a present one keeps its type, which must
 * be a FixedSizeList of floats.
 *
 * @throws EmbeddingError when a function fails (after retries) or returns the
 *   wrong count, width or non-finite values; nothing is returned.
 * @throws SchemaMismatchError when a vector column is not a FixedSizeList of
 *   floats, its width contradicts the function's `ndims()`, a source column is
 *   missing while vectors are, or a non-nullable vector column would get a null.
 * @throws OperationAbortedError when `signal` aborts.
 *
 * @example
 * ```ts
 * const fn = getRegistry().get("hashing")!.create();
 * const filled = await embedMissingVectors(arrowTable, [{ sourceColumn: "text", vectorColumn: "vector", function: fn }], {
 *   onProgress: (p) => console.log(p),
 * });
 * ```
 */
export async function embedMissingVectors(
  table: ArrowTable,
  pairs: readonly EmbeddingPair[],
  options: EmbedOptions = {},
): Promise<ArrowTable> {
  return (await embedMissingVectorsWithStats(table, pairs, options)).table;
}

/** {@link embedMissingVectors}, also returning what it did. */
export async function embedMissingVectorsWithStats(
  table: ArrowTable,
  pairs: readonly EmbeddingPair[],
  options: EmbedOptions = {},
): Promise<{ table: ArrowTable; stats: EmbedStats }> {
  checkOptions(options);
  const stats: EmbedStats = { rowsEmbedded: 0, sourcesSent: 0, cacheHits: 0, duplicateRows: 0, calls: 0, nullRows: 0 };
  throwIfAborted(options.signal, operationName(options));
  const seen = new Set<string>();
  for (const pair of pairs) {
    if (seen.has(pair.vectorColumn)) {
      throw new InvalidArgumentError(
        `${prefix(options)}two embedding functions fill vector column "${pair.vectorColumn}"; give each its own vector column.`,
        "pairs",
      );
    }
    seen.add(pair.vectorColumn);
  }
  const plans = pairs.map((pair) => planPair(table, pair, options));
  const rowsTotal = plans.reduce((sum, p) => sum + p.rowsToEmbed, 0);
  for (const plan of plans) stats.nullRows += plan.nullRows;
  if (plans.every((p) => p.rowsToEmbed === 0 && p.present)) return { table, stats };

  // One internal controller: the caller's abort, or our own failure, stops every batch.
  const controller = new AbortController();
  const onOuterAbort = (): void => controller.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onOuterAbort, { once: true });
  const ctx: StageContext = {
    options,
    started: performance.now(),
    rowsTotal,
    rowsEmbedded: 0,
    rowsReused: 0,
    stats,
    signal: controller.signal,
  };
  try {
    let current = table;
    if (rowsTotal > 0) report(ctx, plans.find((p) => p.rowsToEmbed > 0)!.pair.vectorColumn);
    for (const plan of plans) {
      const vectors = await computeVectors(plan, ctx);
      current = applyVectors(current, plan, vectors, options);
    }
    return { table: current, stats };
  } catch (error) {
    controller.abort();
    throw error;
  } finally {
    options.signal?.removeEventListener("abort", onOuterAbort);
  }
}

function checkOptions(options: EmbedOptions): void {
  const positive = (value: number | undefined, name: string): void => {
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
      throw new InvalidArgumentError(`${prefix(options)}${name} must be a positive integer, got ${String(value)}.`, name);
    }
  };
  positive(options.batchSize, "batchSize");
  positive(options.concurrency, "concurrency");
  const nonNegative = (value: number | undefined, name: string): void => {
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      throw new InvalidArgumentError(`${prefix(options)}${name} must be a number >= 0, got ${String(value)}.`, name);
    }
  };
  nonNegative(options.maxRetries, "maxRetries");
  nonNegative(options.retryBaseDelayMs, "retryBaseDelayMs");
  nonNegative(options.retryMaxDelayMs, "retryMaxDelayMs");
  if (options.maxRetries !== undefined && !Number.isInteger(options.maxRetries)) {
    throw new InvalidArgumentError(`${prefix(options)}maxRetries must be an integer, got ${String(options.maxRetries)}.`, "maxRetries");
  }
}

/** Finds the rows to fill and the distinct sources to embed for one pair. */
function planPair(table: ArrowTable, pair: EmbeddingPair, options: EmbedOptions): PairPlan {
  const fn = pair.function;
  const name = displayNameOf(fn);
  const schema = table.schema;
  const sourceIndex = schema.fields.findIndex((f) => f.name === pair.sourceColumn);
  const vectorIndex = schema.fields.findIndex((f) => f.name === pair.vectorColumn);
  const present = vectorIndex >= 0;
  const ndims = fn.ndims();
  let width: number | undefined = ndims;
  let elementType: Float;
  if (present) {
    const field = schema.fields[vectorIndex]!;
    const type = field.type as DataType;
    const child = DataType.isFixedSizeList(type) ? ((type as FixedSizeList).children[0]!.type as DataType) : undefined;
    if (child === undefined || !DataType.isFloat(child)) {
      throw new SchemaMismatchError(
        `${prefix(options)}Expected FixedSizeList as datatype for vector field, instead got: ${describeType(type)}; ` +
          `column "${pair.vectorColumn}" is filled by embedding function "${name}" and must be a fixed_size_list of floats.`,
        { table: options.table, column: pair.vectorColumn, expected: "fixed_size_list<float>", actual: describeType(type) },
      );
    }
    const listSize = (type as FixedSizeList).listSize;
    if (ndims !== undefined && ndims !== listSize) {
      throw new SchemaMismatchError(
        `${prefix(options)}column "${pair.vectorColumn}" takes ${listSize} values per vector but embedding function "${name}" ` +
          `produces ${ndims} (ndims()); use the function configuration the table was created with, or a new vector column.`,
        { table: options.table, column: pair.vectorColumn, expected: `${listSize} values`, actual: `${ndims} values` },
      );
    }
    width = listSize;
    elementType = child as Float;
  } else {
    elementType = fn.embeddingDataType();
    if (!DataType.isFloat(elementType)) {
      throw new InvalidArgumentError(
        `${prefix(options)}embedding function "${name}" declares embeddingDataType() ${describeType(elementType)}; it must be Float16, Float32 or Float64.`,
        "embeddingDataType",
      );
    }
  }
  const nullable = present ? schema.fields[vectorIndex]!.nullable : true;
  const rowSource = new Int32Array(table.numRows).fill(-1);
  const values: unknown[] = [];
  const firstRow: number[] = [];
  const rowsPerValue: number[] = [];
  const byText = new Map<string, number>();
  const byOther = new Map<string, number>();
  const batchTouched: boolean[] = [];
  let rowsToEmbed = 0;
  let nullRows = 0;
  let row = 0;
  for (const batch of table.batches) {
    const vectorData = present ? (batch.getChildAt(vectorIndex)?.data[0] as Data | undefined) : undefined;
    const source = sourceIndex >= 0 ? (batch.getChildAt(sourceIndex) as Vector | null) : null;
    const sourceValues = source === null ? undefined : readValues(source);
    let touched = false;
    for (let i = 0; i < batch.numRows; i++, row++) {
      if (vectorData !== undefined && isValidAt(vectorData, i)) continue;
      if (source === null) {
        throw new SchemaMismatchError(
          `${prefix(options)}Cannot apply embedding function because the source column '${pair.sourceColumn}' was not present in the data ` +
            `(row ${row} has no "${pair.vectorColumn}" vector, so embedding function "${name}" must compute it); ` +
            `add the "${pair.sourceColumn}" column, or pass the vectors.`,
          { table: options.table, column: pair.sourceColumn, row, expected: `column "${pair.sourceColumn}"`, actual: "missing" },
        );
      }
      const value: unknown = sourceValues![i];
      if (isEmptySource(value)) {
        nullRows++;
        if (!nullable) {
          throw new SchemaMismatchError(
            `${prefix(options)}row ${row} has an empty "${pair.sourceColumn}" and no "${pair.vectorColumn}" vector, and column ` +
              `"${pair.vectorColumn}" does not take nulls; give the row a non-empty "${pair.sourceColumn}" or a vector.`,
            { table: options.table, column: pair.vectorColumn, row, expected: "a vector", actual: "null" },
          );
        }
        continue;
      }
      // Text is its own key; other values (bytes...) are keyed by content in a separate map.
      const map = typeof value === "string" ? byText : byOther;
      const key = typeof value === "string" ? value : sourceKey(value);
      let index = map.get(key);
      if (index === undefined) {
        index = values.length;
        map.set(key, index);
        values.push(value);
        firstRow.push(row);
        rowsPerValue.push(0);
      }
      rowsPerValue[index]!++;
      rowSource[row] = index;
      rowsToEmbed++;
      touched = true;
    }
    batchTouched.push(touched);
  }
  const model = modelOf(fn);
  return { pair, name, model, present, elementType, width, rowSource, values, firstRow, rowsPerValue, rowsToEmbed, nullRows, batchTouched };
}

/**
 * The values of one record batch's column. Utf8 columns whose bytes are all
 * ASCII are decoded in one call and sliced per row (strings share the decoded
 * text), which is several times faster than decoding row by row.
 */
function readValues(vector: Vector): unknown[] {
  const data = vector.data[0] as Data | undefined;
  const n = vector.length;
  if (data !== undefined && vector.data.length === 1 && DataType.isUtf8(data.type)) {
    const offsets = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    const start = offsets[0]!;
    const end = offsets[n]!;
    let high = 0;
    for (let b = start; b < end; b++) high |= bytes[b]!;
    if ((high & 0x80) === 0) {
      const text = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString("latin1");
      const out: unknown[] = new Array<unknown>(n);
      for (let i = 0; i < n; i++) out[i] = isValidAt(data, i) ? text.slice(offsets[i]! - start, offsets[i + 1]! - start) : null;
      return out;
    }
  }
  const out: unknown[] = new Array<unknown>(n);
  for (let i = 0; i < n; i++) out[i] = vector.get(i);
  return out;
}

/** Null, empty, whitespace-only strings and empty byte arrays are not embedded. */
function isEmptySource(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === "string") return value.length === 0 || value.trim().length === 0;
  if (value instanceof Uint8Array) return value.byteLength === 0;
  return false;
}

function isValidAt(data: Data, i: number): boolean {
  const bitmap = data.nullBitmap;
  if (data.nullCount === 0 || bitmap === undefined || bitmap === null || bitmap.length === 0) return true;
  const bit = data.offset + i;
  return (bitmap[bit >> 3]! & (1 << (bit & 7))) !== 0;
}

/** The embedding of every distinct source of a plan (cache first, then batches). */
async function computeVectors(plan: PairPlan, ctx: StageContext): Promise<(ArrayLike<number> | undefined)[]> {
  const { pair, values } = plan;
  const fn = pair.function;
  const vectors: (ArrayLike<number> | undefined)[] = new Array<ArrayLike<number> | undefined>(values.length);
  if (values.length === 0) return vectors;
  ctx.stats.duplicateRows += plan.rowsToEmbed - values.length;

  // Cache lookup. Only for registered functions: their name and options identify their
  // output (two unregistered classes may share a class name). Vectors are cached as
  // float32, so float64 columns skip it.
  const cache = ctx.options.cache;
  const useCache =
    cache !== undefined &&
    fn.worthCaching() &&
    registeredNameOf(fn.constructor as abstract new (...args: never[]) => unknown) !== undefined &&
    (plan.elementType as Float).precision !== Precision.DOUBLE;
  let functionKey = "";
  let hashes: string[] = [];
  let pending: number[] = [];
  if (useCache) {
    functionKey = functionCacheKey(fn);
    hashes = values.map((v) => hashSourceKey(sourceKey(v)));
    const found = await cache.get(functionKey, hashes);
    let reusedRows = 0;
    for (let u = 0; u < values.length; u++) {
      const hit = found[u];
      if (hit !== undefined && (plan.width === undefined || hit.length === plan.width) && isAllFinite(hit)) {
        if (plan.width === undefined) plan.width = hit.length;
        vectors[u] = hit;
        ctx.stats.cacheHits++;
        reusedRows += plan.rowsPerValue[u]!;
      } else {
        pending.push(u);
      }
    }
    if (reusedRows > 0) {
      ctx.rowsEmbedded += reusedRows;
      ctx.rowsReused += reusedRows;
      ctx.stats.rowsEmbedded += reusedRows;
      report(ctx, pair.vectorColumn);
    }
  } else {
    pending = Array.from({ length: values.length }, (_, u) => u);
  }

  // Batches of the sources still missing.
  const limit = fn.maxBatchSize();
  const requested = ctx.options.batchSize ?? EMBED_DEFAULTS.batchSize;
  const batchSize = Math.max(1, limit !== undefined && limit > 0 ? Math.min(requested, limit) : requested);
  const batches: number[][] = [];
  for (let i = 0; i < pending.length; i += batchSize) batches.push(pending.slice(i, i + batchSize));
  const toStore: EmbeddingCacheEntry[] = [];
  await runConcurrently(
    batches.length,
    async (b) => {
      const members = batches[b]!;
      const input = members.map((u) => values[u]);
      const result = await callWithRetry(plan, members, input, ctx);
      let rows = 0;
      for (let j = 0; j < members.length; j++) {
        const u = members[j]!;
        vectors[u] = result[j]!;
        rows += plan.rowsPerValue[u]!;
        if (useCache) toStore.push({ hash: hashes[u]!, vector: toFloat32(result[j]!) });
      }
      ctx.stats.sourcesSent += members.length;
      ctx.rowsEmbedded += rows;
      ctx.rowsReused += rows - members.length;
      ctx.stats.rowsEmbedded += rows;
      report(ctx, pair.vectorColumn);
    },
    { limit: ctx.options.concurrency ?? EMBED_DEFAULTS.concurrency, signal: ctx.signal, operation: operationName(ctx.options) },
  );
  if (useCache && toStore.length > 0) await cache.set(functionKey, toStore);
  return vectors;
}

/** One batch through the function, retried, with its output checked. */
async function callWithRetry(
  plan: PairPlan,
  members: readonly number[],
  input: unknown[],
  ctx: StageContext,
): Promise<ArrayLike<number>[]> {
  const fn = plan.pair.function;
  try {
    const { value } = await withRetry(
      async () => {
        ctx.stats.calls++;
        const result = await fn.computeSourceEmbeddings(input);
        return checkBatch(plan, members, result, ctx.options);
      },
      {
        maxRetries: ctx.options.maxRetries ?? EMBED_DEFAULTS.maxRetries,
        baseDelayMs: ctx.options.retryBaseDelayMs ?? EMBED_DEFAULTS.baseDelayMs,
        maxDelayMs: ctx.options.retryMaxDelayMs ?? EMBED_DEFAULTS.maxDelayMs,
        signal: ctx.signal,
        operation: operationName(ctx.options),
      },
    );
    return value;
  } catch (error) {
    if (!(error instanceof RetryExhaustedError)) throw error;
    throw batchFailure(plan, members, error, ctx.options);
  }
}

/** The function's failure as an EmbeddingError naming function, column, rows and attempts. */
function batchFailure(plan: PairPlan, members: readonly number[], failure: RetryExhaustedError, options: EmbedOptions): EmbeddingError {
  const cause = failure.lastError;
  const fromFunction = cause as Partial<EmbeddingError> | undefined;
  const isOurCheck = QuiverError.isQuiverError(cause) && (cause as QuiverError).code === "EMBEDDING_FAILED";
  if (isOurCheck && (cause as EmbeddingError).column !== undefined) {
    // Our own output check: already complete; only the attempt count is added.
    const own = cause as EmbeddingError;
    return new EmbeddingError(own.message, {
      provider: own.provider,
      model: own.model,
      attempts: failure.attempts,
      retryable: false,
      table: own.table,
      column: own.column,
      row: own.row,
      expected: own.expected,
      actual: own.actual,
    }, { cause: own.cause });
  }
  const rows = members.map((u) => plan.firstRow[u]!).sort((a, b) => a - b);
  const status = typeof fromFunction?.status === "number" ? fromFunction.status : statusOf(cause);
  const reason = cause instanceof Error ? cause.message : String(cause);
  const attempts = failure.attempts;
  const why = failure.retryable
    ? `gave up after ${attempts} attempt${attempts === 1 ? "" : "s"}`
    : `failed with an error that retrying cannot fix${attempts > 1 ? ` (attempt ${attempts})` : ""}`;
  const fix = status === 401 || status === 403
    ? "check the credentials the function uses (set them with getRegistry().setVar and a $var: reference)"
    : failure.retryable
      ? "try again later, or raise maxRetries / lower concurrency if the provider is rate-limiting"
      : "fix the function or its input; nothing was written";
  return new EmbeddingError(
    `${prefix(options)}embedding function "${plan.name}"${plan.model ? ` (model "${plan.model}")` : ""} ${why} while embedding ` +
      `column "${plan.pair.sourceColumn}" into "${plan.pair.vectorColumn}" (${members.length} source${members.length === 1 ? "" : "s"}, ` +
      `first row ${rows[0]})${status !== undefined ? `, HTTP status ${status}` : ""}: ${truncate(reason, 300)}. ${capitalise(fix)}.`,
    {
      provider: plan.name,
      model: plan.model,
      status,
      attempts,
      retryable: failure.retryable,
      table: options.table,
      column: plan.pair.sourceColumn,
      row: rows[0],
    },
    { cause },
  );
}

/** Checks a function's output for one batch: count, width, numbers, finiteness. */
function checkBatch(plan: PairPlan, members: readonly number[], result: unknown, options: EmbedOptions): ArrayLike<number>[] {
  const { pair, name } = plan;
  const fail = (row: number | undefined, problem: string, expected: string, actual: string): EmbeddingError =>
    new EmbeddingError(
      `${prefix(options)}embedding function "${name}"${plan.model ? ` (model "${plan.model}")` : ""} ${problem} ` +
        `(column "${pair.sourceColumn}" -> "${pair.vectorColumn}"${row !== undefined ? `, row ${row}` : ""}): expected ${expected}, got ${actual}. ` +
        `Nothing was written; fix the function (vectors are never truncated or padded).`,
      { provider: name, model: plan.model, retryable: false, table: options.table, column: pair.vectorColumn, row, expected, actual },
    );
  if (!Array.isArray(result)) {
    throw fail(plan.firstRow[members[0]!], "did not return a list of embeddings", `an array of ${members.length} vectors`, describeKind(result));
  }
  if (result.length !== members.length) {
    throw fail(
      plan.firstRow[members[0]!],
      "did not return an embedding for each input element",
      `${members.length} embeddings`,
      `${result.length}`,
    );
  }
  const out: ArrayLike<number>[] = new Array<ArrayLike<number>>(result.length);
  for (let j = 0; j < result.length; j++) {
    const row = plan.firstRow[members[j]!]!;
    const vector: unknown = result[j];
    if (!isNumericVector(vector)) {
      throw fail(row, "returned something that is not a vector", "an array of numbers or a Float32Array", describeKind(vector));
    }
    if (plan.width === undefined) plan.width = vector.length;
    if (vector.length !== plan.width) {
      const declared = pair.function.ndims();
      throw fail(
        row,
        `returned a vector of the wrong width`,
        `${plan.width} values${declared === undefined ? " (the width of the first vector)" : " (ndims())"}`,
        `${vector.length} values`,
      );
    }
    if (vector.length === 0) throw fail(row, "returned an empty vector", "at least 1 value", "0 values");
    // Plain arrays may hold non-numbers, which typed-array copies would coerce: check them now.
    // Typed arrays are checked while they are copied into the column (one pass, see buildVectorData).
    if (Array.isArray(vector)) {
      const bad = firstNonFinite(vector);
      if (bad >= 0) throw nonFiniteError(plan, row, vector, bad, options);
    }
    out[j] = vector;
  }
  return out;
}

/** Builds the new vector column of a plan and puts it into the table. */
function applyVectors(table: ArrowTable, plan: PairPlan, vectors: readonly (ArrayLike<number> | undefined)[], options: EmbedOptions): ArrowTable {
  const { pair } = plan;
  if (plan.present && plan.rowsToEmbed === 0) return table;
  const width = plan.width;
  if (width === undefined) {
    throw new InvalidArgumentError(
      `${prefix(options)}Attempt to apply embeddings to an empty table when the embeddings function does not specify \`embeddingDimension\`: ` +
        `no row of the data has a source to embed, so the width of column "${pair.vectorColumn}" is unknown; ` +
        `implement ndims() on "${plan.name}", or create the table with a schema that has the vector column.`,
      "ndims",
    );
  }
  const schema = table.schema;
  const vectorIndex = schema.fields.findIndex((f) => f.name === pair.vectorColumn);
  const present = vectorIndex >= 0;
  const vectorType = present
    ? (schema.fields[vectorIndex]!.type as FixedSizeList)
    : new FixedSizeList(width, new Field("item", plan.elementType, true));
  const fields = present
    ? schema.fields
    : [...schema.fields, new Field(pair.vectorColumn, vectorType, true)];
  const newSchema = present ? schema : new Schema(fields, schema.metadata);
  const batches: RecordBatch[] = [];
  let rowStart = 0;
  table.batches.forEach((batch, b) => {
    const original = present ? (batch.getChildAt(vectorIndex)!.data[0] as Data<FixedSizeList>) : undefined;
    let column: Data;
    if (original !== undefined && !plan.batchTouched[b]) {
      column = original;
    } else {
      column = buildVectorData(vectorType, batch.numRows, rowStart, plan, vectors, original, options);
    }
    const children = batch.data.children.slice() as Data[];
    if (present) children[vectorIndex] = column;
    else children.push(column);
    batches.push(
      new RecordBatch(newSchema, makeData({ type: new Struct(fields), length: batch.numRows, nullCount: 0, children })),
    );
    rowStart += batch.numRows;
  });
  return new ArrowTable(newSchema, batches);
}

/** One batch's vector column: kept vectors copied bit for bit, new ones written in, the rest null. */
function buildVectorData(
  type: FixedSizeList,
  length: number,
  rowStart: number,
  plan: PairPlan,
  vectors: readonly (ArrayLike<number> | undefined)[],
  original: Data<FixedSizeList> | undefined,
  options: EmbedOptions,
): Data {
  const width = type.listSize;
  const element = type.children[0]!.type as Float;
  const values = newValues(element, length * width);
  const validity = new Uint8Array((length + 7) >> 3);
  let nullCount = 0;
  const originalChild = original?.children[0] as Data | undefined;
  const originalValues = originalChild?.values as ArrayLike<number> | undefined;
  const half = element.precision === Precision.HALF;
  let childBitmap: Uint8Array | undefined;
  let childNulls = 0;
  if (originalChild !== undefined && originalChild.nullCount > 0) {
    childBitmap = new Uint8Array(((length * width) + 7) >> 3).fill(0xff);
  }
  for (let i = 0; i < length; i++) {
    const kept = original !== undefined && isValidAt(original, i);
    if (kept) {
      validity[i >> 3]! |= 1 << (i & 7);
      (values as Float32Array).set((originalValues as Float32Array).subarray(i * width, (i + 1) * width), i * width);
      if (childBitmap !== undefined) {
        for (let k = 0; k < width; k++) {
          if (!isValidAt(originalChild!, i * width + k)) {
            const bit = i * width + k;
            childBitmap[bit >> 3]! &= ~(1 << (bit & 7));
            childNulls++;
          }
        }
      }
      continue;
    }
    const u = plan.rowSource[rowStart + i]!;
    const vector = u >= 0 ? vectors[u] : undefined;
    if (vector === undefined) {
      nullCount++;
      continue;
    }
    validity[i >> 3]! |= 1 << (i & 7);
    const at = i * width;
    // Copy and check in one pass: x * 0 is 0 for finite x, NaN otherwise; checking the
    // copy also catches float64 values too large for a float32 column.
    let probe = 0;
    if (half) {
      for (let k = 0; k < width; k++) {
        const x = vector[k]!;
        probe += x * 0;
        values[at + k] = util.float64ToUint16(x);
      }
    } else {
      (values as Float32Array).set(vector as ArrayLike<number>, at);
      for (let k = at, end = at + width; k < end; k++) probe += values[k]! * 0;
    }
    if (probe !== 0) throw nonFiniteError(plan, rowStart + i, vector, firstNonFinite(values.subarray(at, at + width) as Float32Array), options, half ? undefined : element);
  }
  const child = makeData({
    type: element,
    length: length * width,
    data: values,
    nullCount: childNulls,
    ...(childBitmap !== undefined && childNulls > 0 ? { nullBitmap: childBitmap } : {}),
  } as Parameters<typeof makeData>[0]);
  return makeData({
    type,
    length,
    nullCount,
    ...(nullCount > 0 ? { nullBitmap: validity } : {}),
    child,
  } as Parameters<typeof makeData>[0]);
}

/** A vector with a non-finite value (or one a float32 column cannot hold). */
function nonFiniteError(plan: PairPlan, row: number, vector: ArrayLike<number>, position: number, options: EmbedOptions, element?: Float): EmbeddingError {
  const { pair, name } = plan;
  const sourceBad = firstNonFinite(vector);
  const at = sourceBad >= 0 ? sourceBad : Math.max(position, 0);
  const x = vector[at] as unknown;
  const tooLarge = sourceBad < 0 && element !== undefined;
  const problem = tooLarge
    ? `returned a value too large for the ${describeType(element)} column at position ${at}`
    : `returned a non-finite value at position ${at}`;
  const expected = tooLarge ? `finite ${describeType(element)} values` : "finite numbers";
  const actual = typeof x === "number" ? String(x) : describeKind(x);
  return new EmbeddingError(
    `${prefix(options)}embedding function "${name}"${plan.model ? ` (model "${plan.model}")` : ""} ${problem} ` +
      `(column "${pair.sourceColumn}" -> "${pair.vectorColumn}", row ${row}): expected ${expected}, got ${actual}. ` +
      `Nothing was written; fix the function (vectors are never truncated or padded).`,
    { provider: name, model: plan.model, retryable: false, table: options.table, column: pair.vectorColumn, row, expected, actual },
  );
}

function newValues(element: Float, size: number): Float32Array | Float64Array | Uint16Array {
  if (element.precision === Precision.HALF) return new Uint16Array(size);
  if (element.precision === Precision.DOUBLE) return new Float64Array(size);
  return new Float32Array(size);
}

function isNumericVector(value: unknown): value is ArrayLike<number> {
  if (Array.isArray(value)) return true;
  return ArrayBuffer.isView(value) && !(value instanceof DataView) && !(value instanceof BigInt64Array) && !(value instanceof BigUint64Array);
}

function isAllFinite(vector: ArrayLike<number>): boolean {
  return firstNonFinite(vector) < 0;
}

/**
 * The position of the first value that is not a finite number, or -1. Typed
 * arrays take a branch-free pass (x * 0 is 0 for every finite x and NaN for
 * NaN and infinities); plain arrays are also checked for non-numbers.
 */
function firstNonFinite(vector: ArrayLike<number>): number {
  const n = vector.length;
  if (vector instanceof Float32Array || vector instanceof Float64Array) {
    let probe = 0;
    for (let k = 0; k < n; k++) probe += vector[k]! * 0;
    if (probe === 0) return -1;
  }
  for (let k = 0; k < n; k++) {
    const x = vector[k] as unknown;
    if (typeof x !== "number" || x - x !== 0) return k;
  }
  return -1;
}

function toFloat32(vector: ArrayLike<number>): Float32Array {
  return vector instanceof Float32Array ? vector : Float32Array.from(vector);
}

function report(ctx: StageContext, vectorColumn: string): void {
  try {
    ctx.options.onProgress?.({
      phase: "embedding",
      rowsEmbedded: ctx.rowsEmbedded,
      rowsTotal: ctx.rowsTotal,
      rowsReused: ctx.rowsReused,
      vectorColumn,
      elapsedSeconds: (performance.now() - ctx.started) / 1000,
    });
  } catch {
    // A progress callback is an observer: its failure must never abort a write.
  }
}

/** The model a function is configured with, for messages: its `model` or `name` option. @internal */
export function modelOf(fn: EmbeddingFunction): string | undefined {
  let saved: Record<string, unknown>;
  try {
    saved = fn.toJSON();
  } catch {
    return undefined; // a function whose options cannot be serialised just has no model to show
  }
  const model = saved.model ?? saved.name;
  return typeof model === "string" ? model : undefined;
}

function statusOf(error: unknown): number | undefined {
  const e = error as { status?: unknown; statusCode?: unknown; response?: { status?: unknown } } | null | undefined;
  const status = [e?.status, e?.statusCode, e?.response?.status].find((s) => typeof s === "number");
  return status as number | undefined;
}

function prefix(options: EmbedOptions): string {
  return options.table !== undefined ? `${describeFailure({ table: options.table, operation: options.operation ?? "add" })}: ` : "";
}

function operationName(options: EmbedOptions): string {
  return options.table !== undefined ? `${options.operation ?? "add"} on table "${options.table}"` : "embedding";
}

function describeKind(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
