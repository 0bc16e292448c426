// A fake of Hugging Face's hosted feature extraction on 127.0.0.1, speaking the
// real wire formats:
// - HF Inference on the router: POST /hf-inference/models/{owner}/{name}/pipeline/feature-extraction,
//   Bearer token, {inputs: string | string[], normalize?, truncate?, prompt_name?},
//   answered with one vector per text (sentence-embedding models) or one list of
//   token vectors per text (plain transformer models); `{error}` bodies, and
//   503 {error: "Model … is currently loading", estimated_time} for a cold model;
// - a text-embeddings-inference (TEI) server: POST /embed, same body, no auth.
import { fakeEmbedding, isObject, isStringList, startFakeServer, type FakeReply, type FakeServer, type RecordedRequest } from "./fake-server.js";

export interface FakeHuggingFaceModel {
  ndims: number;
  /** "pooled": one vector per text; "tokens": one vector per word (a plain transformer). */
  output: "pooled" | "tokens";
}

const MODELS: Record<string, FakeHuggingFaceModel> = {
  "sentence-transformers/all-MiniLM-L6-v2": { ndims: 384, output: "pooled" },
  "BAAI/bge-small-en-v1.5": { ndims: 384, output: "pooled" },
  "acme/plain-bert-tiny": { ndims: 8, output: "tokens" },
};

export interface FakeHuggingFaceOptions {
  token: string;
  /** Answer 503 "currently loading" to this many requests first (with `estimated_time` seconds). */
  loading?: { times: number; estimatedTime: number };
}

export interface FakeHuggingFace extends FakeServer {
  /** The HF Inference root to pass as `baseUrl` ("http://127.0.0.1:<port>/hf-inference"). */
  readonly baseUrl: string;
  /** The TEI route to pass as `endpointUrl`. */
  readonly teiUrl: string;
  /** Queues one 429 with `retry-after: 0`. */
  rateLimitNext(): void;
}

/** What the fake answers for a text: its width-`ndims` embedding, or one per word for token models. */
export function fakeFeatures(text: string, model: FakeHuggingFaceModel, normalize?: boolean): number[] | number[][] {
  if (model.output === "tokens") return text.split(/\s+/).filter(Boolean).map((word) => Array.from(fakeEmbedding(word, model.ndims)));
  const v = Array.from(fakeEmbedding(text, model.ndims));
  return normalize === false ? v.map((x) => x * 2) : v;
}

export async function startFakeHuggingFace(options: FakeHuggingFaceOptions): Promise<FakeHuggingFace> {
  let loadingLeft = options.loading?.times ?? 0;

  const answer = (request: RecordedRequest, modelName: string, needsAuth: boolean): FakeReply => {
    if (needsAuth) {
      const header = request.headers.authorization;
      if (header === undefined) return { status: 401, body: { error: "Invalid username or password." } };
      if (header !== `Bearer ${options.token}`) return { status: 401, body: { error: "Invalid credentials in Authorization header" } };
    }
    const model = MODELS[modelName];
    if (model === undefined) return { status: 404, body: { error: `Model ${modelName} does not exist` } };
    if (loadingLeft > 0) {
      loadingLeft--;
      return { status: 503, body: { error: `Model ${modelName} is currently loading`, estimated_time: options.loading!.estimatedTime } };
    }
    const body = request.body;
    if (!isObject(body)) return { status: 400, body: { error: "Failed to deserialize the JSON body into the target type" } };
    const single = typeof body.inputs === "string";
    const inputs = single ? [body.inputs as string] : body.inputs;
    if (!isStringList(inputs) || inputs.length === 0) return { status: 422, body: { error: "Input validation error: `inputs` cannot be empty", error_type: "Validation" } };
    const normalize = typeof body.normalize === "boolean" ? body.normalize : undefined;
    const out = inputs.map((text) => fakeFeatures(text, model, normalize));
    return { status: 200, body: single ? out[0] : out };
  };

  const server = await startFakeServer((request) => {
    if (request.method !== "POST") return { status: 405, body: { error: "Method Not Allowed" } };
    const route = /^\/hf-inference\/models\/(.+)\/pipeline\/feature-extraction$/.exec(request.path);
    if (route !== null) return answer(request, decodeURIComponent(route[1]!), true);
    if (request.path === "/embed") return answer(request, "BAAI/bge-small-en-v1.5", false);
    return { status: 404, body: "Not Found" };
  });
  return {
    ...server,
    url: server.url,
    requests: server.requests,
    baseUrl: `${server.url}/hf-inference`,
    teiUrl: `${server.url}/embed`,
    rateLimitNext() {
      server.enqueue({ status: 429, headers: { "retry-after": "0" }, body: { error: "Rate limit reached. You reached free usage limit (reset hourly). Please subscribe to a plan." } });
    },
  };
}
