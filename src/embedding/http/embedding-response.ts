/**
 * Reading embeddings out of a provider's answer, checked: the right count, in
 * input order, each a vector of numbers (or base64 float32). A malformed
 * answer is an `EmbeddingError` that says what was expected and what came.
 *
 * @module
 */

import { EmbeddingError } from "../../errors.js";
import { decodeFloat32Base64 } from "./base64-float32.js";
import { describeUrl } from "./url.js";

/** Who answered, for messages. */
export interface ResponseContext {
  provider: string;
  model?: string | undefined;
  url: string | URL;
}

/**
 * The answer does not have the shape the API documents. Not retryable: a
 * wrong base URL or an incompatible server answers the same way every time.
 */
export function invalidResponseError(context: ResponseContext, problem: string, expected: string, actual: string): EmbeddingError {
  return new EmbeddingError(
    `${context.provider}${context.model ? ` (model "${context.model}")` : ""}: the answer of POST ${describeUrl(context.url)} ${problem}: ` +
      `expected ${expected}, got ${actual}. Check that the base URL points at a ${context.provider}-compatible API.`,
    { provider: context.provider, model: context.model, retryable: false, expected, actual },
  );
}

/**
 * The embeddings of an OpenAI-style answer, `{data: [{index, embedding}]}`
 * (OpenAI, Azure OpenAI, Jina, Mistral, Voyage, vLLM...), sorted by `index`.
 * Each `embedding` is an array of numbers or a base64 string of float32
 * values. Items without `index` are taken in answer order.
 *
 * @param count - how many inputs were sent (the answer must have as many).
 * @throws EmbeddingError when the shape, count or indices are wrong.
 */
export function readIndexedEmbeddings(body: unknown, count: number, context: ResponseContext, field = "data"): Float32Array[] {
  const items = typeof body === "object" && body !== null ? (body as Record<string, unknown>)[field] : undefined;
  if (!Array.isArray(items)) {
    throw invalidResponseError(context, `has no "${field}" list`, `{"${field}": [{"index": 0, "embedding": [...]}, ...]}`, describeJson(body));
  }
  if (items.length !== count) {
    throw invalidResponseError(context, "has the wrong number of embeddings", `${count}`, `${items.length}`);
  }
  const out = new Array<Float32Array | undefined>(count);
  items.forEach((item, position) => {
    if (typeof item !== "object" || item === null) {
      throw invalidResponseError(context, `has a malformed item at ${field}[${position}]`, "an object with an embedding", describeJson(item));
    }
    const { index, embedding } = item as { index?: unknown; embedding?: unknown };
    const slot = index === undefined ? position : index;
    if (typeof slot !== "number" || !Number.isInteger(slot) || slot < 0 || slot >= count || out[slot] !== undefined) {
      throw invalidResponseError(context, `has a bad index at ${field}[${position}]`, `distinct integers from 0 to ${count - 1}`, describeJson(index));
    }
    out[slot] = toFloat32(embedding, context, `${field}[${position}].embedding`);
  });
  return out as Float32Array[];
}

/**
 * The embeddings of an answer that lists them in input order, e.g. Ollama's
 * `embeddings` or Cohere's `embeddings.float`: `rows` must be a list of
 * `count` vectors.
 *
 * @param where - the field's path, for messages ("embeddings.float").
 * @throws EmbeddingError when the shape or count is wrong.
 */
export function readEmbeddingRows(rows: unknown, count: number, context: ResponseContext, where: string): Float32Array[] {
  if (!Array.isArray(rows)) {
    throw invalidResponseError(context, `has no "${where}" list`, `"${where}": a list of ${count} vectors`, describeJson(rows));
  }
  if (rows.length !== count) {
    throw invalidResponseError(context, "has the wrong number of embeddings", `${count}`, `${rows.length}`);
  }
  return rows.map((row, i) => toFloat32(row, context, `${where}[${i}]`));
}

/**
 * One embedding as a Float32Array: from an array of numbers, or a base64
 * string of little-endian float32 values.
 *
 * @throws EmbeddingError for anything else (or an empty vector, or a non-number item).
 */
export function toFloat32(value: unknown, context: ResponseContext, where: string): Float32Array {
  let out: Float32Array;
  if (typeof value === "string") {
    try {
      out = decodeFloat32Base64(value);
    } catch (error) {
      throw invalidResponseError(context, `has an undecodable ${where}`, "base64 of float32 values", (error as Error).message);
    }
  } else if (Array.isArray(value)) {
    out = new Float32Array(value.length);
    for (let k = 0; k < value.length; k++) {
      const x = value[k] as unknown;
      if (typeof x !== "number") {
        throw invalidResponseError(context, `has a non-number in ${where}[${k}]`, "numbers", describeJson(x));
      }
      out[k] = x;
    }
  } else {
    throw invalidResponseError(context, `has a malformed ${where}`, "a list of numbers (or base64 float32)", describeJson(value));
  }
  if (out.length === 0) throw invalidResponseError(context, `has an empty ${where}`, "at least one value", "0 values");
  return out;
}

/** A short description of a JSON value for messages. */
function describeJson(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === "object") {
    const keys = Object.keys(value);
    return `an object with keys ${keys.length > 0 ? keys.slice(0, 6).map((k) => JSON.stringify(k)).join(", ") : "(none)"}`;
  }
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}
