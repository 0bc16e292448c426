/**
 * `mistral`: Mistral AI's embeddings API (`POST {baseUrl}/embeddings`,
 * default https://api.mistral.ai/v1), `{model, input}` -> `{data: [{index, embedding}]}`.
 *
 * @module
 */

import { BUILT_IN_NAME } from "../function-names.js";
import { readIndexedEmbeddings } from "../http/embedding-response.js";
import type { FetchLike } from "../http/post-json.js";
import { joinUrl } from "../http/url.js";
import { HttpEmbeddingFunction, acceptsDimensions, readDimensions, type HttpProviderSpec } from "./http-embedding-function.js";

// 1. Registry name and models.
/** The registry name of {@link MistralEmbeddingFunction}. */
export const MISTRAL_FUNCTION_NAME = "mistral";
/** The default model. */
export const MISTRAL_DEFAULT_MODEL = "mistral-embed";
/** Where requests go without `baseUrl`. */
export const MISTRAL_DEFAULT_BASE_URL = "https://api.mistral.ai/v1";
/**
 * Texts per request Quiver sends. The API refuses more than 256 inputs ("Too
 * many inputs in request") and also caps the tokens of a request, so Quiver
 * stays well under both.
 */
export const MISTRAL_MAX_BATCH_SIZE = 128;

/** What Quiver knows of a model: its width, and the widest `dimensions` (absent: fixed). */
export interface MistralModelInfo {
  readonly ndims: number;
  readonly maxDimensions?: number;
}

/** Mistral's embedding models. Other names are passed through; their width comes from the first answer. */
export const MISTRAL_MODELS: Readonly<Record<string, MistralModelInfo>> = Object.freeze({
  "mistral-embed": { ndims: 1024 },
  "codestral-embed": { ndims: 1536, maxDimensions: 3072 },
});

// 2. Options.
/** Options of `mistral` (saved with the table, except `fetch`). `apiKey` must be a `$var:` reference. */
export interface MistralEmbeddingOptions {
  /** Model name. Default "mistral-embed" (1024 values). */
  model?: string;
  /** `$var:` reference to the key. Without it: MISTRAL_API_KEY. */
  apiKey?: string;
  /** API root. Default https://api.mistral.ai/v1. */
  baseUrl?: string;
  /** Output width for models that choose it (codestral-embed, up to 3072); sent as `output_dimension`. */
  dimensions?: number | string;
  /** Extra request headers; credential headers must be `$var:` references. */
  headers?: Record<string, string>;
  /** Milliseconds one request may take. Default 60000. */
  timeoutMs?: number | string;
  /** A fetch function to use instead of the global one (not saved with the table). */
  fetch?: FetchLike;
}

const SPEC: HttpProviderSpec = {
  name: MISTRAL_FUNCTION_NAME,
  model: MISTRAL_DEFAULT_MODEL,
  optionNames: ["model", "apiKey", "baseUrl", "dimensions", "headers", "timeoutMs", "fetch"],
  aliases: { name: "model", api_key: "apiKey", base_url: "baseUrl" },
  maxBatchSize: MISTRAL_MAX_BATCH_SIZE,
  apiKey: { label: "Mistral", envVars: ["MISTRAL_API_KEY"], suggestedVariable: "mistral_key" },
};

// 3. The class.
/**
 * Text embeddings from Mistral AI.
 *
 * @example
 * ```ts
 * getRegistry().setVar("mistral_key", process.env.MISTRAL_API_KEY!);
 * const fn = getRegistry().get("mistral")!.create({ apiKey: "$var:mistral_key" });
 * ```
 */
export class MistralEmbeddingFunction extends HttpEmbeddingFunction<MistralEmbeddingOptions> {
  /** @internal the built-in registry name, an own property of this class only. */
  static readonly [BUILT_IN_NAME] = MISTRAL_FUNCTION_NAME;

  readonly #known: MistralModelInfo | undefined;
  readonly #dimensions: number | undefined;

  constructor(options: MistralEmbeddingOptions = {}) {
    super(options, SPEC);
    this.#known = MISTRAL_MODELS[this.model];
    this.#dimensions = readDimensions(
      MISTRAL_FUNCTION_NAME,
      this.options,
      this.model,
      this.#known,
      `Drop "dimensions", or use "codestral-embed", which accepts it.`,
    );
  }

  /** 1024 for mistral-embed; the model's width or `dimensions` otherwise; undefined for an unknown model. */
  override ndims(): number | undefined {
    return this.#dimensions ?? this.#known?.ndims;
  }

  /** One `POST {baseUrl}/embeddings`, Bearer key; `dimensions` is sent as `output_dimension`. */
  protected async request(texts: string[]): Promise<Float32Array[]> {
    const key = this.requireApiKey();
    const url = joinUrl(this.baseUrl ?? MISTRAL_DEFAULT_BASE_URL, "embeddings");
    const body: Record<string, unknown> = { model: this.model, input: texts };
    if (this.#dimensions !== undefined && acceptsDimensions(this.#known)) body.output_dimension = this.#dimensions;
    const answer = await this.post<unknown>({
      url,
      headers: { ...this.headers, authorization: `Bearer ${key.value}` },
      body,
      secrets: [key.value],
      hints: { auth: key.fix },
    });
    return readIndexedEmbeddings(answer, texts.length, this.responseContext(url));
  }
}
