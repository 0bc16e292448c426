/**
 * `sentence-transformers` (LanceDB's name): a sentence-embedding model run
 * in-process through transformers.js (ONNX Runtime), as LanceDB Python's
 * SentenceTransformerEmbeddings does with PyTorch. Defaults as LanceDB
 * Python: model "all-MiniLM-L6-v2" (a bare name means the
 * "sentence-transformers/" owner on the hub, as in the Python library),
 * device "cpu", `normalize: true`. A model directory's `modules.json`,
 * `1_Pooling/config.json` and `sentence_bert_config.json` choose pooling and
 * length; the options override them.
 *
 * @module
 */

import { BUILT_IN_NAME } from "../function-names.js";
import {
  LocalTextEmbeddingFunction,
  type LocalModelOptions,
  type LocalModelProfile,
} from "./local-model/local-text-embedding-function.js";

// 1. Registry name and models.
/** The registry name of {@link SentenceTransformersEmbeddingFunction} (as in LanceDB). */
export const SENTENCE_TRANSFORMERS_FUNCTION_NAME = "sentence-transformers";
/** LanceDB Python's default model. */
export const SENTENCE_TRANSFORMERS_DEFAULT_MODEL = "all-MiniLM-L6-v2";

/** Widths of common sentence-transformers models (by the name a user writes), so `ndims()` is known before loading. */
export const SENTENCE_TRANSFORMERS_MODELS: Readonly<Record<string, { readonly ndims: number }>> = Object.freeze({
  "all-MiniLM-L6-v2": { ndims: 384 },
  "all-MiniLM-L12-v2": { ndims: 384 },
  "all-mpnet-base-v2": { ndims: 768 },
  "paraphrase-multilingual-MiniLM-L12-v2": { ndims: 384 },
  "multi-qa-MiniLM-L6-cos-v1": { ndims: 384 },
  "sentence-transformers/all-MiniLM-L6-v2": { ndims: 384 },
  "sentence-transformers/all-mpnet-base-v2": { ndims: 768 },
  "Xenova/all-MiniLM-L6-v2": { ndims: 384 },
  "BAAI/bge-small-en-v1.5": { ndims: 384 },
});

// 2. Options.
/** Options of `sentence-transformers` (LanceDB Python's `name`, `device`, `normalize` are read too). */
export type SentenceTransformersEmbeddingOptions = LocalModelOptions;

const PROFILE: LocalModelProfile = {
  name: SENTENCE_TRANSFORMERS_FUNCTION_NAME,
  defaultModel: SENTENCE_TRANSFORMERS_DEFAULT_MODEL,
  defaultNormalize: true,
  knownModels: SENTENCE_TRANSFORMERS_MODELS,
  toHubId: (model) => (model.includes("/") ? model : `sentence-transformers/${model}`),
};

// 3. The class.
/**
 * Sentence embeddings from a model run in-process (ONNX): mean pooling over
 * the real tokens and L2 normalisation by default. `create()` is async.
 *
 * @example
 * ```ts
 * const fn = await getRegistry().get("sentence-transformers")!.create({ model: "all-MiniLM-L6-v2" });
 * const [v] = await fn.computeSourceEmbeddings(["hello"]); // 384 values, unit length
 * ```
 */
export class SentenceTransformersEmbeddingFunction extends LocalTextEmbeddingFunction {
  /** @internal the built-in registry name, an own property of this class only. */
  static readonly [BUILT_IN_NAME] = SENTENCE_TRANSFORMERS_FUNCTION_NAME;

  constructor(options: SentenceTransformersEmbeddingOptions = {}) {
    super(PROFILE, options);
  }
}
