/**
 * Where an image's bytes come from. A binary column holds the encoded image
 * itself (PNG, JPEG, WebP...); a text column holds where to find it: a file
 * path, a `file://` URL, an `http(s)://` URL (fetched with a timeout), or a
 * base64 `data:` URL. The
 * column's type shows up in the value's type (Uint8Array vs string), so each
 * value is read by what it is.
 *
 * @internal
 * @module
 */

import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { EmbeddingError } from "../../../errors.js";
import { describeStatus, isRetryableHttpStatus } from "../../http/http-status.js";
import { describeUrl } from "../../http/url.js";

/** An image as `open-clip` takes it: encoded bytes, or a path / file:// / http(s):// URL. */
export type OpenClipImage = Uint8Array | string;

/** What reading images needs to know, for its messages and its fetches. */
export interface ImageReadContext {
  readonly provider: string;
  readonly model: string;
  readonly timeoutMs: number;
}

/** The encoded bytes of one image, and how to name it in a message. */
export interface ImageBytes {
  readonly bytes: Uint8Array;
  readonly origin: string;
}

const EXPECTED_SOURCE = "image bytes (binary column) or an image path, file:// or http(s):// URL (utf8 column)";

/**
 * The bytes of `image`.
 *
 * @throws EmbeddingError for a value that is neither bytes nor a location, a
 *   missing or unreadable file, an unsupported URL scheme, or a fetch that
 *   failed (its `status`, retryable for 408/429/5xx, timeouts and network errors).
 */
export async function readImageBytes(image: unknown, context: ImageReadContext): Promise<ImageBytes> {
  if (image instanceof Uint8Array) return { bytes: image, origin: `image bytes (${image.byteLength} bytes)` };
  if (image instanceof ArrayBuffer) return { bytes: new Uint8Array(image), origin: `image bytes (${image.byteLength} bytes)` };
  if (typeof image !== "string") {
    throw sourceError(context, `cannot embed a ${describeKind(image)} as an image`, EXPECTED_SOURCE, describeKind(image));
  }
  const location = image.trim();
  if (/^https?:\/\//i.test(location)) return fetchImage(location, context);
  if (/^file:/i.test(location)) {
    let path: string;
    try {
      path = fileURLToPath(location);
    } catch (error) {
      throw sourceError(context, `cannot read the file URL ${JSON.stringify(location)}`, "a file:// URL of a local file", location, error);
    }
    return readImageFile(path, location, context);
  }
  const inline = /^data:[^,;]*(;[^,;]*)*;base64,/i.exec(location);
  if (inline !== null) {
    const bytes = Buffer.from(location.slice(inline[0].length), "base64");
    return { bytes, origin: `a data: URL (${bytes.byteLength} bytes)` };
  }
  // A scheme of two letters or more ("s3://"): one letter is a Windows drive ("C:\\images\\a.png").
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(location)?.[1];
  if (scheme !== undefined) {
    // Credentials redacted, and only the start shown: such a value may be long (a data: URL that is not base64).
    const described = describeUrl(location);
    const shown = described.length > 80 ? `${described.slice(0, 79)}…` : described;
    throw sourceError(
      context,
      `cannot read images from ${scheme}: URLs (${shown})`,
      "a file path, or a file://, http(s):// or base64 data: URL",
      `a ${scheme}: URL`,
      undefined,
      "Download the image first and store its bytes or path",
    );
  }
  return readImageFile(resolve(location), location, context);
}

async function readImageFile(path: string, given: string, context: ImageReadContext): Promise<ImageBytes> {
  try {
    return { bytes: await readFile(path), origin: `the image file ${path}` };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const problem = code === "ENOENT" ? "does not exist" : code === "EISDIR" ? "is a directory" : "cannot be read";
    // Said plainly because a text column given as the source lands here: its texts are not files.
    throw sourceError(
      context,
      `found no image file at ${JSON.stringify(given)} (${path} ${problem})`,
      "an image path (relative to the working directory) or URL",
      String(code ?? "unreadable"),
      error,
      "The source column holds images; text is embedded only as a query",
    );
  }
}

async function fetchImage(url: string, context: ImageReadContext): Promise<ImageBytes> {
  // The query string may carry a signature (presigned URLs), so messages show describeUrl's redacted form.
  const shown = describeUrl(url);
  let response: Response;
  let bytes: Uint8Array;
  try {
    const signal = AbortSignal.timeout(context.timeoutMs);
    response = await fetch(url, { signal, redirect: "follow", headers: { accept: "image/*" } });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      const status = response.status;
      throw new EmbeddingError(
        `${context.provider}: the image URL ${shown} answered HTTP ${describeStatus(status, response.statusText)}, expected 200 with the image; ` +
          (isRetryableHttpStatus(status) ? "the server may recover, try again later" : "fix the URL in the source column"),
        { provider: context.provider, model: context.model, status, retryable: isRetryableHttpStatus(status), expected: "HTTP 200", actual: `HTTP ${status}` },
      );
    }
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    if (error instanceof EmbeddingError) throw error;
    const timedOut = (error as { name?: unknown }).name === "TimeoutError";
    throw new EmbeddingError(
      `${context.provider}: fetching the image URL ${shown} ` +
        (timedOut ? `took longer than ${context.timeoutMs} ms (option "timeoutMs")` : `failed (${error instanceof Error ? error.message : String(error)})`) +
        `; check that this machine reaches it, then retry`,
      {
        provider: context.provider,
        model: context.model,
        retryable: true,
        expected: "an answer from the image URL",
        actual: timedOut ? `no answer within ${context.timeoutMs} ms` : "a network error",
      },
      { cause: error },
    );
  }
  return { bytes, origin: `the image at ${shown}` };
}

/**
 * A non-retryable error about one source value. Kept short and without a
 * closing period: the ingest stage quotes it (up to 300 characters) inside its
 * own message, which names the table, column and rows.
 */
export function sourceError(
  context: ImageReadContext,
  problem: string,
  expected: string,
  actual: string,
  cause?: unknown,
  fix = "",
): EmbeddingError {
  return new EmbeddingError(
    `${context.provider}: ${problem}: expected ${expected}, got ${actual}${fix === "" ? "" : `. ${fix}`}`,
    { provider: context.provider, model: context.model, retryable: false, expected, actual },
    cause === undefined ? undefined : { cause },
  );
}

function describeKind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "object") return (value as object).constructor?.name ?? "object";
  return typeof value;
}
