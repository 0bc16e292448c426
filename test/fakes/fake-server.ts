// The shared base of the provider fakes: an HTTP server on 127.0.0.1 (an
// ephemeral port) that records every request and answers through a handler,
// after any scripted replies queued with enqueue() (a 429, a 503...).
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { HashingEmbeddingFunction } from "../../src/embedding/providers/hashing.js";

/** A request as the fake received it. */
export interface RecordedRequest {
  method: string;
  /** The path without the query string. */
  path: string;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** The parsed JSON body; undefined when it is not JSON. */
  body: unknown;
}

/** An answer: a status, headers, and a JSON value (or a string sent as it is). */
export interface FakeReply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Milliseconds to wait before answering (timeouts). */
  delayMs?: number;
}

export type FakeHandler = (request: RecordedRequest) => FakeReply | Promise<FakeReply>;

/** A running fake. */
export interface FakeServer {
  /** "http://127.0.0.1:<port>" */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Queues replies for the next requests (in order), before the handler answers. */
  enqueue(...replies: FakeReply[]): void;
  /** Forgets the recorded requests and queued replies. */
  reset(): void;
  close(): Promise<void>;
}

/** Starts a fake on 127.0.0.1 at an ephemeral port. */
export async function startFakeServer(handler: FakeHandler): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const queue: FakeReply[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      void (async () => {
        const rawBody = Buffer.concat(chunks).toString("utf8");
        let body: unknown;
        try {
          body = rawBody === "" ? undefined : JSON.parse(rawBody);
        } catch {
          body = undefined;
        }
        const url = new URL(req.url ?? "/", "http://127.0.0.1");
        const recorded: RecordedRequest = { method: req.method ?? "GET", path: url.pathname, query: url.searchParams, headers: req.headers, rawBody, body };
        requests.push(recorded);
        let reply: FakeReply;
        try {
          reply = queue.shift() ?? (await handler(recorded));
        } catch (error) {
          reply = { status: 500, body: { error: { message: `fake server bug: ${(error as Error).message}` } } };
        }
        if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
        if (res.destroyed) return;
        const text = typeof reply.body === "string" ? reply.body : reply.body === undefined ? "" : JSON.stringify(reply.body);
        res.writeHead(reply.status, {
          "content-type": typeof reply.body === "string" ? "text/plain" : "application/json",
          ...reply.headers,
        });
        res.end(text);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...replies) => queue.push(...replies),
    reset: () => {
      requests.length = 0;
      queue.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const hashers = new Map<number, HashingEmbeddingFunction>();

/**
 * The fakes' embedding of a text: Quiver's lexical `hashing` function at the
 * given width. Deterministic, unit length, and texts sharing words are close,
 * so searches through a fake find sensible rows.
 */
export function fakeEmbedding(text: string, dims: number): Float32Array {
  let fn = hashers.get(dims);
  if (fn === undefined) {
    fn = new HashingEmbeddingFunction({ ndims: dims });
    hashers.set(dims, fn);
  }
  return fn.embedSync(text);
}

/** A rough token count (words), for `usage` fields. */
export function countTokens(texts: readonly string[]): number {
  return texts.reduce((n, t) => n + Math.max(1, t.split(/\s+/).filter(Boolean).length), 0);
}

/** The bearer token of a request, if any. */
export function bearerToken(request: RecordedRequest): string | undefined {
  const header = request.headers.authorization;
  const match = typeof header === "string" ? /^Bearer\s+(.+)$/i.exec(header) : null;
  return match ? match[1]!.trim() : undefined;
}

/** True for a JSON object (not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** True for a list of strings. */
export function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}
