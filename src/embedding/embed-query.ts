/**
 * Query-time embedding: the vector a text search runs with.
 *
 * @module
 */

import { EmbeddingError, InvalidArgumentError } from "../errors.js";
import type { EmbeddingFunction } from "./embedding-function.js";
import { displayNameOf } from "./function-names.js";
import { modelOf } from "./ingest-stage.js";
import { RETRY_DEFAULTS, RetryExhaustedError, withRetry } from "./retry.js";

/** Options of {@link embedQuery}. */
export interface EmbedQueryOptions {
  /** Retries of a failed call (0 = none). Default 3. */
  maxRetries?: number;
  /** Backoff base in milliseconds. Default 250. */
  retryBaseDelayMs?: number;
  /** Backoff cap in milliseconds. Default 20000. */
  retryMaxDelayMs?: number;
  /** Cancels the call. */
  signal?: AbortSignal | undefined;
  /** The width the searched column takes, checked in addition to `ndims()`. */
  expectedWidth?: number | undefined;
  /** The table and vector column searched, for messages. */
  table?: string | undefined;
  vectorColumn?: string | undefined;
}

/**
 * Embeds one query value with `fn.computeQueryEmbeddings`, retried like ingest
 * batches, and checks the result (a vector of `ndims()` / `expectedWidth`
 * finite numbers).
 *
 * @returns a new Float32Array.
 * @throws InvalidArgumentError for an empty or whitespace-only text query.
 * @throws EmbeddingError when the function fails (after retries) or returns a bad vector.
 *
 * @example
 * ```ts
 * const vector = await embedQuery(fn, "red shoes", { table: "products", vectorColumn: "vector" });
 * ```
 */
export async function embedQuery<T>(fn: EmbeddingFunction<T>, query: T, options: EmbedQueryOptions = {}): Promise<Float32Array> {
  const name = displayNameOf(fn);
  const where = options.table !== undefined
    ? `searching table "${options.table}"${options.vectorColumn ? ` (column "${options.vectorColumn}")` : ""}: `
    : "";
  if (query === null || query === undefined || (typeof query === "string" && query.trim().length === 0)) {
    throw new InvalidArgumentError(
      `${where}the query text is empty; pass the text to search for, or search with a vector.`,
      "query",
    );
  }
  const model = modelOf(fn as EmbeddingFunction);
  const fail = (problem: string, expected: string, actual: string): EmbeddingError =>
    new EmbeddingError(
      `${where}embedding function "${name}"${model ? ` (model "${model}")` : ""} ${problem} for the query: expected ${expected}, got ${actual}; fix the function.`,
      { provider: name, model, retryable: false, table: options.table, column: options.vectorColumn, expected, actual },
    );
  let result: unknown;
  try {
    ({ value: result } = await withRetry(() => fn.computeQueryEmbeddings(query), {
      maxRetries: options.maxRetries ?? RETRY_DEFAULTS.maxRetries,
      baseDelayMs: options.retryBaseDelayMs ?? RETRY_DEFAULTS.baseDelayMs,
      maxDelayMs: options.retryMaxDelayMs ?? RETRY_DEFAULTS.maxDelayMs,
      signal: options.signal,
      operation: "query embedding",
    }));
  } catch (error) {
    if (!(error instanceof RetryExhaustedError)) throw error;
    const cause = error.lastError;
    const status = (cause as { status?: unknown } | null | undefined)?.status;
    throw new EmbeddingError(
      `${where}embedding function "${name}"${model ? ` (model "${model}")` : ""} failed to embed the query after ` +
        `${error.attempts} attempt${error.attempts === 1 ? "" : "s"}: ${cause instanceof Error ? cause.message : String(cause)}. ` +
        (error.retryable ? "Try again later." : "Fix the function or its configuration."),
      {
        provider: name,
        model,
        status: typeof status === "number" ? status : undefined,
        attempts: error.attempts,
        retryable: error.retryable,
        table: options.table,
        column: options.vectorColumn,
      },
      { cause },
    );
  }
  if (!Array.isArray(result) && !(ArrayBuffer.isView(result) && !(result instanceof DataView))) {
    throw fail("did not return a vector", "an array of numbers or a Float32Array", result === null ? "null" : typeof result);
  }
  const vector = result as ArrayLike<number>;
  const widths = [fn.ndims(), options.expectedWidth].filter((w): w is number => w !== undefined);
  for (const width of widths) {
    if (vector.length !== width) throw fail("returned a vector of the wrong width", `${width} values`, `${vector.length} values`);
  }
  if (vector.length === 0) throw fail("returned an empty vector", "at least 1 value", "0 values");
  const out = new Float32Array(vector.length);
  for (let k = 0; k < vector.length; k++) {
    const x = vector[k] as unknown;
    if (typeof x !== "number" || x - x !== 0) {
      throw fail(`returned a non-finite value at position ${k}`, "finite numbers", String(x));
    }
    out[k] = x;
    if (out[k]! - out[k]! !== 0) throw fail(`returned a value too large for float32 at position ${k}`, "finite float32 values", String(x));
  }
  return out;
}
