// A fake of Ollama's server on 127.0.0.1, speaking the real wire format:
// POST /api/embed with {model, input, truncate?, options?, keep_alive?,
// dimensions?} -> {model, embeddings, total_duration, load_duration,
// prompt_eval_count}; {error: "..."} bodies (404 for a model not pulled, 503
// when busy); GET / -> "Ollama is running". No auth unless a token is set.
import { bearerToken, countTokens, fakeEmbedding, isObject, isStringList, startFakeServer, type FakeReply, type FakeServer, type RecordedRequest } from "./fake-server.js";

export interface FakeOllamaOptions {
  /** Pulled models: name -> width. Default: nomic-embed-text (768), all-minilm (384). */
  models?: Record<string, number>;
  /** A bearer token the fake requires (ollama.com, a proxy); none by default. */
  token?: string;
}

export interface FakeOllama extends FakeServer {
  /** The host to pass as `host` ("http://127.0.0.1:<port>"). */
  readonly host: string;
  /** Queues one 503 "server busy" with the given headers. */
  busyNext(headers?: Record<string, string>): void;
  /** The embed requests received. */
  embedRequests(): RecordedRequest[];
}

function error(status: number, message: string, headers?: Record<string, string>): FakeReply {
  return { status, headers, body: { error: message } };
}

export async function startFakeOllama(options: FakeOllamaOptions = {}): Promise<FakeOllama> {
  const models = options.models ?? { "nomic-embed-text": 768, "all-minilm": 384 };
  const handle = (request: RecordedRequest): FakeReply => {
    if (request.method === "GET" && request.path === "/") return { status: 200, body: "Ollama is running" };
    if (request.method !== "POST" || request.path !== "/api/embed") return { status: 404, body: "404 page not found" };
    if (options.token !== undefined && bearerToken(request) !== options.token) return error(401, "unauthorized");
    const body = request.body;
    if (!isObject(body)) return error(400, "invalid character 'x' looking for beginning of value");
    if (typeof body.model !== "string" || body.model === "") return error(400, "model is required");
    const name = body.model.replace(/:latest$/, "");
    const width = models[name];
    if (width === undefined) return error(404, `model "${body.model}" not found, try pulling it first`);
    const input = typeof body.input === "string" ? [body.input] : body.input;
    if (!isStringList(input)) return error(400, "invalid input type");
    let dims = width;
    if (body.dimensions !== undefined) {
      if (typeof body.dimensions !== "number" || body.dimensions < 1 || body.dimensions > width) {
        return error(400, `dimensions must be between 1 and ${width}`);
      }
      dims = body.dimensions;
    }
    return {
      status: 200,
      body: {
        model: body.model,
        embeddings: input.map((t) => Array.from(fakeEmbedding(t, dims))),
        total_duration: 14143917,
        load_duration: 1019500,
        prompt_eval_count: countTokens(input),
      },
    };
  };
  const server = await startFakeServer(handle);
  return {
    ...server,
    host: server.url,
    busyNext(headers = {}) {
      server.enqueue(error(503, "server busy, please try again.  maximum pending requests exceeded", headers));
    },
    embedRequests: () => server.requests.filter((r) => r.method === "POST" && r.path === "/api/embed"),
  };
}
