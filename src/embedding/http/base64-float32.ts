/**
 * Embeddings as base64 of little-endian float32 values, as OpenAI-compatible
 * APIs answer with `encoding_format: "base64"`: about a quarter of the bytes of
 * the JSON numbers, and no number parsing.
 *
 * @module
 */

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Decodes base64 of little-endian float32 values into a new Float32Array.
 *
 * @throws RangeError when the decoded byte count is not a multiple of 4 (or the text is not base64).
 *
 * @example
 * ```ts
 * decodeFloat32Base64("AACAPwAAAEA="); // Float32Array [1, 2]
 * ```
 */
export function decodeFloat32Base64(text: string): Float32Array {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) {
    throw new RangeError(`not base64 (${text.length} characters starting with ${JSON.stringify(text.slice(0, 12))})`);
  }
  const bytes = Buffer.from(text, "base64");
  if (bytes.byteLength % 4 !== 0) {
    throw new RangeError(`base64 of float32 values must decode to a multiple of 4 bytes, got ${bytes.byteLength}`);
  }
  const out = new Float32Array(bytes.byteLength / 4);
  if (LITTLE_ENDIAN_HOST) {
    new Uint8Array(out.buffer).set(bytes);
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  }
  return out;
}

/** Encodes values as base64 of little-endian float32 (the inverse of {@link decodeFloat32Base64}). */
export function encodeFloat32Base64(values: ArrayLike<number>): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  return Buffer.from(bytes).toString("base64");
}
