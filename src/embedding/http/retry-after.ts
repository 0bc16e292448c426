/**
 * How long a provider asks us to wait before retrying: `Retry-After` (seconds
 * or an HTTP date), `retry-after-ms`, and the rate-limit reset headers some
 * APIs send instead (OpenAI's `x-ratelimit-reset-requests: 6m0s`, the IETF
 * draft's `ratelimit-reset: 12`).
 *
 * @module
 */

/** Anything with a case-insensitive `get(name)`, such as fetch's `Headers`. */
export interface HeaderLookup {
  get(name: string): string | null;
}

/**
 * Milliseconds from a `Retry-After` value: delta seconds (fractions accepted,
 * `"0.05"` = 50 ms) or an HTTP date (the time left until it, at least 0).
 * Undefined when the value does not parse.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // An HTTP date names its day and month ("Wed, 21 Oct 2015 07:28:00 GMT"); "-1" is no date.
  if (!/[A-Za-z]{3}/.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * Milliseconds from a duration such as OpenAI's reset headers write them:
 * `"1s"`, `"250ms"`, `"6m0s"`, `"1h2m3.5s"`, or plain seconds (`"12"`).
 * Undefined when the value does not parse.
 */
export function parseDuration(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const parts = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+(?:\.\d+)?)ms)?$/.exec(text);
  if (!parts || text === "") return undefined;
  const [, h, m, s, ms] = parts;
  if (h === undefined && m === undefined && s === undefined && ms === undefined) return undefined;
  return Math.round(Number(h ?? 0) * 3_600_000 + Number(m ?? 0) * 60_000 + Number(s ?? 0) * 1000 + Number(ms ?? 0));
}

/**
 * The wait a response asks for, from its headers, in this order:
 * 1. `retry-after-ms` (OpenAI, Azure OpenAI);
 * 2. `retry-after` (seconds or HTTP date; the standard);
 * 3. `x-ratelimit-reset-requests` / `x-ratelimit-reset-tokens` (OpenAI-style
 *    durations): the reset of the exhausted limit (`x-ratelimit-remaining-*: 0`),
 *    the longer one when both are, or when neither says;
 * 4. `ratelimit-reset` (IETF draft: delta seconds);
 * 5. `x-ratelimit-reset`: epoch seconds or milliseconds when that large, else delta seconds.
 *
 * Undefined when none is present or parses.
 */
export function retryAfterFromHeaders(headers: HeaderLookup, now: number = Date.now()): number | undefined {
  const ms = headers.get("retry-after-ms");
  if (ms !== null && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.round(Number(ms.trim()));
  const standard = parseRetryAfter(headers.get("retry-after"), now);
  if (standard !== undefined) return standard;

  const requests = parseDuration(headers.get("x-ratelimit-reset-requests"));
  const tokens = parseDuration(headers.get("x-ratelimit-reset-tokens"));
  if (requests !== undefined || tokens !== undefined) {
    const requestsOut = headers.get("x-ratelimit-remaining-requests")?.trim() === "0";
    const tokensOut = headers.get("x-ratelimit-remaining-tokens")?.trim() === "0";
    const chosen = [
      requestsOut || !tokensOut ? requests : undefined,
      tokensOut || !requestsOut ? tokens : undefined,
    ].filter((v): v is number => v !== undefined);
    if (chosen.length > 0) return Math.max(...chosen);
  }

  const draft = headers.get("ratelimit-reset");
  if (draft !== null && /^\d+(\.\d+)?$/.test(draft.trim())) return Math.round(Number(draft.trim()) * 1000);

  const reset = headers.get("x-ratelimit-reset");
  if (reset !== null && /^\d+(\.\d+)?$/.test(reset.trim())) {
    const n = Number(reset.trim());
    if (n > 1e12) return Math.max(0, Math.round(n - now));
    if (n > 1e9) return Math.max(0, Math.round(n * 1000 - now));
    return Math.round(n * 1000);
  }
  return undefined;
}
