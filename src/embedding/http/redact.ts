/**
 * Keeping secrets out of error messages and causes: the values of API keys
 * and tokens are replaced by `[redacted]` wherever they appear.
 *
 * @module
 */

/** What a secret is replaced with. */
export const REDACTED = "[redacted]";

/** Header names whose values are credentials (compared case-insensitively). */
const SENSITIVE_HEADER =
  /^(authorization|proxy-authorization|cookie|api-key|apikey|x-api-key|x-goog-api-key|ocp-apim-subscription-key)$|(^|[-_])(api[-_]?key|access[-_]?key|token|secret|password)$/i;

/** Query parameter names whose values are credentials. */
const SENSITIVE_PARAM = /key|token|secret|password|signature|^sig$|credential|^auth|^code$/i;

/** True when a header of this name carries a credential (`Authorization`, `api-key`, `x-goog-api-key`...). */
export function isSensitiveHeader(name: string): boolean {
  return SENSITIVE_HEADER.test(name);
}

/** True when a URL query parameter of this name carries a credential (`key`, `token`, `sig`...). */
export function isSensitiveQueryParam(name: string): boolean {
  return SENSITIVE_PARAM.test(name);
}

/**
 * The secrets to scrub for one request: the given ones, the values of
 * credential headers (and the token after an auth scheme such as `Bearer`),
 * and the values of credential query parameters. Empty values are dropped.
 */
export function collectSecrets(
  extra: readonly (string | undefined | null)[] = [],
  headers: Readonly<Record<string, string>> = {},
  url?: string | URL,
): string[] {
  const found = new Set<string>();
  const add = (value: string | undefined | null): void => {
    if (typeof value !== "string") return;
    const trimmed = value.trim();
    if (trimmed.length === 0) return;
    found.add(trimmed);
    const scheme = /^(bearer|basic|token|bot|apikey|key)\s+(.+)$/i.exec(trimmed);
    if (scheme) found.add(scheme[2]!.trim());
  };
  for (const value of extra) add(value);
  for (const [name, value] of Object.entries(headers)) if (isSensitiveHeader(name)) add(value);
  if (url !== undefined) {
    try {
      const parsed = new URL(String(url));
      for (const [name, value] of parsed.searchParams) if (isSensitiveQueryParam(name)) add(value);
      if (parsed.password) add(decodeURIComponent(parsed.password));
    } catch {
      // not a URL: nothing to collect from it
    }
  }
  return [...found];
}

/**
 * `text` with every secret (and its URL-encoded and JSON-escaped forms)
 * replaced by `[redacted]`. Longer secrets are replaced first, so a secret
 * that contains another is scrubbed whole.
 */
export function redact(text: string, secrets: readonly string[]): string {
  if (secrets.length === 0 || text.length === 0) return text;
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    forms.add(JSON.stringify(secret).slice(1, -1));
  }
  let out = text;
  for (const form of [...forms].sort((a, b) => b.length - a.length)) {
    if (form.length > 0 && out.includes(form)) out = out.split(form).join(REDACTED);
  }
  return out;
}

/**
 * A copy of `error` safe to attach as a `cause`: same name, message (scrubbed),
 * `code` and nested causes (scrubbed, up to a few levels), but no other
 * fields, so nothing holding a secret (a request object, headers) rides along.
 */
export function redactError(error: unknown, secrets: readonly string[], depth = 0): unknown {
  if (!(error instanceof Error)) {
    return typeof error === "string" ? redact(error, secrets) : error === undefined || error === null ? error : redact(String(error), secrets);
  }
  const cause = depth < 4 && error.cause !== undefined ? redactError(error.cause, secrets, depth + 1) : undefined;
  const copy = new Error(redact(error.message, secrets), cause === undefined ? undefined : { cause });
  copy.name = error.name;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" || typeof code === "number") (copy as Error & { code?: unknown }).code = code;
  if (error.stack) copy.stack = redact(error.stack, secrets);
  return copy;
}
