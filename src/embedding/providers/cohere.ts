/**
 * `cohere`: Cohere's Embed API, version 2 (`POST {baseUrl}/embed`, default
 * https://api.cohere.com/v2). Sources are embedded as `search_document` and
 * queries as `search_query` (Cohere's models are trained for the pair);
 * floats are asked with `embedding_types: ["float"]`.
 *
 * Why v2, not v1: v2 is Cohere's current API and answers every embedding
 * type in one shape (`embeddings.float`); v1 is kept by Cohere for old
 * clients. The request differs only in the path and the required `input_type`.
 *
 * @module
 */

import { BUILT_IN_NAME } from "../function-names.js";
import { readEmbeddingRows } from "../http/embedding-response.js";
import type { FetchLike } from "../http/post-json.js";
import { optionError, readInteger, readString } from "../http/provider-options.js";
import { joinUrl } from "../http/url.js";
import { HttpEmbeddingFunction, type EmbeddingPurpose, type HttpProviderSpec } from "./http-embedding-function.js";

// 1. Registry name and models.
/** The registry name of {@link CohereEmbeddingFunction} (as in LanceDB's Python SDK). */
export const COHERE_FUNCTION_NAME = "cohere";
/**
 * LanceDB Python's default model (its docs table says "embed-english-v3.0";
 * its code uses this one, and a saved config without `model` must mean the same).
 */
export const COHERE_DEFAULT_MODEL = "embed-multilingual-v2.0";
/** Where requests go without `baseUrl`. */
export const COHERE_DEFAULT_BASE_URL = "https://api.cohere.com/v2";
/** Most texts the Embed API takes in one request. */
export const COHERE_MAX_BATCH_SIZE = 96;
/** The input types of text embeddings (`image` is for images, not supported here). */
export const COHERE_INPUT_TYPES = ["search_document", "search_query", "classification", "clustering"] as const;

/** What Quiver knows of a model: its width, and the widths `dimensions` may choose (absent: fixed). */
export interface CohereModelInfo {
  readonly ndims: number;
  readonly outputDimensions?: readonly number[];
}

/** Cohere's embedding models. Other names are passed through; their width comes from the first answer. */
export const COHERE_MODELS: Readonly<Record<string, CohereModelInfo>> = Object.freeze({
  "embed-v4.0": { ndims: 1536, outputDimensions: [256, 512, 1024, 1536] },
  "embed-english-v3.0": { ndims: 1024 },
  "embed-multilingual-v3.0": { ndims: 1024 },
  "embed-english-light-v3.0": { ndims: 384 },
  "embed-multilingual-light-v3.0": { ndims: 384 },
  "embed-english-v2.0": { ndims: 4096 },
  "embed-english-light-v2.0": { ndims: 1024 },
  "embed-multilingual-v2.0": { ndims: 768 },
});

// 2. Options.
/** Options of `cohere` (saved with the table, except `fetch`). `apiKey` must be a `$var:` reference. */
export interface CohereEmbeddingOptions {
  /** Model name. Default "embed-multilingual-v2.0" (LanceDB's); prefer "embed-v4.0" or a v3 model. */
  model?: string;
  /** `$var:` reference to the key. Without it: COHERE_API_KEY, then CO_API_KEY. */
  apiKey?: string;
  /** API root. Default https://api.cohere.com/v2. */
  baseUrl?: string;
  /** `input_type` of stored texts. Default "search_document". */
  sourceInputType?: (typeof COHERE_INPUT_TYPES)[number];
  /** `input_type` of queries. Default "search_query". */
  queryInputType?: (typeof COHERE_INPUT_TYPES)[number];
  /** What the API does with texts over the model's limit: "NONE" (refuse), "START" or "END" (the API's default). */
  truncate?: "NONE" | "START" | "END";
  /** Output width for models that choose it (embed-v4.0: 256, 512, 1024 or 1536); sent as `output_dimension`. */
  dimensions?: number | string;
  /** Extra request headers; credential headers must be `$var:` references. */
  headers?: Record<string, string>;
  /** Milliseconds one request may take. Default 60000. */
  timeoutMs?: number | string;
  /** A fetch function to use instead of the global one (not saved with the table). */
  fetch?: FetchLike;
}

const SPEC: HttpProviderSpec = {
  name: COHERE_FUNCTION_NAME,
  model: COHERE_DEFAULT_MODEL,
  optionNames: [
    "model",
    "apiKey",
    "baseUrl",
    "sourceInputType",
    "queryInputType",
    "truncate",
    "dimensions",
    "headers",
    "timeoutMs",
    "fetch",
  ],
  aliases: {
    name: "model",
    api_key: "apiKey",
    base_url: "baseUrl",
    source_input_type: "sourceInputType",
    query_input_type: "queryInputType",
  },
  maxBatchSize: COHERE_MAX_BATCH_SIZE,
  apiKey: { label: "Cohere", envVars: ["COHERE_API_KEY", "CO_API_KEY"], suggestedVariable: "cohere_key" },
};

interface CohereEmbedResponse {
  embeddings?: { float?: unknown };
}

// 3. The class.
/**
 * Text embeddings from Cohere, with separate input types for stored texts and queries.
 *
 * @example
 * ```ts
 * getRegistry().setVar("cohere_key", process.env.COHERE_API_KEY!);
 * const fn = getRegistry().get("cohere")!.create({ model: "embed-english-v3.0", apiKey: "$var:cohere_key" });
 * ```
 */
export class CohereEmbeddingFunction extends HttpEmbeddingFunction<CohereEmbeddingOptions> {
  /** @internal the built-in registry name, an own property of this class only. */
  static readonly [BUILT_IN_NAME] = COHERE_FUNCTION_NAME;

  readonly #known: CohereModelInfo | undefined;
  readonly #dimensions: number | undefined;
  readonly #inputTypes: Readonly<Record<EmbeddingPurpose, string>>;
  readonly #truncate: string | undefined;

  constructor(options: CohereEmbeddingOptions = {}) {
    super(options, SPEC);
    const o = this.options;
    const known = COHERE_MODELS[this.model];
    this.#known = known;
    this.#dimensions = readInteger(COHERE_FUNCTION_NAME, o, "dimensions", { min: 1, max: 65_536 });
    if (this.#dimensions !== undefined && known !== undefined && !(known.outputDimensions ?? [known.ndims]).includes(this.#dimensions)) {
      throw optionError(
        COHERE_FUNCTION_NAME,
        "dimensions",
        known.outputDimensions
          ? `must be one of ${known.outputDimensions.join(", ")} for "${this.model}", got ${this.#dimensions}`
          : `cannot be set for "${this.model}", whose vectors always have ${known.ndims} values`,
        known.outputDimensions ? undefined : `Drop "dimensions", or use "embed-v4.0", which accepts it.`,
      );
    }
    this.#inputTypes = {
      source: readString(COHERE_FUNCTION_NAME, o, "sourceInputType", COHERE_INPUT_TYPES) ?? "search_document",
      query: readString(COHERE_FUNCTION_NAME, o, "queryInputType", COHERE_INPUT_TYPES) ?? "search_query",
    };
    this.#truncate = readString(COHERE_FUNCTION_NAME, o, "truncate", ["NONE", "START", "END"]);
  }

  /** The model's width, or `dimensions`; undefined for an unknown model (the first answer decides). */
  override ndims(): number | undefined {
    return this.#dimensions ?? this.#known?.ndims;
  }

  /** Stored texts with `input_type` = `sourceInputType`, queries with `queryInputType`. */
  protected async request(texts: string[], purpose: EmbeddingPurpose): Promise<Float32Array[]> {
    const key = this.requireApiKey();
    const url = joinUrl(this.baseUrl ?? COHERE_DEFAULT_BASE_URL, "embed");
    const body: Record<string, unknown> = { model: this.model, texts, input_type: this.#inputTypes[purpose], embedding_types: ["float"] };
    if (this.#truncate !== undefined) body.truncate = this.#truncate;
    if (this.#dimensions !== undefined && (this.#known === undefined || this.#known.outputDimensions !== undefined)) {
      body.output_dimension = this.#dimensions;
    }
    const answer = await this.post<CohereEmbedResponse>({
      url,
      headers: { ...this.headers, authorization: `Bearer ${key.value}` },
      body,
      secrets: [key.value],
      hints: {
        auth: key.fix,
        fixes: { 404: `check the model name ("${this.model}"; Cohere's v2.0 embed models are deprecated — prefer "embed-v4.0" or a v3 model) and the base URL` },
      },
    });
    return readEmbeddingRows(answer?.embeddings?.float, texts.length, this.responseContext(url), "embeddings.float");
  }
}
