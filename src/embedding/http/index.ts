/**
 * The shared HTTP layer of Quiver's remote embedding providers: one request
 * with a timeout and classified errors (`postJson`), reading embeddings out of
 * answers, base64 float32, API keys from options or the environment, option
 * checks, and keeping secrets out of messages. Retries are NOT here: the
 * ingest stage and query embedding retry (see `../retry.ts`), honouring the
 * `retryable` and `retryAfterMs` of the errors thrown here.
 *
 * @module
 */

export { DEFAULT_TIMEOUT_MS, postJson, type FailedAnswer, type FetchLike, type PostJsonRequest } from "./post-json.js";
export { describeStatus, isRetryableHttpStatus, statusFix, type StatusHints } from "./http-status.js";
export { parseDuration, parseRetryAfter, retryAfterFromHeaders, type HeaderLookup } from "./retry-after.js";
export { MAX_ERROR_TEXT, clip, extractErrorText, type ErrorTextExtractor } from "./error-text.js";
export { REDACTED, collectSecrets, isSensitiveHeader, isSensitiveQueryParam, redact, redactError } from "./redact.js";
export { describeUrl, joinUrl } from "./url.js";
export { decodeFloat32Base64, encodeFloat32Base64 } from "./base64-float32.js";
export { MissingApiKeyError, findApiKey, resolveApiKey, type ApiKey, type ApiKeyLookup } from "./api-key.js";
export {
  invalidResponseError,
  readEmbeddingRows,
  readIndexedEmbeddings,
  toFloat32,
  type ResponseContext,
} from "./embedding-response.js";
export {
  normaliseOptions,
  optionError,
  readBoolean,
  readFetch,
  readHeaders,
  readInteger,
  readObject,
  readString,
  readTimeoutMs,
  readUrl,
} from "./provider-options.js";
export { embedInBatches } from "./split-batches.js";
