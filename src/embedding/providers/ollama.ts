/**
 * `ollama`: a local (or remote) Ollama server's batch embedding endpoint,
 * `POST {host}/api/embed` with `{model, input: string[]}` -> `{embeddings}`.
 * No key by default; `apiKey` (or OLLAMA_API_KEY) is sent as a bearer token
 * for ollama.com or a server behind an authenticating proxy.
 *
 * @module
 */

import { BUILT_IN_NAME } from "../function-names.js";
import { readEmbeddingRows } from "../http/embedding-response.js";
import type { FetchLike } from "../http/post-json.js";
import { optionError, readBoolean, readInteger, readObject, readUrl } from "../http/provider-options.js";
import { joinUrl } from "../http/url.js";
import { HttpEmbeddingFunction, type HttpProviderSpec } from "./http-embedding-function.js";

// 1. Registry name and models.
/** The registry name of {@link OllamaEmbeddingFunction} (as in LanceDB's Python SDK). */
export const OLLAMA_FUNCTION_NAME = "ollama";
/** LanceDB's default model. */
export const OLLAMA_DEFAULT_MODEL = "nomic-embed-text";
/** Where requests go without `host` or OLLAMA_HOST. */
export const OLLAMA_DEFAULT_HOST = "http://localhost:11434";
/**
 * Texts per request. Ollama sets no limit, but embeds a request's texts one
 * model pass at a time; smaller requests keep each under the timeout.
 */
export const OLLAMA_MAX_BATCH_SIZE = 256;
/** Ollama loads a model on its first use, which can take minutes on a cold machine. */
export const OLLAMA_DEFAULT_TIMEOUT_MS = 300_000;

/** Widths of common embedding models in Ollama's library (the `latest` tag). Others: the first answer decides. */
export const OLLAMA_MODELS: Readonly<Record<string, { readonly ndims: number }>> = Object.freeze({
  "nomic-embed-text": { ndims: 768 },
  "mxbai-embed-large": { ndims: 1024 },
  "all-minilm": { ndims: 384 },
  "snowflake-arctic-embed": { ndims: 1024 },
  "bge-m3": { ndims: 1024 },
  "bge-large": { ndims: 1024 },
  "embeddinggemma": { ndims: 768 },
  "paraphrase-multilingual": { ndims: 768 },
});

// 2. Options.
/** Options of `ollama` (saved with the table, except `fetch`). */
export interface OllamaEmbeddingOptions {
  /** Model name, as `ollama pull` takes it. Default "nomic-embed-text". */
  model?: string;
  /** Server URL. Default: OLLAMA_HOST, then http://localhost:11434. */
  host?: string;
  /** How long the server keeps the model loaded after the request ("5m", "1h", seconds, or -1 for ever); sent as `keep_alive`. */
  keepAlive?: string | number;
  /** Model options such as `{ num_ctx: 4096 }`, sent as `options`. */
  options?: Record<string, unknown>;
  /** Whether the server cuts texts longer than the context (true, the server's default) or refuses them (false). */
  truncate?: boolean | string;
  /** Output width, for models that can shorten their vectors; sent as `dimensions`. */
  dimensions?: number | string;
  /** `$var:` reference to a bearer token, for ollama.com or a proxy. Without it: OLLAMA_API_KEY, if set. */
  apiKey?: string;
  /** Extra request headers; credential headers must be `$var:` references. */
  headers?: Record<string, string>;
  /** Milliseconds one request may take. Default 300000 (first requests load the model). */
  timeoutMs?: number | string;
  /** A fetch function to use instead of the global one (not saved with the table). */
  fetch?: FetchLike;
}

const SPEC: HttpProviderSpec = {
  name: OLLAMA_FUNCTION_NAME,
  model: OLLAMA_DEFAULT_MODEL,
  optionNames: ["model", "host", "keepAlive", "options", "truncate", "dimensions", "apiKey", "headers", "timeoutMs", "fetch"],
  aliases: { name: "model", keep_alive: "keepAlive", api_key: "apiKey" },
  maxBatchSize: OLLAMA_MAX_BATCH_SIZE,
  apiKey: { label: "Ollama", envVars: ["OLLAMA_API_KEY"], suggestedVariable: "ollama_key" },
  defaultTimeoutMs: OLLAMA_DEFAULT_TIMEOUT_MS,
};

interface OllamaEmbedResponse {
  embeddings?: unknown;
}

// 3. The class.
/**
 * Text embeddings from an Ollama server.
 *
 * @example
 * ```ts
 * // after `ollama pull nomic-embed-text`
 * const fn = getRegistry().get("ollama")!.create({ model: "nomic-embed-text" });
 * ```
 */
export class OllamaEmbeddingFunction extends HttpEmbeddingFunction<OllamaEmbeddingOptions> {
  /** @internal the built-in registry name, an own property of this class only. */
  static readonly [BUILT_IN_NAME] = OLLAMA_FUNCTION_NAME;

  readonly #dimensions: number | undefined;
  readonly #host: string | undefined;
  readonly #keepAlive: string | number | undefined;
  readonly #modelOptions: Record<string, unknown> | undefined;
  readonly #truncate: boolean | undefined;

  constructor(options: OllamaEmbeddingOptions = {}) {
    super(options, SPEC);
    const o = this.options;
    this.#dimensions = readInteger(OLLAMA_FUNCTION_NAME, o, "dimensions", { min: 1, max: 65_536 });
    this.#host = o.host === undefined ? undefined : normaliseHost(o.host, "option \"host\"");
    this.#keepAlive = readKeepAlive(o.keepAlive);
    this.#modelOptions = readObject(OLLAMA_FUNCTION_NAME, o, "options");
    this.#truncate = readBoolean(OLLAMA_FUNCTION_NAME, o, "truncate");
  }

  /** The model's width (for the models in {@link OLLAMA_MODELS}) or `dimensions`; otherwise the first answer decides. */
  override ndims(): number | undefined {
    return this.#dimensions ?? OLLAMA_MODELS[this.model.replace(/:latest$/, "")]?.ndims;
  }

  /** One `POST {host}/api/embed`; a bearer token only when one is set. */
  protected async request(texts: string[]): Promise<Float32Array[]> {
    const host = this.#host ?? (nonEmpty(process.env.OLLAMA_HOST) !== undefined
      ? normaliseHost(process.env.OLLAMA_HOST!.trim(), "the environment variable OLLAMA_HOST")
      : OLLAMA_DEFAULT_HOST);
    const url = joinUrl(host, "api/embed");
    const key = this.findApiKey();
    const headers: Record<string, string> = { ...this.headers };
    if (key !== undefined) headers.authorization = `Bearer ${key.value}`;
    const body: Record<string, unknown> = { model: this.model, input: texts };
    if (this.#truncate !== undefined) body.truncate = this.#truncate;
    if (this.#dimensions !== undefined) body.dimensions = this.#dimensions;
    if (this.#modelOptions !== undefined) body.options = this.#modelOptions;
    if (this.#keepAlive !== undefined) body.keep_alive = this.#keepAlive;
    const answer = await this.post<OllamaEmbedResponse>({
      url,
      headers,
      body,
      secrets: [key?.value],
      hints: {
        auth: key?.fix ?? "this server wants a token: set OLLAMA_API_KEY, or pass apiKey: \"$var:ollama_key\" after getRegistry().setVar(\"ollama_key\", <token>)",
        unreachable: `check that Ollama is running at ${host} (\`ollama serve\`), or set the host option / OLLAMA_HOST`,
        fixes: {
          404: `pull the model on the server first (\`ollama pull ${this.model}\`), and check the host (${host})`,
        },
      },
    });
    return readEmbeddingRows(answer?.embeddings, texts.length, this.responseContext(url), "embeddings");
  }
}

/**
 * A host as Ollama's clients take it: "http://host:port", or "host:port" /
 * "host" (http and port 11434 assumed), as OLLAMA_HOST is often written.
 */
function normaliseHost(value: unknown, source: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw optionError(OLLAMA_FUNCTION_NAME, "host", `must be a URL such as "http://localhost:11434" (from ${source})`);
  }
  let text = value.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    text = `http://${text}`;
    const url = safeUrl(text);
    if (url !== undefined && url.port === "") {
      url.port = "11434";
      text = url.toString();
    }
  }
  return readUrl(OLLAMA_FUNCTION_NAME, "host", text, source === "option \"host\"" ? undefined : source)!;
}

function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function readKeepAlive(value: unknown): string | number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value.trim() !== "") {
    const text = value.trim();
    return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
  }
  throw optionError(OLLAMA_FUNCTION_NAME, "keepAlive", `must be a duration such as "5m" or a number of seconds, got ${JSON.stringify(value)}`);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== "" ? value.trim() : undefined;
}
