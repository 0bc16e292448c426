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

import { Float, Float32 } from "apache-arrow";
import type { EmbeddingBatch, EmbeddingVector } from "../embedding-function.js";
import { BUILT_IN_NAME } from "../function-names.js";
import { resolveApiKey } from "../http/api-key.js";
import { readEmbeddingRows } from "../http/embedding-response.js";
import { postJson, type FailedAnswer, type FetchLike } from "../http/post-json.js";
import {
  normaliseOptions,
  optionError,
  readFetch,
  readHeaders,
  readInteger,
  readString,
  readTimeoutMs,
  readUrl,
} from "../http/provider-options.js";
import { parseDuration } from "../http/retry-after.js";
import { embedInBatches } from "../http/split-batches.js";
import { joinUrl } from "../http/url.js";
import { TextEmbeddingFunction } from "../text-embedding-function.js";

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

const OPTION_NAMES = ["model", "dim", "queryTaskType", "sourceTaskType", "apiKey", "baseUrl", "headers", "timeoutMs", "fetch"] as const;

/** LanceDB Python's option names, read from tables it wrote. */
const PYTHON_ALIASES: Readonly<Record<string, string>> = {
  name: "model",
  query_task_type: "queryTaskType",
  source_task_type: "sourceTaskType",
  api_key: "apiKey",
  base_url: "baseUrl",
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
export class GeminiTextEmbeddingFunction extends TextEmbeddingFunction<GeminiTextEmbeddingOptions> {
  /** @internal the built-in registry name, an own property of this class only. */
  static readonly [BUILT_IN_NAME] = GEMINI_TEXT_FUNCTION_NAME;

  readonly #model: string;
  readonly #info: GeminiModelInfo | undefined;
  readonly #dim: number | undefined;
  readonly #queryTaskType: string;
  readonly #sourceTaskType: string;
  readonly #apiKey: unknown;
  readonly #apiKeyReference: unknown;
  readonly #baseUrl: string;
  readonly #headers: Record<string, string>;
  readonly #timeoutMs: number | undefined;
  readonly #fetch: FetchLike | undefined;

  constructor(options: GeminiTextEmbeddingOptions = {}) {
    super();
    const resolved = this.resolveVariables(options);
    const o = normaliseOptions(GEMINI_TEXT_FUNCTION_NAME, resolved as Record<string, unknown>, OPTION_NAMES, PYTHON_ALIASES);
    const model = (readString(GEMINI_TEXT_FUNCTION_NAME, o, "model") ?? GEMINI_TEXT_DEFAULT_MODEL).replace(/^models\//, "");
    this.#model = model;
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
    this.#queryTaskType = taskType(o, "queryTaskType", "RETRIEVAL_QUERY");
    this.#sourceTaskType = taskType(o, "sourceTaskType", "RETRIEVAL_DOCUMENT");
    this.#apiKey = o.apiKey;
    const saved = this.toJSON();
    this.#apiKeyReference = saved.apiKey ?? saved.api_key;
    this.#baseUrl = readUrl(GEMINI_TEXT_FUNCTION_NAME, "baseUrl", o.baseUrl) ?? GEMINI_TEXT_DEFAULT_BASE_URL;
    this.#headers = readHeaders(GEMINI_TEXT_FUNCTION_NAME, o);
    this.#timeoutMs = readTimeoutMs(GEMINI_TEXT_FUNCTION_NAME, o);
    this.#fetch = readFetch(GEMINI_TEXT_FUNCTION_NAME, o);
  }

  /** `dim`, else the model's width (3072 for gemini-embedding-001); undefined for an unknown model. */
  override ndims(): number | undefined {
    return this.#dim ?? this.#info?.ndims;
  }

  override embeddingDataType(): Float {
    return new Float32();
  }

  /** 100 texts per request, the API's limit. */
  override maxBatchSize(): number {
    return GEMINI_TEXT_MAX_BATCH_SIZE;
  }

  protected override getSensitiveKeys(): string[] {
    return ["apiKey", "api_key"];
  }

  /** The column's texts with `sourceTaskType`; one request per 100 texts. */
  async generateEmbeddings(texts: string[]): Promise<EmbeddingBatch> {
    return embedInBatches(texts, GEMINI_TEXT_MAX_BATCH_SIZE, (batch) => this.#request(batch, this.#sourceTaskType));
  }

  /** A query with `queryTaskType`. */
  override async computeQueryEmbeddings(data: string): Promise<EmbeddingVector> {
    return (await this.#request([data], this.#queryTaskType))[0]!;
  }

  async #request(texts: string[], task: string): Promise<Float32Array[]> {
    const key = resolveApiKey(
      {
        provider: GEMINI_TEXT_FUNCTION_NAME,
        label: "Google",
        value: this.#apiKey,
        reference: this.#apiKeyReference,
        envVars: ["GOOGLE_API_KEY", "GEMINI_API_KEY"],
        suggestedVariable: "google_key",
      },
      this.#model,
    );
    const url = joinUrl(this.#baseUrl, `models/${encodeURIComponent(this.#model)}:batchEmbedContents`);
    const withTask = this.#info?.taskTypes !== false;
    const requests = texts.map((text) => {
      const request: Record<string, unknown> = { model: `models/${this.#model}`, content: { parts: [{ text }] } };
      if (withTask) request.taskType = task;
      if (this.#dim !== undefined) request.outputDimensionality = this.#dim;
      return request;
    });
    const answer = await postJson<{ embeddings?: unknown }>({
      provider: GEMINI_TEXT_FUNCTION_NAME,
      model: this.#model,
      url,
      headers: { ...this.#headers, "x-goog-api-key": key.value },
      body: { requests },
      fetch: this.#fetch,
      timeoutMs: this.#timeoutMs,
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
    return readEmbeddingRows(rows, texts.length, { provider: GEMINI_TEXT_FUNCTION_NAME, model: this.#model, url }, "embeddings[].values");
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
