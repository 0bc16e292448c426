/**
 * Retrying transient failures with exponential backoff and full jitter, the
 * one retry loop of the embedding path (ingest batches and query embedding;
 * HTTP providers use it too).
 *
 * Delay before retry k (1-based): a uniformly random value in
 * [0, min(maxDelayMs, baseDelayMs * 2^(k-1))] ("full jitter"), or the
 * provider's `Retry-After` when it asks for longer. Errors that retrying cannot
 * fix are thrown at once (see {@link isRetryableError}).
 *
 * @module
 */

import { OperationAbortedError, QuiverError } from "../errors.js";

/** Defaults of {@link RetryOptions}. */
export const RETRY_DEFAULTS = { maxRetries: 3, baseDelayMs: 250, maxDelayMs: 20_000 } as const;

/** The longest `Retry-After` honoured, so a confused server cannot stall a write for hours. */
const MAX_RETRY_AFTER_MS = 60_000;

/** How to retry. */
export interface RetryOptions {
  /** Retries after the first attempt (0 = one attempt). Default 3. */
  maxRetries?: number;
  /** Backoff base in milliseconds. Default 250. */
  baseDelayMs?: number;
  /** Backoff cap in milliseconds. Default 20000. */
  maxDelayMs?: number;
  /** Stops waiting and retrying when aborted. */
  signal?: AbortSignal | undefined;
  /** What may be retried; {@link isRetryableError} by default. */
  isRetryable?: (error: unknown) => boolean;
  /** Random source in [0, 1), for tests. */
  random?: () => number;
  /** Called before each wait. */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
  /** The operation's name, for the abort error ("embedding"). */
  operation?: string;
}

/** Thrown by {@link withRetry} when it gives up: the last error, how many attempts, and whether it was retryable. */
export class RetryExhaustedError extends Error {
  constructor(
    readonly lastError: unknown,
    readonly attempts: number,
    readonly retryable: boolean,
  ) {
    super(`failed after ${attempts} attempt${attempts === 1 ? "" : "s"}`, { cause: lastError });
    this.name = "RetryExhaustedError";
  }
}

/**
 * Runs `operation` until it succeeds, retrying retryable failures.
 *
 * @returns the value and the number of attempts made.
 * @throws RetryExhaustedError with the last error when it gives up (a
 *   non-retryable error on any attempt, or a retryable one after `maxRetries` retries).
 * @throws OperationAbortedError when `signal` aborts (also during a wait).
 */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<{ value: T; attempts: number }> {
  const maxRetries = options.maxRetries ?? RETRY_DEFAULTS.maxRetries;
  const base = options.baseDelayMs ?? RETRY_DEFAULTS.baseDelayMs;
  const cap = options.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs;
  const isRetryable = options.isRetryable ?? isRetryableError;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    throwIfAborted(options.signal, options.operation);
    try {
      return { value: await operation(attempt), attempts: attempt };
    } catch (error) {
      if (isAbort(error, options.signal)) throw abortedError(options.signal, options.operation, error);
      const retryable = isRetryable(error);
      if (!retryable || attempt > maxRetries) throw new RetryExhaustedError(error, attempt, retryable);
      const backoff = random() * Math.min(cap, base * 2 ** (attempt - 1));
      const asked = retryAfterOf(error);
      const delayMs = asked !== undefined ? Math.max(backoff, Math.min(asked, MAX_RETRY_AFTER_MS)) : backoff;
      options.onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs, options.signal, options.operation);
    }
  }
}

/**
 * Whether retrying could fix `error`:
 * - Quiver errors: only an `EmbeddingError` marked `retryable`;
 * - an HTTP status (`status`, `statusCode` or `response.status`): 408, 409, 425, 429 and 5xx;
 * - `AuthenticationError` / `PermissionDeniedError` (OpenAI-style clients): never;
 * - programming errors (`TypeError`, `RangeError`, `ReferenceError`, `SyntaxError`): never,
 *   except `fetch failed` network errors;
 * - network error codes (`ECONNRESET`, `ETIMEDOUT`...): always;
 * - anything else: yes (an unknown failure of a remote call is usually transient).
 */
export function isRetryableError(error: unknown): boolean {
  if (QuiverError.isQuiverError(error)) {
    return error.code === "EMBEDDING_FAILED" && (error as QuiverError & { retryable?: unknown }).retryable === true;
  }
  if (typeof error !== "object" || error === null) return true;
  const e = error as { name?: unknown; message?: unknown; status?: unknown; statusCode?: unknown; response?: { status?: unknown }; code?: unknown; cause?: unknown };
  const status = [e.status, e.statusCode, e.response?.status].find((s) => typeof s === "number") as number | undefined;
  if (status !== undefined) return isRetryableStatus(status);
  if (e.name === "AuthenticationError" || e.name === "PermissionDeniedError" || e.name === "AbortError") return false;
  if (typeof e.code === "string" && NETWORK_CODES.has(e.code)) return true;
  if (error instanceof TypeError) {
    return e.message === "fetch failed" || hasNetworkCause(e.cause);
  }
  if (error instanceof RangeError || error instanceof ReferenceError || error instanceof SyntaxError || error instanceof EvalError) {
    return false;
  }
  return true;
}

/** Statuses worth retrying: timeouts, conflicts, rate limits and server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 425 || status === 429 || status >= 500;
}

const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

function hasNetworkCause(cause: unknown): boolean {
  const code = (cause as { code?: unknown } | null | undefined)?.code;
  return typeof code === "string" && NETWORK_CODES.has(code);
}

function retryAfterOf(error: unknown): number | undefined {
  const value = (error as { retryAfterMs?: unknown } | null | undefined)?.retryAfterMs;
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  if (QuiverError.isQuiverError(error) && error.code === "ABORTED") return true;
  return signal?.aborted === true && (error === signal.reason || (error as { name?: unknown } | null)?.name === "AbortError");
}

/** @internal */
export function abortedError(signal: AbortSignal | undefined, operation: string | undefined, error?: unknown): OperationAbortedError {
  if (QuiverError.isQuiverError(error) && error.code === "ABORTED") return error as OperationAbortedError;
  return new OperationAbortedError(operation ?? "the operation", { cause: signal?.reason ?? error });
}

/** Throws {@link OperationAbortedError} when `signal` is aborted. @internal */
export function throwIfAborted(signal: AbortSignal | undefined, operation?: string): void {
  if (signal?.aborted) throw abortedError(signal, operation);
}

/** Waits `ms`, or rejects with {@link OperationAbortedError} as soon as `signal` aborts. @internal */
export function sleep(ms: number, signal?: AbortSignal, operation?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortedError(signal, operation));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortedError(signal, operation));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
