/**
 * `huggingface` (LanceDB's name) and its alias `transformers`: a Hugging Face
 * encoder model run in-process through transformers.js (ONNX Runtime), from a
 * local directory, the local cache, or the hub when online. The optional peer
 * `@huggingface/transformers` is imported only when a function initialises.
 *
 * Defaults follow LanceDB's TypeScript SDK: model "Xenova/all-MiniLM-L6-v2",
 * mean pooling, no normalisation (pass `normalize: true` for cosine-ready
 * vectors). Unlike LanceDB, mean pooling leaves padding tokens out, so a
 * text's vector does not depend on the other texts of its batch.
 *
 * @module
 */

import { BUILT_IN_NAME } from "../function-names.js";
import {
  LocalTextEmbeddingFunction,
  type LocalModelOptions,
  type LocalModelProfile,
} from "./local-model/local-text-embedding-function.js";

// 1. Registry names and models.
/** The registry name of {@link TransformersEmbeddingFunction} (as in LanceDB). */
export const HUGGINGFACE_FUNCTION_NAME = "huggingface";
/** The registry name of {@link TransformersAliasEmbeddingFunction}, the same provider under its library's name. */
export const TRANSFORMERS_FUNCTION_NAME = "transformers";
/** LanceDB TypeScript's default model (LanceDB Python's is "colbert-ir/colbertv2.0", which has no ONNX export). */
export const HUGGINGFACE_DEFAULT_MODEL = "Xenova/all-MiniLM-L6-v2";

/** Widths of common ONNX encoder models, so `ndims()` is known before loading; others take config.json `hidden_size`. */
export const HUGGINGFACE_MODELS: Readonly<Record<string, { readonly ndims: number }>> = Object.freeze({
  "Xenova/all-MiniLM-L6-v2": { ndims: 384 },
  "Xenova/all-MiniLM-L12-v2": { ndims: 384 },
  "Xenova/all-mpnet-base-v2": { ndims: 768 },
  "Xenova/paraphrase-multilingual-MiniLM-L12-v2": { ndims: 384 },
  "Xenova/bge-small-en-v1.5": { ndims: 384 },
  "Xenova/bge-base-en-v1.5": { ndims: 768 },
  "Xenova/gte-small": { ndims: 384 },
  "Xenova/e5-small-v2": { ndims: 384 },
  "Xenova/multilingual-e5-small": { ndims: 384 },
  "sentence-transformers/all-MiniLM-L6-v2": { ndims: 384 },
  "BAAI/bge-small-en-v1.5": { ndims: 384 },
  "nomic-ai/nomic-embed-text-v1.5": { ndims: 768 },
});

// 2. Options: see LocalModelOptions (model, tokenizer, device, dtype, pooling, normalize, maxLength, batchSize,
//    queryPrefix, sourcePrefix, localFilesOnly, cacheDir, revision, ndims, tokenizerOptions, trustRemoteCode).
/** Options of `huggingface` / `transformers`. */
export type TransformersEmbeddingOptions = LocalModelOptions;

const PROFILE: LocalModelProfile = {
  name: HUGGINGFACE_FUNCTION_NAME,
  defaultModel: HUGGINGFACE_DEFAULT_MODEL,
  defaultNormalize: false,
  knownModels: HUGGINGFACE_MODELS,
  toHubId: (model) => model,
};

// 3. The classes.
/**
 * Text embeddings from a Hugging Face encoder model run in-process (ONNX).
 * `create()` is async: it loads the tokenizer and the model.
 *
 * @example
 * ```ts
 * const fn = await getRegistry().get("huggingface")!.create({ model: "Xenova/all-MiniLM-L6-v2", device: "$var:device:cpu" });
 * const local = await getRegistry().get("huggingface")!.create({ model: "./models/my-encoder", normalize: true });
 * ```
 */
export class TransformersEmbeddingFunction extends LocalTextEmbeddingFunction {
  /** @internal the built-in registry name, an own property of this class only. */
  static readonly [BUILT_IN_NAME]: string = HUGGINGFACE_FUNCTION_NAME;

  constructor(options: TransformersEmbeddingOptions = { model: HUGGINGFACE_DEFAULT_MODEL }) {
    super(PROFILE, options);
  }
}

/** The `transformers` registry name: the same provider as `huggingface`, saved under this name. */
export class TransformersAliasEmbeddingFunction extends TransformersEmbeddingFunction {
  /** @internal the built-in registry name, an own property of this class only. */
  static override readonly [BUILT_IN_NAME]: string = TRANSFORMERS_FUNCTION_NAME;
}
