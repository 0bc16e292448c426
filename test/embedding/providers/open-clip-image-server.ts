// A tiny HTTP server on 127.0.0.1 serving test images, for the open-clip tests and
// the multimodal example: no test or example ever reaches an outside host.
//   GET /img/<name>      the bytes registered under <name> (404 otherwise)
//   GET /status/<code>   an empty answer with that status
//   GET /flaky/<name>    503 on the first request for <name>, then its bytes
//   GET /slow            never answers (for timeouts)
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ImageServer {
  /** "http://127.0.0.1:<port>" */
  readonly baseUrl: string;
  /** Requests received, by path, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

export async function startImageServer(images: Readonly<Record<string, Uint8Array>>): Promise<ImageServer> {
  const requests: string[] = [];
  const failedOnce = new Set<string>();
  const send = (res: ServerResponse, status: number, body?: Uint8Array): void => {
    res.writeHead(status, body === undefined ? {} : { "content-type": "image/png", "content-length": body.length });
    res.end(body === undefined ? undefined : Buffer.from(body));
  };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    requests.push(path);
    const [, kind, name = ""] = path.split("/");
    if (kind === "slow") return; // never answered; closeAllConnections() ends it
    if (kind === "status") return send(res, Number(name) || 500);
    const image = images[decodeURIComponent(name)];
    if (kind === "flaky" && !failedOnce.has(name)) {
      failedOnce.add(name);
      return send(res, 503);
    }
    if ((kind === "img" || kind === "flaky") && image !== undefined) return send(res, 200, image);
    send(res, 404);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
