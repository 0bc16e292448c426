/**
 * `mistral`: Mistral AI's embeddings API (`POST {baseUrl}/embeddings`,
 * default https://api.mistral.ai/v1), `{model, input}` -> `{data: [{index, embedding}]}`.
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

const OPTION_NAMES = ["model", "apiKey", "baseUrl", "dimensions", "headers", "timeoutMs", "fetch"] as const;

const PYTHON_ALIASES: Readonly<Record<string, string>> = { name: "model", api_key: "apiKey", base_url: "baseUrl" };

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
export class MistralEmbeddingFunction extends TextEmbeddingFunction<MistralEmbeddingOptions> {
  /** @internal the built-in registry name, an own property of this class only. */
  static readonly [BUILT_IN_NAME] = MISTRAL_FUNCTION_NAME;

  readonly #model: string;
  readonly #ndims: number | undefined;
  readonly #dimensions: number | undefined;
  readonly #apiKey: unknown;
  readonly #apiKeyReference: unknown;
  readonly #baseUrl: string;
  readonly #headers: Record<string, string>;
  readonly #timeoutMs: number | undefined;
  readonly #fetch: FetchLike | undefined;

  constructor(options: MistralEmbeddingOptions = {}) {
    super();
    const resolved = this.resolveVariables(options);
    const o = normaliseOptions(MISTRAL_FUNCTION_NAME, resolved as Record<string, unknown>, OPTION_NAMES, PYTHON_ALIASES);
    this.#model = readString(MISTRAL_FUNCTION_NAME, o, "model") ?? MISTRAL_DEFAULT_MODEL;
    const known = MISTRAL_MODELS[this.#model];
    this.#dimensions = readInteger(MISTRAL_FUNCTION_NAME, o, "dimensions", { min: 1, max: 65_536 });
    if (this.#dimensions !== undefined && known !== undefined) {
      if (known.maxDimensions === undefined && this.#dimensions !== known.ndims) {
        throw optionError(
          MISTRAL_FUNCTION_NAME,
          "dimensions",
          `cannot be set for "${this.#model}", whose vectors always have ${known.ndims} values`,
          `Drop "dimensions", or use "codestral-embed", which accepts it.`,
        );
      }
      if (known.maxDimensions !== undefined && this.#dimensions > known.maxDimensions) {
        throw optionError(MISTRAL_FUNCTION_NAME, "dimensions", `must be at most ${known.maxDimensions} for "${this.#model}", got ${this.#dimensions}`);
      }
    }
    this.#ndims = this.#dimensions ?? known?.ndims;
    this.#apiKey = o.apiKey;
    const saved = this.toJSON();
    this.#apiKeyReference = saved.apiKey ?? saved.api_key;
    this.#baseUrl = readUrl(MISTRAL_FUNCTION_NAME, "baseUrl", o.baseUrl) ?? MISTRAL_DEFAULT_BASE_URL;
    this.#headers = readHeaders(MISTRAL_FUNCTION_NAME, o);
    this.#timeoutMs = readTimeoutMs(MISTRAL_FUNCTION_NAME, o);
    this.#fetch = readFetch(MISTRAL_FUNCTION_NAME, o);
  }

  /** 1024 for mistral-embed; the model's width or `dimensions` otherwise; undefined for an unknown model. */
  override ndims(): number | undefined {
    return this.#ndims;
  }

  override embeddingDataType(): Float {
    return new Float32();
  }

  override maxBatchSize(): number {
    return MISTRAL_MAX_BATCH_SIZE;
  }

  protected override getSensitiveKeys(): string[] {
    return ["apiKey", "api_key"];
  }

  async generateEmbeddings(texts: string[]): Promise<EmbeddingBatch> {
    return embedInBatches(texts, MISTRAL_MAX_BATCH_SIZE, (batch) => this.#request(batch));
  }

  override async computeQueryEmbeddings(data: string): Promise<EmbeddingVector> {
    return (await this.#request([data]))[0]!;
  }

  async #request(texts: string[]): Promise<Float32Array[]> {
    const key = resolveApiKey(
      {
        provider: MISTRAL_FUNCTION_NAME,
        label: "Mistral",
        value: this.#apiKey,
        reference: this.#apiKeyReference,
        envVars: ["MISTRAL_API_KEY"],
        suggestedVariable: "mistral_key",
      },
      this.#model,
    );
    const url = joinUrl(this.#baseUrl, "embeddings");
    const body: Record<string, unknown> = { model: this.#model, input: texts };
    const known = MISTRAL_MODELS[this.#model];
    if (this.#dimensions !== undefined && (known === undefined || known.maxDimensions !== undefined)) body.output_dimension = this.#dimensions;
    const answer = await postJson<unknown>({
      provider: MISTRAL_FUNCTION_NAME,
      model: this.#model,
      url,
      headers: { ...this.#headers, authorization: `Bearer ${key.value}` },
      body,
      fetch: this.#fetch,
      timeoutMs: this.#timeoutMs,
      secrets: [key.value],
      hints: { auth: key.fix },
    });
    return readIndexedEmbeddings(answer, texts.length, { provider: MISTRAL_FUNCTION_NAME, model: this.#model, url });
  }
}
