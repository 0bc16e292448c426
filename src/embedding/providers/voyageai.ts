/**
 * `voyageai`: Voyage AI's embeddings API (`POST {baseUrl}/embeddings`, Bearer
 * key). Documents are sent with `input_type: "document"` and queries with
 * `input_type: "query"`, so Voyage prepends its retrieval prompts, as LanceDB
 * does. Text models answer in base64 float32 (`encoding_format: "base64"`);
 * the multimodal models are used for text through
 * `POST {baseUrl}/multimodalembeddings`.
 *
 * As in LanceDB, there is no default model: `model` is required.
 *
 * @module
 */

import { BUILT_IN_NAME } from "../function-names.js";
import { readIndexedEmbeddings } from "../http/embedding-response.js";
import type { FetchLike } from "../http/post-json.js";
import { optionError, readBoolean, readInteger } from "../http/provider-options.js";
import { joinUrl } from "../http/url.js";
import { HttpEmbeddingFunction, type EmbeddingPurpose, type HttpProviderSpec } from "./http-embedding-function.js";

// 1. Registry name and models.
/** The registry name of {@link VoyageAIEmbeddingFunction} (as in LanceDB). */
export const VOYAGEAI_FUNCTION_NAME = "voyageai";
/** Where requests go without `baseUrl`. */
export const VOYAGEAI_DEFAULT_BASE_URL = "https://api.voyageai.com/v1";
/** Texts per request for a model Quiver does not know (Voyage's older list limit; safe for every model). */
export const VOYAGEAI_DEFAULT_MAX_BATCH = 128;

/** What Quiver knows of a Voyage model. */
export interface VoyageModelInfo {
  /** Default vector width. */
  readonly ndims: number;
  /** The widths `outputDimension` may choose (absent: fixed width). */
  readonly outputDimensions?: readonly number[];
  /**
   * Texts per request. The API takes up to 1000, but also caps the tokens of a
   * request (1M, 320K or 120K by model), so the 120K models get 128 texts.
   */
  readonly maxBatch: number;
  /** The tokens one request may hold, as Voyage documents it (for reference). */
  readonly maxTokensPerRequest?: number;
  /** Which endpoint embeds text for it. */
  readonly endpoint: "embeddings" | "multimodal";
}

const FLEXIBLE = [256, 512, 1024, 2048] as const;

/**
 * Voyage's models. Other names are sent as they are (a new model works before
 * Quiver lists it); their width then comes from the first answer.
 */
export const VOYAGEAI_MODELS: Readonly<Record<string, VoyageModelInfo>> = Object.freeze({
  "voyage-4-large": { ndims: 1024, outputDimensions: FLEXIBLE, maxBatch: 128, maxTokensPerRequest: 120_000, endpoint: "embeddings" },
  "voyage-4": { ndims: 1024, outputDimensions: FLEXIBLE, maxBatch: 1000, maxTokensPerRequest: 320_000, endpoint: "embeddings" },
  "voyage-4-lite": { ndims: 1024, outputDimensions: FLEXIBLE, maxBatch: 1000, maxTokensPerRequest: 1_000_000, endpoint: "embeddings" },
  "voyage-3-large": { ndims: 1024, outputDimensions: FLEXIBLE, maxBatch: 128, maxTokensPerRequest: 120_000, endpoint: "embeddings" },
  "voyage-3.5": { ndims: 1024, outputDimensions: FLEXIBLE, maxBatch: 1000, maxTokensPerRequest: 320_000, endpoint: "embeddings" },
  "voyage-3.5-lite": { ndims: 1024, outputDimensions: FLEXIBLE, maxBatch: 1000, maxTokensPerRequest: 1_000_000, endpoint: "embeddings" },
  "voyage-code-3": { ndims: 1024, outputDimensions: FLEXIBLE, maxBatch: 128, maxTokensPerRequest: 120_000, endpoint: "embeddings" },
  "voyage-3": { ndims: 1024, maxBatch: 128, maxTokensPerRequest: 120_000, endpoint: "embeddings" },
  "voyage-3-lite": { ndims: 512, maxBatch: 128, maxTokensPerRequest: 120_000, endpoint: "embeddings" },
  "voyage-finance-2": { ndims: 1024, maxBatch: 128, maxTokensPerRequest: 120_000, endpoint: "embeddings" },
  "voyage-law-2": { ndims: 1024, maxBatch: 128, maxTokensPerRequest: 120_000, endpoint: "embeddings" },
  "voyage-multilingual-2": { ndims: 1024, maxBatch: 128, maxTokensPerRequest: 120_000, endpoint: "embeddings" },
  "voyage-code-2": { ndims: 1536, maxBatch: 128, maxTokensPerRequest: 120_000, endpoint: "embeddings" },
  "voyage-large-2": { ndims: 1536, maxBatch: 128, maxTokensPerRequest: 120_000, endpoint: "embeddings" },
  "voyage-large-2-instruct": { ndims: 1024, maxBatch: 128, maxTokensPerRequest: 120_000, endpoint: "embeddings" },
  "voyage-2": { ndims: 1024, maxBatch: 128, maxTokensPerRequest: 320_000, endpoint: "embeddings" },
  "voyage-multimodal-3": { ndims: 1024, maxBatch: 128, endpoint: "multimodal" },
});

/** Models whose API shape a column-by-column embedding function cannot use. */
const UNSUPPORTED_MODELS: Readonly<Record<string, string>> = {
  "voyage-context-3":
    "embeds chunks in the context of their whole document (POST /contextualizedembeddings takes lists of chunks per document), " +
    "which an embedding function that sees one text per row cannot provide",
};

// 2. Options.
/**
 * Options of `voyageai` (saved with the table, except `fetch`). Every value may
 * be a `$var:` reference; `apiKey` must be one.
 */
export interface VoyageAIEmbeddingOptions {
  /** The model, e.g. "voyage-3.5" (required: LanceDB has no default either). Python's `name` is read too. */
  model?: string;
  /** `$var:` reference to the key. Without it: VOYAGE_API_KEY. */
  apiKey?: string;
  /** Width for models with flexible output (256, 512, 1024 or 2048). Python: `output_dimension`. */
  outputDimension?: number | string;
  /** Let Voyage truncate over-long texts (its default, true); false makes them an error. */
  truncation?: boolean | string;
  /** API root. Default "https://api.voyageai.com/v1". */
  baseUrl?: string;
  /** Extra request headers; credential headers must be `$var:` references. */
  headers?: Record<string, string>;
  /** Milliseconds one request may take. Default 60000. */
  timeoutMs?: number | string;
  /** A fetch function to use instead of the global one (not saved with the table). */
  fetch?: FetchLike;
}

const SPEC: HttpProviderSpec = {
  name: VOYAGEAI_FUNCTION_NAME,
  model: checkModel,
  optionNames: ["model", "apiKey", "outputDimension", "truncation", "baseUrl", "headers", "timeoutMs", "fetch"],
  // LanceDB Python's option names, read from tables it wrote.
  aliases: { name: "model", api_key: "apiKey", output_dimension: "outputDimension", base_url: "baseUrl" },
  maxBatchSize: VOYAGEAI_DEFAULT_MAX_BATCH,
  apiKey: { label: "Voyage AI", envVars: ["VOYAGE_API_KEY"], suggestedVariable: "voyage_key" },
};

const INPUT_TYPES = { source: "document", query: "query" } as const;

// 3. The class.
/**
 * Text embeddings from Voyage AI.
 *
 * @example
 * ```ts
 * getRegistry().setVar("voyage_key", process.env.VOYAGE_API_KEY!);
 * const fn = getRegistry().get("voyageai")!.create({ model: "voyage-3.5", apiKey: "$var:voyage_key" });
 * const table = await db.createTable("docs", rows, { embeddingFunction: { function: fn, sourceColumn: "text" } });
 * ```
 */
export class VoyageAIEmbeddingFunction extends HttpEmbeddingFunction<VoyageAIEmbeddingOptions> {
  /** @internal the built-in registry name, an own property of this class only. */
  static readonly [BUILT_IN_NAME] = VOYAGEAI_FUNCTION_NAME;

  readonly #info: VoyageModelInfo | undefined;
  readonly #outputDimension: number | undefined;
  readonly #truncation: boolean | undefined;

  constructor(options: VoyageAIEmbeddingOptions = {}) {
    super(options, SPEC);
    const o = this.options;
    const model = this.model;
    this.#info = VOYAGEAI_MODELS[model];
    this.#outputDimension = readInteger(VOYAGEAI_FUNCTION_NAME, o, "outputDimension", { min: 1, max: 65_536 });
    if (this.#outputDimension !== undefined && this.#info !== undefined) {
      const allowed = this.#info.outputDimensions;
      if (allowed === undefined) {
        throw optionError(
          VOYAGEAI_FUNCTION_NAME,
          "outputDimension",
          `cannot be set for "${model}", whose vectors always have ${this.#info.ndims} values`,
          `Drop "outputDimension", or use a model with flexible output (voyage-3.5, voyage-3-large, voyage-code-3, voyage-4...).`,
        );
      }
      if (!allowed.includes(this.#outputDimension)) {
        throw optionError(
          VOYAGEAI_FUNCTION_NAME,
          "outputDimension",
          `must be one of ${allowed.join(", ")} for "${model}", got ${this.#outputDimension}`,
        );
      }
    }
    this.#truncation = readBoolean(VOYAGEAI_FUNCTION_NAME, o, "truncation");
  }

  /** `outputDimension`, else the model's width; undefined for an unknown model (the first answer decides). */
  override ndims(): number | undefined {
    return this.#outputDimension ?? this.#info?.ndims;
  }

  /** The model's texts per request (1000 or 128, see {@link VOYAGEAI_MODELS}); 128 for unknown models. */
  override maxBatchSize(): number {
    return this.#info?.maxBatch ?? VOYAGEAI_DEFAULT_MAX_BATCH;
  }

  /** Documents with `input_type: "document"`, queries with `input_type: "query"`. */
  protected async request(texts: string[], purpose: EmbeddingPurpose): Promise<Float32Array[]> {
    const key = this.requireApiKey();
    const inputType = INPUT_TYPES[purpose];
    const multimodal = this.#info?.endpoint === "multimodal";
    const url = joinUrl(this.baseUrl ?? VOYAGEAI_DEFAULT_BASE_URL, multimodal ? "multimodalembeddings" : "embeddings");
    const body: Record<string, unknown> = multimodal
      ? { inputs: texts.map((text) => ({ content: [{ type: "text", text }] })), model: this.model, input_type: inputType }
      : { input: texts, model: this.model, input_type: inputType, encoding_format: "base64" };
    if (this.#outputDimension !== undefined) body.output_dimension = this.#outputDimension;
    if (this.#truncation !== undefined) body.truncation = this.#truncation;
    const answer = await this.post<unknown>({
      url,
      headers: { ...this.headers, authorization: `Bearer ${key.value}` },
      body,
      secrets: [key.value],
      hints: {
        auth: key.fix,
        fixes: {
          400: `Voyage refused the request: check the model name (known: ${Object.keys(VOYAGEAI_MODELS).join(", ")}), ` +
            `outputDimension, and that a batch stays under the model's token limit (lower embeddingBatchSize for long texts)`,
        },
      },
    });
    return readIndexedEmbeddings(answer, texts.length, this.responseContext(url));
  }
}

/** The model: required (no default), and not one whose API an embedding function cannot use. */
function checkModel(model: string | undefined): string {
  if (model === undefined) {
    throw optionError(
      VOYAGEAI_FUNCTION_NAME,
      "model",
      "is required (Voyage AI has no default model, in LanceDB either)",
      `Pass { model: "voyage-3.5" } or another Voyage model: ${Object.keys(VOYAGEAI_MODELS).join(", ")}.`,
    );
  }
  const unsupported = UNSUPPORTED_MODELS[model];
  if (unsupported !== undefined) {
    throw optionError(
      VOYAGEAI_FUNCTION_NAME,
      "model",
      `"${model}" is not supported: it ${unsupported}`,
      `Use a text model such as "voyage-3.5" or "voyage-3-large".`,
    );
  }
  return model;
}
