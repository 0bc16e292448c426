/**
 * One batch through a CLIP tower: texts through the tokenizer and the text
 * model, images through decoding, the processor and the vision model; the
 * projected embeddings read back one row per input, optionally L2-normalised.
 *
 * @internal
 * @module
 */

import { EmbeddingError } from "../../../errors.js";
import { l2NormaliseInPlace } from "../local-model/pooling.js";
import type { TensorLike } from "../local-model/transformers-runtime.js";
import { truncateBatch } from "../local-model/truncate.js";
import type { LoadedClip, RawImageLike } from "./clip-model.js";
import { sourceError, type ImageBytes, type ImageReadContext } from "./image-source.js";

/** What a batch needs besides the model. */
export interface EmbedContext extends ImageReadContext {
  readonly normalize: boolean;
  /** The longest text in tokens (the option, else the tokenizer's). */
  readonly maxLength: number | undefined;
  /** The expected width (ndims), checked against the model's answer. */
  readonly ndims: number | undefined;
}

/** The text embeddings of `texts`, one model call. */
export async function embedTextBatch(clip: LoadedClip, texts: readonly string[], context: EmbedContext): Promise<Float32Array[]> {
  let outputs: Record<string, TensorLike>;
  try {
    // Tokenised without truncation and cut here, keeping <|endoftext|>: CLIP pools at that token (see truncate.ts).
    const encoded = clip.tokenizer([...texts], { padding: true, truncation: false });
    const maxLength = context.maxLength ?? clip.maxLength;
    const inputs = maxLength === undefined
      ? encoded
      : truncateBatch(encoded, maxLength, clip.closingTokens, clip.tokenizer.pad_token_id ?? 0, clip.makeTensor);
    outputs = await clip.textModel(inputs);
  } catch (error) {
    throw new EmbeddingError(
      `Embedding function "${context.provider}": CLIP model "${context.model}" failed on a batch of ${texts.length} texts.`,
      { provider: context.provider, model: context.model },
      { cause: error },
    );
  }
  return readRows(outputs, "text_embeds", texts.length, context);
}

/** The image embeddings of already-read images, one model call. */
export async function embedImageBatch(clip: LoadedClip, images: readonly ImageBytes[], context: EmbedContext): Promise<Float32Array[]> {
  const decoded: RawImageLike[] = [];
  for (const image of images) {
    try {
      decoded.push(await clip.decodeImage(image.bytes));
    } catch (error) {
      throw sourceError(
        context,
        `could not decode ${image.origin} as an image`,
        "an encoded image (PNG, JPEG, WebP, GIF, AVIF, TIFF)",
        describeBytes(image.bytes),
        error,
        "Store image files' bytes, not raw pixels; the cause has the decoder's reason",
      );
    }
  }
  let outputs: Record<string, TensorLike>;
  try {
    const { pixel_values } = await clip.processor(decoded);
    outputs = await clip.visionModel({ pixel_values });
  } catch (error) {
    throw new EmbeddingError(
      `Embedding function "${context.provider}": CLIP model "${context.model}" failed on a batch of ${images.length} images.`,
      { provider: context.provider, model: context.model },
      { cause: error },
    );
  }
  return readRows(outputs, "image_embeds", images.length, context);
}

function readRows(outputs: Record<string, TensorLike>, name: "text_embeds" | "image_embeds", count: number, context: EmbedContext): Float32Array[] {
  const tensor = outputs[name];
  const dims = tensor?.dims ?? [];
  if (tensor === undefined || dims.length !== 2 || dims[0] !== count) {
    const actual = tensor === undefined ? `outputs ${Object.keys(outputs).join(", ") || "(none)"}` : `dims [${dims.join(", ")}]`;
    throw new EmbeddingError(
      `Embedding function "${context.provider}": CLIP model "${context.model}" did not answer "${name}" of ${count} x width (got ${actual}). ` +
        `Use a CLIP export whose ${name === "text_embeds" ? "text_model" : "vision_model"}.onnx has the projection (…WithProjection).`,
      { provider: context.provider, model: context.model, expected: `${name} [${count}, width]`, actual },
    );
  }
  const width = dims[1]!;
  if (context.ndims !== undefined && width !== context.ndims) {
    throw new EmbeddingError(
      `Embedding function "${context.provider}": CLIP model "${context.model}" produced ${name} of ${width} values, expected ${context.ndims} (ndims).`,
      { provider: context.provider, model: context.model, expected: `${context.ndims} values`, actual: `${width} values` },
    );
  }
  const rows: Float32Array[] = [];
  for (let r = 0; r < count; r++) {
    const row = new Float32Array(width);
    for (let k = 0; k < width; k++) row[k] = Number(tensor.data[r * width + k]!);
    if (context.normalize) l2NormaliseInPlace(row);
    rows.push(row);
  }
  return rows;
}

function describeBytes(bytes: Uint8Array): string {
  const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, "0")).join(" ");
  return `${bytes.byteLength} bytes starting ${head || "(empty)"}`;
}
