/**
 * `huggingface-api`: embeddings from Hugging Face's hosted inference, the
 * feature-extraction task of HF Inference on the Inference Providers router:
 * `POST https://router.huggingface.co/hf-inference/models/{model}/pipeline/feature-extraction`
 * (the route that replaced `api-inference.huggingface.co/models/{model}` in
 * 2025), Bearer token (HF_TOKEN). `endpointUrl` points it at a dedicated
 * Inference Endpoint or a text-embeddings-inference (TEI) server instead
 * (`.../embed`), which take the same `{inputs}` body.
 *
 * Registered as "huggingface-api", not "huggingface": in LanceDB that name is
 * the LOCAL transformers model, which Quiver builds separately.
 *
 * The answer is one vector per text for sentence-embedding models, or one
 * vector per TOKEN for plain transformer models; token vectors are mean-pooled
 * here (the average of every token vector the API returns, not normalised).
 * A 503 "model is loading" with `estimated_time` is retried after that wait.
 *
 * @module
 */

import { BUILT_IN_NAME } from "../function-names.js";
import type { ApiKey } from "../http/api-key.js";
import { invalidResponseError, toFloat32, type ResponseContext } from "../http/embedding-response.js";
import type { FailedAnswer, FetchLike } from "../http/post-json.js";
import { readBoolean, readString, readUrl } from "../http/provider-options.js";
import { joinUrl } from "../http/url.js";
import { HttpEmbeddingFunction, type EmbeddingPurpose, type HttpProviderSpec } from "./http-embedding-function.js";

// 1. Registry name and models.
/** The registry name of {@link HuggingFaceApiEmbeddingFunction} ("huggingface" is LanceDB's local model). */
export const HUGGINGFACE_API_FUNCTION_NAME = "huggingface-api";
/** The default model (the same as LanceDB's TypeScript `huggingface` default, as a hosted model). */
export const HUGGINGFACE_API_DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2";
/** The HF Inference root on the router; requests go to `{baseUrl}/models/{model}/pipeline/feature-extraction`. */
export const HUGGINGFACE_API_DEFAULT_BASE_URL = "https://router.huggingface.co/hf-inference";
/**
 * Texts per request. Hugging Face documents no list limit for HF Inference;
 * 32 is TEI's default `--max-client-batch-size`, so the same batches fit
 * self-hosted servers too.
 */
export const HUGGINGFACE_API_MAX_BATCH_SIZE = 32;

/** Widths of common sentence-embedding models. Other models work; their width comes from the first answer. */
export const HUGGINGFACE_API_MODELS: Readonly<Record<string, { readonly ndims: number }>> = Object.freeze({
  "sentence-transformers/all-MiniLM-L6-v2": { ndims: 384 },
  "sentence-transformers/all-MiniLM-L12-v2": { ndims: 384 },
  "sentence-transformers/all-mpnet-base-v2": { ndims: 768 },
  "sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2": { ndims: 384 },
  "BAAI/bge-small-en-v1.5": { ndims: 384 },
  "BAAI/bge-base-en-v1.5": { ndims: 768 },
  "BAAI/bge-large-en-v1.5": { ndims: 1024 },
  "BAAI/bge-m3": { ndims: 1024 },
  "thenlper/gte-large": { ndims: 1024 },
  "intfloat/multilingual-e5-large": { ndims: 1024 },
  "intfloat/e5-small-v2": { ndims: 384 },
  "mixedbread-ai/mxbai-embed-large-v1": { ndims: 1024 },
});

// 2. Options.
/**
 * Options of `huggingface-api` (saved with the table, except `fetch`). Every
 * value may be a `$var:` reference; `apiKey` must be one.
 */
export interface HuggingFaceApiEmbeddingOptions {
  /** Model id on the Hub. Default "sentence-transformers/all-MiniLM-L6-v2". Python's `name` is read too. */
  model?: string;
  /** `$var:` reference to a Hugging Face token. Without it: HF_TOKEN (then HUGGING_FACE_HUB_TOKEN). Optional with `endpointUrl`. */
  apiKey?: string;
  /** Root of the model routes. Default "https://router.huggingface.co/hf-inference". */
  baseUrl?: string;
  /** The exact URL to POST to instead: a dedicated Inference Endpoint, or a TEI server's `/embed`. */
  endpointUrl?: string;
  /** Ask the server to L2-normalise the vectors (`normalize`). The server's default when absent. */
  normalize?: boolean | string;
  /** Ask the server to truncate over-long texts (`truncate`). The server's default when absent. */
  truncate?: boolean | string;
  /** Sentence-transformers prompt for queries (`prompt_name`, e.g. "query" for E5-style models). */
  queryPromptName?: string;
  /** Sentence-transformers prompt for the embedded column (e.g. "document" / "passage"). */
  sourcePromptName?: string;
  /** Send `x-wait-for-model: true`, so a cold model is loaded instead of answering 503. Default true. */
  waitForModel?: boolean | string;
  /** Extra request headers; credential headers must be `$var:` references. */
  headers?: Record<string, string>;
  /** Milliseconds one request may take. Default 60000. */
  timeoutMs?: number | string;
  /** A fetch function to use instead of the global one (not saved with the table). */
  fetch?: FetchLike;
}

const SPEC: HttpProviderSpec = {
  name: HUGGINGFACE_API_FUNCTION_NAME,
  model: HUGGINGFACE_API_DEFAULT_MODEL,
  optionNames: [
    "model",
    "apiKey",
    "baseUrl",
    "endpointUrl",
    "normalize",
    "truncate",
    "queryPromptName",
    "sourcePromptName",
    "waitForModel",
    "headers",
    "timeoutMs",
    "fetch",
  ],
  // Snake-case spellings, as a Python writer would use them.
  aliases: {
    name: "model",
    api_key: "apiKey",
    base_url: "baseUrl",
    endpoint_url: "endpointUrl",
    query_prompt_name: "queryPromptName",
    source_prompt_name: "sourcePromptName",
    wait_for_model: "waitForModel",
  },
  maxBatchSize: HUGGINGFACE_API_MAX_BATCH_SIZE,
  apiKey: { label: "Hugging Face", envVars: ["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"], suggestedVariable: "hf_token" },
};

// 3. The class.
/**
 * Text embeddings from Hugging Face's hosted inference (HF Inference, Inference
 * Endpoints, or any TEI server).
 *
 * @example
 * ```ts
 * getRegistry().setVar("hf_token", process.env.HF_TOKEN!);
 * const fn = getRegistry().get("huggingface-api")!.create({ model: "BAAI/bge-small-en-v1.5", apiKey: "$var:hf_token" });
 * // A self-hosted TEI server:
 * const tei = getRegistry().get("huggingface-api")!.create({ model: "BAAI/bge-small-en-v1.5", endpointUrl: "http://localhost:8080/embed" });
 * ```
 */
export class HuggingFaceApiEmbeddingFunction extends HttpEmbeddingFunction<HuggingFaceApiEmbeddingOptions> {
  /** @internal the built-in registry name, an own property of this class only. */
  static readonly [BUILT_IN_NAME] = HUGGINGFACE_API_FUNCTION_NAME;

  readonly #endpointUrl: string | undefined;
  readonly #normalize: boolean | undefined;
  readonly #truncate: boolean | undefined;
  readonly #promptNames: Readonly<Record<EmbeddingPurpose, string | undefined>>;
  readonly #waitForModel: boolean;

  constructor(options: HuggingFaceApiEmbeddingOptions = {}) {
    super(options, SPEC);
    const name = HUGGINGFACE_API_FUNCTION_NAME;
    const o = this.options;
    this.#endpointUrl = readUrl(name, "endpointUrl", o.endpointUrl);
    this.#normalize = readBoolean(name, o, "normalize");
    this.#truncate = readBoolean(name, o, "truncate");
    this.#promptNames = { query: readString(name, o, "queryPromptName"), source: readString(name, o, "sourcePromptName") };
    this.#waitForModel = readBoolean(name, o, "waitForModel") ?? true;
  }

  /** The model's width when Quiver knows it; otherwise the first answer decides. */
  override ndims(): number | undefined {
    return HUGGINGFACE_API_MODELS[this.model]?.ndims;
  }

  /** One feature-extraction request: the column's texts with `sourcePromptName`, a query with `queryPromptName`. */
  protected async request(texts: string[], purpose: EmbeddingPurpose): Promise<Float32Array[]> {
    const key = this.#key();
    const url = this.#endpointUrl ?? joinUrl(this.#baseUrl(), `models/${encodeModel(this.model)}/pipeline/feature-extraction`);
    const headers: Record<string, string> = { ...this.headers };
    if (key !== undefined) headers.authorization = `Bearer ${key.value}`;
    if (this.#waitForModel) headers["x-wait-for-model"] = "true";
    const body: Record<string, unknown> = { inputs: texts };
    if (this.#normalize !== undefined) body.normalize = this.#normalize;
    if (this.#truncate !== undefined) body.truncate = this.#truncate;
    const promptName = this.#promptNames[purpose];
    if (promptName !== undefined) body.prompt_name = promptName;
    const answer = await this.post<unknown>({
      url,
      headers,
      body,
      secrets: [key?.value],
      retryAfterMs: loadingWait,
      hints: {
        auth: key?.fix ??
          `this server wants a token: set HF_TOKEN, or pass apiKey: "$var:hf_token" after getRegistry().setVar("hf_token", <your token>)`,
        fixes: {
          404: `check the model id "${this.model}" and that HF Inference serves it for feature extraction ` +
            `(its Hub page shows "Inference Providers"); otherwise deploy it (Inference Endpoints, TEI) and pass endpointUrl`,
          503: "the model is loading or overloaded; the call is retried after the advertised wait",
        },
      },
    });
    return readPooled(answer, texts.length, this.responseContext(url));
  }

  #baseUrl(): string {
    return this.baseUrl ?? HUGGINGFACE_API_DEFAULT_BASE_URL;
  }

  /** The token: required by Hugging Face's own router, optional for a custom endpoint (TEI often has none). */
  #key(): ApiKey | undefined {
    const hosted = this.#endpointUrl === undefined && this.#baseUrl() === HUGGINGFACE_API_DEFAULT_BASE_URL;
    return hosted ? this.requireApiKey() : this.findApiKey();
  }
}

/** A model id in a URL path: each part encoded, the owner/name slash kept. */
function encodeModel(model: string): string {
  return model.split("/").map(encodeURIComponent).join("/");
}

/** The `estimated_time` (seconds) of a 503 "model is loading" answer. */
function loadingWait(answer: FailedAnswer): number | undefined {
  const estimated = (answer.body as { estimated_time?: unknown } | undefined)?.estimated_time;
  return typeof estimated === "number" && Number.isFinite(estimated) && estimated >= 0 ? Math.round(estimated * 1000) : undefined;
}

/**
 * One vector per text from a feature-extraction answer: `count` vectors, or
 * `count` lists of token vectors (mean-pooled). A single text may also come
 * back without the batch level (one vector, or one list of token vectors).
 */
function readPooled(body: unknown, count: number, context: ResponseContext): Float32Array[] {
  if (!Array.isArray(body)) {
    throw invalidResponseError(context, "is not a list of embeddings", `a list of ${count} vectors`, describe(body));
  }
  let items: unknown[] = body;
  if (count === 1 && body.length > 0 && typeof body[0] === "number") items = [body];
  else if (count === 1 && body.length > 1 && isMatrix(body)) items = [body];
  if (items.length !== count) {
    throw invalidResponseError(context, "has the wrong number of embeddings", `${count}`, `${items.length}`);
  }
  return items.map((item, i) => {
    if (Array.isArray(item) && item.length > 0 && Array.isArray(item[0])) return meanPool(item, context, `[${i}]`);
    return toFloat32(item, context, `[${i}]`);
  });
}

function isMatrix(value: unknown[]): boolean {
  return value.every((row) => Array.isArray(row) && row.length > 0 && typeof row[0] === "number");
}

/** The average of token vectors (all the same width). */
function meanPool(tokens: unknown[], context: ResponseContext, where: string): Float32Array {
  const first = toFloat32(tokens[0], context, `${where}[0]`);
  const sum = new Float64Array(first.length);
  tokens.forEach((token, t) => {
    const v = t === 0 ? first : toFloat32(token, context, `${where}[${t}]`);
    if (v.length !== sum.length) {
      throw invalidResponseError(context, `has token vectors of different widths in ${where}`, `${sum.length} values`, `${v.length} values`);
    }
    for (let k = 0; k < v.length; k++) sum[k]! += v[k]!;
  });
  const out = new Float32Array(sum.length);
  for (let k = 0; k < sum.length; k++) out[k] = sum[k]! / tokens.length;
  return out;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === "object") return `an object with keys ${Object.keys(value).slice(0, 6).join(", ") || "(none)"}`;
  return typeof value;
}
