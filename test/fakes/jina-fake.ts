// A fake of Jina AI's embeddings API on 127.0.0.1, speaking the real wire
// format: POST /v1/embeddings, Bearer auth, {model, input, task?, dimensions?}
// in, {model, object: "list", usage, data: [{object, index, embedding}]} out,
// and Jina's {detail} error bodies (a string, or FastAPI's list of {loc, msg}).
import { bearerToken, countTokens, fakeEmbedding, isObject, isStringList, startFakeServer, type FakeReply, type FakeServer, type RecordedRequest } from "./fake-server.js";

const V3_TASKS = ["retrieval.query", "retrieval.passage", "separation", "classification", "text-matching"];
const JINA_MODELS: Record<string, { ndims: number; flexible: boolean; tasks?: string[] }> = {
  "jina-clip-v1": { ndims: 768, flexible: false },
  "jina-clip-v2": { ndims: 1024, flexible: true },
  "jina-embeddings-v3": { ndims: 1024, flexible: true, tasks: V3_TASKS },
  "jina-embeddings-v2-base-en": { ndims: 768, flexible: false },
};

export interface FakeJinaOptions {
  /** The key the fake accepts. */
  apiKey: string;
}

export interface FakeJina extends FakeServer {
  /** The API root to pass as `baseUrl` ("http://127.0.0.1:<port>/v1"). */
  readonly baseUrl: string;
  /** Queues one 429 with the given headers (default `retry-after: 0`). */
  rateLimitNext(headers?: Record<string, string>): void;
  /** The embeddings requests received. */
  embeddingRequests(): RecordedRequest[];
}

function error(status: number, detail: unknown, headers?: Record<string, string>): FakeReply {
  return { status, headers, body: { detail } };
}

export async function startFakeJina(options: FakeJinaOptions): Promise<FakeJina> {
  const handle = (request: RecordedRequest): FakeReply => {
    if (request.method !== "POST" || request.path !== "/v1/embeddings") return error(404, "Not Found");
    const token = bearerToken(request);
    if (token === undefined) return error(401, "Authentication required: pass your API key as 'Authorization: Bearer <key>'. Get one at https://jina.ai/?sui=apikey");
    if (token !== options.apiKey) return error(401, "Invalid API key. Please get a new one at https://jina.ai/?sui=apikey");
    const body = request.body;
    if (!isObject(body)) return error(422, [{ type: "json_invalid", loc: ["body"], msg: "JSON decode error" }]);
    if (typeof body.model !== "string") return error(422, [{ type: "missing", loc: ["body", "model"], msg: "Field required" }]);
    const model = JINA_MODELS[body.model];
    if (model === undefined) return error(400, `Model '${body.model}' not found`);
    if (!isStringList(body.input)) return error(422, [{ type: "list_type", loc: ["body", "input"], msg: "Input should be a valid list" }]);
    if (body.input.length > 2048) return error(400, "Input list is too long: at most 2048 items");
    if (body.task !== undefined) {
      if (model.tasks === undefined) return error(400, `Model '${body.model}' does not support tasks`);
      if (!model.tasks.includes(body.task as string)) {
        return error(422, [{ type: "enum", loc: ["body", "task"], msg: `Input should be ${model.tasks.map((t) => `'${t}'`).join(", ")}` }]);
      }
    }
    let dims = model.ndims;
    if (body.dimensions !== undefined) {
      if (!model.flexible) return error(400, `Model '${body.model}' does not support the dimensions parameter`);
      dims = body.dimensions as number;
    }
    const texts = body.input;
    const tokens = countTokens(texts);
    return {
      status: 200,
      body: {
        model: body.model,
        object: "list",
        usage: { total_tokens: tokens, prompt_tokens: tokens },
        data: texts.map((t, index) => ({ object: "embedding", index, embedding: Array.from(fakeEmbedding(t, dims)) })),
      },
    };
  };
  const server = await startFakeServer(handle);
  return {
    ...server,
    baseUrl: `${server.url}/v1`,
    rateLimitNext(headers = { "retry-after": "0" }) {
      server.enqueue(error(429, "Rate limit exceeded: 500 requests per minute. Please wait and retry.", headers));
    },
    embeddingRequests: () => server.requests.filter((r) => r.method === "POST" && r.path === "/v1/embeddings"),
  };
}
