/**
 * URLs of HTTP providers: joining a base URL and a path, and showing a URL in
 * a message without its credentials.
 *
 * @module
 */

import { REDACTED, isSensitiveQueryParam } from "./redact.js";

/**
 * `base` + `path` with exactly one slash between them; `base` may end with a
 * slash and `path` may start with one. Query parameters are added from `query`
 * (undefined values skipped).
 *
 * @example
 * ```ts
 * joinUrl("https://api.openai.com/v1/", "/embeddings"); // "https://api.openai.com/v1/embeddings"
 * ```
 */
export function joinUrl(base: string, path: string, query?: Readonly<Record<string, string | undefined>>): string {
  const joined = `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
  if (query === undefined) return joined;
  const url = new URL(joined);
  for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, value);
  return url.toString();
}

/**
 * The URL as messages show it: scheme, host, port and path, with the query
 * kept only for harmless parameters (`api-version`); credential parameters
 * (`key`, `token`, `sig`...) show `[redacted]`, and user info is dropped.
 */
export function describeUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return "(an invalid URL)";
  }
  const params: string[] = [];
  for (const [name, value] of parsed.searchParams) {
    params.push(`${encodeURIComponent(name)}=${isSensitiveQueryParam(name) ? REDACTED : encodeURIComponent(value)}`);
  }
  return `${parsed.origin}${parsed.pathname}${params.length > 0 ? `?${params.join("&")}` : ""}`;
}
