/**
 * What an HTTP status of a provider means for an embedding call: whether
 * retrying can help, a short name for messages, and the fix to suggest.
 *
 * @module
 */

/** Statuses retrying can fix: timeouts, conflicts, "too early", rate limits and server errors. */
const RETRYABLE = new Set([408, 409, 425, 429, 500, 502, 503, 504]);
/** 5xx statuses retrying cannot fix. */
const PERMANENT_5XX = new Set([501, 505, 506, 508, 510, 511]);

/**
 * True for 408, 409, 425, 429, 500, 502, 503 and 504 (and other 5xx except
 * 501/505/506/508/510/511); false for 4xx such as 400, 401, 403, 404 and 422.
 */
export function isRetryableHttpStatus(status: number): boolean {
  return RETRYABLE.has(status) || (status >= 500 && status <= 599 && !PERMANENT_5XX.has(status));
}

const NAMES: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  402: "Payment Required",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  409: "Conflict",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Entity",
  425: "Too Early",
  429: "Too Many Requests",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** "401 Unauthorized" (or "599" for a status without a common name). */
export function describeStatus(status: number, statusText?: string): string {
  const name = statusText && statusText.trim() !== "" ? statusText.trim() : NAMES[status];
  return name ? `${status} ${name}` : String(status);
}

/** Hints a provider gives for the fix part of its error messages. */
export interface StatusHints {
  /** What to check when the key is refused (401/403): where the key came from and how to set it. */
  auth?: string | undefined;
  /** Fixes for particular statuses, replacing the generic ones (e.g. 404 -> "run `ollama pull <model>`"). */
  fixes?: Readonly<Partial<Record<number, string>>> | undefined;
  /** What to check when the server cannot be reached (e.g. "start it with `ollama serve`"). */
  unreachable?: string | undefined;
}

/** The fix to suggest for `status`, ending without a full stop. */
export function statusFix(status: number, hints: StatusHints = {}): string {
  const own = hints.fixes?.[status];
  if (own !== undefined) return own;
  const auth = hints.auth ?? "check the API key";
  switch (status) {
    case 400:
    case 422:
      return "the provider refused the request as invalid; check the options (model, dimensions, input type...) and the texts";
    case 401:
      return `the API key was refused: ${auth}`;
    case 402:
      return "the account has no credit left; check billing with the provider";
    case 403:
      return `the key may not use this model or endpoint: ${auth}`;
    case 404:
      return "check the model name and the base URL (it must point at the API root, e.g. https://api.openai.com/v1)";
    case 405:
      return "check the base URL: this endpoint does not accept POST";
    case 413:
      return "the request is too large; lower embeddingBatchSize or shorten the texts";
    case 429:
      return "rate limited; the call is retried after the advertised wait — if it persists, lower embeddingConcurrency or embeddingBatchSize";
    default:
      return isRetryableHttpStatus(status)
        ? "a transient provider error; the call is retried with backoff — if it persists, check the provider's status page"
        : "check the options and the base URL";
  }
}
