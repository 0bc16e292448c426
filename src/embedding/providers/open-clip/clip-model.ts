/**
 * A CLIP model loaded through transformers.js: the tokenizer and text tower
 * (CLIPTextModelWithProjection, `onnx/text_model.onnx`), the image processor
 * and vision tower (CLIPVisionModelWithProjection, `onnx/vision_model.onnx`).
 * Loaded once per process and configuration; typed by the few calls made.
 *
 * @internal
 * @module
 */

import { EmbeddingError } from "../../../errors.js";
import { optionError } from "../../http/provider-options.js";
import { resolveModelSource } from "../local-model/model-source.js";
import {
  importTransformers,
  TRANSFORMERS_PACKAGE,
  TRANSFORMERS_VERSION_RANGE,
  type ModelLike,
  type PretrainedOptions,
  type TensorLike,
  type TokenizerLike,
  type TransformersModule,
} from "../local-model/transformers-runtime.js";
import { closingSpecialTokens, type TensorFactory } from "../local-model/truncate.js";
import type { ResolvedOpenClipOptions } from "./options.js";

/** A decoded image (transformers.js RawImage). */
export interface RawImageLike {
  readonly width: number;
  readonly height: number;
}

/** A loaded image processor: resizes, crops, rescales and normalises a batch into `pixel_values`. */
export interface ImageProcessorLike {
  (images: RawImageLike[]): Promise<{ pixel_values: TensorLike }>;
}

/** The CLIP classes of the transformers.js module. */
interface ClipTransformersModule extends TransformersModule {
  readonly CLIPTextModelWithProjection: { from_pretrained(model: string, options?: PretrainedOptions): Promise<ModelLike> };
  readonly CLIPVisionModelWithProjection: { from_pretrained(model: string, options?: PretrainedOptions): Promise<ModelLike> };
  readonly AutoImageProcessor: { from_pretrained(model: string, options?: PretrainedOptions): Promise<ImageProcessorLike> };
  readonly RawImage: { fromBlob(blob: Blob): Promise<RawImageLike> };
}

/** Everything needed to embed text and images with one CLIP. */
export interface LoadedClip {
  readonly tokenizer: TokenizerLike;
  readonly textModel: ModelLike;
  readonly visionModel: ModelLike;
  readonly processor: ImageProcessorLike;
  readonly decodeImage: (bytes: Uint8Array) => Promise<RawImageLike>;
  /** config.json `projection_dim`: the width of both towers' embeddings. */
  readonly projectionDim: number | undefined;
  /** The tokenizer's `model_max_length` (77 for CLIP), when it has a real one. */
  readonly maxLength: number | undefined;
  /** Special tokens after the text (<|endoftext|>): kept when a text is truncated. */
  readonly closingTokens: number;
  readonly makeTensor: TensorFactory;
}

const LOADED = new Map<string, Promise<LoadedClip>>();

/** The model of `options`, loaded once per process and configuration. */
export function loadClip(provider: string, options: ResolvedOpenClipOptions): Promise<LoadedClip> {
  const key = JSON.stringify([options.model, options.device, options.dtype, options.localFilesOnly, options.cacheDir, options.revision]);
  let pending = LOADED.get(key);
  if (pending === undefined) {
    pending = load(provider, options);
    LOADED.set(key, pending);
    // A failed load is forgotten, so a later call (say, once online) tries again.
    pending.catch(() => LOADED.delete(key));
  }
  return pending;
}

async function load(provider: string, options: ResolvedOpenClipOptions): Promise<LoadedClip> {
  const transformers = checkClipClasses(provider, options.model, await importTransformers(provider, options.model));
  const source = await resolveModelSource(options.model);
  if (source.missingPath !== undefined) {
    throw optionError(
      provider,
      "model",
      `names the directory ${source.missingPath}, which does not exist`,
      `Pass an existing directory holding config.json, preprocessor_config.json, tokenizer.json, onnx/text_model.onnx and onnx/vision_model.onnx, or a hub id such as "Xenova/clip-vit-base-patch32".`,
    );
  }
  const files: PretrainedOptions = {};
  if (options.localFilesOnly || source.isDirectory) files.local_files_only = true;
  if (options.cacheDir !== undefined) files.cache_dir = options.cacheDir;
  if (options.revision !== undefined) files.revision = options.revision;
  const session: PretrainedOptions = { ...files, device: options.device, dtype: options.dtype };
  try {
    const [tokenizer, processor, textModel, visionModel] = await Promise.all([
      transformers.AutoTokenizer.from_pretrained(source.location, files),
      transformers.AutoImageProcessor.from_pretrained(source.location, files),
      transformers.CLIPTextModelWithProjection.from_pretrained(source.location, session),
      transformers.CLIPVisionModelWithProjection.from_pretrained(source.location, session),
    ]);
    const idsOf = (text: string): bigint[] =>
      Array.from(tokenizer([text], { padding: false, truncation: false }).input_ids?.data ?? [], (v) => BigInt(v));
    const projection = textModel.config?.projection_dim;
    const tokenizerMax = tokenizer.model_max_length;
    const Tensor = transformers.Tensor;
    return {
      tokenizer,
      textModel,
      visionModel,
      processor,
      // Copied into a Blob: RawImage decodes Blobs (through sharp in Node.js).
      decodeImage: (bytes) => transformers.RawImage.fromBlob(new Blob([new Uint8Array(bytes)])),
      projectionDim: typeof projection === "number" ? projection : undefined,
      maxLength: typeof tokenizerMax === "number" && tokenizerMax < 1_000_000 ? tokenizerMax : undefined,
      closingTokens: closingSpecialTokens(idsOf(""), idsOf("a")),
      makeTensor: (type, data, dims) => new Tensor(type, data, dims),
    };
  } catch (error) {
    const where = source.isDirectory
      ? `the directory ${source.location} (it needs config.json, preprocessor_config.json, tokenizer.json and ` +
        `onnx/text_model${dtypeSuffix(options.dtype)}.onnx + onnx/vision_model${dtypeSuffix(options.dtype)}.onnx)`
      : options.localFilesOnly || transformers.env.allowRemoteModels === false
        ? "the local cache only (remote models are disabled)"
        : "the local cache or the Hugging Face hub";
    throw new EmbeddingError(
      `Embedding function "${provider}": could not load CLIP model "${options.model}" (device "${options.device}", dtype "${options.dtype}") from ${where}. ` +
        `Check the model name, download it once while online, or pass a directory holding a CLIP ONNX export; the cause says what failed.`,
      { provider, model: options.model },
      { cause: error },
    );
  }
}

function checkClipClasses(provider: string, model: string, module: TransformersModule): ClipTransformersModule {
  const m = module as Partial<ClipTransformersModule>;
  const missing = (["CLIPTextModelWithProjection", "CLIPVisionModelWithProjection", "AutoImageProcessor", "RawImage"] as const).filter(
    (name) => m[name] === undefined,
  );
  if (missing.length > 0) {
    throw new EmbeddingError(
      `Embedding function "${provider}": the installed ${TRANSFORMERS_PACKAGE} has no ${missing.join(", ")}. ` +
        `Install a version that has: npm install ${TRANSFORMERS_PACKAGE}@${TRANSFORMERS_VERSION_RANGE}`,
      { provider, model, expected: `${TRANSFORMERS_PACKAGE}@${TRANSFORMERS_VERSION_RANGE}`, actual: `no ${missing.join(", ")}` },
    );
  }
  return module as ClipTransformersModule;
}

function dtypeSuffix(dtype: string): string {
  const suffixes: Record<string, string> = { fp16: "_fp16", q8: "_quantized", int8: "_int8", uint8: "_uint8", q4: "_q4", bnb4: "_bnb4", q4f16: "_q4f16" };
  return suffixes[dtype] ?? "";
}
