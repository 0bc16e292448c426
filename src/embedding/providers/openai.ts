/**
 * `openai`: OpenAI's embeddings API (`POST {baseUrl}/embeddings`), and through
 * `baseUrl` every server that speaks it — vLLM, llama.cpp's server, LM Studio,
 * LiteLLM, Ollama's `/v1` — and Azure OpenAI (deployment path, `api-key`
 * header and `api-version` query) through `azureDeployment`.
 *
 * Embeddings are asked as base64 float32 (`encoding_format: "base64"`): about
 * a quarter of the bytes of JSON numbers, with nothing to parse. Servers that
 * ignore it and answer numbers are read too.
 *
 * @module
 */

import { BUILT_IN_NAME } from "../function-names.js";
import type { ApiKey } from "../http/api-key.js";
import { readIndexedEmbeddings } from "../http/embedding-response.js";
import type { FetchLike } from "../http/post-json.js";
import { optionError, readString, readUrl } from "../http/provider-options.js";
import { joinUrl } from "../http/url.js";
import { HttpEmbeddingFunction, acceptsDimensions, readDimensions, type HttpProviderSpec } from "./http-embedding-function.js";

// 1. Registry name and models.
/** The registry name of {@link OpenAIEmbeddingFunction} (as in LanceDB). */
export const OPENAI_FUNCTION_NAME = "openai";
/** LanceDB's default model. */
export const OPENAI_DEFAULT_MODEL = "text-embedding-ada-002";
/** Where requests go without `baseUrl` or `OPENAI_BASE_URL`. */
export const OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1";
/** The Azure OpenAI `api-version` used when neither `apiVersion` nor `OPENAI_API_VERSION` is set. */
export const AZURE_OPENAI_DEFAULT_API_VERSION = "2024-10-21";
/** Most inputs the embeddings endpoint takes in one request. */
export const OPENAI_MAX_BATCH_SIZE = 2048;

/** What Quiver knows of a model: its width, and the widest `dimensions` it accepts (absent: fixed width). */
export interface OpenAIModelInfo {
  readonly ndims: number;
  readonly maxDimensions?: number;
}

/** OpenAI's embedding models. Other names work too (compatible servers); their width comes from the first answer. */
export const OPENAI_MODELS: Readonly<Record<string, OpenAIModelInfo>> = Object.freeze({
  "text-embedding-ada-002": { ndims: 1536 },
  "text-embedding-3-small": { ndims: 1536, maxDimensions: 1536 },
  "text-embedding-3-large": { ndims: 3072, maxDimensions: 3072 },
});

// 2. Options.
/**
 * Options of `openai` (saved with the table, except `fetch`). Every value may
 * be a `$var:` reference; `apiKey` must be one.
 */
export interface OpenAIEmbeddingOptions {
  /** Model name (Azure: the underlying model, for `ndims()`). Default "text-embedding-ada-002". */
  model?: string;
  /** Output width for models that accept it (text-embedding-3-*, and any unknown model). */
  dimensions?: number | string;
  /** `$var:` reference to the key. Without it: OPENAI_API_KEY (Azure: AZURE_OPENAI_API_KEY). */
  apiKey?: string;
  /** API root, e.g. "http://localhost:8000/v1" (vLLM). Default: OPENAI_BASE_URL, then https://api.openai.com/v1. Azure: the resource endpoint (or AZURE_OPENAI_ENDPOINT). */
  baseUrl?: string;
  /** Sent as `OpenAI-Organization` (default: OPENAI_ORG_ID). */
  organization?: string;
  /** Extra request headers; credential headers must be `$var:` references. */
  headers?: Record<string, string>;
  /** `"base64"` (default, compact) or `"float"` for servers that do not support base64. */
  encodingFormat?: "base64" | "float";
  /** Azure OpenAI: the deployment name; turns on the Azure request form. */
  azureDeployment?: string;
  /** Azure OpenAI: the `api-version` query parameter. Default: OPENAI_API_VERSION, then "2024-10-21". */
  apiVersion?: string;
  /** Milliseconds one request may take. Default 60000. */
  timeoutMs?: number | string;
  /** A fetch function to use instead of the global one (not saved with the table). */
  fetch?: FetchLike;
}

const SPEC: HttpProviderSpec = {
  name: OPENAI_FUNCTION_NAME,
  model: OPENAI_DEFAULT_MODEL,
  optionNames: [
    "model",
    "dimensions",
    "apiKey",
    "baseUrl",
    "organization",
    "headers",
    "encodingFormat",
    "azureDeployment",
    "apiVersion",
    "timeoutMs",
    "fetch",
  ],
  // LanceDB Python's option names, read from tables it wrote.
  aliases: {
    name: "model",
    dim: "dimensions",
    api_key: "apiKey",
    base_url: "baseUrl",
    default_headers: "headers",
    azure_deployment: "azureDeployment",
    api_version: "apiVersion",
  },
  maxBatchSize: OPENAI_MAX_BATCH_SIZE,
  apiKey: { label: "OpenAI", envVars: ["OPENAI_API_KEY"], suggestedVariable: "openai_key" },
};

interface OpenAIEmbeddingsResponse {
  data?: unknown;
}

// 3. The class.
/**
 * Text embeddings from OpenAI's API or any OpenAI-compatible server.
 *
 * @example
 * ```ts
 * getRegistry().setVar("openai_key", process.env.OPENAI_API_KEY!);
 * const fn = getRegistry().get("openai")!.create({
 *   model: "text-embedding-3-small", dimensions: 512, apiKey: "$var:openai_key",
 * });
 * // A local vLLM server instead:
 * const local = getRegistry().get("openai")!.create({ model: "BAAI/bge-m3", baseUrl: "http://localhost:8000/v1" });
 * ```
 */
export class OpenAIEmbeddingFunction extends HttpEmbeddingFunction<OpenAIEmbeddingOptions> {
  /** @internal the built-in registry name, an own property of this class only. */
  static readonly [BUILT_IN_NAME] = OPENAI_FUNCTION_NAME;

  readonly #known: OpenAIModelInfo | undefined;
  readonly #dimensions: number | undefined;
  readonly #organization: string | undefined;
  readonly #encodingFormat: "base64" | "float";
  readonly #azureDeployment: string | undefined;
  readonly #apiVersion: string | undefined;

  constructor(options: OpenAIEmbeddingOptions = { model: OPENAI_DEFAULT_MODEL }) {
    super(options, SPEC);
    const o = this.options;
    this.#known = OPENAI_MODELS[this.model];
    this.#dimensions = readDimensions(
      OPENAI_FUNCTION_NAME,
      o,
      this.model,
      this.#known,
      `Drop "dimensions", or use "text-embedding-3-small" / "text-embedding-3-large", which accept it.`,
    );
    this.#organization = readString(OPENAI_FUNCTION_NAME, o, "organization");
    this.#encodingFormat = (readString(OPENAI_FUNCTION_NAME, o, "encodingFormat", ["base64", "float"]) ?? "base64") as "base64" | "float";
    this.#azureDeployment = readString(OPENAI_FUNCTION_NAME, o, "azureDeployment");
    this.#apiVersion = readString(OPENAI_FUNCTION_NAME, o, "apiVersion");
    if (this.#apiVersion !== undefined && this.#azureDeployment === undefined) {
      throw optionError(
        OPENAI_FUNCTION_NAME,
        "apiVersion",
        "is for Azure OpenAI and needs \"azureDeployment\" too",
        "Pass azureDeployment (the deployment name) and baseUrl (https://<resource>.openai.azure.com), or drop apiVersion.",
      );
    }
  }

  /** The model's width, or `dimensions`; undefined for an unknown model without `dimensions` (the first answer decides). */
  override ndims(): number | undefined {
    return this.#dimensions ?? this.#known?.ndims;
  }

  /** One request: `{model, input, encoding_format}` to OpenAI, a compatible server, or an Azure deployment. */
  protected async request(texts: string[]): Promise<Float32Array[]> {
    const azure = this.#azureDeployment !== undefined;
    const baseUrl = this.#resolveBaseUrl(azure);
    const key = this.#key(azure, baseUrl);
    const url = azure
      ? joinUrl(baseUrl, `openai/deployments/${encodeURIComponent(this.#azureDeployment!)}/embeddings`, {
          "api-version": this.#apiVersion ?? nonEmpty(process.env.OPENAI_API_VERSION) ?? AZURE_OPENAI_DEFAULT_API_VERSION,
        })
      : joinUrl(baseUrl, "embeddings");
    const headers: Record<string, string> = { ...this.headers };
    if (key !== undefined) {
      if (azure) headers["api-key"] = key.value;
      else headers.authorization = `Bearer ${key.value}`;
    }
    const organization = this.#organization ?? (azure ? undefined : nonEmpty(process.env.OPENAI_ORG_ID));
    if (organization !== undefined) headers["openai-organization"] = organization;
    const body: Record<string, unknown> = { model: this.model, input: texts, encoding_format: this.#encodingFormat };
    // A fixed-width model (ada-002) refuses the parameter even at its own width, so it is only sent where it means something.
    if (this.#dimensions !== undefined && acceptsDimensions(this.#known)) body.dimensions = this.#dimensions;
    const answer = await this.post<OpenAIEmbeddingsResponse>({
      url,
      headers,
      body,
      secrets: [key?.value],
      hints: { auth: key?.fix ?? authFixWithoutKey(azure) },
    });
    return readIndexedEmbeddings(answer, texts.length, this.responseContext(url));
  }

  #resolveBaseUrl(azure: boolean): string {
    if (this.baseUrl !== undefined) return this.baseUrl;
    const envName = azure ? "AZURE_OPENAI_ENDPOINT" : "OPENAI_BASE_URL";
    const fromEnv = nonEmpty(process.env[envName]);
    if (fromEnv !== undefined) return readUrl(OPENAI_FUNCTION_NAME, "baseUrl", fromEnv, `the environment variable ${envName}`)!;
    if (azure) {
      throw optionError(
        OPENAI_FUNCTION_NAME,
        "baseUrl",
        "is required for Azure OpenAI (azureDeployment is set) and AZURE_OPENAI_ENDPOINT is not set",
        "Pass baseUrl: \"https://<resource>.openai.azure.com\" (or a $var: reference to it).",
      );
    }
    return OPENAI_DEFAULT_BASE_URL;
  }

  /** The key; required for api.openai.com and Azure, optional for other servers (local ones often need none). */
  #key(azure: boolean, baseUrl: string): ApiKey | undefined {
    const lookup = azure
      ? { ...this.apiKeyLookup(), label: "Azure OpenAI", envVars: ["AZURE_OPENAI_API_KEY"], suggestedVariable: "azure_openai_key" }
      : this.apiKeyLookup();
    const required = azure || baseUrl === OPENAI_DEFAULT_BASE_URL;
    return required ? this.requireApiKey(lookup) : this.findApiKey(lookup);
  }
}

function authFixWithoutKey(azure: boolean): string {
  return azure
    ? "set AZURE_OPENAI_API_KEY, or pass apiKey: \"$var:azure_openai_key\" after getRegistry().setVar(\"azure_openai_key\", <your key>)"
    : "this server wants a key: set OPENAI_API_KEY, or pass apiKey: \"$var:openai_key\" after getRegistry().setVar(\"openai_key\", <your key>)";
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== "" ? value.trim() : undefined;
}
