// A fake of Voyage AI's embeddings API on 127.0.0.1, speaking the real wire
// format: POST /v1/embeddings with {input, model, input_type, output_dimension,
// encoding_format, truncation} and Bearer auth, answered with {object: "list",
// data: [{object: "embedding", embedding, index}], model, usage: {total_tokens}}
// (base64 float32 when asked); POST /v1/multimodalembeddings with
// {inputs: [{content: [{type: "text", text}]}], model, input_type}; and
// Voyage's FastAPI-style {detail: "..."} error bodies.
import { encodeFloat32Base64 } from "../../src/embedding/http/base64-float32.js";
import { bearerToken, countTokens, fakeEmbedding, isObject, isStringList, startFakeServer, type FakeReply, type FakeServer, type RecordedRequest } from "./fake-server.js";

/** Voyage's models as the fake knows them: default width, flexible widths, endpoint. */
const MODELS: Record<string, { ndims: number; flexible: boolean; multimodal?: boolean }> = {
  "voyage-3.5": { ndims: 1024, flexible: true },
  "voyage-3.5-lite": { ndims: 1024, flexible: true },
  "voyage-3-large": { ndims: 1024, flexible: true },
  "voyage-code-3": { ndims: 1024, flexible: true },
  "voyage-3": { ndims: 1024, flexible: false },
  "voyage-3-lite": { ndims: 512, flexible: false },
  "voyage-law-2": { ndims: 1024, flexible: false },
  "voyage-multimodal-3": { ndims: 1024, flexible: false, multimodal: true },
};
const MAX_INPUTS = 1000;

export interface FakeVoyageOptions {
  /** The key the fake accepts. */
  apiKey: string;
  /** Extra models (name -> width) with fixed width, as a newer API would have. */
  models?: Record<string, number>;
}

export interface FakeVoyage extends FakeServer {
  /** The API root to pass as `baseUrl` ("http://127.0.0.1:<port>/v1"). */
  readonly baseUrl: string;
  /** Queues one 429 with Voyage's body and `retry-after: 0`. */
  rateLimitNext(): void;
  /** The embedding requests received (either endpoint). */
  embeddingRequests(): RecordedRequest[];
}

const detail = (status: number, text: string, headers?: Record<string, string>): FakeReply => ({ status, headers, body: { detail: text } });

export async function startFakeVoyage(options: FakeVoyageOptions): Promise<FakeVoyage> {
  const models = { ...MODELS };
  for (const [name, ndims] of Object.entries(options.models ?? {})) models[name] = { ndims, flexible: false };

  const handle = (request: RecordedRequest): FakeReply => {
    const multimodalRoute = request.path === "/v1/multimodalembeddings";
    if (request.method !== "POST" || (request.path !== "/v1/embeddings" && !multimodalRoute)) return detail(404, "Not Found");
    const token = bearerToken(request);
    if (token === undefined) return detail(401, "No API key provided. Provide it in the Authorization header as 'Bearer <key>'.");
    if (token !== options.apiKey) return detail(401, "Provided API key is invalid.");
    const body = request.body;
    if (!isObject(body)) return detail(400, "Request body is not valid JSON.");
    const modelName = body.model;
    const model = typeof modelName === "string" ? models[modelName] : undefined;
    if (typeof modelName !== "string" || model === undefined) {
      return detail(400, `Model ${String(modelName)} is not supported. Supported models are ${Object.keys(models).join(", ")}.`);
    }
    if (Boolean(model.multimodal) !== multimodalRoute) {
      return detail(400, `Model ${modelName} is not supported by this endpoint.`);
    }
    let texts: string[];
    if (multimodalRoute) {
      if (!Array.isArray(body.inputs)) return detail(400, "inputs: field required");
      texts = [];
      for (const item of body.inputs) {
        const content = isObject(item) ? item.content : undefined;
        const part = Array.isArray(content) && content.length === 1 && isObject(content[0]) ? content[0] : undefined;
        if (part === undefined || part.type !== "text" || typeof part.text !== "string") {
          return detail(400, "Each input must be a dict with a 'content' list of text or image pieces.");
        }
        texts.push(part.text);
      }
    } else {
      const input = typeof body.input === "string" ? [body.input] : body.input;
      if (!isStringList(input) || input.length === 0) return detail(400, "input: must be a string or a non-empty list of strings");
      texts = input;
    }
    if (texts.length > MAX_INPUTS) return detail(400, `The batch size limit is ${MAX_INPUTS}. Your batch size is ${texts.length}.`);
    if (body.input_type !== undefined && body.input_type !== null && body.input_type !== "query" && body.input_type !== "document") {
      return detail(400, "input_type: value is not a valid enumeration member; permitted: 'query', 'document'");
    }
    let dims = model.ndims;
    if (body.output_dimension !== undefined && body.output_dimension !== null) {
      if (!model.flexible || ![256, 512, 1024, 2048].includes(body.output_dimension as number)) {
        return detail(400, `Value ${String(body.output_dimension)} for output_dimension is not supported by ${modelName}.`);
      }
      dims = body.output_dimension as number;
    }
    if (body.encoding_format !== undefined && body.encoding_format !== null && body.encoding_format !== "base64") {
      return detail(400, "encoding_format: value is not a valid enumeration member; permitted: 'base64'");
    }
    const base64 = body.encoding_format === "base64";
    const data = texts.map((text, index) => {
      const vector = fakeEmbedding(text, dims);
      return { object: "embedding", embedding: base64 ? encodeFloat32Base64(vector) : Array.from(vector), index };
    });
    const tokens = countTokens(texts);
    return {
      status: 200,
      body: { object: "list", data, model: modelName, usage: multimodalRoute ? { text_tokens: tokens, image_pixels: 0, total_tokens: tokens } : { total_tokens: tokens } },
    };
  };

  const server = await startFakeServer(handle);
  return {
    ...server,
    url: server.url,
    requests: server.requests,
    baseUrl: `${server.url}/v1`,
    rateLimitNext() {
      server.enqueue(detail(429, "You have exceeded your rate limit (RPM). Please try again later.", { "retry-after": "0" }));
    },
    embeddingRequests: () => server.requests.filter((r) => r.method === "POST" && /embeddings$/.test(r.path)),
  };
}
