/**
 * `gemini-text`: Google's Gemini API (Generative Language API) text
 * embeddings, `POST {baseUrl}/models/{model}:batchEmbedContents` with the key
 * in the `x-goog-api-key` header (never in the query string, where proxies and
 * logs would keep it). Documents are embedded with task type
 * `RETRIEVAL_DOCUMENT` and queries with `RETRIEVAL_QUERY` (LanceDB's defaults),
 * up to 100 texts a request.
 *
 * Note on widths: `gemini-embedding-001` answers 3072 values unless `dim`
 * (`outputDimensionality`) asks for fewer. LanceDB's Python SDK sends
 * `output_dimensionality=768` when `dim` is not given, so a table it created
 * without `dim` has 768-wide vectors: open it with `dim: 768`.
 *
 * @module
 */

import { BUILT_IN_NAME } from "../function-names.js";
import { readEmbeddingRows } from "../http/embedding-response.js";
import type { FailedAnswer, FetchLike } from "../http/post-json.js";
import { optionError, readInteger, readString } from "../http/provider-options.js";
import { parseDuration } from "../http/retry-after.js";
import { joinUrl } from "../http/url.js";
import { HttpEmbeddingFunction, type EmbeddingPurpose, type HttpProviderSpec } from "./http-embedding-function.js";

// 1. Registry name and models.
/** The registry name of {@link GeminiTextEmbeddingFunction} (as in LanceDB). */
export const GEMINI_TEXT_FUNCTION_NAME = "gemini-text";
/** LanceDB's default model. */
export const GEMINI_TEXT_DEFAULT_MODEL = "gemini-embedding-001";
/** Where requests go without `baseUrl`. */
export const GEMINI_TEXT_DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com/v1beta";
/** Most requests one `batchEmbedContents` call takes. */
export const GEMINI_TEXT_MAX_BATCH_SIZE = 100;

/** What Quiver knows of a Gemini embedding model. */
export interface GeminiModelInfo {
  /** Width without `dim`. */
  readonly ndims: number;
  /** The widest `dim` (outputDimensionality) it accepts; absent: fixed width. */
  readonly maxDim?: number;
  /** Whether it takes a task type (the oldest model does not). */
  readonly taskTypes: boolean;
}

/** Gemini's embedding models. Other names are sent as they are; their width then comes from the first answer. */
export const GEMINI_TEXT_MODELS: Readonly<Record<string, GeminiModelInfo>> = Object.freeze({
  "gemini-embedding-001": { ndims: 3072, maxDim: 3072, taskTypes: true },
  "text-embedding-004": { ndims: 768, maxDim: 768, taskTypes: true },
  "embedding-001": { ndims: 768, taskTypes: false },
});

/** The task types of the API (`TaskType`). */
export const GEMINI_TASK_TYPES = [
  "RETRIEVAL_QUERY",
  "RETRIEVAL_DOCUMENT",
  "SEMANTIC_SIMILARITY",
  "CLASSIFICATION",
  "CLUSTERING",
  "QUESTION_ANSWERING",
  "FACT_VERIFICATION",
  "CODE_RETRIEVAL_QUERY",
] as const;

// 2. Options.
/**
 * Options of `gemini-text` (saved with the table, except `fetch`). Every value
 * may be a `$var:` reference; `apiKey` must be one.
 */
export interface GeminiTextEmbeddingOptions {
  /** Model, with or without "models/". Default "gemini-embedding-001". Python's `name` is read too. */
  model?: string;
  /** Output width (`outputDimensionality`); gemini-embedding-001 accepts 128 to 3072 (768, 1536, 3072 recommended). */
  dim?: number | string;
  /** Task type of queries. Default "RETRIEVAL_QUERY" (LanceDB's "retrieval_query"; any case is accepted). */
  queryTaskType?: string;
  /** Task type of the embedded column. Default "RETRIEVAL_DOCUMENT". */
  sourceTaskType?: string;
  /** `$var:` reference to the key. Without it: GOOGLE_API_KEY, then GEMINI_API_KEY. */
  apiKey?: string;
  /** API root. Default "https://generativelanguage.googleapis.com/v1beta". */
  baseUrl?: string;
  /** Extra request headers; credential headers must be `$var:` references. */
  headers?: Record<string, string>;
  /** Milliseconds one request may take. Default 60000. */
  timeoutMs?: number | string;
  /** A fetch function to use instead of the global one (not saved with the table). */
  fetch?: FetchLike;
}

const SPEC: HttpProviderSpec = {
  name: GEMINI_TEXT_FUNCTION_NAME,
  model: (given) => (given ?? GEMINI_TEXT_DEFAULT_MODEL).replace(/^models\//, ""),
  optionNames: ["model", "dim", "queryTaskType", "sourceTaskType", "apiKey", "baseUrl", "headers", "timeoutMs", "fetch"],
  // LanceDB Python's option names, read from tables it wrote.
  aliases: {
    name: "model",
    query_task_type: "queryTaskType",
    source_task_type: "sourceTaskType",
    api_key: "apiKey",
    base_url: "baseUrl",
  },
  maxBatchSize: GEMINI_TEXT_MAX_BATCH_SIZE,
  apiKey: { label: "Google", envVars: ["GOOGLE_API_KEY", "GEMINI_API_KEY"], suggestedVariable: "google_key" },
};

interface GoogleErrorBody {
  error?: { message?: unknown; status?: unknown; details?: unknown };
}

// 3. The class.
/**
 * Text embeddings from Google's Gemini API.
 *
 * @example
 * ```ts
 * getRegistry().setVar("google_key", process.env.GOOGLE_API_KEY!);
 * const fn = getRegistry().get("gemini-text")!.create({ dim: 768, apiKey: "$var:google_key" });
 * ```
 */
export class GeminiTextEmbeddingFunction extends HttpEmbeddingFunction<GeminiTextEmbeddingOptions> {
  /** @internal the built-in registry name, an own property of this class only. */
  static readonly [BUILT_IN_NAME] = GEMINI_TEXT_FUNCTION_NAME;

  readonly #info: GeminiModelInfo | undefined;
  readonly #dim: number | undefined;
  readonly #taskTypes: Readonly<Record<EmbeddingPurpose, string>>;

  constructor(options: GeminiTextEmbeddingOptions = {}) {
    super(options, SPEC);
    const o = this.options;
    const model = this.model;
    this.#info = GEMINI_TEXT_MODELS[model];
    this.#dim = readInteger(GEMINI_TEXT_FUNCTION_NAME, o, "dim", { min: 1, max: 65_536 });
    if (this.#dim !== undefined && this.#info !== undefined) {
      if (this.#info.maxDim === undefined) {
        throw optionError(
          GEMINI_TEXT_FUNCTION_NAME,
          "dim",
          `cannot be set for "${model}", whose vectors always have ${this.#info.ndims} values`,
          `Drop "dim", or use "gemini-embedding-001", which accepts 128 to 3072.`,
        );
      }
      if (this.#dim > this.#info.maxDim) {
        throw optionError(GEMINI_TEXT_FUNCTION_NAME, "dim", `must be at most ${this.#info.maxDim} for "${model}", got ${this.#dim}`);
      }
    }
    this.#taskTypes = {
      query: taskType(o, "queryTaskType", "RETRIEVAL_QUERY"),
      source: taskType(o, "sourceTaskType", "RETRIEVAL_DOCUMENT"),
    };
  }

  /** `dim`, else the model's width (3072 for gemini-embedding-001); undefined for an unknown model. */
  override ndims(): number | undefined {
    return this.#dim ?? this.#info?.ndims;
  }

  /** One `batchEmbedContents` call: the column's texts with `sourceTaskType`, a query with `queryTaskType`. */
  protected async request(texts: string[], purpose: EmbeddingPurpose): Promise<Float32Array[]> {
    const key = this.requireApiKey();
    const url = joinUrl(this.baseUrl ?? GEMINI_TEXT_DEFAULT_BASE_URL, `models/${encodeURIComponent(this.model)}:batchEmbedContents`);
    const withTask = this.#info?.taskTypes !== false;
    const requests = texts.map((text) => {
      const request: Record<string, unknown> = { model: `models/${this.model}`, content: { parts: [{ text }] } };
      if (withTask) request.taskType = this.#taskTypes[purpose];
      if (this.#dim !== undefined) request.outputDimensionality = this.#dim;
      return request;
    });
    const answer = await this.post<{ embeddings?: unknown }>({
      url,
      headers: { ...this.headers, "x-goog-api-key": key.value },
      body: { requests },
      secrets: [key.value],
      errorText: googleErrorText,
      retryAfterMs: googleRetryDelay,
      hints: {
        auth: key.fix,
        fixes: {
          400: `when the answer says API_KEY_INVALID the key was refused: ${key.fix}; otherwise check the model, dim ` +
            `and the task types (${GEMINI_TASK_TYPES.join(", ")})`,
        },
      },
    });
    const items = answer?.embeddings;
    const rows = Array.isArray(items)
      ? items.map((item) => (typeof item === "object" && item !== null ? (item as { values?: unknown }).values : item))
      : items;
    return readEmbeddingRows(rows, texts.length, this.responseContext(url), "embeddings[].values");
  }
}

/** A task-type option: one of {@link GEMINI_TASK_TYPES}, in any case ("retrieval_query" as LanceDB Python writes it). */
function taskType(options: Readonly<Record<string, unknown>>, name: string, fallback: string): string {
  const value = readString(GEMINI_TEXT_FUNCTION_NAME, options, name);
  if (value === undefined) return fallback;
  const upper = value.trim().toUpperCase();
  if (!(GEMINI_TASK_TYPES as readonly string[]).includes(upper)) {
    throw optionError(GEMINI_TEXT_FUNCTION_NAME, name, `must be one of ${GEMINI_TASK_TYPES.join(", ")} (any case), got ${JSON.stringify(value)}`);
  }
  return upper;
}

/** Google's `{error: {message, status, details: [{reason}]}}`, with the status and reason kept. */
function googleErrorText(body: unknown): string | undefined {
  const error = (body as GoogleErrorBody | undefined)?.error;
  if (typeof error !== "object" || error === null || typeof error.message !== "string") return undefined;
  const reasons = Array.isArray(error.details)
    ? error.details.map((d) => (d as { reason?: unknown } | null)?.reason).filter((r): r is string => typeof r === "string")
    : [];
  const tags = [typeof error.status === "string" ? error.status : undefined, ...reasons].filter((t) => t !== undefined);
  return tags.length > 0 ? `${error.message} (${tags.join(", ")})` : error.message;
}

/** The wait of a `google.rpc.RetryInfo` detail (`"retryDelay": "27s"`) in a 429 answer. */
function googleRetryDelay(answer: FailedAnswer): number | undefined {
  const details = (answer.body as GoogleErrorBody | undefined)?.error?.details;
  if (!Array.isArray(details)) return undefined;
  for (const detail of details) {
    const delay = (detail as { retryDelay?: unknown } | null)?.retryDelay;
    if (typeof delay === "string") {
      const ms = parseDuration(delay);
      if (ms !== undefined) return ms;
    }
  }
  return undefined;
}
