/**
 * The options of `open-clip`, checked once in the constructor: LanceDB
 * Python's names (`name`, `pretrained`, `device`, `batch_size`, `normalize`)
 * and Quiver's (`model`, `dtype`, `localFilesOnly`...), with open_clip
 * architecture names mapped to the ONNX exports transformers.js can run.
 *
 * @internal
 * @module
 */

import { isOn, LOCAL_MODEL_DEVICES, LOCAL_MODEL_DTYPES } from "../local-model/local-text-embedding-function.js";
import { normaliseOptions, optionError, readBoolean, readInteger, readString } from "../../http/provider-options.js";

/** The registry name (as in LanceDB). */
export const OPEN_CLIP_FUNCTION_NAME = "open-clip";
/** OpenAI's CLIP ViT-B/32 as an ONNX export: open_clip's "ViT-B-32" with pretrained "openai". */
export const OPEN_CLIP_DEFAULT_MODEL = "Xenova/clip-vit-base-patch32";
/** Images per model call, LanceDB Python's `batch_size` default. */
export const OPEN_CLIP_DEFAULT_BATCH_SIZE = 64;
/** How long fetching one http(s) image may take. */
export const OPEN_CLIP_DEFAULT_TIMEOUT_MS = 30_000;

/** Embedding widths of CLIP exports on the hub, so `ndims()` is known before loading (others: config.json `projection_dim`). */
export const OPEN_CLIP_MODELS: Readonly<Record<string, { readonly ndims: number }>> = Object.freeze({
  "Xenova/clip-vit-base-patch32": { ndims: 512 },
  "Xenova/clip-vit-base-patch16": { ndims: 512 },
  "Xenova/clip-vit-large-patch14": { ndims: 768 },
  "Xenova/clip-vit-large-patch14-336": { ndims: 768 },
});

/**
 * open_clip architecture names whose `pretrained: "openai"` weights are the
 * OpenAI CLIP checkpoints, which exist as ONNX exports. Other pretrained tags
 * (LAION, DataComp...) are different weights: their vectors would not match a
 * table embedded by Python, so they are refused rather than silently swapped.
 */
const OPENAI_ARCHITECTURES: Readonly<Record<string, string>> = {
  "ViT-B-32": "Xenova/clip-vit-base-patch32",
  "ViT-B-16": "Xenova/clip-vit-base-patch16",
  "ViT-L-14": "Xenova/clip-vit-large-patch14",
  "ViT-L-14-336": "Xenova/clip-vit-large-patch14-336",
};

/**
 * Options of `open-clip` (saved with the table). Every value may be a `$var:`
 * reference, e.g. `device: "$var:device:cpu"`.
 */
export interface OpenClipOptions {
  /**
   * A hub id of a CLIP ONNX export ("Xenova/clip-vit-base-patch32"), a local
   * directory holding one (config.json, preprocessor_config.json, tokenizer.json,
   * onnx/text_model.onnx, onnx/vision_model.onnx), or an open_clip architecture
   * name ("ViT-B-32") with `pretrained: "openai"`. LanceDB Python's `name` is read as this.
   */
  model?: string;
  /** open_clip's weights tag; only "openai" has an ONNX export, and only with an architecture name. */
  pretrained?: string;
  /** Where to run: "cpu" (default), "cuda", "dml", "coreml", "webgpu", "gpu", "auto". */
  device?: string;
  /** Weight precision: "fp32" (default), "fp16", "q8", "int8", "uint8", "q4", "bnb4", "q4f16", "auto". */
  dtype?: string;
  /** Images or texts per model call. Default 64 (LanceDB Python's `batch_size`). */
  batchSize?: number | string;
  /** L2-normalise every vector, text and image alike. Default true (as LanceDB Python). */
  normalize?: boolean | string;
  /** Longest text in tokens, special tokens included. Default: the tokenizer's `model_max_length` (77 for CLIP). */
  maxLength?: number | string;
  /** Milliseconds allowed for fetching one http(s) image. Default 30000. */
  timeoutMs?: number | string;
  /** Never contact the hub. Also on when HF_HUB_OFFLINE or TRANSFORMERS_OFFLINE is "1". */
  localFilesOnly?: boolean | string;
  /** Where downloaded models are cached. Default: transformers.js's `env.cacheDir`. */
  cacheDir?: string;
  /** Hub revision (branch, tag or commit). Default "main". */
  revision?: string;
  /** The embedding width, when known before loading (otherwise config.json `projection_dim`). */
  ndims?: number | string;
}

/** The options after checking. @internal */
export interface ResolvedOpenClipOptions {
  readonly model: string;
  readonly device: string;
  readonly dtype: string;
  readonly batchSize: number;
  readonly normalize: boolean;
  readonly maxLength: number | undefined;
  readonly timeoutMs: number;
  readonly localFilesOnly: boolean;
  readonly cacheDir: string | undefined;
  readonly revision: string | undefined;
  readonly ndims: number | undefined;
}

const OPTION_NAMES = [
  "model", "pretrained", "device", "dtype", "batchSize", "normalize", "maxLength", "timeoutMs",
  "localFilesOnly", "cacheDir", "revision", "ndims",
] as const;

/** LanceDB Python's spellings, read from tables it wrote. */
const PYTHON_ALIASES: Readonly<Record<string, string>> = {
  name: "model",
  model_name: "model",
  batch_size: "batchSize",
  max_length: "maxLength",
  local_files_only: "localFilesOnly",
  cache_dir: "cacheDir",
  timeout_ms: "timeoutMs",
};

/** Checks `options` (variables already substituted). @throws InvalidArgumentError naming the option and the fix. */
export function readOpenClipOptions(options: Readonly<Record<string, unknown>>): ResolvedOpenClipOptions {
  const name = OPEN_CLIP_FUNCTION_NAME;
  const o = normaliseOptions(name, options, OPTION_NAMES, PYTHON_ALIASES);
  const model = resolveModelName(readString(name, o, "model"), readString(name, o, "pretrained"));
  return {
    model,
    device: readString(name, o, "device", LOCAL_MODEL_DEVICES) ?? "cpu",
    dtype: readString(name, o, "dtype", LOCAL_MODEL_DTYPES) ?? "fp32",
    batchSize: readInteger(name, o, "batchSize", { min: 1, max: 4096 }) ?? OPEN_CLIP_DEFAULT_BATCH_SIZE,
    normalize: readBoolean(name, o, "normalize") ?? true,
    maxLength: readInteger(name, o, "maxLength", { min: 2, max: 1_000_000 }),
    timeoutMs: readInteger(name, o, "timeoutMs", { min: 1, max: 3_600_000 }) ?? OPEN_CLIP_DEFAULT_TIMEOUT_MS,
    localFilesOnly: readBoolean(name, o, "localFilesOnly") ?? (isOn(process.env.HF_HUB_OFFLINE) || isOn(process.env.TRANSFORMERS_OFFLINE)),
    cacheDir: readString(name, o, "cacheDir"),
    revision: readString(name, o, "revision"),
    ndims: readInteger(name, o, "ndims", { min: 1, max: 65_536 }) ?? OPEN_CLIP_MODELS[model]?.ndims,
  };
}

/**
 * The model to load: an open_clip architecture name becomes the hub id of its
 * OpenAI weights; "hf-hub:owner/repo" (open_clip's spelling) becomes "owner/repo".
 */
function resolveModelName(model: string | undefined, pretrained: string | undefined): string {
  const name = OPEN_CLIP_FUNCTION_NAME;
  if (model === undefined) {
    if (pretrained !== undefined && pretrained !== "openai") throw unsupportedWeights("ViT-B-32", pretrained);
    return OPEN_CLIP_DEFAULT_MODEL;
  }
  const architecture = OPENAI_ARCHITECTURES[model];
  if (architecture !== undefined) {
    if (pretrained !== undefined && pretrained !== "openai") throw unsupportedWeights(model, pretrained);
    return architecture;
  }
  if (pretrained !== undefined && pretrained !== "openai") {
    throw optionError(
      name,
      "pretrained",
      `is ${JSON.stringify(pretrained)}, but model ${JSON.stringify(model)} is not an open_clip architecture name (${Object.keys(OPENAI_ARCHITECTURES).join(", ")})`,
      `Drop "pretrained": a hub id or a directory already names its weights.`,
    );
  }
  return model.startsWith("hf-hub:") ? model.slice("hf-hub:".length) : model;
}

function unsupportedWeights(architecture: string, pretrained: string): Error {
  return optionError(
    OPEN_CLIP_FUNCTION_NAME,
    "pretrained",
    `is ${JSON.stringify(pretrained)}: open_clip's ${architecture} with those weights has no ONNX export that JavaScript can run, ` +
      `and other weights would give vectors unlike the ones already stored`,
    `Use pretrained "openai" (OpenAI's CLIP, ${OPENAI_ARCHITECTURES[architecture] ?? OPEN_CLIP_DEFAULT_MODEL}), or pass "model" as the hub id ` +
      `or directory of a CLIP ONNX export (onnx/text_model.onnx and onnx/vision_model.onnx) and re-embed the table.`,
  );
}
