/**
 * AWS Signature Version 4 request signing with `node:crypto`, for the
 * `bedrock-text` provider (Quiver depends on no AWS SDK).
 *
 * Implements the header-based form of the algorithm AWS documents as "Create a
 * signed AWS API request": a canonical request (method, URI, query, headers,
 * signed header names, payload hash), a string to sign over its SHA-256, and an
 * HMAC-SHA256 signature with a key derived from the secret, date, region and
 * service. The canonical URI encodes each path segment once more (every
 * service but S3 does this), so a Bedrock model id such as
 * `amazon.titan-embed-text-v2:0`, sent as `...v2%3A0`, is signed as `...v2%253A0`.
 *
 * Tested against AWS's published SigV4 test-suite vectors.
 *
 * @internal
 * @module
 */

import { createHash, createHmac } from "node:crypto";

/** Long-term or temporary AWS credentials. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Present for temporary credentials (STS); sent as `x-amz-security-token`. */
  readonly sessionToken?: string | undefined;
}

/** What {@link signAwsRequest} signs. */
export interface AwsSignInput {
  readonly method: string;
  /** The full URL as it will be requested (its path as it goes on the wire, percent-encoded). */
  readonly url: string | URL;
  /** Headers to sign and send (any case); `host` and `x-amz-date` are added. */
  readonly headers?: Readonly<Record<string, string>>;
  /** The request body, hashed into the signature. */
  readonly body?: string | Uint8Array;
  readonly region: string;
  /** The signing name of the service ("bedrock" for Bedrock runtime). */
  readonly service: string;
  readonly credentials: AwsCredentials;
  /** Signing time; now by default. */
  readonly date?: Date;
}

/** The result of {@link signAwsRequest}: headers to send, plus the intermediate strings (for tests). */
export interface AwsSignature {
  /** The caller's headers plus `x-amz-date`, `x-amz-security-token` (when given) and `authorization`. `host` is left to the HTTP client. */
  readonly headers: Record<string, string>;
  readonly canonicalRequest: string;
  readonly stringToSign: string;
  readonly signedHeaders: string;
  readonly signature: string;
}

const ALGORITHM = "AWS4-HMAC-SHA256";

/**
 * Signs a request with SigV4 (Authorization header form).
 *
 * @example
 * ```ts
 * const { headers } = signAwsRequest({
 *   method: "POST", url, body, region: "us-east-1", service: "bedrock",
 *   headers: { "content-type": "application/json" },
 *   credentials: { accessKeyId, secretAccessKey },
 * });
 * await fetch(url, { method: "POST", headers, body });
 * ```
 */
export function signAwsRequest(input: AwsSignInput): AwsSignature {
  const url = typeof input.url === "string" ? new URL(input.url) : input.url;
  const amzDate = toAmzDate(input.date ?? new Date());
  const day = amzDate.slice(0, 8);
  const toSign: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers ?? {})) toSign[name.toLowerCase()] = value;
  toSign["host"] = url.host;
  toSign["x-amz-date"] = amzDate;
  if (input.credentials.sessionToken) toSign["x-amz-security-token"] = input.credentials.sessionToken;

  const names = Object.keys(toSign).sort();
  const canonicalHeaders = names.map((n) => `${n}:${normaliseHeaderValue(toSign[n]!)}\n`).join("");
  const signedHeaders = names.join(";");
  const payloadHash = sha256Hex(input.body ?? "");
  const canonicalRequest = [
    input.method.toUpperCase(),
    canonicalUri(url.pathname),
    canonicalQuery(url.search),
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join("\n");
  const scope = `${day}/${input.region}/${input.service}/aws4_request`;
  const stringToSign = [ALGORITHM, amzDate, scope, sha256Hex(canonicalRequest)].join("\n");
  const key = signingKey(input.credentials.secretAccessKey, day, input.region, input.service);
  const signature = createHmac("sha256", key).update(stringToSign, "utf8").digest("hex");

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(toSign)) if (name !== "host") headers[name] = value;
  headers["authorization"] =
    `${ALGORITHM} Credential=${input.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { headers, canonicalRequest, stringToSign, signedHeaders, signature };
}

/** The SigV4 signing key: HMAC chain over date, region, service and "aws4_request". */
export function signingKey(secretAccessKey: string, day: string, region: string, service: string): Buffer {
  let key: Buffer = createHmac("sha256", `AWS4${secretAccessKey}`).update(day, "utf8").digest();
  for (const part of [region, service, "aws4_request"]) key = createHmac("sha256", key).update(part, "utf8").digest();
  return key;
}

/**
 * The canonical URI of a (percent-encoded) path: every segment encoded once
 * more with RFC 3986 rules, as AWS does for all services but S3.
 */
export function canonicalUri(path: string): string {
  if (path === "" || path === "/") return "/";
  return path.split("/").map(encodeRfc3986).join("/");
}

/** The canonical query string: names and values RFC 3986-encoded, sorted by name then value. */
export function canonicalQuery(search: string): string {
  const query = search.startsWith("?") ? search.slice(1) : search;
  if (query === "") return "";
  const pairs = query.split("&").filter((p) => p !== "").map((part) => {
    const cut = part.indexOf("=");
    const name = decodeQueryPart(cut < 0 ? part : part.slice(0, cut));
    const value = cut < 0 ? "" : decodeQueryPart(part.slice(cut + 1));
    return [encodeRfc3986(name), encodeRfc3986(value)] as const;
  });
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([n, v]) => `${n}=${v}`).join("&");
}

/** `20150830T123600Z` for a date. */
export function toAmzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/** Hex SHA-256 of a string (UTF-8) or bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Percent-encodes everything but the RFC 3986 unreserved characters, upper-case hex. */
function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decodeQueryPart(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, " "));
  } catch {
    return value;
  }
}

/** Trims a header value and folds runs of white space to one space. */
function normaliseHeaderValue(value: string): string {
  return value.trim().replace(/\s+/g, " ");
}
