/**
 * The shared base of the HTTP embedding providers (openai, cohere, ollama...):
 * the options every one of them has, and the methods that are the same for
 * all. A provider describes itself ({@link HttpProviderSpec}: name, default
 * model, option names, batch limit, where its key comes from) and implements
 * one method, {@link HttpEmbeddingFunction.request}, that embeds one batch.
 *
 * What stays in each provider file: its models table, its options type, its
 * request body and answer shape, and whatever differs (AWS signing, IAM
 * tokens, a batch endpoint).
 *
 * @internal
 * @module
 */

import type { EmbeddingBatch, EmbeddingVector } from "../embedding-function.js";
import { findApiKey, resolveApiKey, type ApiKey, type ApiKeyLookup } from "../http/api-key.js";
import type { ResponseContext } from "../http/embedding-response.js";
import { postJson, type FetchLike, type PostJsonRequest } from "../http/post-json.js";
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
import { TextEmbeddingFunction } from "../text-embedding-function.js";

/** Whether a request embeds stored texts (the source column) or a query. */
export type EmbeddingPurpose = "source" | "query";

/** What a provider tells {@link HttpEmbeddingFunction} about itself. @internal */
export interface HttpProviderSpec {
  /** The registry name, first word of every message ("openai"). */
  readonly name: string;
  /**
   * The model without a `model` option; or a function of the given name
   * (undefined when absent) that returns the model or throws (a required
   * model, a name to normalise).
   */
  readonly model: string | ((given: string | undefined) => string);
  /** Every option name, canonical spelling (for `normaliseOptions`). */
  readonly optionNames: readonly string[];
  /** Other spellings (LanceDB Python's) and their canonical names. */
  readonly aliases: Readonly<Record<string, string>>;
  /** Texts per request (what `maxBatchSize()` answers unless overridden). */
  readonly maxBatchSize: number;
  /** Where the key comes from: its display name, environment variables and suggested variable. Absent: no `apiKey` option. */
  readonly apiKey?: Pick<ApiKeyLookup, "label" | "envVars" | "suggestedVariable">;
  /** The request timeout without a `timeoutMs` option; postJson's 60 s when absent. */
  readonly defaultTimeoutMs?: number;
}

/**
 * An HTTP text embedding provider: reads `model`, `apiKey` (value and saved
 * `$var:` reference), `baseUrl`, `headers`, `timeoutMs` and `fetch`; embeds
 * source texts in batches of `maxBatchSize()` and a query alone, each through
 * {@link HttpEmbeddingFunction.request}. Vectors are Float32.
 *
 * @typeParam O - the provider's options type
 * @internal
 */
export abstract class HttpEmbeddingFunction<O extends object> extends TextEmbeddingFunction<O> {
  // Private fields behind protected getters: resolved options and headers may hold secrets, and private
  // fields stay out of util.inspect / console.log of the function, as before this base existed.
  readonly #spec: HttpProviderSpec;
  readonly #options: Readonly<Record<string, unknown>>;
  readonly #model: string;
  readonly #apiKey: unknown;
  readonly #apiKeyReference: unknown;
  readonly #baseUrl: string | undefined;
  readonly #headers: Record<string, string>;
  readonly #timeoutMs: number | undefined;
  readonly #fetch: FetchLike | undefined;

  protected constructor(options: Partial<O> | undefined, spec: HttpProviderSpec) {
    super();
    this.#spec = spec;
    const resolved = this.resolveVariables(options);
    const o = normaliseOptions(spec.name, resolved as Record<string, unknown>, spec.optionNames, spec.aliases);
    this.#options = o;
    const given = readString(spec.name, o, "model");
    this.#model = typeof spec.model === "string" ? (given ?? spec.model) : spec.model(given);
    this.#apiKey = o.apiKey;
    const saved = this.toJSON();
    this.#apiKeyReference = saved.apiKey ?? saved.api_key;
    this.#baseUrl = readUrl(spec.name, "baseUrl", o.baseUrl);
    this.#headers = readHeaders(spec.name, o);
    this.#timeoutMs = readTimeoutMs(spec.name, o) ?? spec.defaultTimeoutMs;
    this.#fetch = readFetch(spec.name, o);
  }

  /**
   * The options with `$var:` references substituted and aliases renamed to
   * their canonical names, for the provider's own options.
   */
  protected get options(): Readonly<Record<string, unknown>> {
    return this.#options;
  }

  /** The model, after the provider's default or check. */
  protected get model(): string {
    return this.#model;
  }

  /** The `baseUrl` option (a checked http(s) URL); undefined when not given (the provider applies its default). */
  protected get baseUrl(): string | undefined {
    return this.#baseUrl;
  }

  /** Extra request headers (`$var:` references resolved). */
  protected get headers(): Readonly<Record<string, string>> {
    return this.#headers;
  }

  /** Milliseconds one request may take; undefined for postJson's default. */
  protected get timeoutMs(): number | undefined {
    return this.#timeoutMs;
  }

  /** The injected fetch, if any (never saved). */
  protected get fetch(): FetchLike | undefined {
    return this.#fetch;
  }

  /** The provider's texts per request. */
  override maxBatchSize(): number {
    return this.#spec.maxBatchSize;
  }

  protected override getSensitiveKeys(): string[] {
    return ["apiKey", "api_key"];
  }

  /** Stored texts, one request per `maxBatchSize()` texts; Float32Array rows in input order. */
  async generateEmbeddings(texts: string[]): Promise<EmbeddingBatch> {
    return embedInBatches(texts, this.maxBatchSize(), (batch) => this.request(batch, "source"));
  }

  /** A query, in one request. */
  override async computeQueryEmbeddings(data: string): Promise<EmbeddingVector> {
    return (await this.request([data], "query"))[0]!;
  }

  /** Embeds one batch (at most `maxBatchSize()` texts) for `purpose`: one vector per text, in order. */
  protected abstract request(texts: string[], purpose: EmbeddingPurpose): Promise<Float32Array[]>;

  /** Where to look for the key (the `apiKey` option, then the spec's environment variables). */
  protected apiKeyLookup(): ApiKeyLookup {
    const where = this.#spec.apiKey;
    return {
      provider: this.#spec.name,
      label: where?.label,
      value: this.#apiKey,
      reference: this.#apiKeyReference,
      envVars: where?.envVars ?? [],
      suggestedVariable: where?.suggestedVariable,
    };
  }

  /** The key, which the provider requires. @throws MissingApiKeyError when there is none. */
  protected requireApiKey(lookup: ApiKeyLookup = this.apiKeyLookup()): ApiKey {
    return resolveApiKey(lookup, this.model);
  }

  /** The key when there is one (servers that may need none). */
  protected findApiKey(lookup: ApiKeyLookup = this.apiKeyLookup()): ApiKey | undefined {
    return findApiKey(lookup);
  }

  /** `postJson` with the provider, model, fetch and timeout filled in. */
  protected post<T>(request: Omit<PostJsonRequest, "provider" | "model" | "fetch" | "timeoutMs">): Promise<T> {
    return postJson<T>({ provider: this.#spec.name, model: this.model, fetch: this.fetch, timeoutMs: this.timeoutMs, ...request });
  }

  /** Who answered, for reading the answer (`readIndexedEmbeddings`...). */
  protected responseContext(url: string): ResponseContext {
    return { provider: this.#spec.name, model: this.model, url };
  }
}

/** A models-table entry of a provider whose width option shortens vectors up to a maximum. @internal */
export interface ShortenableModelInfo {
  readonly ndims: number;
  /** The widest `dimensions` it accepts; absent: fixed width. */
  readonly maxDimensions?: number;
}

/**
 * The `dimensions` option of a provider whose models either have a fixed width
 * or accept up to `maxDimensions`: checked against the models table when the
 * model is in it (any value for other models).
 *
 * @param fix - what to do instead when the model has a fixed width (`Drop "dimensions", or use ...`).
 * @throws InvalidArgumentError for a width the model does not take.
 */
export function readDimensions(
  provider: string,
  options: Readonly<Record<string, unknown>>,
  model: string,
  known: ShortenableModelInfo | undefined,
  fix: string,
): number | undefined {
  const dimensions = readInteger(provider, options, "dimensions", { min: 1, max: 65_536 });
  if (dimensions === undefined || known === undefined) return dimensions;
  if (known.maxDimensions === undefined && dimensions !== known.ndims) {
    throw optionError(provider, "dimensions", `cannot be set for "${model}", whose vectors always have ${known.ndims} values`, fix);
  }
  if (known.maxDimensions !== undefined && dimensions > known.maxDimensions) {
    throw optionError(provider, "dimensions", `must be at most ${known.maxDimensions} for "${model}", got ${dimensions}`);
  }
  return dimensions;
}

/** Whether to send `dimensions`: a fixed-width model refuses the parameter even at its own width. @internal */
export function acceptsDimensions(known: ShortenableModelInfo | undefined): boolean {
  return known === undefined || known.maxDimensions !== undefined;
}
