/**
 * One HTTP request of an embedding provider: POST a JSON body, wait at most
 * `timeoutMs`, parse the JSON answer, and turn every failure into an
 * `EmbeddingError` that says whether retrying can help.
 *
 * It never retries: the ingest stage and query embedding own the one retry
 * loop (`retry.ts`), which reads `retryable` and `retryAfterMs` from the
 * errors thrown here. Secrets (the `secrets` given, credential headers and
 * query parameters) never appear in a message or a `cause`.
 *
 * @module
 */

import { EmbeddingError } from "../../errors.js";
import { clip, extractErrorText, type ErrorTextExtractor } from "./error-text.js";
import { describeStatus, isRetryableHttpStatus, statusFix, type StatusHints } from "./http-status.js";
import { collectSecrets, redact, redactError } from "./redact.js";
import { retryAfterFromHeaders } from "./retry-after.js";
import { describeUrl } from "./url.js";

/** Default time one request may take, headers and body included. */
export const DEFAULT_TIMEOUT_MS = 60_000;

/** A fetch function (the global `fetch`, or an injected one for proxies and tests). */
export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** What a provider's rate-limit reader sees of a failed answer. */
export interface FailedAnswer {
  status: number;
  headers: Headers;
  /** The parsed JSON body; undefined when it was not JSON. */
  body: unknown;
}

/** One request. */
export interface PostJsonRequest {
  /** Registry name of the provider ("openai"), first word of every message. */
  provider: string;
  /** The model, for messages and the error's `model` field. */
  model?: string | undefined;
  /** The full URL. */
  url: string | URL;
  /** Request headers; `content-type` and `accept` default to JSON. */
  headers?: Readonly<Record<string, string>> | undefined;
  /**
   * The body: any JSON value (serialised here); a string is sent as it is
   * (already serialised JSON, e.g. for signed requests); `URLSearchParams` is
   * sent form-encoded (token endpoints).
   */
  body: unknown;
  /** The fetch to use; the global `fetch` by default. */
  fetch?: FetchLike | undefined;
  /** Milliseconds before the request is abandoned (a retryable error). Default 60000. */
  timeoutMs?: number | undefined;
  /** Cancels the request; its reason is thrown as it is. */
  signal?: AbortSignal | undefined;
  /** Values that must never appear in a message or cause (API keys, tokens). */
  secrets?: readonly (string | undefined | null)[] | undefined;
  /** Reads the provider's error text from its error body; the usual shapes by default. */
  errorText?: ErrorTextExtractor | undefined;
  /**
   * Reads the wait a failed answer asks for, for providers with their own
   * rate-limit headers or body fields (Hugging Face's `estimated_time`).
   * Undefined falls back to `Retry-After` and the common rate-limit headers.
   */
  retryAfterMs?: ((answer: FailedAnswer) => number | undefined) | undefined;
  /** The fix for a refused key (401/403) and fixes for particular statuses. */
  hints?: StatusHints | undefined;
}

/**
 * POSTs `request.body` and returns the parsed JSON answer (not validated:
 * check its shape, e.g. with `readIndexedEmbeddings`).
 *
 * @throws EmbeddingError with `status`, `retryable` (429, 408, 409, 425 and 5xx,
 *   network errors and timeouts: true; 400, 401, 403, 404, 422: false) and
 *   `retryAfterMs` (from `Retry-After` or rate-limit headers); its message
 *   names the provider, model, URL (without credentials), status, the
 *   provider's own error text, and the fix.
 * @throws the caller's `signal.reason` when `signal` aborts.
 *
 * @example
 * ```ts
 * const body = await postJson<{ data: { index: number; embedding: string }[] }>({
 *   provider: "acme", model: "acme-small", url: joinUrl(baseUrl, "embeddings"),
 *   headers: { authorization: `Bearer ${key.value}` }, body: { model, input: texts },
 *   secrets: [key.value], hints: { auth: key.fix },
 * });
 * ```
 */
export async function postJson<T = unknown>(request: PostJsonRequest): Promise<T> {
  const headers = lowerCaseKeys(request.headers ?? {});
  const secrets = collectSecrets(request.secrets ?? [], headers, request.url);
  const where = `${request.provider}${request.model ? ` (model "${request.model}")` : ""}`;
  const target = `POST ${describeUrl(request.url)}`;
  const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const context = { provider: request.provider, model: request.model };

  let payload: string | URLSearchParams;
  if (typeof request.body === "string") {
    payload = request.body;
    headers["content-type"] ??= "application/json";
  } else if (request.body instanceof URLSearchParams) {
    payload = request.body;
    headers["content-type"] ??= "application/x-www-form-urlencoded";
  } else {
    payload = JSON.stringify(request.body);
    headers["content-type"] ??= "application/json";
  }
  headers.accept ??= "application/json";

  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = request.signal ? anySignal(request.signal, timeout) : timeout;
  const fetchFn: FetchLike = request.fetch ?? fetch;

  const failure = (message: string, extra: { status?: number; retryable: boolean; retryAfterMs?: number | undefined }, cause?: unknown): EmbeddingError =>
    new EmbeddingError(
      redact(message, secrets),
      { ...context, status: extra.status, retryable: extra.retryable, retryAfterMs: extra.retryAfterMs },
      cause === undefined ? undefined : { cause: redactError(cause, secrets) },
    );
  const transportFailure = (error: unknown, phase: string): unknown => {
    if (request.signal?.aborted) return request.signal.reason;
    if (timeout.aborted) {
      return failure(
        `${where}: ${target} got no complete answer within ${formatMs(timeoutMs)}${phase}. ` +
          `The call is retried; if the provider is slow (large batches, a model loading), raise the function's timeoutMs option.`,
        { retryable: true },
        error,
      );
    }
    const { code, retryable } = describeTransportError(error);
    return failure(
      `${where}: ${target} failed${phase} before an answer arrived (${code}). ` +
        (retryable
          ? `${capitalise(request.hints?.unreachable ?? "check that the server is running and the base URL / host is right")}; the call is retried.`
          : "Check the base URL / host option."),
      { retryable },
      error,
    );
  };

  let response: Response;
  try {
    response = await fetchFn(request.url, { method: "POST", headers, body: payload, signal });
  } catch (error) {
    throw transportFailure(error, "");
  }
  let raw: string;
  try {
    raw = await response.text();
  } catch (error) {
    throw transportFailure(error, " while reading the answer");
  }
  let body: unknown;
  let isJson = false;
  if (raw.trim() !== "") {
    try {
      body = JSON.parse(raw);
      isJson = true;
    } catch {
      body = undefined;
    }
  }

  if (response.ok) {
    if (!isJson) {
      const what = raw.trim() === "" ? "an empty body" : `a body that is not JSON (${JSON.stringify(clip(raw, 60))})`;
      throw failure(
        `${where}: ${target} answered ${describeStatus(response.status, response.statusText)} with ${what}. ` +
          `Check that the base URL points at the provider's API (a proxy or a web page answers like this).`,
        { status: response.status, retryable: false },
      );
    }
    return body as T;
  }

  const status = response.status;
  const retryable = isRetryableHttpStatus(status);
  const answer: FailedAnswer = { status, headers: response.headers, body: isJson ? body : undefined };
  const asked = retryable ? (request.retryAfterMs?.(answer) ?? retryAfterFromHeaders(response.headers)) : undefined;
  const ownText = request.errorText?.(answer.body, raw);
  const text = ownText !== undefined ? clip(ownText) : extractErrorText(answer.body, raw);
  const waited = asked !== undefined ? ` (asked to wait ${formatMs(asked)})` : "";
  throw failure(
    `${where}: ${target} failed with HTTP ${describeStatus(status, response.statusText)}${waited}` +
      `${text !== undefined ? `: ${JSON.stringify(text)}` : ""}. ${capitalise(statusFix(status, request.hints))}.`,
    { status, retryable, retryAfterMs: asked },
  );
}

const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENOTFOUND",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CLOSED",
]);

/** The most telling code of a fetch failure, and whether retrying can help (network trouble: yes; a malformed URL: no). */
function describeTransportError(error: unknown): { code: string; retryable: boolean } {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && code !== "") {
      // errno-style codes (ECONNRESET...) and undici's socket errors are network trouble; Node's ERR_* codes
      // (ERR_INVALID_URL...) are mistakes retrying cannot fix.
      return { code, retryable: NETWORK_CODES.has(code) || code.startsWith("UND_ERR_") || /^E[A-Z]+$/.test(code) };
    }
    current = (current as { cause?: unknown }).cause;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (/invalid url|failed to parse url|unsupported protocol|only absolute urls/i.test(message)) {
    return { code: "invalid URL", retryable: false };
  }
  return { code: message === "fetch failed" ? "network error" : clip(message, 80), retryable: true };
}

/** A signal that aborts when either does (`AbortSignal.any`, with a fallback for Node 20.0-20.2). */
function anySignal(a: AbortSignal, b: AbortSignal): AbortSignal {
  if (typeof AbortSignal.any === "function") return AbortSignal.any([a, b]);
  const controller = new AbortController();
  for (const signal of [a, b]) {
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    signal.addEventListener("abort", () => controller.abort(signal.reason), { once: true });
  }
  return controller.signal;
}

function lowerCaseKeys(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === "string") out[name.toLowerCase()] = value;
  }
  return out;
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${+(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
