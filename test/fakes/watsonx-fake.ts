// A fake of IBM Cloud IAM and watsonx.ai text embeddings on 127.0.0.1 (one
// server, both routes), speaking the real wire formats:
// - POST /identity/token, form-encoded grant_type=urn:ibm:params:oauth:grant-type:apikey
//   and apikey=..., answered {access_token, refresh_token: "not_supported",
//   token_type: "Bearer", expires_in, expiration, scope}; an unknown key gets
//   IAM's 400 {errorCode: "BXNIM0415E", errorMessage, context};
// - POST /ml/v1/text/embeddings?version=YYYY-MM-DD with `Authorization: Bearer <token>`
//   and {inputs (<= 1000), model_id, project_id | space_id, parameters}, answered
//   {model_id, results: [{embedding}], created_at, input_token_count}; errors are
//   {errors: [{code, message, more_info}], trace, status_code}.
import { randomUUID } from "node:crypto";
import { bearerToken, countTokens, fakeEmbedding, isObject, isStringList, startFakeServer, type FakeReply, type FakeServer, type RecordedRequest } from "./fake-server.js";

const MODELS: Record<string, number> = {
  "ibm/slate-125m-english-rtrvr": 768,
  "ibm/slate-125m-english-rtrvr-v2": 768,
  "ibm/slate-30m-english-rtrvr": 384,
  "ibm/granite-embedding-278m-multilingual": 768,
  "intfloat/multilingual-e5-large": 1024,
};
const MAX_INPUTS = 1000;

export interface FakeWatsonxOptions {
  apiKey: string;
  /** Projects and spaces the key's user may use. */
  projects?: string[];
  spaces?: string[];
  /** `expires_in` of issued tokens, in seconds. Default 3600. */
  tokenLifetimeSeconds?: number;
}

export interface FakeWatsonx extends FakeServer {
  /** IAM token exchanges received. */
  tokenRequests(): RecordedRequest[];
  /** Embedding requests received. */
  embeddingRequests(): RecordedRequest[];
  /** Revokes every issued token (they then get 401 authentication_token_expired). */
  revokeTokens(): void;
  /** Queues one 429 from watsonx.ai with `retry-after: 0`. */
  rateLimitNext(): void;
  /** Answers the next embeddings request 401, whatever its token (a user without access to watsonx.ai). */
  refuseNextEmbeddings(): void;
}

function ibmError(status: number, code: string, message: string, headers?: Record<string, string>): FakeReply {
  return {
    status,
    headers,
    body: { errors: [{ code, message, more_info: "https://cloud.ibm.com/apidocs/watsonx-ai" }], trace: randomUUID().replace(/-/g, ""), status_code: status },
  };
}

export async function startFakeWatsonx(options: FakeWatsonxOptions): Promise<FakeWatsonx> {
  const lifetime = options.tokenLifetimeSeconds ?? 3600;
  const tokens = new Map<string, number>(); // token -> expiry (ms)
  let refuseNext = false;

  const token = (request: RecordedRequest): FakeReply => {
    if (!String(request.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) {
      return { status: 400, body: { errorCode: "BXNIM0109E", errorMessage: "Property missing or empty. Property name: 'grant_type'.", context: {} } };
    }
    const form = new URLSearchParams(request.rawBody);
    if (form.get("grant_type") !== "urn:ibm:params:oauth:grant-type:apikey") {
      return { status: 400, body: { errorCode: "BXNIM0103E", errorMessage: "Unsupported grant type.", context: {} } };
    }
    if (form.get("apikey") !== options.apiKey) {
      return { status: 400, body: { errorCode: "BXNIM0415E", errorMessage: "Provided API key could not be found.", context: { requestId: randomUUID(), requestType: "incoming.Identity_Token" } } };
    }
    const issued = `eyJfake.${randomUUID()}`;
    const now = Date.now();
    tokens.set(issued, now + lifetime * 1000);
    return {
      status: 200,
      body: {
        access_token: issued,
        refresh_token: "not_supported",
        ims_user_id: 1234567,
        token_type: "Bearer",
        expires_in: lifetime,
        expiration: Math.floor(now / 1000) + lifetime,
        scope: "ibm openid",
      },
    };
  };

  const embeddings = (request: RecordedRequest): FakeReply => {
    const version = request.query.get("version");
    if (version === null || !/^\d{4}-\d{2}-\d{2}$/.test(version)) {
      return ibmError(400, "invalid_request_entity", "Missing query parameter 'version', or it is not a date in the format YYYY-MM-DD");
    }
    const given = bearerToken(request);
    if (given === undefined) return ibmError(401, "authorization_rejected", "Failed to authenticate the request: missing bearer token");
    if (refuseNext) {
      refuseNext = false;
      return ibmError(401, "authentication_failed", "Failed to authenticate the request: the token's user is not authorized for this service");
    }
    const expiry = tokens.get(given);
    if (expiry === undefined || Date.now() >= expiry) {
      return ibmError(401, "authentication_token_expired", "Failed to authenticate the request due to an expired token");
    }
    const body = request.body;
    if (!isObject(body)) return ibmError(400, "json_type_error", "Json document validation error: body is not an object");
    const hasProject = typeof body.project_id === "string";
    const hasSpace = typeof body.space_id === "string";
    if (hasProject === hasSpace) {
      return ibmError(400, "json_validation_error", "Json document validation error: Either 'space_id' or 'project_id' has to be provided");
    }
    if (hasProject ? !(options.projects ?? []).includes(body.project_id as string) : !(options.spaces ?? []).includes(body.space_id as string)) {
      return ibmError(403, "authorization_rejected", `Authorization rejected: the user has no access to ${hasProject ? "project" : "space"} ${String(body.project_id ?? body.space_id)}`);
    }
    const dims = typeof body.model_id === "string" ? MODELS[body.model_id] : undefined;
    if (dims === undefined) return ibmError(404, "model_not_supported", `Model '${String(body.model_id)}' is not supported`);
    if (!isStringList(body.inputs) || body.inputs.length === 0) return ibmError(400, "json_validation_error", "Json document validation error: 'inputs' must be a non-empty list of strings");
    if (body.inputs.length > MAX_INPUTS) return ibmError(400, "json_validation_error", `Json document validation error: 'inputs' must have at most ${MAX_INPUTS} items`);
    if (body.parameters !== undefined && !isObject(body.parameters)) return ibmError(400, "json_type_error", "Json document validation error: 'parameters' must be an object");
    const results = body.inputs.map((text) => ({ embedding: Array.from(fakeEmbedding(text, dims)) }));
    return {
      status: 200,
      body: { model_id: body.model_id, results, created_at: new Date().toISOString(), input_token_count: countTokens(body.inputs) },
    };
  };

  const server = await startFakeServer((request) => {
    if (request.method === "POST" && request.path === "/identity/token") return token(request);
    if (request.method === "POST" && request.path === "/ml/v1/text/embeddings") return embeddings(request);
    return ibmError(404, "not_found", `Route ${request.method} ${request.path} not found`);
  });
  return {
    ...server,
    url: server.url,
    requests: server.requests,
    tokenRequests: () => server.requests.filter((r) => r.path === "/identity/token"),
    embeddingRequests: () => server.requests.filter((r) => r.path === "/ml/v1/text/embeddings"),
    revokeTokens: () => tokens.clear(),
    refuseNextEmbeddings: () => {
      refuseNext = true;
    },
    rateLimitNext() {
      server.enqueue(ibmError(429, "rate_limit_exceeded", "The number of requests exceeds the rate limit for your plan", { "retry-after": "0" }));
    },
  };
}
