// A fake of Mistral AI's embeddings API on 127.0.0.1, speaking the real wire
// format: POST /v1/embeddings, Bearer auth, {model, input, output_dimension?}
// in, {id, object: "list", data: [{object, embedding, index}], model, usage}
// out; Mistral's error bodies ({message, request_id} for 401,
// {object: "error", message, type, param, code} otherwise; 400 over 256 inputs).
import { randomUUID } from "node:crypto";
import { bearerToken, countTokens, fakeEmbedding, isObject, isStringList, startFakeServer, type FakeReply, type FakeServer, type RecordedRequest } from "./fake-server.js";

const MISTRAL_MODELS: Record<string, { ndims: number; maxDimensions?: number }> = {
  "mistral-embed": { ndims: 1024 },
  "codestral-embed": { ndims: 1536, maxDimensions: 3072 },
};

export interface FakeMistralOptions {
  /** The key the fake accepts. */
  apiKey: string;
}

export interface FakeMistral extends FakeServer {
  /** The API root to pass as `baseUrl` ("http://127.0.0.1:<port>/v1"). */
  readonly baseUrl: string;
  /** Queues one 429 with the given headers (default `retry-after: 0`). */
  rateLimitNext(headers?: Record<string, string>): void;
  /** The embeddings requests received. */
  embeddingRequests(): RecordedRequest[];
}

function error(status: number, message: unknown, type: string, code: string | null = null): FakeReply {
  return { status, body: { object: "error", message, type, param: null, code } };
}

export async function startFakeMistral(options: FakeMistralOptions): Promise<FakeMistral> {
  const handle = (request: RecordedRequest): FakeReply => {
    if (request.method !== "POST" || request.path !== "/v1/embeddings") return { status: 404, body: { detail: "Not Found" } };
    if (bearerToken(request) !== options.apiKey) return { status: 401, body: { message: "Unauthorized", request_id: randomUUID().replaceAll("-", "") } };
    const body = request.body;
    if (!isObject(body)) return error(400, "Invalid JSON body", "invalid_request_error");
    if (typeof body.model !== "string") {
      return { status: 422, body: { object: "error", message: { detail: [{ type: "missing", loc: ["body", "model"], msg: "Field required" }] }, type: "invalid_request_error", param: null, code: null } };
    }
    const model = MISTRAL_MODELS[body.model];
    if (model === undefined) return error(400, `Invalid model: ${body.model}`, "invalid_model", "1500");
    const input = typeof body.input === "string" ? [body.input] : body.input;
    if (!isStringList(input)) return error(422, "Input should be a valid list of strings", "invalid_request_error");
    if (input.length > 256) return error(400, "Too many inputs in request, split into more batches.", "invalid_request_message_error");
    let dims = model.ndims;
    if (body.output_dimension !== undefined) {
      if (model.maxDimensions === undefined) return error(400, `Model ${body.model} does not support output_dimension`, "invalid_request_error");
      dims = body.output_dimension as number;
    }
    const tokens = countTokens(input);
    return {
      status: 200,
      body: {
        id: randomUUID().replaceAll("-", ""),
        object: "list",
        data: input.map((t, index) => ({ object: "embedding", embedding: Array.from(fakeEmbedding(t, dims)), index })),
        model: body.model,
        usage: { prompt_tokens: tokens, total_tokens: tokens, completion_tokens: 0 },
      },
    };
  };
  const server = await startFakeServer(handle);
  return {
    ...server,
    baseUrl: `${server.url}/v1`,
    rateLimitNext(headers = { "retry-after": "0" }) {
      server.enqueue({ status: 429, headers, body: { message: "Requests rate limit exceeded" } });
    },
    embeddingRequests: () => server.requests.filter((r) => r.method === "POST" && r.path === "/v1/embeddings"),
  };
}
