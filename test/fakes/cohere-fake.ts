// A fake of Cohere's Embed API v2 on 127.0.0.1, speaking the real wire format:
// POST /v2/embed, Bearer auth, {model, texts, input_type, embedding_types,
// truncate?, output_dimension?} in, {id, texts, embeddings: {float: [...]},
// meta, response_type: "embeddings_by_type"} out, and Cohere's {id, message}
// error bodies (400 over 96 texts, 401, 404 unknown model, 429).
import { randomUUID } from "node:crypto";
import { bearerToken, countTokens, fakeEmbedding, isObject, isStringList, startFakeServer, type FakeReply, type FakeServer, type RecordedRequest } from "./fake-server.js";

const COHERE_MODELS: Record<string, { ndims: number; outputDimensions?: number[] }> = {
  "embed-v4.0": { ndims: 1536, outputDimensions: [256, 512, 1024, 1536] },
  "embed-english-v3.0": { ndims: 1024 },
  "embed-multilingual-v3.0": { ndims: 1024 },
  "embed-english-light-v3.0": { ndims: 384 },
  "embed-multilingual-light-v3.0": { ndims: 384 },
  "embed-multilingual-v2.0": { ndims: 768 },
};
const INPUT_TYPES = ["search_document", "search_query", "classification", "clustering", "image"];
const EMBEDDING_TYPES = ["float", "int8", "uint8", "binary", "ubinary", "base64"];

export interface FakeCohereOptions {
  /** The key the fake accepts. */
  apiKey: string;
}

export interface FakeCohere extends FakeServer {
  /** The API root to pass as `baseUrl` ("http://127.0.0.1:<port>/v2"). */
  readonly baseUrl: string;
  /** Queues one 429 with Cohere's trial-key body and the given headers (default `retry-after: 0`). */
  rateLimitNext(headers?: Record<string, string>): void;
  /** The embed requests received. */
  embedRequests(): RecordedRequest[];
}

function error(status: number, message: string, headers?: Record<string, string>): FakeReply {
  return { status, headers, body: { id: randomUUID(), message } };
}

export async function startFakeCohere(options: FakeCohereOptions): Promise<FakeCohere> {
  const handle = (request: RecordedRequest): FakeReply => {
    if (request.method !== "POST" || request.path !== "/v2/embed") return error(404, `not found: ${request.method} ${request.path}`);
    const token = bearerToken(request);
    if (token === undefined) return error(401, "no api key supplied");
    if (token !== options.apiKey) return error(401, "invalid api token");
    const body = request.body;
    if (!isObject(body)) return error(400, "invalid request: could not parse the JSON body");
    if (typeof body.model !== "string") return error(400, "invalid request: model must be specified");
    const model = COHERE_MODELS[body.model];
    if (model === undefined) {
      return error(404, `model '${body.model}' not found, make sure the correct model ID was used and that you have access to the model.`);
    }
    if (!isStringList(body.texts)) return error(400, "invalid request: texts must be a list of strings");
    if (body.texts.length > 96) return error(400, `invalid request: total number of texts must be at most 96 - received ${body.texts.length}`);
    if (typeof body.input_type !== "string" || !INPUT_TYPES.includes(body.input_type)) {
      return error(400, "invalid request: valid input_type must be provided with the provided model");
    }
    if (!isStringList(body.embedding_types) || body.embedding_types.length === 0 || body.embedding_types.some((t) => !EMBEDDING_TYPES.includes(t))) {
      return error(400, "invalid request: embedding_types must be provided, one or more of float, int8, uint8, binary, ubinary, base64");
    }
    if (body.truncate !== undefined && !["NONE", "START", "END"].includes(body.truncate as string)) {
      return error(400, "invalid request: truncate must be one of NONE, START, END");
    }
    let dims = model.ndims;
    if (body.output_dimension !== undefined) {
      if (!model.outputDimensions?.includes(body.output_dimension as number)) {
        return error(400, `invalid request: output_dimension ${String(body.output_dimension)} is not supported by model '${body.model}'`);
      }
      dims = body.output_dimension as number;
    }
    const texts = body.texts;
    const embeddings: Record<string, unknown> = {};
    for (const type of body.embedding_types) {
      if (type === "float") embeddings.float = texts.map((t) => Array.from(fakeEmbedding(t, dims)));
      else embeddings[type] = texts.map(() => []);
    }
    return {
      status: 200,
      body: {
        id: randomUUID(),
        texts,
        embeddings,
        meta: { api_version: { version: "2" }, billed_units: { input_tokens: countTokens(texts) } },
        response_type: "embeddings_by_type",
      },
    };
  };
  const server = await startFakeServer(handle);
  return {
    ...server,
    baseUrl: `${server.url}/v2`,
    rateLimitNext(headers = { "retry-after": "0" }) {
      server.enqueue(
        error(
          429,
          "You are using a Trial key, which is limited to 100 API calls / minute. You can continue to use the Trial key for free or upgrade to a Production key with higher rate limits at 'https://dashboard.cohere.com/api-keys'.",
          headers,
        ),
      );
    },
    embedRequests: () => server.requests.filter((r) => r.method === "POST" && r.path === "/v2/embed"),
  };
}
