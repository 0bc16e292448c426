/**
 * `jina`: Jina AI's embeddings API (`POST {baseUrl}/embeddings`, default
 * https://api.jina.ai/v1), OpenAI-like in body and answer. Text only here:
 * Jina's CLIP models also embed images, which Quiver does not send yet (a URL
 * in a text column is embedded as text, where LanceDB's Python SDK would
 * fetch it as an image).
 *
 * Models with tasks (jina-embeddings-v3, -v4) embed stored texts as
 * `retrieval.passage` and queries as `retrieval.query` unless `task` /
 * `queryTask` say otherwise.
 *
 * @module
 */

import { Float, Float32 } from "apache-arrow";
import type { EmbeddingBatch, EmbeddingVector } from "../embedding-function.js";
import { BUILT_IN_NAME } from "../function-names.js";
import { resolveApiKey } from "../http/api-key.js";
import { readIndexedEmbeddings } from "../http/embedding-response.js";
import { postJson, type FetchLike } from "../http/post-json.js";
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
import { embedInBatches } from "../http/split-batches.js";
import { joinUrl } from "../http/url.js";
import { TextEmbeddingFunction } from "../text-embedding-function.js";

// 1. Registry name and models.
/** The registry name of {@link JinaEmbeddingFunction} (as in LanceDB's Python SDK). */
export const JINA_FUNCTION_NAME = "jina";
/** LanceDB's default model (a CLIP model: text and images; text only here). */
export const JINA_DEFAULT_MODEL = "jina-clip-v1";
/** Where requests go without `baseUrl`. */
export const JINA_DEFAULT_BASE_URL = "https://api.jina.ai/v1";
/** Most inputs per request Quiver sends (the API also limits tokens per request: lower embeddingBatchSize for long texts). */
export const JINA_MAX_BATCH_SIZE = 2048;

/** What Quiver knows of a model: width, widest `dimensions` (absent: fixed), tasks (absent: none). */
export interface JinaModelInfo {
  readonly ndims: number;
  readonly maxDimensions?: number;
  readonly tasks?: readonly string[];
}

const RETRIEVAL = { source: "retrieval.passage", query: "retrieval.query" } as const;

/** Jina's embedding models. Other names are passed through; their width comes from the first answer. */
export const JINA_MODELS: Readonly<Record<string, JinaModelInfo>> = Object.freeze({
  "jina-clip-v1": { ndims: 768 },
  "jina-clip-v2": { ndims: 1024, maxDimensions: 1024 },
  "jina-embeddings-v3": {
    ndims: 1024,
    maxDimensions: 1024,
    tasks: ["retrieval.query", "retrieval.passage", "separation", "classification", "text-matching"],
  },
  "jina-embeddings-v4": {
    ndims: 2048,
    maxDimensions: 2048,
    tasks: ["retrieval.query", "retrieval.passage", "text-matching", "code.query", "code.passage"],
  },
  "jina-embeddings-v2-base-en": { ndims: 768 },
  "jina-embeddings-v2-base-de": { ndims: 768 },
  "jina-embeddings-v2-base-es": { ndims: 768 },
  "jina-embeddings-v2-base-zh": { ndims: 768 },
  "jina-embeddings-v2-base-code": { ndims: 768 },
  "jina-embeddings-v2-small-en": { ndims: 512 },
});

// 2. Options.
/** Options of `jina` (saved with the table, except `fetch`). `apiKey` must be a `$var:` reference. */
export interface JinaEmbeddingOptions {
  /** Model name. Default "jina-clip-v1" (LanceDB's). */
  model?: string;
  /** `$var:` reference to the key. Without it: JINA_API_KEY. */
  apiKey?: string;
  /** API root. Default https://api.jina.ai/v1. */
  baseUrl?: string;
  /** Task of stored texts (and of queries unless `queryTask` is set), for models with tasks. v3/v4 default: "retrieval.passage". */
  task?: string;
  /** Task of queries. v3/v4 default: "retrieval.query" (or `task` when set). */
  queryTask?: string;
  /** Output width for models that can shorten their vectors (v3, v4, clip-v2). */
  dimensions?: number | string;
  /** Extra request headers; credential headers must be `$var:` references. */
  headers?: Record<string, string>;
  /** Milliseconds one request may take. Default 60000. */
  timeoutMs?: number | string;
  /** A fetch function to use instead of the global one (not saved with the table). */
  fetch?: FetchLike;
}

const OPTION_NAMES = ["model", "apiKey", "baseUrl", "task", "queryTask", "dimensions", "headers", "timeoutMs", "fetch"] as const;

const PYTHON_ALIASES: Readonly<Record<string, string>> = { name: "model", api_key: "apiKey", base_url: "baseUrl", query_task: "queryTask" };

// 3. The class.
/**
 * Text embeddings from Jina AI.
 *
 * @example
 * ```ts
 * getRegistry().setVar("jina_key", process.env.JINA_API_KEY!);
 * const fn = getRegistry().get("jina")!.create({ model: "jina-embeddings-v3", dimensions: 256, apiKey: "$var:jina_key" });
 * ```
 */
export class JinaEmbeddingFunction extends TextEmbeddingFunction<JinaEmbeddingOptions> {
  /** @internal the built-in registry name, an own property of this class only. */
  static readonly [BUILT_IN_NAME] = JINA_FUNCTION_NAME;

  readonly #model: string;
  readonly #ndims: number | undefined;
  readonly #dimensions: number | undefined;
  readonly #sourceTask: string | undefined;
  readonly #queryTask: string | undefined;
  readonly #apiKey: unknown;
  readonly #apiKeyReference: unknown;
  readonly #baseUrl: string;
  readonly #headers: Record<string, string>;
  readonly #timeoutMs: number | undefined;
  readonly #fetch: FetchLike | undefined;

  constructor(options: JinaEmbeddingOptions = {}) {
    super();
    const resolved = this.resolveVariables(options);
    const o = normaliseOptions(JINA_FUNCTION_NAME, resolved as Record<string, unknown>, OPTION_NAMES, PYTHON_ALIASES);
    this.#model = readString(JINA_FUNCTION_NAME, o, "model") ?? JINA_DEFAULT_MODEL;
    const known = JINA_MODELS[this.#model];
    this.#dimensions = readInteger(JINA_FUNCTION_NAME, o, "dimensions", { min: 1, max: 65_536 });
    if (this.#dimensions !== undefined && known !== undefined) {
      if (known.maxDimensions === undefined && this.#dimensions !== known.ndims) {
        throw optionError(
          JINA_FUNCTION_NAME,
          "dimensions",
          `cannot be set for "${this.#model}", whose vectors always have ${known.ndims} values`,
          `Drop "dimensions", or use "jina-embeddings-v3" / "jina-clip-v2", which accept it.`,
        );
      }
      if (known.maxDimensions !== undefined && this.#dimensions > known.maxDimensions) {
        throw optionError(JINA_FUNCTION_NAME, "dimensions", `must be at most ${known.maxDimensions} for "${this.#model}", got ${this.#dimensions}`);
      }
    }
    this.#ndims = this.#dimensions ?? known?.ndims;
    const task = readTask(o, "task", this.#model, known);
    const queryTask = readTask(o, "queryTask", this.#model, known);
    this.#sourceTask = task ?? (known?.tasks ? RETRIEVAL.source : undefined);
    this.#queryTask = queryTask ?? task ?? (known?.tasks ? RETRIEVAL.query : undefined);
    this.#apiKey = o.apiKey;
    const saved = this.toJSON();
    this.#apiKeyReference = saved.apiKey ?? saved.api_key;
    this.#baseUrl = readUrl(JINA_FUNCTION_NAME, "baseUrl", o.baseUrl) ?? JINA_DEFAULT_BASE_URL;
    this.#headers = readHeaders(JINA_FUNCTION_NAME, o);
    this.#timeoutMs = readTimeoutMs(JINA_FUNCTION_NAME, o);
    this.#fetch = readFetch(JINA_FUNCTION_NAME, o);
  }

  /** The model's width, or `dimensions`; undefined for an unknown model (the first answer decides). */
  override ndims(): number | undefined {
    return this.#ndims;
  }

  override embeddingDataType(): Float {
    return new Float32();
  }

  override maxBatchSize(): number {
    return JINA_MAX_BATCH_SIZE;
  }

  protected override getSensitiveKeys(): string[] {
    return ["apiKey", "api_key"];
  }

  async generateEmbeddings(texts: string[]): Promise<EmbeddingBatch> {
    return embedInBatches(texts, JINA_MAX_BATCH_SIZE, (batch) => this.#request(batch, this.#sourceTask));
  }

  override async computeQueryEmbeddings(data: string): Promise<EmbeddingVector> {
    return (await this.#request([data], this.#queryTask))[0]!;
  }

  async #request(texts: string[], task: string | undefined): Promise<Float32Array[]> {
    const key = resolveApiKey(
      {
        provider: JINA_FUNCTION_NAME,
        label: "Jina",
        value: this.#apiKey,
        reference: this.#apiKeyReference,
        envVars: ["JINA_API_KEY"],
        suggestedVariable: "jina_key",
      },
      this.#model,
    );
    const url = joinUrl(this.#baseUrl, "embeddings");
    const body: Record<string, unknown> = { model: this.#model, input: texts };
    if (task !== undefined) body.task = task;
    const known = JINA_MODELS[this.#model];
    if (this.#dimensions !== undefined && (known === undefined || known.maxDimensions !== undefined)) body.dimensions = this.#dimensions;
    const answer = await postJson<unknown>({
      provider: JINA_FUNCTION_NAME,
      model: this.#model,
      url,
      headers: { ...this.#headers, authorization: `Bearer ${key.value}` },
      body,
      fetch: this.#fetch,
      timeoutMs: this.#timeoutMs,
      secrets: [key.value],
      hints: {
        auth: key.fix,
        fixes: {
          402: "the Jina account is out of tokens; top it up, or use another key",
          403: `the key was refused or the account is out of tokens: ${key.fix}`,
        },
      },
    });
    return readIndexedEmbeddings(answer, texts.length, { provider: JINA_FUNCTION_NAME, model: this.#model, url });
  }
}

function readTask(o: Record<string, unknown>, name: string, model: string, known: JinaModelInfo | undefined): string | undefined {
  const task = readString(JINA_FUNCTION_NAME, o, name);
  if (task === undefined || known === undefined) return task;
  if (known.tasks === undefined) {
    throw optionError(
      JINA_FUNCTION_NAME,
      name,
      `cannot be set for "${model}", which has no tasks`,
      `Drop "${name}", or use "jina-embeddings-v3" / "jina-embeddings-v4".`,
    );
  }
  if (!known.tasks.includes(task)) {
    throw optionError(JINA_FUNCTION_NAME, name, `must be one of ${known.tasks.map((t) => JSON.stringify(t)).join(", ")} for "${model}", got ${JSON.stringify(task)}`);
  }
  return task;
}
