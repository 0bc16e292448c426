// A fake of the Amazon Bedrock runtime's InvokeModel on 127.0.0.1, speaking the
// real wire format: POST /model/{modelId}/invoke (the id percent-encoded),
// SigV4-signed (service "bedrock"). The fake checks the signature the way AWS
// does, from what arrived on the wire: it rebuilds the canonical request from
// the method, the raw path (each segment encoded again), the query, the
// headers named in SignedHeaders and the body's SHA-256, derives the key from
// the secret it knows, and compares. It does not use Quiver's signer.
// Titan: {inputText[, dimensions, normalize]} -> {embedding, inputTextTokenCount}
// (v2 adds embeddingsByType); Cohere: {texts (<= 96), input_type[, truncate]} ->
// {id, embeddings, response_type, texts}. Errors are AWS JSON errors,
// {message}, with the x-amzn-ErrorType header.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { countTokens, fakeEmbedding, isObject, isStringList, startFakeServer, type FakeReply, type FakeServer, type RecordedRequest } from "./fake-server.js";

const MODELS: Record<string, { family: "titan" | "titan-v2" | "cohere"; ndims: number }> = {
  "amazon.titan-embed-text-v1": { family: "titan", ndims: 1536 },
  "amazon.titan-embed-text-v2:0": { family: "titan-v2", ndims: 1024 },
  "cohere.embed-english-v3": { family: "cohere", ndims: 1024 },
  "cohere.embed-multilingual-v3": { family: "cohere", ndims: 1024 },
};
const COHERE_MAX_TEXTS = 96;
const SKEW_MS = 5 * 60_000;

export interface FakeBedrockOptions {
  accessKeyId: string;
  secretAccessKey: string;
  /** When set, requests must carry this `x-amz-security-token` (temporary credentials). */
  sessionToken?: string;
  /** The region the fake serves (the credential scope must name it). Default "us-east-1". */
  region?: string;
}

export interface FakeBedrock extends FakeServer {
  /** Queues one 429 ThrottlingException (with `retry-after: 0` when `withRetryAfter`). */
  throttleNext(withRetryAfter?: boolean): void;
  /** InvokeModel requests received, with the model id decoded. */
  invocations(): { modelId: string; request: RecordedRequest }[];
  /** Why the last refused signature was refused (for debugging tests). */
  readonly lastAuthFailure: string | undefined;
}

function awsError(status: number, type: string, message: string, extra: Record<string, string> = {}): FakeReply {
  return {
    status,
    headers: { "x-amzn-errortype": `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`, "x-amzn-requestid": "fake-request-id", ...extra },
    body: { message },
  };
}

const hex = (data: string | Buffer): string => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string): Buffer => createHmac("sha256", key).update(data, "utf8").digest();
const strictEncode = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export async function startFakeBedrock(options: FakeBedrockOptions): Promise<FakeBedrock> {
  const region = options.region ?? "us-east-1";
  let lastAuthFailure: string | undefined;

  /** Undefined when the request's signature is valid; otherwise the AWS error. */
  const checkSignature = (request: RecordedRequest, rawPath: string): FakeReply | undefined => {
    const fail = (reply: FakeReply, why: string): FakeReply => {
      lastAuthFailure = why;
      return reply;
    };
    const header = request.headers.authorization;
    const parsed = typeof header === "string"
      ? /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(header)
      : null;
    if (parsed === null) {
      return fail(awsError(403, "MissingAuthenticationTokenException", "Missing Authentication Token"), "no or malformed Authorization header");
    }
    const [, keyId, day, scopeRegion, service, signedHeaders, signature] = parsed as unknown as string[];
    if (keyId !== options.accessKeyId) {
      return fail(awsError(403, "UnrecognizedClientException", "The security token included in the request is invalid."), "unknown access key id");
    }
    if (service !== "bedrock" || scopeRegion !== region) {
      return fail(
        awsError(403, "InvalidSignatureException", `Credential should be scoped to a valid region and service 'bedrock' in region '${region}'. `),
        `scope ${scopeRegion}/${service}`,
      );
    }
    const names = signedHeaders!.split(";");
    for (const required of ["host", "x-amz-date"]) {
      if (!names.includes(required)) return fail(awsError(403, "InvalidSignatureException", `'${required}' must be a signed header.`), `unsigned ${required}`);
    }
    if (options.sessionToken !== undefined) {
      if (request.headers["x-amz-security-token"] !== options.sessionToken || !names.includes("x-amz-security-token")) {
        return fail(awsError(403, "UnrecognizedClientException", "The security token included in the request is invalid."), "session token missing or wrong");
      }
    }
    const amzDate = request.headers["x-amz-date"] as string;
    const when = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate ?? "");
    const time = when ? Date.UTC(+when[1]!, +when[2]! - 1, +when[3]!, +when[4]!, +when[5]!, +when[6]!) : Number.NaN;
    if (!when || Math.abs(Date.now() - time) > SKEW_MS || !amzDate.startsWith(day!)) {
      return fail(awsError(403, "InvalidSignatureException", `Signature expired: ${amzDate} is now earlier than the allowed window.`), "date");
    }
    const canonicalHeaders = names
      .map((name) => {
        const value = request.headers[name];
        const text = Array.isArray(value) ? value.join(",") : (value ?? "");
        return `${name}:${text.trim().replace(/\s+/g, " ")}\n`;
      })
      .join("");
    const canonicalPath = rawPath.split("/").map(strictEncode).join("/");
    const canonicalQuery = [...request.query.entries()]
      .map(([k, v]) => `${strictEncode(k)}=${strictEncode(v)}`)
      .sort()
      .join("&");
    const canonical = [request.method, canonicalPath, canonicalQuery, canonicalHeaders, signedHeaders, hex(request.rawBody)].join("\n");
    const scope = `${day}/${region}/bedrock/aws4_request`;
    const stringToSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${hex(canonical)}`;
    const key = hmac(hmac(hmac(hmac(`AWS4${options.secretAccessKey}`, day!), region), "bedrock"), "aws4_request");
    const expected = createHmac("sha256", key).update(stringToSign, "utf8").digest();
    if (!timingSafeEqual(expected, Buffer.from(signature!, "hex"))) {
      return fail(
        awsError(
          403,
          "InvalidSignatureException",
          "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
        ),
        `signature mismatch; canonical request:\n${canonical}`,
      );
    }
    lastAuthFailure = undefined;
    return undefined;
  };

  const handle = (request: RecordedRequest): FakeReply => {
    const route = /^\/model\/([^/]+)\/invoke$/.exec(request.path);
    if (request.method !== "POST" || route === null) return awsError(404, "UnknownOperationException", "Unknown operation");
    const refused = checkSignature(request, request.path);
    if (refused !== undefined) return refused;
    const modelId = decodeURIComponent(route[1]!);
    const model = MODELS[modelId];
    if (model === undefined) return awsError(404, "ResourceNotFoundException", "The provided model identifier is invalid.");
    if (request.headers["content-type"] !== "application/json") return awsError(400, "ValidationException", "Content type must be application/json");
    const body = request.body;
    if (!isObject(body)) return awsError(400, "ValidationException", "Malformed input request, please reformat your input and try again.");

    if (model.family === "cohere") {
      const extra = Object.keys(body).filter((k) => !["texts", "input_type", "truncate", "embedding_types"].includes(k));
      if (extra.length > 0) return awsError(400, "ValidationException", `Malformed input request: #: extraneous key [${extra[0]}] is not permitted, please reformat your input and try again.`);
      if (!isStringList(body.texts) || body.texts.length === 0) return awsError(400, "ValidationException", "Malformed input request: #: required key [texts] not found, please reformat your input and try again.");
      if (body.texts.length > COHERE_MAX_TEXTS) return awsError(400, "ValidationException", `Malformed input request: #/texts: expected maximum item count: ${COHERE_MAX_TEXTS}, found: ${body.texts.length}, please reformat your input and try again.`);
      if (!["search_document", "search_query", "classification", "clustering"].includes(body.input_type as string)) {
        return awsError(400, "ValidationException", "Malformed input request: #/input_type: search_document|search_query|classification|clustering, please reformat your input and try again.");
      }
      const texts = body.texts;
      return {
        status: 200,
        headers: { "x-amzn-bedrock-input-token-count": String(countTokens(texts)) },
        body: { id: "fake-cohere-id", embeddings: texts.map((t) => Array.from(fakeEmbedding(t, model.ndims))), response_type: "embeddings_floats", texts },
      };
    }
    const allowed = model.family === "titan-v2" ? ["inputText", "dimensions", "normalize", "embeddingTypes"] : ["inputText"];
    const extra = Object.keys(body).filter((k) => !allowed.includes(k));
    if (extra.length > 0) return awsError(400, "ValidationException", `Malformed input request: extraneous key [${extra[0]}] is not permitted, please reformat your input and try again.`);
    if (typeof body.inputText !== "string" || body.inputText === "") return awsError(400, "ValidationException", "Malformed input request: #: required key [inputText] not found, please reformat your input and try again.");
    let dims = model.ndims;
    if (body.dimensions !== undefined) {
      if (![256, 512, 1024].includes(body.dimensions as number)) return awsError(400, "ValidationException", "Malformed input request: #/dimensions: 256|512|1024, please reformat your input and try again.");
      dims = body.dimensions as number;
    }
    const embedding = Array.from(fakeEmbedding(body.inputText, dims));
    const tokens = countTokens([body.inputText]);
    return {
      status: 200,
      body: model.family === "titan-v2" ? { embedding, embeddingsByType: { float: embedding }, inputTextTokenCount: tokens } : { embedding, inputTextTokenCount: tokens },
    };
  };

  const server = await startFakeServer(handle);
  return {
    ...server,
    url: server.url,
    requests: server.requests,
    throttleNext(withRetryAfter = false) {
      server.enqueue(awsError(429, "ThrottlingException", "Too many requests, please wait before trying again.", withRetryAfter ? { "retry-after": "0" } : {}));
    },
    invocations: () =>
      server.requests
        .map((request) => ({ request, route: /^\/model\/([^/]+)\/invoke$/.exec(request.path) }))
        .filter((r) => r.route !== null)
        .map(({ request, route }) => ({ modelId: decodeURIComponent(route![1]!), request })),
    get lastAuthFailure() {
      return lastAuthFailure;
    },
  };
}
