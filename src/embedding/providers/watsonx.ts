/**
 * `watsonx`: IBM watsonx.ai text embeddings. The API key is exchanged for an
 * IAM access token (`POST {iamUrl}/identity/token`, form-encoded
 * `grant_type=urn:ibm:params:oauth:grant-type:apikey&apikey=...`), which is
 * cached per key until shortly before it expires and shared by every function
 * using that key; embeddings are then `POST {url}/ml/v1/text/embeddings?version=...`
 * with `Authorization: Bearer <token>` and a project or deployment space.
 *
 * IBM Cloud only: watsonx.ai software (Cloud Pak for Data) authenticates
 * differently and is not supported.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { EmbeddingError, QuiverError } from "../../errors.js";
import { BUILT_IN_NAME } from "../function-names.js";
import type { ApiKey } from "../http/api-key.js";
import { invalidResponseError, readEmbeddingRows } from "../http/embedding-response.js";
import type { FetchLike } from "../http/post-json.js";
import { optionError, readObject, readString, readUrl } from "../http/provider-options.js";
import { joinUrl } from "../http/url.js";
import { HttpEmbeddingFunction, type HttpProviderSpec } from "./http-embedding-function.js";

// 1. Registry name and models.
/** The registry name of {@link WatsonxEmbeddingFunction} (as in LanceDB). */
export const WATSONX_FUNCTION_NAME = "watsonx";
/** LanceDB's default model. */
export const WATSONX_DEFAULT_MODEL = "ibm/slate-125m-english-rtrvr";
/** The watsonx.ai endpoint without `url` or WATSONX_URL (Dallas). */
export const WATSONX_DEFAULT_URL = "https://us-south.ml.cloud.ibm.com";
/** IBM Cloud IAM, where API keys become access tokens. */
export const WATSONX_DEFAULT_IAM_URL = "https://iam.cloud.ibm.com";
/** The API version date sent as `?version=`. */
export const WATSONX_DEFAULT_API_VERSION = "2024-05-01";
/** Most inputs one embeddings request takes. */
export const WATSONX_MAX_BATCH_SIZE = 1000;

/** Widths of the embedding models of watsonx.ai. Other model ids are sent as they are; their width comes from the first answer. */
export const WATSONX_MODELS: Readonly<Record<string, { readonly ndims: number }>> = Object.freeze({
  "ibm/slate-125m-english-rtrvr": { ndims: 768 },
  "ibm/slate-125m-english-rtrvr-v2": { ndims: 768 },
  "ibm/slate-30m-english-rtrvr": { ndims: 384 },
  "ibm/slate-30m-english-rtrvr-v2": { ndims: 384 },
  "ibm/granite-embedding-278m-multilingual": { ndims: 768 },
  "ibm/granite-embedding-107m-multilingual": { ndims: 384 },
  "intfloat/multilingual-e5-large": { ndims: 1024 },
  "sentence-transformers/all-minilm-l6-v2": { ndims: 384 },
  "sentence-transformers/all-minilm-l12-v2": { ndims: 384 },
});

// 2. Options.
/**
 * Options of `watsonx` (saved with the table, except `fetch`). Every value may
 * be a `$var:` reference; `apiKey` must be one.
 */
export interface WatsonxEmbeddingOptions {
  /** Model id. Default "ibm/slate-125m-english-rtrvr" (LanceDB's; "ibm/granite-embedding-278m-multilingual" is IBM's recommendation). Python's `name` is read too. */
  model?: string;
  /** `$var:` reference to the IBM Cloud API key. Without it: WATSONX_API_KEY. */
  apiKey?: string;
  /** The watsonx.ai project. Exactly one of projectId / spaceId; without both: WATSONX_PROJECT_ID or WATSONX_SPACE_ID. */
  projectId?: string;
  /** The deployment space (instead of a project). */
  spaceId?: string;
  /** The regional endpoint. Default: WATSONX_URL, then "https://us-south.ml.cloud.ibm.com". */
  url?: string;
  /** The IAM endpoint's root. Default "https://iam.cloud.ibm.com". */
  iamUrl?: string;
  /** `parameters` of the request, e.g. `{ truncate_input_tokens: 512 }`. Python: `params`. */
  params?: Record<string, unknown>;
  /** The `version` query parameter. Default "2024-05-01". */
  apiVersion?: string;
  /** Extra request headers; credential headers must be `$var:` references. */
  headers?: Record<string, string>;
  /** Milliseconds one request may take. Default 60000. */
  timeoutMs?: number | string;
  /** A fetch function to use instead of the global one (not saved with the table). */
  fetch?: FetchLike;
}

const SPEC: HttpProviderSpec = {
  name: WATSONX_FUNCTION_NAME,
  model: WATSONX_DEFAULT_MODEL,
  optionNames: ["model", "apiKey", "projectId", "spaceId", "url", "iamUrl", "params", "apiVersion", "headers", "timeoutMs", "fetch"],
  // LanceDB Python's option names, read from tables it wrote.
  aliases: {
    name: "model",
    api_key: "apiKey",
    project_id: "projectId",
    space_id: "spaceId",
    iam_url: "iamUrl",
    api_version: "apiVersion",
  },
  maxBatchSize: WATSONX_MAX_BATCH_SIZE,
  apiKey: { label: "watsonx.ai", envVars: ["WATSONX_API_KEY"], suggestedVariable: "watsonx_key" },
};

// IAM access tokens, shared per (IAM endpoint, API key): functions are rebuilt
// from a table's config, and concurrent batches must not each fetch a token.
interface CachedToken {
  readonly token: string;
  /** When to fetch a new one (shortly before it expires). */
  readonly refreshAt: number;
}
const TOKENS = new Map<string, CachedToken>();
const PENDING = new Map<string, Promise<CachedToken>>();
/** The most the margin before expiry is (IBM tokens live an hour). */
const REFRESH_MARGIN_MS = 60_000;

// 3. The class.
/**
 * Text embeddings from IBM watsonx.ai.
 *
 * @example
 * ```ts
 * getRegistry().setVar("watsonx_key", process.env.WATSONX_API_KEY!);
 * const fn = getRegistry().get("watsonx")!.create({ apiKey: "$var:watsonx_key", projectId: "12ac4cf1-..." });
 * ```
 */
export class WatsonxEmbeddingFunction extends HttpEmbeddingFunction<WatsonxEmbeddingOptions> {
  /** @internal the built-in registry name, an own property of this class only. */
  static readonly [BUILT_IN_NAME] = WATSONX_FUNCTION_NAME;

  readonly #projectId: string | undefined;
  readonly #spaceId: string | undefined;
  readonly #url: string | undefined;
  readonly #iamUrl: string;
  readonly #params: Record<string, unknown> | undefined;
  readonly #apiVersion: string;

  constructor(options: WatsonxEmbeddingOptions = {}) {
    super(options, SPEC);
    const name = WATSONX_FUNCTION_NAME;
    const o = this.options;
    this.#projectId = readString(name, o, "projectId");
    this.#spaceId = readString(name, o, "spaceId");
    if (this.#projectId !== undefined && this.#spaceId !== undefined) {
      throw optionError(name, "spaceId", "cannot be given with projectId: a request runs in a project or in a deployment space", "Keep one of them.");
    }
    this.#url = readUrl(name, "url", o.url);
    this.#iamUrl = readUrl(name, "iamUrl", o.iamUrl) ?? WATSONX_DEFAULT_IAM_URL;
    this.#params = readObject(name, o, "params");
    this.#apiVersion = readString(name, o, "apiVersion") ?? WATSONX_DEFAULT_API_VERSION;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(this.#apiVersion)) {
      throw optionError(name, "apiVersion", `must be a date such as "${WATSONX_DEFAULT_API_VERSION}", got ${JSON.stringify(this.#apiVersion)}`);
    }
  }

  /** The model's width (768 for the default); undefined for an unknown model (the first answer decides). */
  override ndims(): number | undefined {
    return WATSONX_MODELS[this.model]?.ndims;
  }

  /** One embeddings request with an IAM token (the key exchanged first, or a cached token). */
  protected async request(texts: string[]): Promise<Float32Array[]> {
    const key = this.requireApiKey();
    const scope = this.#scope();
    const base = this.#url ?? envUrl() ?? WATSONX_DEFAULT_URL;
    const url = joinUrl(base, "ml/v1/text/embeddings", { version: this.#apiVersion });
    const { token, cached } = await this.#token(key);
    const body: Record<string, unknown> = { inputs: texts, model_id: this.model, ...scope };
    if (this.#params !== undefined) body.parameters = this.#params;
    let answer: { results?: unknown };
    try {
      answer = await this.post<{ results?: unknown }>({
        url,
        headers: { ...this.headers, authorization: `Bearer ${token}` },
        body,
        secrets: [key.value, token],
        errorText: ibmErrorText,
        hints: {
          auth: `the access token was refused (expired or revoked): ${key.fix}`,
          fixes: {
            403: `the key's user may not use ${scope.project_id !== undefined ? `project "${scope.project_id}"` : `space "${scope.space_id}"`}: ` +
              `check projectId / spaceId (or WATSONX_PROJECT_ID / WATSONX_SPACE_ID) and the user's access to it`,
            404: `check the model id "${this.model}" (see WATSONX_MODELS) and the url of your region (${base})`,
          },
        },
      });
    } catch (error) {
      throw this.#onRefusedToken(error, token, cached);
    }
    const results = answer?.results;
    const rows = Array.isArray(results)
      ? results.map((item) => (typeof item === "object" && item !== null ? (item as { embedding?: unknown }).embedding : item))
      : results;
    return readEmbeddingRows(rows, texts.length, this.responseContext(url), "results[].embedding");
  }

  /** `{project_id}` or `{space_id}`: the options, else the environment. */
  #scope(): Record<string, string> {
    if (this.#projectId !== undefined) return { project_id: this.#projectId };
    if (this.#spaceId !== undefined) return { space_id: this.#spaceId };
    const project = nonEmpty(process.env.WATSONX_PROJECT_ID);
    const space = nonEmpty(process.env.WATSONX_SPACE_ID);
    if (project !== undefined && space !== undefined) {
      throw new EmbeddingError(
        `Embedding function "${WATSONX_FUNCTION_NAME}": both WATSONX_PROJECT_ID and WATSONX_SPACE_ID are set, and a request runs in ` +
          `one of them. Unset one, or pass projectId (or spaceId) as an option, which takes precedence over the environment.`,
        { provider: WATSONX_FUNCTION_NAME, model: this.model, retryable: false },
      );
    }
    if (project !== undefined) return { project_id: project };
    if (space !== undefined) return { space_id: space };
    throw new EmbeddingError(
      `Embedding function "${WATSONX_FUNCTION_NAME}" needs a project or a deployment space: pass projectId (or spaceId), ` +
        `or set WATSONX_PROJECT_ID (or WATSONX_SPACE_ID). The project id is on the project's Manage tab in watsonx.ai.`,
      { provider: WATSONX_FUNCTION_NAME, model: this.model, retryable: false },
    );
  }

  /** A valid IAM token for `key`: the cached one, or a new one (one exchange at a time per key). */
  async #token(key: ApiKey): Promise<{ token: string; cached: boolean }> {
    const id = createHash("sha256").update(`${this.#iamUrl}\0${key.value}`).digest("hex");
    const now = Date.now();
    const held = TOKENS.get(id);
    if (held !== undefined && now < held.refreshAt) return { token: held.token, cached: true };
    let pending = PENDING.get(id);
    if (pending === undefined) {
      pending = this.#exchange(key).finally(() => PENDING.delete(id));
      PENDING.set(id, pending);
    }
    const fresh = await pending;
    TOKENS.set(id, fresh);
    return { token: fresh.token, cached: false };
  }

  async #exchange(key: ApiKey): Promise<CachedToken> {
    const url = joinUrl(this.#iamUrl, "identity/token");
    const started = Date.now();
    const answer = await this.post<{ access_token?: unknown; expires_in?: unknown; expiration?: unknown }>({
      url,
      body: new URLSearchParams({ grant_type: "urn:ibm:params:oauth:grant-type:apikey", apikey: key.value }),
      secrets: [key.value],
      errorText: ibmErrorText,
      hints: {
        auth: key.fix,
        // IAM answers 400 (BXNIM0415E) for an unknown key.
        fixes: { 400: `IBM Cloud IAM refused the API key: ${key.fix}` },
      },
    });
    const token = answer?.access_token;
    if (typeof token !== "string" || token === "") {
      throw invalidResponseError(
        this.responseContext(url),
        "has no access token",
        `{"access_token": "...", "expires_in": 3600}`,
        typeof answer === "object" && answer !== null ? `keys ${Object.keys(answer).join(", ") || "(none)"}` : String(answer),
      );
    }
    const lifetimeMs = typeof answer.expires_in === "number" && answer.expires_in > 0
      ? answer.expires_in * 1000
      : typeof answer.expiration === "number"
        ? answer.expiration * 1000 - started
        : 0;
    const margin = Math.min(REFRESH_MARGIN_MS, lifetimeMs * 0.1);
    return { token, refreshAt: started + lifetimeMs - margin };
  }

  /**
   * A 401 with a token from the cache: the token expired or was revoked early.
   * It is dropped, and the error is made retryable so the next attempt fetches
   * a new one. A fresh token refused is a real authentication failure.
   */
  #onRefusedToken(error: unknown, token: string, cached: boolean): unknown {
    if (!QuiverError.isQuiverError(error) || (error as EmbeddingError).status !== 401) return error;
    for (const [id, held] of TOKENS) if (held.token === token) TOKENS.delete(id);
    if (!cached) return error;
    const e = error as EmbeddingError;
    return new EmbeddingError(
      `${e.message} The cached IAM token was dropped; the next attempt gets a new one.`,
      { provider: e.provider, model: e.model, status: e.status, retryable: true },
      { cause: e },
    );
  }
}

/** IBM's error shapes: watsonx.ai `{errors: [{code, message}]}` and IAM `{errorCode, errorMessage}`, code kept. */
function ibmErrorText(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const o = body as { errors?: unknown; errorCode?: unknown; errorMessage?: unknown };
  if (Array.isArray(o.errors)) {
    const parts = o.errors
      .map((e) => e as { code?: unknown; message?: unknown } | null)
      .filter((e) => e !== null && typeof e.message === "string")
      .map((e) => (typeof e!.code === "string" ? `${e!.message as string} (${e!.code})` : (e!.message as string)));
    if (parts.length > 0) return parts.slice(0, 3).join("; ");
  }
  if (typeof o.errorMessage === "string") return typeof o.errorCode === "string" ? `${o.errorCode}: ${o.errorMessage}` : o.errorMessage;
  return undefined;
}

function envUrl(): string | undefined {
  const value = nonEmpty(process.env.WATSONX_URL);
  return value === undefined ? undefined : readUrl(WATSONX_FUNCTION_NAME, "url", value, "the environment variable WATSONX_URL");
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== "" ? value.trim() : undefined;
}
