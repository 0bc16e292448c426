/**
 * Builds a TINY CLIP-shaped model directory that `@huggingface/transformers`
 * loads like a Hugging Face CLIP export (the layout of Xenova/clip-vit-base-patch32):
 *
 *     config.json                 model_type "clip", projection_dim
 *     tokenizer.json              a WordPiece vocabulary of a few words, <|startoftext|> ... <|endoftext|>
 *     tokenizer_config.json       tokenizer_class "CLIPTokenizer"
 *     preprocessor_config.json    CLIPImageProcessor: resize, centre crop, rescale, normalise
 *     onnx/text_model.onnx        (input_ids, attention_mask) -> text_embeds
 *     onnx/vision_model.onnx      pixel_values [N, 3, 8, 8] -> image_embeds
 *
 * Both graphs are simple enough for a test to compute every output itself:
 *
 *     text_embeds[b]  = mean over real tokens (attention_mask 1) of TOKEN[input_ids[b, s]]  @ PROJECTION
 *     image_embeds[b] = mean over the 8 x 8 pixels of pixel_values[b, c, :, :] (per channel) @ PROJECTION
 *
 * One PROJECTION (3 x 4) serves both towers, and the colour words' token
 * vectors point the way their colour's normalised pixels do, so "red" lands
 * next to a red image: retrieval across modalities works as with a real CLIP.
 * The vision input is declared with fixed height and width, so ONNX Runtime
 * refuses an image the processor did not resize and crop.
 *
 * The ONNX field numbers used here are the public ones of onnx.proto. The
 * test images are PNGs encoded here too (`makePng`, `encodePng`: stored
 * scanlines, zlib, CRC-32), so their raw pixels are known exactly.
 */

import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { deflateSync } from "node:zlib";

// ---------------------------------------------------------------- protobuf (wire format only)

class Proto {
  readonly #bytes: number[] = [];

  #varint(value: number): void {
    let v = BigInt(value);
    while (v >= 0x80n) {
      this.#bytes.push(Number((v & 0x7fn) | 0x80n));
      v >>= 7n;
    }
    this.#bytes.push(Number(v));
  }

  int(field: number, value: number): this {
    this.#varint(field << 3);
    this.#varint(value);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.#varint((field << 3) | 2);
    this.#varint(value.length);
    for (const b of value) this.#bytes.push(b);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (p: Proto) => void): this {
    const inner = new Proto();
    build(inner);
    return this.bytes(field, inner.done());
  }

  done(): Uint8Array {
    return Uint8Array.from(this.#bytes);
  }
}

const FLOAT = 1; // TensorProto.DataType
const INT64 = 7;

type Initializer = { name: string; dims: number[] } & ({ float: Float32Array } | { int64: BigInt64Array });

/** A graph of single-output nodes without attributes (every op used here has usable defaults). */
function onnxModel(spec: {
  name: string;
  nodes: readonly [op: string, inputs: string[], output: string][];
  initializers: readonly Initializer[];
  inputs: readonly [name: string, elemType: number, dims: (number | string)[]][];
  outputs: readonly [name: string, elemType: number, dims: (number | string)[]][];
}): Uint8Array {
  const valueInfo = (p: Proto, [name, elemType, dims]: [string, number, (number | string)[]]): void => {
    p.string(1, name).message(2, (type) =>
      type.message(1, (tensor) =>
        tensor.int(1, elemType).message(2, (shape) => {
          for (const d of dims) shape.message(1, (dim) => (typeof d === "number" ? dim.int(1, d) : dim.string(2, d)));
        }),
      ),
    );
  };
  return new Proto()
    .int(1, 8) // ir_version
    .string(2, "quiver-tiny-clip")
    .message(7, (graph) => {
      spec.nodes.forEach(([op, inputs, output], i) =>
        graph.message(1, (node) => {
          for (const input of inputs) node.string(1, input);
          node.string(2, output).string(3, `${op.toLowerCase()}_${i}`).string(4, op);
        }),
      );
      graph.string(2, spec.name);
      for (const init of spec.initializers) {
        graph.message(5, (t) => {
          for (const d of init.dims) t.int(1, d);
          const data = "float" in init ? init.float : init.int64;
          t.int(2, "float" in init ? FLOAT : INT64).string(8, init.name);
          t.bytes(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
        });
      }
      for (const input of spec.inputs) graph.message(11, (v) => valueInfo(v, input));
      for (const output of spec.outputs) graph.message(12, (v) => valueInfo(v, output));
    })
    .message(8, (opset) => opset.string(1, "").int(2, 13))
    .done();
}

// ---------------------------------------------------------------- the model

/** The vocabulary in id order. Real CLIP also pads with, and maps unknown words to, <|endoftext|>. */
export const TINY_CLIP_VOCAB: readonly string[] = Object.freeze([
  "<|startoftext|>", "<|endoftext|>",
  "a", "photo", "picture", "of", "the", "square", ".",
  "red", "green", "blue", "dog", "cat",
]);
/** Width of the token vectors and of a pixel (3 channels). */
export const TINY_CLIP_HIDDEN = 3;
/** The embedding width (config.json `projection_dim`). */
export const TINY_CLIP_DIMS = 4;
/** Height and width the processor resizes and crops images to. */
export const TINY_CLIP_IMAGE_SIZE = 8;
/** Longest text in tokens, special tokens included. */
export const TINY_CLIP_MAX_LENGTH = 12;
/** CLIP's own normalisation constants (preprocessor_config.json `image_mean` / `image_std`). */
export const TINY_CLIP_IMAGE_MEAN: readonly number[] = [0.48145466, 0.4578275, 0.40821073];
export const TINY_CLIP_IMAGE_STD: readonly number[] = [0.26862954, 0.26130258, 0.27577711];

/** The weights: token vectors (vocab x 3) and the shared projection (3 x 4), exactly representable in float32. */
export interface TinyClipWeights {
  readonly tokens: Float32Array;
  readonly projection: Float32Array;
}

/** Colour words point along their colour's normalised pixel; other tokens get small fixed values. */
export function tinyClipWeights(): TinyClipWeights {
  const colours: Record<string, [number, number, number]> = { red: [1, -1, -1], green: [-1, 1, -1], blue: [-1, -1, 1] };
  const tokens = new Float32Array(TINY_CLIP_VOCAB.length * TINY_CLIP_HIDDEN);
  TINY_CLIP_VOCAB.forEach((token, id) => {
    for (let c = 0; c < TINY_CLIP_HIDDEN; c++) {
      tokens[id * TINY_CLIP_HIDDEN + c] = colours[token]?.[c] ?? Math.round(Math.sin(id * 12.9898 + c * 78.233) * 16) / 64;
    }
  });
  // Full rank, with a fourth output mixing the channels so no output is a copy of an input.
  const projection = Float32Array.from([1, 0, 0, 0.5, 0, 1, 0, -0.25, 0, 0, 1, 0.75]);
  return { tokens, projection };
}

/** onnx/text_model.onnx: masked mean of the token vectors, projected. */
export function tinyClipTextOnnx(weights: TinyClipWeights = tinyClipWeights()): Uint8Array {
  return onnxModel({
    name: "tiny_clip_text",
    nodes: [
      ["Gather", ["token_embedding", "input_ids"], "tokens"], // [b, s, 3]
      ["Gather", ["mask_values", "attention_mask"], "mask"], // [b, s, 1]: 0.0 or 1.0
      ["Mul", ["tokens", "mask"], "masked"],
      ["ReduceSum", ["masked", "axis_tokens"], "summed"], // [b, 1, 3]
      ["ReduceSum", ["mask", "axis_tokens"], "count"], // [b, 1, 1]
      ["Div", ["summed", "count"], "mean"],
      ["MatMul", ["mean", "text_projection"], "projected"], // [b, 1, 4]
      ["Flatten", ["projected"], "text_embeds"], // [b, 4]
    ],
    initializers: [
      { name: "token_embedding", dims: [TINY_CLIP_VOCAB.length, TINY_CLIP_HIDDEN], float: weights.tokens },
      { name: "mask_values", dims: [2, 1], float: Float32Array.from([0, 1]) },
      { name: "axis_tokens", dims: [1], int64: BigInt64Array.from([1n]) },
      { name: "text_projection", dims: [TINY_CLIP_HIDDEN, TINY_CLIP_DIMS], float: weights.projection },
    ],
    inputs: [
      ["input_ids", INT64, ["batch_size", "sequence_length"]],
      ["attention_mask", INT64, ["batch_size", "sequence_length"]],
    ],
    outputs: [["text_embeds", FLOAT, ["batch_size", TINY_CLIP_DIMS]]],
  });
}

/** onnx/vision_model.onnx: per-channel mean of the (already normalised) pixels, projected. */
export function tinyClipVisionOnnx(weights: TinyClipWeights = tinyClipWeights()): Uint8Array {
  const size = TINY_CLIP_IMAGE_SIZE;
  return onnxModel({
    name: "tiny_clip_vision",
    nodes: [
      ["ReduceSum", ["pixel_values", "axes_hw"], "summed"], // [b, 3, 1, 1]
      ["Flatten", ["summed"], "flat"], // [b, 3]
      ["Div", ["flat", "pixel_count"], "mean"],
      ["MatMul", ["mean", "visual_projection"], "image_embeds"], // [b, 4]
    ],
    initializers: [
      { name: "axes_hw", dims: [2], int64: BigInt64Array.from([2n, 3n]) },
      { name: "pixel_count", dims: [1], float: Float32Array.from([size * size]) },
      { name: "visual_projection", dims: [TINY_CLIP_HIDDEN, TINY_CLIP_DIMS], float: weights.projection },
    ],
    inputs: [["pixel_values", FLOAT, ["batch_size", 3, size, size]]],
    outputs: [["image_embeds", FLOAT, ["batch_size", TINY_CLIP_DIMS]]],
  });
}

/** config.json, shaped like a CLIP export's (the loader reads `projection_dim`). */
export function tinyClipConfig(): Record<string, unknown> {
  return {
    architectures: ["CLIPModel"],
    model_type: "clip",
    projection_dim: TINY_CLIP_DIMS,
    text_config: {
      model_type: "clip_text_model",
      hidden_size: TINY_CLIP_HIDDEN,
      vocab_size: TINY_CLIP_VOCAB.length,
      max_position_embeddings: TINY_CLIP_MAX_LENGTH,
      bos_token_id: 0,
      eos_token_id: 1,
      pad_token_id: 1,
    },
    vision_config: {
      model_type: "clip_vision_model",
      hidden_size: TINY_CLIP_HIDDEN,
      image_size: TINY_CLIP_IMAGE_SIZE,
      patch_size: TINY_CLIP_IMAGE_SIZE,
      num_channels: 3,
    },
  };
}

/** preprocessor_config.json: CLIP's pipeline at 8 x 8 (bicubic resize of the shortest edge, centre crop). */
export function tinyClipPreprocessorConfig(): Record<string, unknown> {
  return {
    image_processor_type: "CLIPImageProcessor",
    do_convert_rgb: true,
    do_resize: true,
    size: { shortest_edge: TINY_CLIP_IMAGE_SIZE },
    resample: 3,
    do_center_crop: true,
    crop_size: { height: TINY_CLIP_IMAGE_SIZE, width: TINY_CLIP_IMAGE_SIZE },
    do_rescale: true,
    rescale_factor: 1 / 255,
    do_normalize: true,
    image_mean: TINY_CLIP_IMAGE_MEAN,
    image_std: TINY_CLIP_IMAGE_STD,
  };
}

/** tokenizer.json: lower-casing, whitespace/punctuation split, whole-word lookup, <|startoftext|> A <|endoftext|>. */
export function tinyClipTokenizer(): Record<string, unknown> {
  const vocab = Object.fromEntries(TINY_CLIP_VOCAB.map((token, id) => [token, id]));
  const special = ["<|startoftext|>", "<|endoftext|>"].map((content) => ({
    id: vocab[content], content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
  }));
  const start = { SpecialToken: { id: "<|startoftext|>", type_id: 0 } };
  const end = { SpecialToken: { id: "<|endoftext|>", type_id: 0 } };
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: special,
    normalizer: { type: "Lowercase" },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: {
      type: "TemplateProcessing",
      single: [start, { Sequence: { id: "A", type_id: 0 } }, end],
      pair: [start, { Sequence: { id: "A", type_id: 0 } }, end, { Sequence: { id: "B", type_id: 0 } }, end],
      special_tokens: {
        "<|startoftext|>": { id: "<|startoftext|>", ids: [0], tokens: ["<|startoftext|>"] },
        "<|endoftext|>": { id: "<|endoftext|>", ids: [1], tokens: ["<|endoftext|>"] },
      },
    },
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: { type: "WordPiece", unk_token: "<|endoftext|>", continuing_subword_prefix: "##", max_input_chars_per_word: 100, vocab },
  };
}

/** tokenizer_config.json. */
export function tinyClipTokenizerConfig(): Record<string, unknown> {
  return {
    tokenizer_class: "CLIPTokenizer",
    model_max_length: TINY_CLIP_MAX_LENGTH,
    bos_token: "<|startoftext|>",
    eos_token: "<|endoftext|>",
    pad_token: "<|endoftext|>",
    unk_token: "<|endoftext|>",
    clean_up_tokenization_spaces: true,
  };
}

/** Writes the tiny CLIP to `dir` (created if needed) and returns `dir`. */
export async function writeTinyClip(dir: string, weights: TinyClipWeights = tinyClipWeights()): Promise<string> {
  await mkdir(join(dir, "onnx"), { recursive: true });
  await writeFile(join(dir, "config.json"), JSON.stringify(tinyClipConfig(), null, 2));
  await writeFile(join(dir, "preprocessor_config.json"), JSON.stringify(tinyClipPreprocessorConfig(), null, 2));
  await writeFile(join(dir, "tokenizer.json"), JSON.stringify(tinyClipTokenizer()));
  await writeFile(join(dir, "tokenizer_config.json"), JSON.stringify(tinyClipTokenizerConfig(), null, 2));
  await writeFile(join(dir, "onnx", "text_model.onnx"), tinyClipTextOnnx(weights));
  await writeFile(join(dir, "onnx", "vision_model.onnx"), tinyClipVisionOnnx(weights));
  return dir;
}

// ---------------------------------------------------------------- the reference, in plain JavaScript

function project(weights: TinyClipWeights, v: readonly number[]): number[] {
  const out = new Array<number>(TINY_CLIP_DIMS).fill(0);
  for (let i = 0; i < TINY_CLIP_HIDDEN; i++) {
    for (let j = 0; j < TINY_CLIP_DIMS; j++) out[j]! += v[i]! * weights.projection[i * TINY_CLIP_DIMS + j]!;
  }
  return out;
}

function unit(v: readonly number[]): number[] {
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

/** The token ids of `words` (each must be in the vocabulary), wrapped in <|startoftext|> ... <|endoftext|>. */
export function tinyClipIds(...words: string[]): number[] {
  return ["<|startoftext|>", ...words, "<|endoftext|>"].map((w) => {
    const id = TINY_CLIP_VOCAB.indexOf(w);
    if (id < 0) throw new Error(`tiny CLIP has no token ${JSON.stringify(w)}`);
    return id;
  });
}

/** The text embedding of token ids, computed from the weights (optionally L2-normalised). */
export function tinyClipTextEmbedding(weights: TinyClipWeights, ids: readonly number[], normalize = true): number[] {
  const mean = new Array<number>(TINY_CLIP_HIDDEN).fill(0);
  for (const id of ids) for (let c = 0; c < TINY_CLIP_HIDDEN; c++) mean[c]! += weights.tokens[id * TINY_CLIP_HIDDEN + c]! / ids.length;
  const projected = project(weights, mean);
  return normalize ? unit(projected) : projected;
}

/**
 * The image embedding of an 8 x 8 RGB image given as raw bytes (row-major,
 * 3 bytes a pixel), as the processor then the model compute it: rescale by
 * 1/255, normalise with the config's mean and std, average each channel, project.
 */
export function tinyClipImageEmbedding(weights: TinyClipWeights, rgb: Uint8Array, normalize = true): number[] {
  const pixels = TINY_CLIP_IMAGE_SIZE * TINY_CLIP_IMAGE_SIZE;
  if (rgb.length !== pixels * 3) throw new Error(`expected ${pixels * 3} bytes of RGB, got ${rgb.length}`);
  const mean = new Array<number>(3).fill(0);
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < 3; c++) mean[c]! += (rgb[p * 3 + c]! / 255 - TINY_CLIP_IMAGE_MEAN[c]!) / TINY_CLIP_IMAGE_STD[c]! / pixels;
  }
  const projected = project(weights, mean);
  return normalize ? unit(projected) : projected;
}

// ---------------------------------------------------------------- test images

/** An RGB image: its raw pixels (row-major, 3 bytes a pixel) and the same encoded as PNG. */
export interface TestImage {
  readonly width: number;
  readonly height: number;
  readonly rgb: Uint8Array;
  readonly png: Uint8Array;
}

/** An image whose pixel (x, y) is `colour(x, y)`, encoded as a PNG (8-bit RGB). */
export function makePng(width: number, height: number, colour: (x: number, y: number) => readonly [number, number, number]): TestImage {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) rgb.set(colour(x, y), (y * width + x) * 3);
  }
  return { width, height, rgb, png: encodePng(width, height, 3, rgb) };
}

/** PNG colour types by channel count: greyscale, RGB, RGBA. */
const COLOUR_TYPES: Readonly<Record<1 | 3 | 4, number>> = { 1: 0, 3: 2, 4: 6 };

/** Raw 8-bit pixels (row-major, `channels` bytes a pixel) encoded as a PNG without filtering. */
export function encodePng(width: number, height: number, channels: 1 | 3 | 4, pixels: Uint8Array): Uint8Array {
  const stride = width * channels;
  // Each scanline starts with its filter type (0: none).
  const scanlines = new Uint8Array(height * (1 + stride));
  for (let y = 0; y < height; y++) scanlines.set(pixels.subarray(y * stride, (y + 1) * stride), y * (1 + stride) + 1);
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, COLOUR_TYPES[channels], 0, 0, 0], 8); // bit depth 8, colour type, deflate, adaptive filtering, no interlace
  return concat([
    Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(scanlines)),
    chunk("IEND", new Uint8Array(0)),
  ]);
}

/** A one-colour image. */
export function solidPng(width: number, height: number, colour: readonly [number, number, number]): TestImage {
  return makePng(width, height, () => colour);
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** PNG's CRC-32 (ISO 3309) over a chunk's type and data. */
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
