/**
 * `bedrock-text`: text embeddings from Amazon Bedrock's runtime API,
 * `POST https://bedrock-runtime.{region}.amazonaws.com/model/{modelId}/invoke`,
 * signed with AWS Signature Version 4 (service "bedrock") by `aws-sigv4.ts`:
 * no AWS SDK is needed.
 *
 * Two request shapes, chosen by the model: Amazon Titan takes ONE text per
 * request (`{inputText}` -> `{embedding}`; `maxBatchSize()` is 1 and the ingest
 * stage's concurrency runs requests side by side), Cohere on Bedrock takes up
 * to 96 (`{texts, input_type}` -> `{embeddings}`).
 *
 * Credentials come from the options (`$var:` references only) or the standard
 * environment variables. Shared-config profiles and role assumption (LanceDB
 * Python's `profile_name` / `assumed_role`) are not built: export the
 * credentials (e.g. `aws configure export-credentials --format env`) instead.
 *
 * @module
 */

import { EmbeddingError, NotSupportedError } from "../../errors.js";
import { BUILT_IN_NAME } from "../function-names.js";
import { readEmbeddingRows, toFloat32 } from "../http/embedding-response.js";
import type { FetchLike } from "../http/post-json.js";
import { optionError, readBoolean, readInteger, readString, readUrl } from "../http/provider-options.js";
import { joinUrl } from "../http/url.js";
import { isVariableReference, parseVariableReference } from "../variables.js";
import { signAwsRequest, type AwsCredentials } from "./aws-sigv4.js";
import { HttpEmbeddingFunction, type EmbeddingPurpose, type HttpProviderSpec } from "./http-embedding-function.js";

// 1. Registry name and models.
/** The registry name of {@link BedrockTextEmbeddingFunction} (as in LanceDB). */
export const BEDROCK_TEXT_FUNCTION_NAME = "bedrock-text";
/** LanceDB's default model. */
export const BEDROCK_TEXT_DEFAULT_MODEL = "amazon.titan-embed-text-v1";
/** LanceDB's default region. */
export const BEDROCK_TEXT_DEFAULT_REGION = "us-east-1";
/** The SigV4 signing name of the Bedrock runtime. */
const SIGNING_SERVICE = "bedrock";

/** The request shape a model speaks. */
export type BedrockModelFamily = "titan" | "titan-v2" | "cohere";

/** What Quiver knows of a Bedrock embedding model. */
export interface BedrockModelInfo {
  readonly family: BedrockModelFamily;
  /** Width without `dimensions`. */
  readonly ndims: number;
  /** The widths `dimensions` may choose (Titan v2); absent: fixed width. */
  readonly dimensions?: readonly number[];
  /** Texts per request: 1 for Titan, 96 for Cohere. */
  readonly maxBatch: number;
}

const TITAN_V2_DIMENSIONS = [256, 512, 1024] as const;
const FAMILIES: Readonly<Record<BedrockModelFamily, Omit<BedrockModelInfo, "ndims">>> = {
  titan: { family: "titan", maxBatch: 1 },
  "titan-v2": { family: "titan-v2", dimensions: TITAN_V2_DIMENSIONS, maxBatch: 1 },
  cohere: { family: "cohere", maxBatch: 96 },
};

/**
 * Bedrock's text embedding models. Other ids (cross-region inference
 * profiles such as "us.cohere.embed-english-v3", newer versions) work when
 * their family shows in the id ("titan-embed-text-v2", "titan-embed",
 * "cohere.embed"); their width then comes from the first answer.
 */
export const BEDROCK_TEXT_MODELS: Readonly<Record<string, BedrockModelInfo>> = Object.freeze({
  "amazon.titan-embed-text-v1": { ...FAMILIES.titan, ndims: 1536 },
  "amazon.titan-embed-g1-text-02": { ...FAMILIES.titan, ndims: 1536 },
  "amazon.titan-embed-text-v2:0": { ...FAMILIES["titan-v2"], ndims: 1024 },
  "cohere.embed-english-v3": { ...FAMILIES.cohere, ndims: 1024 },
  "cohere.embed-multilingual-v3": { ...FAMILIES.cohere, ndims: 1024 },
});

const COHERE_INPUT_TYPES = ["search_document", "search_query", "classification", "clustering"] as const;
const COHERE_TRUNCATE = ["NONE", "START", "END"] as const;

// 2. Options.
/**
 * Options of `bedrock-text` (saved with the table, except `fetch`). Every value
 * may be a `$var:` reference; the three credentials must be.
 */
export interface BedrockTextEmbeddingOptions {
  /** Model id. Default "amazon.titan-embed-text-v1". Python's `name` is read too. */
  model?: string;
  /** AWS region. Default "us-east-1" (as LanceDB; AWS_REGION is not read, so the saved config decides). */
  region?: string;
  /** `$var:` reference to the access key id. Without it: AWS_ACCESS_KEY_ID. */
  accessKeyId?: string;
  /** `$var:` reference to the secret access key. Without it: AWS_SECRET_ACCESS_KEY. */
  secretAccessKey?: string;
  /** `$var:` reference to a session token (temporary credentials). Without it: AWS_SESSION_TOKEN (only with environment keys). */
  sessionToken?: string;
  /** Titan Text Embeddings V2: output width, 256, 512 or 1024 (default 1024). */
  dimensions?: number | string;
  /** Titan Text Embeddings V2: unit-length vectors. Default true (the API's default). */
  normalize?: boolean | string;
  /** Cohere: input type of the embedded column. Default "search_document". */
  sourceInputType?: string;
  /** Cohere: input type of queries. Default "search_query". */
  queryInputType?: string;
  /** Cohere: how to cut texts over 512 tokens, "NONE" (an error), "START" or "END". The API's default when absent. */
  truncate?: string;
  /** The runtime endpoint (a VPC endpoint, a proxy, or a test server). Default https://bedrock-runtime.{region}.amazonaws.com. */
  endpoint?: string;
  /** Extra request headers (signed with the rest); credential headers must be `$var:` references. */
  headers?: Record<string, string>;
  /** Milliseconds one request may take. Default 60000. */
  timeoutMs?: number | string;
  /** A fetch function to use instead of the global one (not saved with the table). */
  fetch?: FetchLike;
}

const SPEC: HttpProviderSpec = {
  name: BEDROCK_TEXT_FUNCTION_NAME,
  model: BEDROCK_TEXT_DEFAULT_MODEL,
  optionNames: [
    "model",
    "region",
    "accessKeyId",
    "secretAccessKey",
    "sessionToken",
    "dimensions",
    "normalize",
    "sourceInputType",
    "queryInputType",
    "truncate",
    "endpoint",
    "headers",
    "timeoutMs",
    "fetch",
  ],
  // LanceDB Python's option names, read from tables it wrote.
  aliases: { name: "model", source_input_type: "sourceInputType", query_input_type: "queryInputType" },
  // Per model (1 for Titan, 96 for Cohere): see maxBatchSize().
  maxBatchSize: 1,
};

/** LanceDB Python options that Quiver does not build, with what to do instead. */
const NOT_BUILT: Readonly<Record<string, string>> = {
  assumedRole: "role assumption (STS AssumeRole)",
  assumed_role: "role assumption (STS AssumeRole)",
  roleSessionName: "role assumption (STS AssumeRole)",
  role_session_name: "role assumption (STS AssumeRole)",
  profileName: "shared-config profiles (~/.aws/config)",
  profile_name: "shared-config profiles (~/.aws/config)",
};

const CREDENTIAL_ENV = { accessKeyId: "AWS_ACCESS_KEY_ID", secretAccessKey: "AWS_SECRET_ACCESS_KEY", sessionToken: "AWS_SESSION_TOKEN" } as const;

// 3. The class.
/**
 * Text embeddings from Amazon Bedrock (Titan and Cohere models), signed with SigV4.
 *
 * @example
 * ```ts
 * // Credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN):
 * const fn = getRegistry().get("bedrock-text")!.create({ model: "amazon.titan-embed-text-v2:0", dimensions: 512, region: "eu-west-1" });
 * // Or as variables:
 * getRegistry().setVar("aws_key_id", id); getRegistry().setVar("aws_secret", secret);
 * const fn2 = getRegistry().get("bedrock-text")!.create({ accessKeyId: "$var:aws_key_id", secretAccessKey: "$var:aws_secret" });
 * ```
 */
export class BedrockTextEmbeddingFunction extends HttpEmbeddingFunction<BedrockTextEmbeddingOptions> {
  /** @internal the built-in registry name, an own property of this class only. */
  static readonly [BUILT_IN_NAME] = BEDROCK_TEXT_FUNCTION_NAME;

  readonly #info: BedrockModelInfo | undefined;
  readonly #family: BedrockModelFamily;
  readonly #region: string;
  readonly #dimensions: number | undefined;
  readonly #normalize: boolean | undefined;
  readonly #inputTypes: Readonly<Record<EmbeddingPurpose, string>>;
  readonly #truncate: string | undefined;
  readonly #endpoint: string;
  readonly #credentialOptions: { accessKeyId?: string; secretAccessKey?: string; sessionToken?: string };
  readonly #references: Record<string, string | undefined>;

  constructor(options: BedrockTextEmbeddingOptions = {}) {
    super(refuseNotBuilt(options), SPEC);
    const o = this.options;
    const name = BEDROCK_TEXT_FUNCTION_NAME;
    this.#info = BEDROCK_TEXT_MODELS[this.model];
    const family = this.#info?.family ?? familyOf(this.model);
    if (family === undefined) {
      throw optionError(
        name,
        "model",
        `"${this.model}" is not a Bedrock text embedding model Quiver knows how to call (its request shape depends on the model)`,
        `Use one of ${Object.keys(BEDROCK_TEXT_MODELS).join(", ")} (or an inference profile of them, e.g. "us.cohere.embed-english-v3").`,
      );
    }
    this.#family = family;
    this.#region = readString(name, o, "region") ?? BEDROCK_TEXT_DEFAULT_REGION;
    if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(this.#region)) {
      throw optionError(name, "region", `must be an AWS region such as "us-east-1", got ${JSON.stringify(this.#region)}`);
    }

    this.#dimensions = readInteger(name, o, "dimensions", { min: 1, max: 65_536 });
    this.#normalize = readBoolean(name, o, "normalize");
    if (family !== "titan-v2") {
      for (const option of ["dimensions", "normalize"] as const) {
        if (o[option] !== undefined) {
          throw optionError(name, option, `is only for Titan Text Embeddings V2 ("amazon.titan-embed-text-v2:0"), not "${this.model}"`, `Drop "${option}".`);
        }
      }
    } else if (this.#dimensions !== undefined && !(TITAN_V2_DIMENSIONS as readonly number[]).includes(this.#dimensions)) {
      throw optionError(name, "dimensions", `must be one of ${TITAN_V2_DIMENSIONS.join(", ")} for "${this.model}", got ${this.#dimensions}`);
    }
    this.#inputTypes = {
      source: readString(name, o, "sourceInputType", COHERE_INPUT_TYPES) ?? "search_document",
      query: readString(name, o, "queryInputType", COHERE_INPUT_TYPES) ?? "search_query",
    };
    this.#truncate = readString(name, o, "truncate", COHERE_TRUNCATE);
    if (family !== "cohere" && this.#truncate !== undefined) {
      throw optionError(name, "truncate", `is only for the Cohere models, not "${this.model}"`, `Drop "truncate".`);
    }

    const accessKeyId = readString(name, o, "accessKeyId");
    const secretAccessKey = readString(name, o, "secretAccessKey");
    const sessionToken = readString(name, o, "sessionToken");
    if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
      const missing = accessKeyId === undefined ? "accessKeyId" : "secretAccessKey";
      throw optionError(
        name,
        missing,
        `is missing: accessKeyId and secretAccessKey go together`,
        `Pass both as $var: references, or neither (then AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are read).`,
      );
    }
    if (sessionToken !== undefined && accessKeyId === undefined) {
      throw optionError(name, "sessionToken", "needs accessKeyId and secretAccessKey options too", "Pass all three as $var: references, or none.");
    }
    this.#credentialOptions = { accessKeyId, secretAccessKey, sessionToken };
    const saved = this.toJSON();
    this.#references = {
      accessKeyId: variableName(saved.accessKeyId),
      secretAccessKey: variableName(saved.secretAccessKey),
      sessionToken: variableName(saved.sessionToken),
    };
    this.#endpoint = readUrl(name, "endpoint", o.endpoint) ?? `https://bedrock-runtime.${this.#region}.amazonaws.com`;
  }

  /** `dimensions`, else the model's width (1536 for Titan v1, 1024 for Titan v2 and Cohere v3). */
  override ndims(): number | undefined {
    return this.#dimensions ?? this.#info?.ndims;
  }

  /** 1 for Titan (one text per request), 96 for Cohere. */
  override maxBatchSize(): number {
    return this.#info?.maxBatch ?? FAMILIES[this.#family].maxBatch;
  }

  protected override getSensitiveKeys(): string[] {
    return ["accessKeyId", "secretAccessKey", "sessionToken"];
  }

  /** One signed request: Titan one text, Cohere up to 96 (`input_type` = `sourceInputType` or `queryInputType`). */
  protected async request(texts: string[], purpose: EmbeddingPurpose): Promise<Float32Array[]> {
    const inputType = this.#inputTypes[purpose];
    const { credentials, source } = this.#credentials();
    const url = joinUrl(this.#endpoint, `model/${encodeURIComponent(this.model)}/invoke`);
    let payload: Record<string, unknown>;
    if (this.#family === "cohere") {
      payload = { texts, input_type: inputType };
      if (this.#truncate !== undefined) payload.truncate = this.#truncate;
    } else {
      payload = { inputText: texts[0] };
      if (this.#dimensions !== undefined) payload.dimensions = this.#dimensions;
      if (this.#normalize !== undefined) payload.normalize = this.#normalize;
    }
    const body = JSON.stringify(payload);
    const signed = signAwsRequest({
      method: "POST",
      url,
      body,
      region: this.#region,
      service: SIGNING_SERVICE,
      credentials,
      headers: { ...this.headers, "content-type": "application/json", accept: "application/json" },
    });
    const auth =
      `check the AWS credentials (${source}): that they are current (temporary ones expire), and that their account has ` +
      `access to "${this.model}" in ${this.#region} (Bedrock console, Model access)`;
    const answer = await this.post<Record<string, unknown>>({
      url,
      headers: signed.headers,
      body,
      secrets: [credentials.secretAccessKey, credentials.sessionToken, credentials.accessKeyId],
      errorText: awsErrorText,
      hints: {
        auth,
        fixes: {
          400: `Bedrock refused the request (ValidationException): check the model's options (dimensions, normalize, input types) ` +
            `and that each text fits the model's input limit`,
          404: `check the model id "${this.model}" and that Bedrock offers it in ${this.#region} (or set the region option)`,
        },
      },
    });
    const context = this.responseContext(url);
    if (this.#family === "cohere") {
      const embeddings = answer?.embeddings;
      // With embedding_types the answer is {embeddings: {float: [...]}}; Quiver does not ask for it, but reads it.
      const rows = typeof embeddings === "object" && embeddings !== null && !Array.isArray(embeddings)
        ? (embeddings as { float?: unknown }).float
        : embeddings;
      return readEmbeddingRows(rows, texts.length, context, "embeddings");
    }
    return [toFloat32(answer?.embedding, context, "embedding")];
  }

  /** The credentials for one request: the options, else the environment. */
  #credentials(): { credentials: AwsCredentials; source: string } {
    const given = this.#credentialOptions;
    if (given.accessKeyId !== undefined && given.secretAccessKey !== undefined) {
      const refs = Object.entries(this.#references)
        .filter(([key]) => (given as Record<string, unknown>)[key] !== undefined)
        .map(([key, ref]) => `${key}: ${ref ? `$var:${ref}` : "a literal"}`);
      return {
        credentials: { accessKeyId: given.accessKeyId, secretAccessKey: given.secretAccessKey, sessionToken: given.sessionToken },
        source: `options ${refs.join(", ")}; set the right values with getRegistry().setVar`,
      };
    }
    const env = process.env;
    const accessKeyId = nonEmpty(env[CREDENTIAL_ENV.accessKeyId]);
    const secretAccessKey = nonEmpty(env[CREDENTIAL_ENV.secretAccessKey]);
    if (accessKeyId === undefined || secretAccessKey === undefined) {
      const missing = [accessKeyId === undefined ? CREDENTIAL_ENV.accessKeyId : undefined, secretAccessKey === undefined ? CREDENTIAL_ENV.secretAccessKey : undefined]
        .filter((m) => m !== undefined)
        .join(" and ");
      throw new EmbeddingError(
        `AWS credentials are required: embedding function "${BEDROCK_TEXT_FUNCTION_NAME}" found no accessKeyId/secretAccessKey options ` +
          `and the environment lacks ${missing}. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary ` +
          `credentials), or call getRegistry().setVar("aws_access_key_id", ...) and getRegistry().setVar("aws_secret_access_key", ...) ` +
          `and create the function with { accessKeyId: "$var:aws_access_key_id", secretAccessKey: "$var:aws_secret_access_key" } ` +
          `(the table stores the references, never the keys).`,
        { provider: BEDROCK_TEXT_FUNCTION_NAME, model: this.model, retryable: false },
      );
    }
    const sessionToken = nonEmpty(env[CREDENTIAL_ENV.sessionToken]);
    return {
      credentials: { accessKeyId, secretAccessKey, sessionToken },
      source: `environment variables AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY${sessionToken ? ", AWS_SESSION_TOKEN" : ""}`,
    };
  }
}

/** The options, after refusing the LanceDB Python options Quiver does not build (before anything else is read). */
function refuseNotBuilt(options: BedrockTextEmbeddingOptions): BedrockTextEmbeddingOptions {
  for (const key of Object.keys(options ?? {})) {
    const what = NOT_BUILT[key];
    if (what !== undefined && (options as Record<string, unknown>)[key] !== undefined) {
      throw new NotSupportedError(
        `Embedding function "${BEDROCK_TEXT_FUNCTION_NAME}": option "${key}" (${what}) is not supported by Quiver, which signs ` +
          `requests itself without the AWS SDK. Give the credentials of the role or profile through the environment instead: ` +
          `AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (e.g. \`eval "$(aws configure export-credentials ` +
          `--profile <name> --format env)"\`), or as $var: references in accessKeyId / secretAccessKey / sessionToken.`,
      );
    }
  }
  return options;
}

/** The request shape of a model id Quiver does not list. */
function familyOf(model: string): BedrockModelFamily | undefined {
  if (model.includes("titan-embed-text-v2")) return "titan-v2";
  if (model.includes("titan-embed") && !model.includes("image")) return "titan";
  if (model.includes("cohere.embed") && !model.includes("v4")) return "cohere";
  return undefined;
}

/** AWS JSON errors: `{message}` (or `{Message}`). */
function awsErrorText(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const o = body as { message?: unknown; Message?: unknown };
  const text = typeof o.message === "string" ? o.message : typeof o.Message === "string" ? o.Message : undefined;
  return text;
}

function variableName(saved: unknown): string | undefined {
  return isVariableReference(saved) ? parseVariableReference(saved)?.name : undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== "" ? value.trim() : undefined;
}
