/**
 * The provider's own words from an error answer. Each API has its shape:
 * OpenAI, Jina's OpenAI route and Ollama `{error: {message}}` or `{error: "..."}`,
 * Cohere and Mistral `{message}`, FastAPI servers `{detail}` (a string or a
 * list of `{loc, msg}`), IBM `{errors: [{message}]}`, Google `{error: {message, status}}`.
 *
 * @module
 */

/**
 * Reads a provider's error text from a parsed body (`undefined` when the body
 * was not JSON) and the raw text. Return undefined to fall back to
 * {@link extractErrorText}.
 */
export type ErrorTextExtractor = (body: unknown, raw: string) => string | undefined;

/** The longest provider text quoted in a message. */
export const MAX_ERROR_TEXT = 200;

/**
 * The error text of the usual shapes (see the module notes), on one line and
 * at most {@link MAX_ERROR_TEXT} characters; the raw text when the body is not
 * JSON (unless it is an HTML page); undefined when there is nothing to quote.
 */
export function extractErrorText(body: unknown, raw: string): string | undefined {
  const found = fromJson(body, 0);
  if (found !== undefined) return clip(found);
  if (body !== undefined) return undefined;
  const text = raw.trim();
  if (text === "") return undefined;
  if (/^<(!doctype|html|\?xml|head|body)/i.test(text)) return "(an HTML page, not the API's JSON: is the base URL right?)";
  return clip(text);
}

/** `text` on one line, clipped to `max` characters. */
export function clip(text: string, max: number = MAX_ERROR_TEXT): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

function fromJson(value: unknown, depth: number): string | undefined {
  if (depth > 4 || value === null || value === undefined) return undefined;
  if (typeof value === "string") return value.trim() === "" ? undefined : value;
  if (Array.isArray(value)) {
    const parts = value.map((item) => fromJson(item, depth + 1)).filter((p): p is string => p !== undefined);
    return parts.length > 0 ? parts.slice(0, 3).join("; ") : undefined;
  }
  if (typeof value !== "object") return undefined;
  const o = value as Record<string, unknown>;
  // FastAPI / pydantic validation item: {loc: [...], msg: "..."}
  if (typeof o.msg === "string") {
    const loc = Array.isArray(o.loc) ? o.loc.filter((p) => p !== "body").join(".") : "";
    return loc ? `${o.msg} (at ${loc})` : o.msg;
  }
  for (const key of ["error", "message", "detail", "errors", "error_description", "errorMessage", "title"]) {
    const text = fromJson(o[key], depth + 1);
    if (text !== undefined) return text;
  }
  return undefined;
}
