import { Field, Schema, type Table as ArrowTable } from "apache-arrow";
import { conformToSchema } from "../arrow/conform-to-schema.js";
import { isArrowTable, isRecordBatch, toArrowTable, type IngestData } from "../arrow/index.js";
import type { EmbeddingCache } from "../embedding/embedding-cache.js";
import { embedMissingVectors, type EmbeddingPair, type IngestProgress } from "../embedding/ingest-stage.js";
import { embeddingPairsFor, resolveEmbeddingFunctions, type EmbeddingColumn } from "../embedding/resolve-functions.js";
import { InvalidArgumentError, SchemaMismatchError } from "../errors.js";

/** How a write embeds missing vectors (Quiver's additions to LanceDB's options). */
export interface EmbeddingWriteOptions {
  /** Texts per embedding-function call (capped by the function's own limit). Default 64. */
  embeddingBatchSize: number;
  /** Embedding batches in flight at once. Default 4. */
  embeddingConcurrency: number;
  /** Retries of a failed embedding batch, with exponential backoff and jitter. Default 3. */
  maxRetries: number;
  /** Where embeddings are remembered across writes; `false` turns the table's own cache off. */
  embeddingCache: EmbeddingCache | false;
  /** Progress of the whole ingest: `{phase: "embedding", ...}` events, then `{phase: "writing", ...}`. */
  onProgress: (progress: IngestProgress) => void;
  /** Cancels the write before anything is committed. */
  signal: AbortSignal;
}

export interface PrepareContext {
  readonly table: string;
  readonly operation: string;
  /** The table's own embedding cache, used unless the options choose another or none. */
  readonly defaultCache?: EmbeddingCache;
}

/**
 * Turns user data into Arrow rows shaped exactly like `schema`, embedding every
 * missing vector of a column that an embedding function fills. Vector columns
 * are accepted as absent or partly null at first, embedded, and only then held
 * to the schema; if embedding fails, this throws and nothing is written.
 */
export async function prepareRows(
  data: IngestData,
  schema: Schema,
  context: PrepareContext,
  options: Partial<EmbeddingWriteOptions> = {},
): Promise<ArrowTable> {
  const { table, operation } = context;
  const columns = await resolveEmbeddingFunctions(schema, { table });
  if (columns.size === 0) return toArrowTable(data, { schema, table, operation });
  const relaxed = relaxVectorColumns(schema, [...columns.keys()]);
  let rows = toArrowTable(data, { schema: relaxed, table, operation });
  const pairs = embeddingPairsFor(rows, columns);
  if (pairs.length > 0) {
    checkSourcesGiven(data, pairs, columns, context);
    rows = await embedRows(rows, pairs, context, options);
  }
  return relaxed === schema ? rows : conformToSchema(rows, schema, { table, operation });
}

/** Runs the embedding stage with the write's options. */
export function embedRows(
  rows: ArrowTable,
  pairs: EmbeddingPair[],
  context: PrepareContext,
  options: Partial<EmbeddingWriteOptions>,
): Promise<ArrowTable> {
  checkEmbeddingOptions(options, context);
  const cache = options.embeddingCache === false ? undefined : (options.embeddingCache ?? context.defaultCache);
  return embedMissingVectors(rows, pairs, {
    table: context.table,
    operation: context.operation,
    batchSize: options.embeddingBatchSize,
    concurrency: options.embeddingConcurrency,
    maxRetries: options.maxRetries,
    cache,
    onProgress: options.onProgress,
    signal: options.signal,
  });
}

/** Refuses bad write options by the names the caller wrote. */
function checkEmbeddingOptions(options: Partial<EmbeddingWriteOptions>, context: PrepareContext): void {
  const limits: [keyof EmbeddingWriteOptions, number][] = [
    ["embeddingBatchSize", 1],
    ["embeddingConcurrency", 1],
    ["maxRetries", 0],
  ];
  for (const [name, min] of limits) {
    const value = options[name];
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
      throw new InvalidArgumentError(
        `${context.operation} on table '${context.table}': ${name} must be an integer of at least ${min}, got ${JSON.stringify(value)}.`,
        name,
      );
    }
  }
}

/** `schema` with the given vector columns nullable (the same object when nothing changes). */
function relaxVectorColumns(schema: Schema, vectorColumns: readonly string[]): Schema {
  if (!schema.fields.some((f) => vectorColumns.includes(f.name) && !f.nullable)) return schema;
  const fields = schema.fields.map((f) =>
    vectorColumns.includes(f.name) && !f.nullable ? new Field(f.name, f.type, true, f.metadata) : f,
  );
  return new Schema(fields, schema.metadata);
}

/**
 * A vector that must be embedded needs its source column in the data. Absent
 * columns are filled with nulls on the way in, which would silently give null
 * vectors, so the input itself is checked (LanceDB refuses this case too).
 */
function checkSourcesGiven(
  data: IngestData,
  pairs: readonly EmbeddingPair[],
  columns: Map<string, EmbeddingColumn>,
  context: PrepareContext,
): void {
  const given = inputColumns(data);
  if (given === undefined) return;
  for (const pair of pairs) {
    if (given.has(pair.sourceColumn)) continue;
    const name = columns.get(pair.vectorColumn)?.name ?? "?";
    throw new SchemaMismatchError(
      `${context.operation} on table '${context.table}' failed: column '${pair.vectorColumn}' is filled by the embedding ` +
        `function "${name}" from column '${pair.sourceColumn}', but the data has no '${pair.sourceColumn}' ` +
        `(Cannot apply embedding function because the source column '${pair.sourceColumn}' was not present in the data). ` +
        `Add '${pair.sourceColumn}' to the rows, or give the '${pair.vectorColumn}' values yourself.`,
      { table: context.table, column: pair.sourceColumn, expected: `a '${pair.sourceColumn}' column`, actual: "absent" },
    );
  }
}

/** Column names present in the input (keys of any row, or the Arrow schema), or undefined when unknown. */
function inputColumns(data: IngestData): Set<string> | undefined {
  if (Array.isArray(data)) {
    const first: unknown = data[0];
    if (isRecordBatch(first)) return new Set(first.schema.fields.map((f) => f.name));
    const names = new Set<string>();
    for (const row of data as object[]) {
      for (const key in row) if ((row as Record<string, unknown>)[key] !== undefined) names.add(key);
    }
    return names;
  }
  if (isArrowTable(data) || isRecordBatch(data)) return new Set(data.schema.fields.map((f) => f.name));
  return undefined;
}
