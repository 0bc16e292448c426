// A fake of Google's Gemini API (Generative Language API) batch embeddings on
// 127.0.0.1, speaking the real wire format: POST
// /v1beta/models/{model}:batchEmbedContents with the key in `x-goog-api-key`,
// {requests: [{model: "models/…", content: {parts: [{text}]}, taskType,
// outputDimensionality}]} in (at most 100), {embeddings: [{values}]} out, and
// Google's {error: {code, message, status, details}} errors: 400
// INVALID_ARGUMENT with reason API_KEY_INVALID for a wrong key, 403
// PERMISSION_DENIED without one, 429 RESOURCE_EXHAUSTED with a RetryInfo delay.
import { fakeEmbedding, isObject, startFakeServer, type FakeReply, type FakeServer, type RecordedRequest } from "./fake-server.js";

const MODELS: Record<string, { ndims: number; maxDim?: number; taskTypes: boolean }> = {
  "gemini-embedding-001": { ndims: 3072, maxDim: 3072, taskTypes: true },
  "text-embedding-004": { ndims: 768, maxDim: 768, taskTypes: true },
  "embedding-001": { ndims: 768, taskTypes: false },
};
const TASK_TYPES = new Set([
  "TASK_TYPE_UNSPECIFIED",
  "RETRIEVAL_QUERY",
  "RETRIEVAL_DOCUMENT",
  "SEMANTIC_SIMILARITY",
  "CLASSIFICATION",
  "CLUSTERING",
  "QUESTION_ANSWERING",
  "FACT_VERIFICATION",
  "CODE_RETRIEVAL_QUERY",
]);
const MAX_REQUESTS = 100;

export interface FakeGeminiOptions {
  apiKey: string;
}

export interface FakeGemini extends FakeServer {
  /** The API root to pass as `baseUrl` ("http://127.0.0.1:<port>/v1beta"). */
  readonly baseUrl: string;
  /** Queues one 429 RESOURCE_EXHAUSTED whose RetryInfo asks for `retryDelay` (default "0.01s"). */
  rateLimitNext(retryDelay?: string): void;
}

function googleError(code: number, status: string, message: string, details?: unknown[]): FakeReply {
  return { status: code, body: { error: { code, message, status, ...(details ? { details } : {}) } } };
}

export async function startFakeGemini(options: FakeGeminiOptions): Promise<FakeGemini> {
  const handle = (request: RecordedRequest): FakeReply => {
    const route = /^\/v1beta\/models\/([^/:]+):batchEmbedContents$/.exec(request.path);
    if (request.method !== "POST" || route === null) {
      return googleError(404, "NOT_FOUND", `The requested URL ${request.path} was not found on this server.`);
    }
    const key = (request.headers["x-goog-api-key"] as string | undefined) ?? request.query.get("key") ?? undefined;
    if (key === undefined) {
      return googleError(
        403,
        "PERMISSION_DENIED",
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
      );
    }
    if (key !== options.apiKey) {
      return googleError(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", [
        { "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID", domain: "googleapis.com", metadata: { service: "generativelanguage.googleapis.com" } },
      ]);
    }
    const modelName = decodeURIComponent(route[1]!);
    const model = MODELS[modelName];
    if (model === undefined) {
      return googleError(404, "NOT_FOUND", `models/${modelName} is not found for API version v1beta, or is not supported for embedContent.`);
    }
    const body = request.body;
    if (!isObject(body) || !Array.isArray(body.requests)) return googleError(400, "INVALID_ARGUMENT", "Invalid JSON payload received. Unknown name \"\": Root element must be a message.");
    if (body.requests.length > MAX_REQUESTS) {
      return googleError(400, "INVALID_ARGUMENT", `* BatchEmbedContentsRequest.requests: at most ${MAX_REQUESTS} requests can be in one batch\n`);
    }
    const embeddings: { values: number[] }[] = [];
    for (const [i, item] of body.requests.entries()) {
      if (!isObject(item)) return googleError(400, "INVALID_ARGUMENT", `Invalid value at 'requests[${i}]'`);
      if (item.model !== `models/${modelName}`) {
        return googleError(400, "INVALID_ARGUMENT", `* BatchEmbedContentsRequest.requests[${i}].model: Model names in the batch request must match the model in the URL.`);
      }
      const parts = isObject(item.content) ? item.content.parts : undefined;
      if (!Array.isArray(parts) || parts.length === 0 || !parts.every((p) => isObject(p) && typeof p.text === "string")) {
        return googleError(400, "INVALID_ARGUMENT", `* BatchEmbedContentsRequest.requests[${i}].content: contents must not be empty`);
      }
      if (item.taskType !== undefined) {
        if (!model.taskTypes) return googleError(400, "INVALID_ARGUMENT", `Task type is not supported for models/${modelName}.`);
        if (typeof item.taskType !== "string" || !TASK_TYPES.has(item.taskType)) {
          return googleError(400, "INVALID_ARGUMENT", `Invalid value at 'requests[${i}].task_type' (type.googleapis.com/google.ai.generativelanguage.v1beta.TaskType), "${String(item.taskType)}"`);
        }
      }
      let dims = model.ndims;
      if (item.outputDimensionality !== undefined) {
        const d = item.outputDimensionality;
        if (model.maxDim === undefined || typeof d !== "number" || !Number.isInteger(d) || d < 1 || d > model.maxDim) {
          return googleError(400, "INVALID_ARGUMENT", `* BatchEmbedContentsRequest.requests[${i}].output_dimensionality: Output dimensionality must be between 1 and ${model.maxDim ?? model.ndims}.`);
        }
        dims = d;
      }
      const text = parts.map((p) => (p as { text: string }).text).join(" ");
      embeddings.push({ values: Array.from(fakeEmbedding(text, dims)) });
    }
    return { status: 200, body: { embeddings } };
  };

  const server = await startFakeServer(handle);
  return {
    ...server,
    url: server.url,
    requests: server.requests,
    baseUrl: `${server.url}/v1beta`,
    rateLimitNext(retryDelay = "0.01s") {
      server.enqueue(
        googleError(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota, please check your plan and billing details.", [
          { "@type": "type.googleapis.com/google.rpc.QuotaFailure", violations: [{ quotaMetric: "generativelanguage.googleapis.com/embed_content_free_tier_requests", quotaId: "EmbedContentRequestsPerMinutePerProjectPerModel-FreeTier" }] },
          { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay },
        ]),
      );
    },
  };
}
