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

import { BUILT_IN_NAME } from "../function-names.js";
import { readIndexedEmbeddings } from "../http/embedding-response.js";
import type { FetchLike } from "../http/post-json.js";
import { optionError, readString } from "../http/provider-options.js";
import { joinUrl } from "../http/url.js";
import { HttpEmbeddingFunction, acceptsDimensions, readDimensions, type EmbeddingPurpose, type HttpProviderSpec } from "./http-embedding-function.js";

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

const SPEC: HttpProviderSpec = {
  name: JINA_FUNCTION_NAME,
  model: JINA_DEFAULT_MODEL,
  optionNames: ["model", "apiKey", "baseUrl", "task", "queryTask", "dimensions", "headers", "timeoutMs", "fetch"],
  aliases: { name: "model", api_key: "apiKey", base_url: "baseUrl", query_task: "queryTask" },
  maxBatchSize: JINA_MAX_BATCH_SIZE,
  apiKey: { label: "Jina", envVars: ["JINA_API_KEY"], suggestedVariable: "jina_key" },
};

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
export class JinaEmbeddingFunction extends HttpEmbeddingFunction<JinaEmbeddingOptions> {
  /** @internal the built-in registry name, an own property of this class only. */
  static readonly [BUILT_IN_NAME] = JINA_FUNCTION_NAME;

  readonly #known: JinaModelInfo | undefined;
  readonly #dimensions: number | undefined;
  readonly #tasks: Readonly<Record<EmbeddingPurpose, string | undefined>>;

  constructor(options: JinaEmbeddingOptions = {}) {
    super(options, SPEC);
    const known = JINA_MODELS[this.model];
    this.#known = known;
    this.#dimensions = readDimensions(
      JINA_FUNCTION_NAME,
      this.options,
      this.model,
      known,
      `Drop "dimensions", or use "jina-embeddings-v3" / "jina-clip-v2", which accept it.`,
    );
    const task = readTask(this.options, "task", this.model, known);
    const queryTask = readTask(this.options, "queryTask", this.model, known);
    this.#tasks = {
      source: task ?? (known?.tasks ? RETRIEVAL.source : undefined),
      query: queryTask ?? task ?? (known?.tasks ? RETRIEVAL.query : undefined),
    };
  }

  /** The model's width, or `dimensions`; undefined for an unknown model (the first answer decides). */
  override ndims(): number | undefined {
    return this.#dimensions ?? this.#known?.ndims;
  }

  /** Stored texts with the source task, queries with the query task (models with tasks). */
  protected async request(texts: string[], purpose: EmbeddingPurpose): Promise<Float32Array[]> {
    const key = this.requireApiKey();
    const url = joinUrl(this.baseUrl ?? JINA_DEFAULT_BASE_URL, "embeddings");
    const body: Record<string, unknown> = { model: this.model, input: texts };
    const task = this.#tasks[purpose];
    if (task !== undefined) body.task = task;
    if (this.#dimensions !== undefined && acceptsDimensions(this.#known)) body.dimensions = this.#dimensions;
    const answer = await this.post<unknown>({
      url,
      headers: { ...this.headers, authorization: `Bearer ${key.value}` },
      body,
      secrets: [key.value],
      hints: {
        auth: key.fix,
        fixes: {
          402: "the Jina account is out of tokens; top it up, or use another key",
          403: `the key was refused or the account is out of tokens: ${key.fix}`,
        },
      },
    });
    return readIndexedEmbeddings(answer, texts.length, this.responseContext(url));
  }
}

function readTask(o: Readonly<Record<string, unknown>>, name: string, model: string, known: JinaModelInfo | undefined): string | undefined {
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
