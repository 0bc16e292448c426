// A fake of OpenAI's embeddings API (and of Azure OpenAI's deployment route,
// and of OpenAI-compatible servers) on 127.0.0.1, speaking the real wire format:
// POST /v1/embeddings, Bearer auth (Azure: `api-key` header and `api-version`
// query), {model, input, encoding_format, dimensions} in, {object: "list",
// data: [{object, index, embedding}], model, usage} out (base64 float32 when
// asked), and OpenAI's {error: {message, type, param, code}} error bodies.
import { encodeFloat32Base64 } from "../../src/embedding/http/base64-float32.js";
import { bearerToken, countTokens, fakeEmbedding, isObject, isStringList, startFakeServer, type FakeReply, type FakeServer, type RecordedRequest } from "./fake-server.js";

/** OpenAI's models: width, and whether `dimensions` is accepted. */
const OPENAI_MODELS: Record<string, { ndims: number; flexible: boolean }> = {
  "text-embedding-ada-002": { ndims: 1536, flexible: false },
  "text-embedding-3-small": { ndims: 1536, flexible: true },
  "text-embedding-3-large": { ndims: 3072, flexible: true },
};

export interface FakeOpenAIOptions {
  /** The key the fake accepts; undefined: no auth (a local server). */
  apiKey?: string;
  /** Extra models (name -> width) that accept `dimensions`, as a compatible server has. */
  models?: Record<string, number>;
  /** Answer `data` in reverse order (the API does not promise order; clients sort by index). */
  reverseOrder?: boolean;
  /** Ignore `encoding_format` and always answer numbers (servers without base64). */
  floatOnly?: boolean;
  /** Echo the whole wrong key in the 401 message (a badly behaved proxy), to test redaction. */
  echoKey?: boolean;
  /** Azure OpenAI: deployment name -> model name. */
  azureDeployments?: Record<string, string>;
}

export interface FakeOpenAI extends FakeServer {
  /** The API root to pass as `baseUrl` ("http://127.0.0.1:<port>/v1"). */
  readonly baseUrl: string;
  /** Queues one 429 with OpenAI's body and the given headers (default `retry-after: 0`). */
  rateLimitNext(headers?: Record<string, string>): void;
  /** The embeddings requests received (POST .../embeddings). */
  embeddingRequests(): RecordedRequest[];
}

function error(status: number, message: string, type: string, code: string | null = null, param: string | null = null, headers?: Record<string, string>): FakeReply {
  return { status, headers, body: { error: { message, type, param, code } } };
}

function maskKey(key: string): string {
  return key.length <= 8 ? "*".repeat(key.length) : `${key.slice(0, 3)}${"*".repeat(Math.min(key.length - 7, 20))}${key.slice(-4)}`;
}

/** Starts the fake. */
export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const models: Record<string, { ndims: number; flexible: boolean }> = { ...OPENAI_MODELS };
  for (const [name, ndims] of Object.entries(options.models ?? {})) models[name] = { ndims, flexible: true };

  const handle = (request: RecordedRequest): FakeReply => {
    const azure = /^\/openai\/deployments\/([^/]+)\/embeddings$/.exec(request.path);
    if (request.method !== "POST" || (request.path !== "/v1/embeddings" && !azure)) {
      return error(404, `Invalid URL (${request.method} ${request.path})`, "invalid_request_error");
    }
    let deploymentModel: string | undefined;
    if (azure) {
      if (!request.query.get("api-version")) {
        return { status: 404, body: { error: { code: "404", message: "Resource not found" } } };
      }
      deploymentModel = options.azureDeployments?.[decodeURIComponent(azure[1]!)];
      if (deploymentModel === undefined) {
        return { status: 404, body: { error: { code: "DeploymentNotFound", message: "The API deployment for this resource does not exist." } } };
      }
    }
    if (options.apiKey !== undefined) {
      const given = azure ? (request.headers["api-key"] as string | undefined) : bearerToken(request);
      if (given === undefined) {
        return azure
          ? { status: 401, body: { error: { code: "401", message: "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API." } } }
          : error(401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).", "invalid_request_error");
      }
      if (given !== options.apiKey) {
        return azure
          ? { status: 401, body: { error: { code: "401", message: "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource." } } }
          : error(
              401,
              `Incorrect API key provided: ${options.echoKey ? given : maskKey(given)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
              "invalid_request_error",
              "invalid_api_key",
            );
      }
    }
    const body = request.body;
    if (!isObject(body)) return error(400, "We could not parse the JSON body of your request.", "invalid_request_error");
    const modelName = deploymentModel ?? body.model;
    if (typeof modelName !== "string") return error(400, "you must provide a model parameter", "invalid_request_error");
    const model = models[modelName];
    if (model === undefined) {
      return error(404, `The model \`${modelName}\` does not exist or you do not have access to it.`, "invalid_request_error", "model_not_found");
    }
    const input = typeof body.input === "string" ? [body.input] : body.input;
    if (!isStringList(input) || input.length === 0 || input.some((t) => t.length === 0)) {
      return error(400, "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", "invalid_request_error");
    }
    if (input.length > 2048) {
      return error(400, `'$.input' is invalid: the array must have at most 2048 items, got ${input.length}.`, "invalid_request_error", null, "input");
    }
    let dims = model.ndims;
    if (body.dimensions !== undefined) {
      if (!model.flexible) return error(400, "This model does not support specifying dimensions.", "invalid_request_error", null, "dimensions");
      if (typeof body.dimensions !== "number" || !Number.isInteger(body.dimensions) || body.dimensions < 1 || body.dimensions > model.ndims) {
        return error(400, `Invalid value for 'dimensions' = ${String(body.dimensions)}. Must be between 1 and ${model.ndims}.`, "invalid_request_error", null, "dimensions");
      }
      dims = body.dimensions;
    }
    const format = body.encoding_format ?? "float";
    if (format !== "float" && format !== "base64") {
      return error(400, `'${String(format)}' is not one of ['float', 'base64'] - 'encoding_format'`, "invalid_request_error", null, "encoding_format");
    }
    const base64 = format === "base64" && !options.floatOnly;
    const data = input.map((text, index) => {
      const vector = fakeEmbedding(text, dims);
      return { object: "embedding", index, embedding: base64 ? encodeFloat32Base64(vector) : Array.from(vector) };
    });
    if (options.reverseOrder) data.reverse();
    const tokens = countTokens(input);
    return { status: 200, body: { object: "list", data, model: modelName, usage: { prompt_tokens: tokens, total_tokens: tokens } } };
  };

  const server = await startFakeServer(handle);
  return {
    ...server,
    url: server.url,
    requests: server.requests,
    baseUrl: `${server.url}/v1`,
    rateLimitNext(headers = { "retry-after": "0" }) {
      server.enqueue(
        error(
          429,
          "Rate limit reached for text-embedding-3-small in organization org-fake on requests per min (RPM): Limit 3000, Used 3000, Requested 1. Please try again in 20ms.",
          "requests",
          "rate_limit_exceeded",
          null,
          { "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "20ms", ...headers },
        ),
      );
    },
    embeddingRequests: () => server.requests.filter((r) => r.method === "POST" && r.path.endsWith("/embeddings")),
  };
}
